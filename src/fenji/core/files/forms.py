"""Form fields for uploads: several files in one input (the checked upload stores each, ``files.services``)."""

from django import forms


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Zero or more files from one ``<input type="file" multiple>``: a list (empty when none was chosen)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def upload_refused(form, error, *, field: str = "files") -> None:
    """Put a ``DomainError`` from a service that stores uploads on ``form``: the upload's own refusal on the file
    field, any other on its field; a file over the limit marks the form for the 413 the page answers."""
    from fenji.core.web.forms import add_domain_error

    from .services import FileTooLarge

    if error.field == "upload":
        form.add_error(field, error.message)
    else:
        add_domain_error(form, error)
    form.too_large = isinstance(error, FileTooLarge)


def upload_form_status(form) -> int:
    """The status of a page showing an upload form: 413 after a file over the limit, 400 after other errors."""
    return 413 if getattr(form, "too_large", False) else (400 if form.is_bound else 200)
