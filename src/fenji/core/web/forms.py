"""Form pages: "POST → service → domain error onto the form → redirect", in one place.

A page that writes through a service calls ``form_post``; only rule errors (``DomainError``) go onto the
form. Refusals (``AccessDenied``, ``NotVisible``) are not caught: the web middleware answers them with a
403 or 404 page and records them, exactly as for any other page.
"""

from django.contrib import messages
from django.shortcuts import redirect

from fenji.core.kernel.errors import DomainError


def add_domain_error(form, error: DomainError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def form_post(request, form, run, *, success, message=""):
    """Run the service behind a bound ``form`` and answer like every form page.

    ``run(cleaned_data)`` calls the service; ``success`` (a URL, or a callable taking what ``run``
    returned) is where to go after it and ``message`` (text or such a callable) the success message.
    Returns the redirect, or None when the page is to be shown (again): a GET, an invalid form, or a
    ``DomainError`` from the service, which is then on the form (its field, else the whole form).
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = run(form.cleaned_data)
    except DomainError as error:
        add_domain_error(form, error)
        return None
    text = message(result) if callable(message) else message
    if text:
        messages.success(request, text)
    return redirect(success(result) if callable(success) else success)
