"""The staff's pages (console): the tickets in scope, one ticket with what the actor may do on it, the office's
reviews, the per-unit report with its Excel export, and the boards."""


from django import forms
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from fenji.core.access import policy
from fenji.core.files.views import attachment_response
from fenji.core.kernel.errors import DomainError, reason_against
from fenji.core.kernel.forms import Form
from fenji.core.kernel.inputs import DateField
from fenji.core.org.models import Unit, UnitStatus
from fenji.core.org.selectors import unit_own
from fenji.core.web.excel import stamp
from fenji.core.web.forms import form_post
from fenji.core.web.query import paging, query_without
from fenji.core.web.routes import requires

from . import exports, fastlist, selectors, services
from . import permissions as perms
from .forms import (
    AnswerForm,
    BoardEditForm,
    BoardForm,
    ExtendDecideForm,
    ExtendForm,
    MergeForm,
    NoteForm,
    ReturnDecideForm,
    ReturnForm,
    units_within,
)
from .models import TicketState


@requires(perms.TICKET_VIEW)
def ticket_list(request):
    state = request.GET.get("state", "")
    overdue = request.GET.get("overdue") == "1"
    now = timezone.now()
    # The fast read path (ADR 0029): the rows of ``selectors.ticket_page``, one query, encoded straight to markup.
    page = fastlist.ticket_rows(actor=request.actor, state=state, overdue=overdue, now=now, **paging(request))
    page.rows = fastlist.html_rows(page.rows, now)
    return render(request, "tickets/list.html", {
        "page": page, "query": query_without(request, "after"), "state": state, "overdue": overdue,
        "states": TicketState.choices, "now": now})


def _unit_choice(pk) -> Unit:
    unit = Unit.objects.filter(pk=pk, status=UnitStatus.ACTIVE).first() if pk else None
    if unit is None:
        raise DomainError(_("请选择改派单位"), field="unit")
    return unit


@requires(perms.TICKET_VIEW)
@require_http_methods(["GET", "POST"])
def ticket_detail(request, pk):
    """One ticket: its history, photos and the forms of what the actor may do now (one ``op`` per POST)."""
    actor = request.actor
    ticket = selectors.ticket_get(actor=actor, pk=pk)
    op = request.POST.get("op", "") if request.method == "POST" else ""
    data = request.POST if request.method == "POST" else None
    here = reverse("tickets:detail", args=[ticket.pk])
    units = units_within(ticket.office)
    forms_ = {
        "progress": NoteForm(data if op == "progress" else None, prefix="progress"),
        "answer": AnswerForm(data if op == "answer" else None, prefix="answer"),
        "return": ReturnForm(data if op == "return" else None, prefix="return"),
        "extend": ExtendForm(data if op == "extend" else None, prefix="extend"),
        "merge": MergeForm(data if op == "merge" else None, prefix="merge",
                           candidates=selectors.merge_candidates(ticket)),
        "return_decide": ReturnDecideForm(data if op == "return_decide" else None, prefix="return_decide",
                                          units=[(k, v) for k, v in units if k != ticket.unit_id]),
        "extend_decide": ExtendDecideForm(data if op == "extend_decide" else None, prefix="extend_decide"),
    }
    runs = {
        "sign": lambda d: services.ticket_sign(actor=actor, ticket=ticket),
        "progress": lambda d: services.ticket_progress(actor=actor, ticket=ticket, note=d["note"]),
        "answer": lambda d: services.ticket_answer(actor=actor, ticket=ticket, answer=d["answer"]),
        "return": lambda d: services.ticket_return(actor=actor, ticket=ticket, reason=d["reason"]),
        "extend": lambda d: services.ticket_extend(actor=actor, ticket=ticket, days=d["days"], reason=d["reason"]),
        "merge": lambda d: services.ticket_merge(actor=actor, ticket=ticket,
                                                 master=selectors.ticket_get(actor=actor, pk=d["master"])),
        "return_decide": lambda d: services.ticket_return_decide(
            actor=actor, ticket=ticket, opinion=d["opinion"],
            reassign_to=_unit_choice(d["unit"]) if d["decision"] == "reassign" else None),
        "extend_decide": lambda d: services.ticket_extend_decide(actor=actor, ticket=ticket,
                                                                 approve=d["decision"] == "approve",
                                                                 opinion=d["opinion"]),
    }
    done_messages = {"sign": _("已签收"), "progress": _("已登记办理情况"), "answer": _("已答复，诉求人会在手机上看到"),
                     "return": _("已申请退单，等待管理单位审核"), "extend": _("已申请延期，等待管理单位审核"),
                     "merge": _("已并单"), "return_decide": _("已审核退单"), "extend_decide": _("已审核延期申请")}
    if op in runs:
        form = forms_.get(op) or Form(data)
        if op == "return_decide" and form.is_valid() and form.cleaned_data["decision"] == "reassign" \
                and not form.cleaned_data.get("unit"):
            form.add_error("unit", _("请选择改派单位"))
        done = form_post(request, form, runs[op], success=here, message=done_messages[op])
        if done:
            return done
    checks = {
        "sign": services.ticket_sign_check, "progress": services.ticket_progress_check,
        "answer": services.ticket_answer_check, "return": services.ticket_return_check,
        "extend": services.ticket_extend_check, "merge": services.ticket_merge_check,
        "return_decide": services.ticket_return_decide_check, "extend_decide": services.ticket_extend_decide_check,
    }
    allowed = {name: reason_against(check, actor=actor, ticket=ticket) == "" for name, check in checks.items()}
    return render(request, "tickets/detail.html", {
        "ticket": ticket, "forms": forms_, "allowed": allowed, "events": ticket.events.select_related("actor__person"),
        "photos": list(selectors.ticket_photos(ticket)), "merged": list(selectors.ticket_list_merged(ticket)),
        "answer_reason": reason_against(services.ticket_answer_check, actor=actor, ticket=ticket)})


@requires(perms.TICKET_VIEW)
def ticket_photo(request, pk, photo):
    ticket = selectors.ticket_get(actor=request.actor, pk=pk)
    return attachment_response(selectors.ticket_photo(ticket, photo))


@requires(perms.TICKET_OVERSEE)
def reviews(request):
    return render(request, "tickets/reviews.html", {"rows": list(selectors.review_list(actor=request.actor)[:200])})


class ReportForm(Form):
    start = DateField(label=_("起始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    end = DateField(label=_("截止日期"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("截止日期不能早于起始日期"))
        return data


@requires(perms.TICKET_VIEW)
def report(request):
    today = timezone.localdate()
    initial = {"start": today.replace(day=1), "end": today}
    form = ReportForm(request.GET or None, initial=initial)
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    else:
        start, end = initial["start"], initial["end"]
        if not form.is_bound:
            form = ReportForm(initial={"start": start.isoformat(), "end": end.isoformat()})
    rows = selectors.ticket_report(actor=request.actor, start=start, end=end)
    unit = unit_own(actor=request.actor)
    if request.GET.get("format") == "xlsx":
        return exports.ticket_report_export(actor=request.actor, title=unit.name, start=start, end=end,
                                            rows=rows).response(f"tickets-{stamp()}.xlsx")
    if request.GET.get("format") == "pdf":
        from fenji.core.web.pdf import pdf_response

        pdf = exports.ticket_report_pdf_export(actor=request.actor, title=unit.name, start=start, end=end, rows=rows,
                                               generated_at=timezone.now())
        return pdf_response(pdf, f"tickets-{stamp()}.pdf")
    return render(request, "tickets/report.html", {"form": form, "rows": rows, "start": start, "end": end,
                                                   "export_query": query_without(request, "format"),
                                                   "may_issue": policy.can(request.actor, "dispatch.dispatch.send",
                                                                           unit.path)})


def _board_numbers(data) -> dict:
    return {key: data[key] for key in ("handle_days", "emergency_hours", "return_days", "extension_max_count",
                                       "extension_max_days", "takes_photos", "takes_location")}


@requires(perms.BOARD_MANAGE)
@require_http_methods(["GET", "POST"])
def boards(request):
    """The boards the actor's scope manages; a new one is managed by the actor's own unit."""
    office = unit_own(actor=request.actor)
    units = units_within(office)
    form = BoardForm(request.POST or None, units=units)

    def run(data):
        unit = Unit.objects.filter(pk=data["unit"]).first()
        return services.board_create(actor=request.actor, office=office, unit=unit, name=data["name"],
                                     description=data["description"], **_board_numbers(data))

    done = form_post(request, form, run, success=reverse("tickets:boards"),
                     message=lambda board: _("已新建版块“%(name)s”") % {"name": board.name})
    return done or render(request, "tickets/boards.html", {
        "form": form, "office": office, "rows": list(selectors.board_list(actor=request.actor)[:500])})


@requires(perms.BOARD_MANAGE)
@require_http_methods(["GET", "POST"])
def board_detail(request, pk):
    board = selectors.board_get(actor=request.actor, pk=pk)
    units = units_within(board.office)
    initial = {key: getattr(board, key) for key in ("name", "description", "handle_days", "emergency_hours",
                                                     "return_days", "extension_max_count", "extension_max_days",
                                                     "takes_photos", "takes_location", "active")}
    form = BoardEditForm(request.POST or None, units=units, initial={**initial, "unit": board.unit_id})

    def run(data):
        unit = Unit.objects.filter(pk=data["unit"]).first()
        return services.board_update(actor=request.actor, board=board, unit=unit, name=data["name"],
                                     description=data["description"], active=data["active"], **_board_numbers(data))

    done = form_post(request, form, run, success=reverse("tickets:boards"), message=_("已保存版块设置"))
    return done or render(request, "tickets/board.html", {"form": form, "board": board})


