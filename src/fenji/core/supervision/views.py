"""The console's supervision pages: the inspections in view, planning one, an inspection with what the actor may
do on it (findings, samples, 整改通知, closing) and its printable record, a sample with its checks, the
rectifications with answering and acceptance, and the accuracy table with its Excel export."""

import datetime

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from fenji.core.access import policy
from fenji.core.dispatch import services as dispatch_services
from fenji.core.dispatch.models import DispatchKind
from fenji.core.dispatch.permissions import DISPATCH_SEND
from fenji.core.files.views import attachment_response
from fenji.core.kernel import modules
from fenji.core.kernel.errors import DomainError, reason_against
from fenji.core.kernel.forms import Form
from fenji.core.kernel.inputs import parse_id, search_text
from fenji.core.kernel.pagination import newest_first_page
from fenji.core.org.models import Unit
from fenji.core.org.periods import percent
from fenji.core.org.selectors import unit_own
from fenji.core.web.excel import stamp
from fenji.core.web.forms import form_post
from fenji.core.web.query import paging, query_without
from fenji.core.web.routes import requires

from . import assessment, config, exports, selectors, services, usage
from . import permissions as perms
from .forms import (
    AnswerForm,
    CheckForm,
    DecideForm,
    FindingEditForm,
    FindingForm,
    PeriodForm,
    PlanForm,
    SampleForm,
    UsageForm,
    units_below,
)
from .models import FindingState, Inspection


def _record_types():
    return [declared for _module, declared in modules.live_sampled_records() if hasattr(declared, "code")]


@requires(perms.INSPECTION_VIEW)
def inspection_list(request):
    state = request.GET.get("state", "")
    q = search_text(request.GET.get("q", ""))
    rows = selectors.inspection_list(actor=request.actor, state=state, q=q)
    page = newest_first_page(rows, **paging(request))
    own = unit_own(actor=request.actor)
    return render(request, "supervision/list.html", {
        "page": page, "state": state, "q": q, "states": Inspection.State.choices,
        "may_plan": policy.can(request.actor, perms.INSPECTION_MANAGE, own.path)})


@requires(perms.INSPECTION_MANAGE)
@require_http_methods(["GET", "POST"])
def inspection_new(request):
    """The actor's own unit plans an inspection of units below it."""
    unit = unit_own(actor=request.actor)
    today = timezone.localdate()
    initial = {"period_start": today.replace(month=1, day=1), "period_end": today,
               "checklist": "\n".join(config.checklist())}
    form = PlanForm(request.POST or None, units=units_below(unit), initial=initial)

    def run(data):
        targets = list(Unit.objects.filter(pk__in=data["targets"]))
        return services.inspection_plan(actor=request.actor, unit=unit, title=data["title"],
                                        period_start=data["period_start"], period_end=data["period_end"],
                                        targets=targets, checklist=data["checklist"].splitlines(),
                                        note=data["note"])

    done = form_post(request, form, run, success=lambda i: reverse("supervision:detail", args=[i.pk]),
                     message=lambda i: _("已制定检查计划“%(title)s”") % {"title": i.title})
    return done or render(request, "supervision/new.html", {"form": form, "unit": unit})


def _target_rows(actor, inspection, targets, samples, findings):
    accuracy = {r.unit_id: r for r in selectors.accuracy_by_unit(actor=actor, inspection=inspection)}
    rows = []
    for target in targets:
        own = [f for f in findings if f.target_id == target.pk]
        rows.append({"target": target, "findings": own, "samples": [s for s in samples if s.target_id == target.pk],
                     "drafts": sum(1 for f in own if f.state == FindingState.DRAFT),
                     "accuracy": accuracy.get(target.unit_id),
                     "accuracy_text": percent(accuracy[target.unit_id].accuracy) if target.unit_id in accuracy else "—"})
    return rows


def _inspection_context(actor, inspection) -> dict:
    targets = list(selectors.target_list(actor=actor, inspection=inspection))
    samples = list(selectors.sample_list(actor=actor, inspection=inspection))
    findings = list(selectors.finding_list(actor=actor, inspection=inspection).order_by("id"))
    return {"targets": _target_rows(actor, inspection, targets, samples, findings),
            "events": list(selectors.event_list(actor=actor, inspection=inspection)), "generated_at": timezone.now()}


@requires(perms.INSPECTION_VIEW)
@require_http_methods(["GET", "POST"])
def inspection_detail(request, pk):
    """One inspection (``op``: finding, sample, notice, close — the inspecting unit's)."""
    actor = request.actor
    inspection = selectors.inspection_get(actor=actor, pk=pk)
    manages = policy.can(actor, perms.INSPECTION_MANAGE, inspection.unit_path) and \
        inspection.state == Inspection.State.OPEN
    targets = list(selectors.target_list(actor=actor, inspection=inspection))
    op = request.POST.get("op", "") if request.method == "POST" else ""
    data = request.POST if request.method == "POST" else None
    here = reverse("supervision:detail", args=[inspection.pk])
    forms_ = {
        "finding": FindingForm(data if op == "finding" else None, request.FILES if op == "finding" else None,
                               prefix="finding", targets=targets, checklist=inspection.checklist,
                               initial={"days": config.rectification_days()}),
        "sample": SampleForm(data if op == "sample" else None, prefix="sample", targets=targets,
                             record_types=_record_types(), initial={"percent": config.sampling_ratio() * 100}),
    }

    def target(unit_id):
        return selectors.target_get(actor=actor, inspection=inspection, unit_id=unit_id)

    runs = {
        "finding": lambda d: services.finding_record(
            actor=actor, inspection=inspection, target=target(d["unit"]), item=d["item"],
            description=d["description"], days=d["days"], evidence=d["evidence"]),
        "sample": lambda d: services.sample_draw(
            actor=actor, inspection=inspection, target=target(d["unit"]), record_type_code=d["record_type"],
            ratio=d["percent"] / 100),
        "notice": lambda d: services.notice_issue(actor=actor, inspection=inspection,
                                                  target=target(parse_id(request.POST.get("unit")))),
        "close": lambda d: services.inspection_close(actor=actor, inspection=inspection),
    }
    messages_ = {"finding": _("已记录问题（下发整改通知前可修改）"), "notice": _("已下发整改通知"), "close": _("检查已结束")}
    if op in runs:
        form = forms_.get(op) or Form(data)
        success = (lambda s: reverse("supervision:sample", args=[s.pk])) if op == "sample" else here
        done = form_post(request, form, runs[op], success=success,
                         message=messages_.get(op) or (lambda s: _("已抽取 %(n)d 条记录，请逐条核查") % {
                             "n": s.items.count()}))
        if done:
            return done
        if op in ("notice", "close") and form.errors:
            forms_["action_error"] = form.non_field_errors()
    context = _inspection_context(actor, inspection)
    return render(request, "supervision/detail.html", {
        "inspection": inspection, "forms": forms_, "manages": manages, **context,
        "oversees": selectors.oversees(actor, inspection), "action_error": forms_.get("action_error")})


@requires(perms.INSPECTION_VIEW)
def inspection_pdf(request, pk):
    from fenji.core.web.pdf import pdf_response

    inspection = selectors.inspection_get(actor=request.actor, pk=pk)
    pdf = exports.inspection_pdf_export(actor=request.actor, inspection=inspection,
                                        context=_inspection_context(request.actor, inspection))
    return pdf_response(pdf, f"inspection-{inspection.pk}-{stamp()}.pdf")


@requires(perms.INSPECTION_VIEW)
@require_http_methods(["GET", "POST"])
def sample_detail(request, pk):
    """A sample's drawn records, each with its fields and the checker's verdict (``op=check``)."""
    actor = request.actor
    sample = selectors.sample_get(actor=actor, pk=pk)
    may_check = policy.can(actor, perms.INSPECTION_MANAGE, sample.inspection.unit_path) and \
        sample.inspection.state == Inspection.State.OPEN
    form = CheckForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        done = form_post(request, form, lambda d: services.sample_check(
            actor=actor, sample=sample, record_id=d["record_id"], verdict=d["verdict"], note=d["note"]),
            success=reverse("supervision:sample", args=[sample.pk]) + f"#record-{request.POST.get('record_id', '')}",
            message=_("已保存核查结果"))
        if done:
            return done
    items = list(selectors.sample_items(sample))
    declared = next((r for r in _record_types() if r.code == sample.record_type), None)
    described = declared.describe([i.record_id for i in items]) if declared else {}
    revised = declared.revised([i.record_id for i in items]) if declared else {}
    rows = [{"item": i, "fields": described.get(i.record_id, ("", []))[1],
             "url": declared.url(i.record_id) if declared and i.record_id in described else "",
             # corrected after the draw: what the checker saw (or will see) may not be what was entered
             "revised_at": revised[i.record_id] if revised.get(i.record_id) and revised[i.record_id] > sample.created_at
             else None} for i in items]
    checked = sum(1 for i in items if i.verdict)
    wrong = sum(1 for i in items if i.verdict == "wrong")
    return render(request, "supervision/sample.html", {
        "sample": sample, "rows": rows, "form": form, "may_check": may_check, "checked": checked, "wrong": wrong,
        "checks": declared.checks if declared else "", "posted": request.POST.get("record_id", "")})


@requires(perms.INSPECTION_VIEW)
def rectification_list(request):
    state = request.GET.get("state", "")
    overdue = request.GET.get("overdue") == "1"
    mine = request.GET.get("mine") == "1"
    rows = selectors.finding_list(actor=request.actor, state=state, overdue=overdue, mine=mine)
    page = newest_first_page(rows, **paging(request))
    return render(request, "supervision/rectifications.html", {
        "page": page, "state": state, "overdue": overdue, "mine": mine, "states": FindingState.choices})


@requires(perms.INSPECTION_VIEW)
@require_http_methods(["GET", "POST"])
def rectification_detail(request, pk):
    """A finding and its rectification (``op``: edit, remove — drafts, the inspecting unit's; answer — the inspected
    unit's; decide — the inspecting unit's)."""
    actor = request.actor
    finding = selectors.finding_get(actor=actor, pk=pk)
    op = request.POST.get("op", "") if request.method == "POST" else ""
    data = request.POST if request.method == "POST" else None
    here = reverse("supervision:rectification", args=[finding.pk])
    forms_ = {
        "edit": FindingEditForm(data if op == "edit" else None, prefix="edit", initial={
            "item": finding.item, "description": finding.description, "days": finding.days}),
        "answer": AnswerForm(data if op == "answer" else None, request.FILES if op == "answer" else None,
                             prefix="answer"),
        "decide": DecideForm(data if op == "decide" else None, prefix="decide"),
    }
    runs = {
        "edit": lambda d: services.finding_update(actor=actor, finding=finding, item=d["item"],
                                                  description=d["description"], days=d["days"]),
        "remove": lambda d: services.finding_remove(actor=actor, finding=finding),
        "answer": lambda d: services.rectification_answer(actor=actor, finding=finding, measures=d["measures"],
                                                          evidence=d["evidence"]),
        "decide": lambda d: services.rectification_decide(actor=actor, finding=finding,
                                                          accept=d["decision"] == "accept", reason=d["reason"]),
    }
    messages_ = {"edit": _("已保存"), "remove": _("已删除该问题"), "answer": _("已答复整改情况，等待检查单位验收"),
                 "decide": _("已保存验收结论")}
    if op in runs:
        form = forms_.get(op) or Form(data)
        success = reverse("supervision:detail", args=[finding.inspection_id]) if op == "remove" else here
        done = form_post(request, form, runs[op], success=success, message=messages_[op])
        if done:
            return done
    manages = policy.can(actor, perms.INSPECTION_MANAGE, finding.inspection.unit_path) and \
        finding.inspection.state == Inspection.State.OPEN
    allowed = {
        "edit": manages and finding.state == FindingState.DRAFT,
        "answer": reason_against(services.rectification_answer_check, actor=actor, finding=finding) == "",
        "decide": reason_against(services.rectification_decide_check, actor=actor, finding=finding) == "",
    }
    return render(request, "supervision/rectification.html", {
        "finding": finding, "forms": forms_, "allowed": allowed,
        "evidence": list(selectors.finding_files(finding)),
        "answer_evidence": list(selectors.finding_files(finding, answer=True))})


@requires(perms.INSPECTION_VIEW)
def rectification_file(request, pk, file):
    finding = selectors.finding_get(actor=request.actor, pk=pk)
    return attachment_response(selectors.finding_file(finding, file))


@requires(perms.INSPECTION_VIEW)
def accuracy(request):
    today = timezone.localdate()
    initial = {"start": today.replace(month=1, day=1), "end": today}
    form = PeriodForm(request.GET or None, initial=initial)
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    else:
        start, end = initial["start"], initial["end"]
        if not form.is_bound:
            form = PeriodForm(initial={"start": start.isoformat(), "end": end.isoformat()})
    rows = selectors.accuracy_by_unit(actor=request.actor, start=start, end=end)
    if request.GET.get("format") == "xlsx":
        unit = unit_own(actor=request.actor)
        return exports.accuracy_export(actor=request.actor, title=unit.name, start=start, end=end,
                                       rows=rows).response(f"accuracy-{stamp()}.xlsx")
    return render(request, "supervision/accuracy.html", {
        "form": form, "rows": rows, "start": start, "end": end, "export_query": query_without(request, "format")})


# --- usage statistics (C9.1) ---------------------------------------------------------------------------------


def _usage_period(request) -> tuple[UsageForm, datetime.date, datetime.date]:
    this = timezone.localdate().replace(day=1)
    initial = {"start": this.replace(month=1), "end": this}
    form = UsageForm(request.GET or None)
    if form.is_bound and form.is_valid() and form.cleaned_data["start"] and form.cleaned_data["end"]:
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    if not form.is_bound or not form.errors:
        form = UsageForm(initial={"start": f"{initial['start']:%Y-%m}", "end": f"{initial['end']:%Y-%m}"})
    return form, initial["start"], initial["end"]


def _chart(top, rows) -> dict:
    def pct(value):
        return None if value is None else round(value * 100, 1)

    return {"units": [r.unit_name for r in rows] or [top.unit_name],
            "series": [{"name": name, "data": [pct(getattr(r, attr)) for r in (rows or [top])]}
                       for name, attr in ((_("系统使用率"), "usage_rate"), (_("按期签收率"), "notice_rate"),
                                          (_("诉求按期答复率"), "ticket_rate"))]}


@requires(perms.INSPECTION_VIEW)
def usage_page(request):
    """使用情况统计: a unit in scope (the actor's own by default) and its children, from the monthly rollups."""
    actor = request.actor
    unit = selectors.usage_unit(actor=actor, pk=parse_id(request.GET.get("unit")) or unit_own(actor=actor).pk)
    form, start, end = _usage_period(request)
    top, rows = selectors.usage_report(unit=unit, months=usage.months_between(start, end))
    if request.GET.get("format") == "xlsx":
        return exports.usage_export(actor=actor, top=top, rows=rows, start=start, end=end).response(
            f"usage-{stamp()}.xlsx")
    if request.GET.get("format") == "pdf":
        from fenji.core.web.pdf import pdf_response

        return pdf_response(exports.usage_pdf_export(actor=actor, top=top, rows=rows, start=start, end=end,
                                                     generated_at=timezone.now()), f"usage-{stamp()}.pdf")
    up = unit.parent if unit.parent_id and policy.can(actor, perms.INSPECTION_VIEW, unit.parent.path) else None
    return render(request, "supervision/usage.html", {
        "form": form, "unit": unit, "up": up, "top": top, "rows": rows, "start": start, "end": end,
        "chart": _chart(top, rows), "run": usage.last_run(), "period_query": f"start={start:%Y-%m}&end={end:%Y-%m}",
        "export_query": query_without(request, "format"),
        "may_issue": unit.pk == actor.unit_id and policy.can(actor, DISPATCH_SEND, unit.path)})


@requires(DISPATCH_SEND)
@require_http_methods(["POST"])
def usage_issue(request):
    """作为通报下发: the statistics of the actor's own unit over the period, as a notice to its subtree."""
    actor = request.actor
    unit = unit_own(actor=actor)
    form = UsageForm(request.POST)
    back = reverse("supervision:usage")
    if not form.is_valid() or not form.cleaned_data["start"] or not form.cleaned_data["end"]:
        messages.error(request, _("请先选择统计期间"))
        return redirect(back)
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    top, rows = selectors.usage_report(unit=unit, months=usage.months_between(start, end))
    title = _("关于%(start)s至%(end)s系统使用情况的通报") % {"start": f"{start:%Y-%m}", "end": f"{end:%Y-%m}"}
    try:
        sent = dispatch_services.dispatch_send(actor=actor, kind=DispatchKind.NOTICE, title=title,
                                               body=exports.usage_text(top, rows, start, end),
                                               targets=dispatch_services.Targets(subtrees=[unit]))
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(f"{back}?start={start:%Y-%m}&end={end:%Y-%m}")
    messages.success(request, _("已将通报下发至 %(n)s 个单位") % {"n": sent.delivery_count})
    return redirect("dispatch:detail", pk=sent.pk)


# --- assessment (C9.3) ---------------------------------------------------------------------------------------


def _assessment_period(request, key="period") -> tuple[str, datetime.date, datetime.date, str]:
    """The chosen period (``2026`` or ``2026Q3``), else this year; and an error to show for a bad one."""
    choices = assessment.periods_around(timezone.localdate())
    raw = (request.GET.get(key) or request.POST.get(key) or "").strip()
    try:
        start, end = assessment.period_bounds(raw or choices[0][0])
        return raw or choices[0][0], start, end, ""
    except ValueError:
        start, end = assessment.period_bounds(choices[0][0])
        return choices[0][0], start, end, _("考核期间应为年度（如 2026）或季度（如 2026Q3）")


@requires(perms.INSPECTION_VIEW)
def assessment_page(request):
    """考核评价: the children of a unit in scope (the actor's own by default) scored on the profile's indicators."""
    actor = request.actor
    unit = selectors.usage_unit(actor=actor, pk=parse_id(request.GET.get("unit")) or unit_own(actor=actor).pk)
    period, start, end, error = _assessment_period(request)
    scores = assessment.assess(selectors.unit_children(unit), start, end)
    indicators = assessment.indicator_set()
    if request.GET.get("format") == "xlsx":
        return exports.assessment_export(actor=actor, unit=unit, period=period, indicators=indicators,
                                         scores=scores).response(f"assessment-{stamp()}.xlsx")
    return render(request, "supervision/assessment.html", {
        "unit": unit, "period": period, "periods": assessment.periods_around(timezone.localdate()),
        "period_error": error, "scores": scores, "indicators": indicators, "start": start, "end": end,
        "export_query": query_without(request, "format"),
        "may_issue": unit.pk == actor.unit_id and policy.can(actor, DISPATCH_SEND, unit.path)})


@requires(DISPATCH_SEND)
@require_http_methods(["POST"])
def assessment_issue(request):
    """The assessment of the actor's own unit's children, as a 通报 to its subtree."""
    actor = request.actor
    unit = unit_own(actor=actor)
    period, start, end, error = _assessment_period(request)
    back = reverse("supervision:assessment")
    if error:
        messages.error(request, error)
        return redirect(back)
    scores = assessment.assess(selectors.unit_children(unit), start, end)
    title = _("关于%(period)s考核评价结果的通报") % {"period": assessment.period_label(period)}
    try:
        sent = dispatch_services.dispatch_send(
            actor=actor, kind=DispatchKind.NOTICE, title=title,
            body=exports.assessment_text(unit.name, period, assessment.indicator_set(), scores),
            targets=dispatch_services.Targets(subtrees=[unit]))
    except DomainError as failure:
        messages.error(request, failure.message)
        return redirect(f"{back}?period={period}")
    messages.success(request, _("已将通报下发至 %(n)s 个单位") % {"n": sent.delivery_count})
    return redirect("dispatch:detail", pk=sent.pk)
