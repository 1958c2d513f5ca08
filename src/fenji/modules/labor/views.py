"""The requirement tickets' pages: 业务需求 (the list, a new 申请表, one ticket with its timeline and the form of
the step the reader may take now, the two annexes as PDF, the policy files) and 需求台账 (the information centre's
ledger with Excel)."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from fenji.core.access import policy
from fenji.core.files.forms import upload_form_status, upload_refused
from fenji.core.files.views import attachment_response
from fenji.core.kernel.errors import DomainError, NotVisible
from fenji.core.kernel.pagination import newest_first_page
from fenji.core.kernel.replicas import replica_reads
from fenji.core.org.selectors import unit_own
from fenji.core.web.excel import stamp
from fenji.core.web.forms import form_post
from fenji.core.web.pdf import pdf_response
from fenji.core.web.query import export_query, paging
from fenji.core.web.routes import requires

from . import exports, selectors, services
from . import module as perms
from .forms import (
    AssessForm,
    BusinessTestForm,
    DecisionForm,
    NoteForm,
    PassForm,
    ReleaseForm,
    ReleasePlanForm,
    ScheduleForm,
    TicketFilterForm,
    TicketForm,
)
from .models import TicketState

S = TicketState


def _filters(request):
    filters = TicketFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    return filters, {"state": data.get("state", ""), "subsystem": data.get("subsystem", ""),
                     "text": data.get("text", ""), "overdue": bool(data.get("overdue")), "year": data.get("year")}


@requires(perms.TICKET_VIEW)
@replica_reads
def tickets(request):
    actor = request.actor
    filters, chosen = _filters(request)
    rows = selectors.ticket_list(actor=actor, **chosen)
    own = unit_own(actor=actor)
    return render(request, "labor/tickets.html", {
        "filters": filters, "page": newest_first_page(rows, **paging(request)), "counts": selectors.ticket_counts(rows),
        "today": timezone.localdate(), "may_file": policy.can(actor, perms.TICKET_FILE, own.path)})


@requires(perms.TICKET_FILE)
@require_http_methods(["GET", "POST"])
def ticket_new(request):
    actor = request.actor
    own = unit_own(actor=actor)
    policy.require(actor, perms.TICKET_FILE, own.path)
    form = TicketForm(request.POST or None, request.FILES or None, review_units=services.review_unit_choices(own),
                      initial={"system_name": _("劳动力资源信息平台"), "contact_name": request.user.person.real_name})
    if request.method == "POST" and form.is_valid():
        try:
            ticket = services.ticket_draft(actor=actor, unit=own, **form.service_arguments())
        except DomainError as error:
            upload_refused(form, error)
        else:
            from django.contrib import messages

            messages.success(request, _("已保存草稿，确认无误后提交部门负责人签批"))
            return redirect("labor:ticket", ticket.pk)
    return render(request, "labor/ticket_form.html", {"form": form, "own": own}, status=upload_form_status(form))


@requires(perms.TICKET_FILE)
@require_http_methods(["GET", "POST"])
def ticket_edit(request, pk):
    actor = request.actor
    ticket = selectors.ticket_get(actor=actor, pk=pk)
    policy.require(actor, perms.TICKET_FILE, ticket.unit_path)
    initial = {name: getattr(ticket, name) for name in ("system_name", "subsystem", "title", "kind", "urgency",
                                                        "urgent_reason", "description", "contact_name", "contact_phone")}
    initial["review_unit"] = ticket.review_unit_id
    form = TicketForm(request.POST or None, request.FILES or None, review_units=services.review_unit_choices(ticket.unit),
                      initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.ticket_update(actor=actor, ticket=ticket, **form.service_arguments())
        except DomainError as error:
            upload_refused(form, error)
        else:
            return redirect("labor:ticket", ticket.pk)
    return render(request, "labor/ticket_form.html", {"form": form, "own": ticket.unit, "ticket": ticket},
                  status=upload_form_status(form))


def _yes(value) -> bool:
    return value == "yes"


@requires(perms.TICKET_VIEW)
@require_http_methods(["GET", "POST"])
def ticket(request, pk):
    actor = request.actor
    item = selectors.ticket_get(actor=actor, pk=pk)
    here = reverse("labor:ticket", args=[item.pk])
    steps = selectors.steps_open_to(actor, item)
    op = request.POST.get("op") if request.method == "POST" else None
    if op is not None and (op not in steps or op == "edit"):  # the draft is edited on its own page
        # the service names why (no right, another vendor, the wrong step): answered as a refusal, never a 500
        return _refused(request, item, op)
    posted = request.POST if op else None
    forms = {}
    if "submit" in steps:
        forms["submit"] = NoteForm(posted if op == "submit" else None, prefix="submit")
    for step in ("sign", "review"):
        if step in steps:
            forms[step] = DecisionForm(posted if op == step else None, prefix=step)
    if S.INTAKE in steps:
        forms[S.INTAKE] = DecisionForm(posted if op == S.INTAKE else None, prefix=S.INTAKE,
                                       vendors=list(services.vendor_units(actor)))
    if S.ASSESSING in steps:
        forms[S.ASSESSING] = AssessForm(posted if op == S.ASSESSING else None, prefix=S.ASSESSING)
    if S.SCHEDULING in steps:
        forms[S.SCHEDULING] = ScheduleForm(posted if op == S.SCHEDULING else None, prefix=S.SCHEDULING)
    if S.DEVELOPING in steps:
        forms[S.DEVELOPING] = NoteForm(posted if op == S.DEVELOPING else None, prefix=S.DEVELOPING)
    if S.INTERNAL_TEST in steps:
        forms[S.INTERNAL_TEST] = PassForm(posted if op == S.INTERNAL_TEST else None, prefix=S.INTERNAL_TEST)
    if "business_test" in steps:
        forms["business_test"] = BusinessTestForm(posted if op == "business_test" else None, prefix="business_test",
                                                  sides=selectors.open_test_sides(actor, item),
                                                  initial={"tested_on": timezone.localdate()})
    if S.RELEASE_PLAN in steps:
        forms[S.RELEASE_PLAN] = ReleasePlanForm(posted if op == S.RELEASE_PLAN else None, prefix=S.RELEASE_PLAN)
    if S.RELEASING in steps:
        forms[S.RELEASING] = ReleaseForm(posted if op == S.RELEASING else None, prefix=S.RELEASING)
    if op:
        done = form_post(request, forms[op], lambda d: _run(actor, item, op, d, forms[op]), success=here,
                         message=_("已办理"))
        if done:
            return done
    return render(request, "labor/ticket.html", {
        "item": item, "forms": forms, "steps": item.steps.select_related("actor"), "tests": item.tests.all(),
        "basis": selectors.ticket_basis(item), "overdue": selectors.is_overdue(item), "may_edit": "edit" in steps})


def _run(actor, item, op, d, form):
    if op == "submit":
        return services.ticket_submit(actor=actor, ticket=item)
    if op == "sign":
        return services.ticket_sign(actor=actor, ticket=item, approve=_yes(d["decision"]), note=d["note"])
    if op == "review":
        return services.ticket_review(actor=actor, ticket=item, approve=_yes(d["decision"]), note=d["note"])
    if op == S.INTAKE:
        return services.ticket_intake(actor=actor, ticket=item, accept=_yes(d["decision"]), note=d["note"],
                                      vendor_unit=form.vendors.get(d.get("vendor_unit")))
    if op == S.ASSESSING:
        return services.ticket_assess(actor=actor, ticket=item, feasible=_yes(d["feasible"]),
                                      assessment=d["assessment"], plan=d["plan"])
    if op == S.SCHEDULING:
        return services.ticket_schedule(actor=actor, ticket=item, dev_due=d["dev_due"], note=d["note"])
    if op == S.DEVELOPING:
        return services.ticket_develop(actor=actor, ticket=item, note=d["note"])
    if op == S.INTERNAL_TEST:
        return services.ticket_internal_test(actor=actor, ticket=item, passed=_yes(d["passed"]), note=d["note"])
    if op == "business_test":
        return services.ticket_business_test(actor=actor, ticket=item, side=d["side"], passed=_yes(d["passed"]),
                                             result=d["result"], tested_on=d["tested_on"])
    if op == S.RELEASE_PLAN:
        return services.ticket_release_plan(actor=actor, ticket=item, scope=d["scope"], start=d["start"],
                                            end=d["end"], lead=d["lead"])
    return services.ticket_release(actor=actor, ticket=item, succeeded=_yes(d["succeeded"]), result=d["result"])


def _refused(request, item, op):
    """A step the reader may not take now (another party's step, or not the ticket's current one): said on the
    ticket's page; the services refuse the same through the API."""
    from django.contrib import messages

    messages.error(request, _("该需求当前为“%(state)s”，您不能办理这一环节") % {"state": item.get_state_display()})
    return redirect("labor:ticket", item.pk)


@requires(perms.TICKET_VIEW)
def ticket_file(request, pk, file_pk):
    item = selectors.ticket_get(actor=request.actor, pk=pk)
    found = selectors.ticket_basis(item).filter(pk=file_pk).first()
    if found is None:
        raise NotVisible("附件不存在")
    return attachment_response(found)


def _pdf(request, pk, form):
    item = selectors.ticket_get(actor=request.actor, pk=pk)
    pdf = exports.ticket_pdf_export(actor=request.actor, ticket=item, form=form)
    return pdf_response(pdf, f"{exports.FORMS[form]}-{item.number or item.pk}.pdf")


@requires(perms.TICKET_VIEW)
def application_pdf(request, pk):
    """附件1 业务需求申请表."""
    return _pdf(request, pk, "application")


@requires(perms.TICKET_VIEW)
def release_pdf(request, pk):
    """附件2 业务需求程序发布确认单."""
    return _pdf(request, pk, "release")


@requires(perms.TICKET_DISPATCH)
def ledger(request):
    actor = request.actor
    filters, chosen = _filters(request)
    rows = selectors.ticket_list(actor=actor, **chosen).filter(policy.scope_q(actor, perms.TICKET_DISPATCH))
    if request.GET.get("format") == "xlsx":
        return exports.ledger_export(actor=actor, rows=rows, filters={k: str(v) for k, v in chosen.items() if v}) \
            .response(f"requirements-{stamp()}.xlsx")
    page = newest_first_page(rows, **paging(request))
    return render(request, "labor/ledger.html", {
        "filters": filters, "page": page, "rows": list(selectors.ledger_rows(page.rows)),
        "counts": selectors.ticket_counts(rows),
        "export_query": export_query(request)})
