"""The citizen's pages on the phone: my tickets, filing one (with photos), one ticket with its answer and the
rating, and the public replies (no sign-in)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from fenji.core.files.services import FileTooLarge
from fenji.core.files.views import attachment_response
from fenji.core.kernel.errors import DomainError
from fenji.core.web.forms import add_domain_error, form_post
from fenji.core.web.routes import public, signed_in

from . import selectors, services
from .forms import RateForm, TicketForm
from .models import TicketState

LIMIT = 50


@signed_in(channel="mobile")
def my_tickets(request):
    return render(request, "tickets/m_list.html", {
        "rows": list(selectors.ticket_list_mine(account=request.user)[:LIMIT])})


@signed_in(channel="mobile")
@require_http_methods(["GET", "POST"])
def ticket_new(request):
    boards = list(selectors.board_list_open())
    form = TicketForm(request.POST or None, request.FILES or None, boards=boards,
                      initial={"board": request.GET.get("board", "")})
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            board = selectors.board_get_open(pk=data["board"])
            ticket = services.ticket_file(
                actor=request.actor, board=board, content=data["content"], location_text=data["location_text"],
                latitude=data["latitude"], longitude=data["longitude"], public_ok=data["public_ok"],
                emergency=data["emergency"], photos=data["photos"])
        except DomainError as error:
            add_domain_error(form, DomainError(error.message, field="photos" if error.field == "upload" else error.field))
            status = 413 if isinstance(error, FileTooLarge) else 400
        else:
            messages.success(request, _("已提交，承办单位签收和答复后会通知您"))
            return redirect(reverse("tickets:m_detail", args=[ticket.pk]))
    elif form.is_bound:
        status = 400
    return render(request, "tickets/m_new.html", {"form": form, "boards": boards}, status=status)


@signed_in(channel="mobile")
@require_http_methods(["GET", "POST"])
def ticket_detail(request, pk):
    ticket = selectors.ticket_get_mine(account=request.user, pk=pk)
    form = RateForm(request.POST or None)
    here = reverse("tickets:m_detail", args=[ticket.pk])
    done = form_post(request, form, lambda d: services.ticket_rate(actor=request.actor, ticket=ticket, **d),
                     success=here, message=_("感谢您的评价"))
    return done or render(request, "tickets/m_detail.html", {
        "ticket": ticket, "form": form, "photos": list(selectors.ticket_photos(ticket)), "can_rate": ticket.state == TicketState.ANSWERED,
        "events": ticket.events.all()})


@signed_in(channel="mobile")
def ticket_photo(request, pk, photo):
    ticket = selectors.ticket_get_mine(account=request.user, pk=pk)
    return attachment_response(selectors.ticket_photo(ticket, photo))


@public
def public_replies(request):
    """Answers the citizens agreed to show: board, content, answer — no name, numbers masked."""
    rows = [{"board": t.board.name, "unit": t.unit.name, "content": selectors.mask_numbers(t.content),
             "answer": selectors.mask_numbers(t.answer), "answered_at": t.answered_at}
            for t in selectors.ticket_list_public()[:LIMIT]]
    return render(request, "tickets/m_public.html", {"rows": rows})
