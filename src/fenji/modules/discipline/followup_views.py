"""以案促改, 外出报备 and 党风政风监督 pages: the lists with their filters, counts, pages and Excel; one item with the form of the
step open to the reader; filing a 外出报备."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from fenji.core.access import policy
from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.pagination import newest_first_page
from fenji.core.org.selectors import unit_own
from fenji.core.org.widgets import filter_form
from fenji.core.web.excel import stamp
from fenji.core.web.forms import add_domain_error, form_post
from fenji.core.web.query import export_query, filters_shown, paging
from fenji.core.web.routes import requires

from . import exports, followup_selectors, followup_services
from . import module as perms
from .forms import (
    AbsenceApproveForm,
    AbsenceExtendForm,
    AbsenceFilterForm,
    AbsenceForm,
    AbsenceReturnForm,
    ConductFilterForm,
    ConductForm,
    ConductReportForm,
    RectificationFilterForm,
    RectificationRecordForm,
    RectificationRevisitForm,
)
from .models import AbsenceState, RectificationState
from .selectors import state_counts
from .services import RankRefused


@requires(perms.RECTIFY_VIEW)
def rectifications(request):
    actor = request.actor
    filters, data, unit = filter_form(request, RectificationFilterForm, perms.RECTIFY_VIEW)
    rows = followup_selectors.rectification_list(actor=actor, unit=unit, state=data.get("state", ""),
                                                 overdue=bool(data.get("overdue")), start=data.get("start"),
                                                 end=data.get("end"), number=data.get("number", ""))
    if request.GET.get("format") == "xlsx":
        return exports.rectification_export(actor=actor, items=rows, filters=filters_shown(data, unit)).response(
            f"rectifications-{stamp()}.xlsx")
    return render(request, "discipline/rectifications.html", {
        "filters": filters, "page": newest_first_page(rows, **paging(request)), "unit": unit,
        "counts": state_counts(rows, RectificationState.choices), "today": timezone.localdate(),
        "export_query": export_query(request)})


@requires(perms.RECTIFY_VIEW)
@require_http_methods(["GET", "POST"])
def rectification(request, pk):
    actor = request.actor
    item = followup_selectors.rectification_get(actor=actor, pk=pk)
    may_manage = policy.can(actor, perms.RECTIFY_MANAGE, item.unit_path) and item.state != RectificationState.CLOSED
    op = request.POST.get("op") if request.method == "POST" else None
    if request.method == "POST" and (not may_manage or op not in ("record", "revisit", "close")):
        policy.require(actor, perms.RECTIFY_MANAGE, item.unit_path)
        messages.error(request, _("该以案促改事项已办结"))
        return redirect("discipline:rectification", item.pk)
    here = reverse("discipline:rectification", args=[item.pk])
    record = RectificationRecordForm(request.POST if op == "record" else None, prefix="record")
    revisit = RectificationRevisitForm(request.POST if op == "revisit" else None, prefix="revisit",
                                       initial={"revisited_on": timezone.localdate()})
    done = None
    if op == "record":
        done = form_post(request, record, lambda d: followup_services.rectification_record(actor=actor, item=item, **d),
                         success=here, message=_("已登记"))
    elif op == "revisit":
        done = form_post(request, revisit, lambda d: followup_services.rectification_revisit(
            actor=actor, item=item, **d), success=here, message=_("已登记回访"))
    elif op == "close":
        try:
            followup_services.rectification_close(actor=actor, item=item)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已办结"))
        return redirect(here)
    return done or render(request, "discipline/rectification.html", {
        "item": item, "may_manage": may_manage, "record": record, "revisit": revisit, "today": timezone.localdate()})


@requires(perms.ABSENCE_VIEW)
def absences(request):
    """外出报备: the county office reads every unit's (its grant at the commission)."""
    actor = request.actor
    filters, data, unit = filter_form(request, AbsenceFilterForm, perms.ABSENCE_VIEW)
    rows = followup_selectors.absence_list(actor=actor, unit=unit, state=data.get("state", ""),
                                           purpose=data.get("purpose", ""), overdue=bool(data.get("overdue")),
                                           start=data.get("start"), end=data.get("end"), name=data.get("name", ""))
    if request.GET.get("format") == "xlsx":
        return exports.absence_export(actor=actor, absences=rows, filters=filters_shown(data, unit)).response(
            f"absences-{stamp()}.xlsx")
    today = timezone.localdate()
    return render(request, "discipline/absences.html", {
        "filters": filters, "page": newest_first_page(rows, **paging(request)), "unit": unit,
        "counts": state_counts(rows, AbsenceState.choices),
        "overdue": rows.filter(followup_selectors.absence_overdue_q(today)).count(), "today": today,
        "may_file": policy.can(actor, perms.ABSENCE_FILE, actor.unit_path), "export_query": export_query(request)})


def _people(actor):
    from fenji.core.people.models import Account, AccountStatus

    return list(Account.objects.unscoped(reason="the people of the filer's unit, checked by the service")
                .filter(unit_id=actor.unit_id, status=AccountStatus.ACTIVE).select_related("person")
                .order_by("id")[:300])


@requires(perms.ABSENCE_FILE)
@require_http_methods(["GET", "POST"])
def absence_new(request):
    actor = request.actor
    policy.require(actor, perms.ABSENCE_FILE, actor.unit_path)
    people = _people(actor)
    form = AbsenceForm(request.POST or None, people=people, initial={"start_on": timezone.localdate()})
    def file(data):
        chosen = data.pop("person")
        return followup_services.absence_file(actor=actor, person=next(a for a in people if a.pk == chosen), **data)

    done = form_post(request, form, file, success=lambda a: reverse("discipline:absence", args=[a.pk]),
                     message=_("已填报，待审批"))
    return done or render(request, "discipline/absence_new.html", {"form": form})


@requires(perms.ABSENCE_VIEW)
@require_http_methods(["GET", "POST"])
def absence(request, pk):
    actor = request.actor
    item = followup_selectors.absence_get(actor=actor, pk=pk)
    may_file = policy.can(actor, perms.ABSENCE_FILE, item.unit_path)
    steps = {"approve": item.state == AbsenceState.SUBMITTED and item.person_id != actor.account_id
             and policy.can(actor, perms.ABSENCE_APPROVE, item.unit_path),
             "extend": may_file and item.state == AbsenceState.APPROVED,
             "return": may_file and item.state == AbsenceState.APPROVED}
    op = request.POST.get("op") if request.method == "POST" else None
    if request.method == "POST" and not steps.get(op):
        policy.require(actor, perms.ABSENCE_APPROVE if op == "approve" else perms.ABSENCE_FILE, item.unit_path)
        messages.error(request, _("该外出报备当前不能由您办理这一步"))
        return redirect("discipline:absence", item.pk)
    here = reverse("discipline:absence", args=[item.pk])
    today = timezone.localdate()
    forms = {"approve": AbsenceApproveForm(request.POST if op == "approve" else None, prefix="approve"),
             "extend": AbsenceExtendForm(request.POST if op == "extend" else None, prefix="extend"),
             "return": AbsenceReturnForm(request.POST if op == "return" else None, prefix="return",
                                         initial={"returned_on": today})}
    run = {"approve": (lambda d: followup_services.absence_approve(actor=actor, absence=item, **d), _("已审批")),
           "extend": (lambda d: followup_services.absence_extend(actor=actor, absence=item, **d), _("已延期")),
           "return": (lambda d: followup_services.absence_return(actor=actor, absence=item, **d), _("已销假"))}
    if op in run:
        done = form_post(request, forms[op], run[op][0], success=here, message=run[op][1])
        if done:
            return done
    return render(request, "discipline/absence.html", {
        "item": item, "steps": steps, "forms": forms, "extensions": followup_selectors.absence_extensions(item),
        "overdue": followup_selectors.absence_is_overdue(item, today)})


@requires(perms.CONDUCT_VIEW)
def conduct_records(request):
    """党风政风监督: the records of the reader's scope (党风政风监督室 checks what was reported)."""
    actor = request.actor
    filters, data, unit = filter_form(request, ConductFilterForm, perms.CONDUCT_VIEW)
    rows = followup_selectors.conduct_list(actor=actor, unit=unit, kind=data.get("kind", ""),
                                           reported=data.get("reported", ""), start=data.get("start"),
                                           end=data.get("end"))
    if request.GET.get("format") == "xlsx":
        return exports.conduct_export(actor=actor, records=rows, filters=filters_shown(data, unit)).response(
            f"conduct-{stamp()}.xlsx")
    return render(request, "discipline/conduct_records.html", {
        "filters": filters, "page": newest_first_page(rows, **paging(request)), "unit": unit,
        "counts": followup_selectors.conduct_counts(rows),
        "may_record": policy.can(actor, perms.CONDUCT_RECORD, actor.unit_path), "export_query": export_query(request)})


@requires(perms.CONDUCT_RECORD)
@require_http_methods(["GET", "POST"])
def conduct_new(request):
    actor = request.actor
    own = unit_own(actor=actor)
    policy.require(actor, perms.CONDUCT_RECORD, own.path)
    form = ConductForm(request.POST or None, initial={"found_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            record = followup_services.conduct_record(actor=actor, unit=own, **form.service_arguments())
        except RankRefused as refused:
            messages.error(request, refused.message)
            return redirect("discipline:conduct_records")
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("已登记"))
            return redirect("discipline:conduct_record", record.pk)
    return render(request, "discipline/conduct_new.html", {"form": form, "own": own})


@requires(perms.CONDUCT_VIEW)
@require_http_methods(["GET", "POST"])
def conduct_record(request, pk):
    actor = request.actor
    item = followup_selectors.conduct_get(actor=actor, pk=pk)
    may_report = item.reported_on is None and policy.can(actor, perms.CONDUCT_RECORD, item.unit_path)
    if request.method == "POST" and not may_report:
        policy.require(actor, perms.CONDUCT_RECORD, item.unit_path)
        messages.error(request, _("该记录已上报"))
        return redirect("discipline:conduct_record", item.pk)
    form = ConductReportForm(request.POST or None, initial={"reported_on": timezone.localdate()})
    done = form_post(request, form, lambda d: followup_services.conduct_report(actor=actor, record=item, **d),
                     success=reverse("discipline:conduct_record", args=[item.pk]), message=_("已上报"))
    return done or render(request, "discipline/conduct_record.html", {"item": item, "form": form,
                                                                      "may_report": may_report})
