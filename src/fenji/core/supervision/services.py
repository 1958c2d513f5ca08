"""Writes of supervision: inspections, their findings and 整改通知, the answers and their acceptance, samples
and their checks.

Each service checks, validates, writes and audits in one transaction (``@service``), and adds the step to the
inspection's timeline. The inspecting unit's side (planning, findings, notices, sampling, acceptance) needs
``supervision.inspection.manage`` over the inspecting unit; answering a rectification is for the accounts of the
inspected unit itself (``supervision.rectification.answer``): a unit above it oversees, never answers in its name.
A finding is editable while it is a draft; once its notice is issued it is the inspected unit's turn. A returned
rectification keeps its deadline (the obligation stands: a return is no extension).
"""

import datetime
import secrets
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from fenji.core.access import policy
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.calendar.workdays import deadline
from fenji.core.files.services import attachment_write
from fenji.core.kernel import modules
from fenji.core.kernel.errors import AccessDenied, DomainError
from fenji.core.kernel.text import checked_text
from fenji.core.org.models import Unit, UnitStatus

from . import config, sampling
from . import permissions as perms
from .alerts import answer_alert, decision_alert, notice_alert
from .models import (
    OPEN_FINDING_STATES,
    EventKind,
    Finding,
    FindingState,
    Inspection,
    InspectionEvent,
    InspectionTarget,
    Sample,
    SampleItem,
    Verdict,
)

TITLE_MAX, ITEM_MAX, TEXT_MAX, NOTE_MAX, REASON_MAX = 100, 200, 2000, 200, 200
CHECKLIST_MAX, TARGETS_MAX, EVIDENCE_MAX = 30, 200, 6
DAYS_RANGE = (1, 60)
OUTSIDE = "所选单位不存在或不在本单位的下级范围内"

_text = checked_text


def _event(inspection: Inspection, kind: str, *, actor, target: InspectionTarget | None = None, note: str = ""):
    InspectionEvent.objects.create(inspection=inspection, kind=kind, target=target,
                                   unit_name=target.unit.name if target is not None else "",
                                   actor_id=getattr(actor, "account_id", None), note=note[:TEXT_MAX])


def _locked(inspection: Inspection) -> Inspection:
    return (Inspection.objects.unscoped(reason="found in scope by the caller").select_for_update(of=("self",))
            .select_related("unit").get(pk=inspection.pk))


def _open(inspection: Inspection) -> None:
    if inspection.state != Inspection.State.OPEN:
        raise DomainError("该检查已结束，不能再修改")


def _days(days) -> int:
    low, high = DAYS_RANGE
    if isinstance(days, bool) or not isinstance(days, int) or not low <= days <= high:
        raise DomainError(f"整改时限应在 {low} 到 {high} 个工作日之间", field="days")
    return days


def _evidence(*, actor, unit: Unit, files) -> list:
    files = list(files or ())
    if len(files) > EVIDENCE_MAX:
        raise DomainError(f"佐证材料最多 {EVIDENCE_MAX} 个文件", field="evidence")
    return [attachment_write(actor=actor, unit=unit, upload=upload) for upload in files]


# --- inspections -------------------------------------------------------------------------------------------


def _period(start, end) -> tuple[datetime.date, datetime.date]:
    if not isinstance(start, datetime.date) or not isinstance(end, datetime.date):
        raise DomainError("请填写检查期间", field="period_start")
    if end < start:
        raise DomainError("检查期间的截止日期不能早于起始日期", field="period_end")
    return start, end


def _checklist(items) -> list[str]:
    cleaned = []
    for raw in items or ():
        item = _text(raw, label="检查事项", field="checklist", limit=ITEM_MAX, required=False)
        if item and item not in cleaned:
            cleaned.append(item)
    if not cleaned:
        raise DomainError("请至少列出一项检查事项", field="checklist")
    if len(cleaned) > CHECKLIST_MAX:
        raise DomainError(f"检查事项最多 {CHECKLIST_MAX} 项", field="checklist")
    return cleaned


@service
def inspection_plan(*, actor, unit: Unit, title: str, period_start, period_end, targets, checklist,
                    note: str = "") -> Inspection:
    """``unit`` plans an inspection of units below it (``targets``) over [period_start, period_end]."""
    policy.require(actor, perms.INSPECTION_MANAGE, unit.path)
    title = _text(title, label="检查名称", field="title", limit=TITLE_MAX)
    note = _text(note, label="说明", field="note", limit=1000, required=False, multiline=True)
    start, end = _period(period_start, period_end)
    items = _checklist(checklist)
    chosen = {t.pk: t for t in targets or ()}
    if not chosen:
        raise DomainError("请选择被检查单位", field="targets")
    if len(chosen) > TARGETS_MAX:
        raise DomainError(f"一次检查最多 {TARGETS_MAX} 个单位", field="targets")
    fresh = Unit.objects.filter(pk__in=chosen, status=UnitStatus.ACTIVE)
    units = [u for u in fresh if u.path.startswith(unit.path) and u.path != unit.path]
    if len(units) != len(chosen):
        raise DomainError(OUTSIDE, field="targets")
    inspection = Inspection.objects.create(unit=unit, unit_path=unit.path, title=title, period_start=start,
                                           period_end=end, checklist=items, note=note,
                                           created_by_id=actor.account_id)
    InspectionTarget.objects.bulk_create([InspectionTarget(inspection=inspection, unit=u, unit_path=u.path)
                                          for u in sorted(units, key=lambda u: u.path)])
    names = "、".join(u.name for u in sorted(units, key=lambda u: u.path))
    _event(inspection, EventKind.PLAN, actor=actor, note=f"{title}；检查期间 {start} 至 {end}；被检查单位：{names}")
    audit_record(actor=actor, action=perms.PLAN, target=inspection, details={
        "title": title, "start": start.isoformat(), "end": end.isoformat(), "units": [u.name for u in units]})
    return inspection


@service
def inspection_close(*, actor, inspection: Inspection) -> Inspection:
    """End an inspection once every finding is accepted (or none was found)."""
    policy.require(actor, perms.INSPECTION_MANAGE, inspection.unit_path)
    inspection = _locked(inspection)
    _open(inspection)
    pending = Finding.objects.unscoped(reason="the inspection's own").filter(inspection=inspection).exclude(
        state=FindingState.ACCEPTED).count()
    if pending:
        raise DomainError(f"还有 {pending} 个问题未验收通过，不能结束检查")
    inspection.state, inspection.closed_at = Inspection.State.CLOSED, timezone.now()
    inspection.save(update_fields=["state", "closed_at"])
    _event(inspection, EventKind.CLOSE, actor=actor)
    audit_record(actor=actor, action=perms.CLOSE, target=inspection, details={"title": inspection.title})
    return inspection


def target_of(inspection: Inspection, unit_id) -> InspectionTarget:
    """The inspection's target for ``unit_id``; any other unit is refused (out of the inspection's range)."""
    target = (InspectionTarget.objects.unscoped(reason="the targets of an inspection in scope")
              .filter(inspection_id=inspection.pk, unit_id=unit_id).select_related("unit").first())
    if target is None:
        raise DomainError("该单位不在本次检查的被检查单位中", field="unit")
    return target


# --- findings ------------------------------------------------------------------------------------------------


def _finding_fields(inspection: Inspection, item: str, description: str, days) -> dict:
    item = _text(item, label="检查事项", field="item", limit=ITEM_MAX)
    return {"item": item, "description": _text(description, label="发现的问题", field="description", limit=TEXT_MAX,
                                              multiline=True),
            "days": _days(days)}


@service
def finding_record(*, actor, inspection: Inspection, target: InspectionTarget, item: str, description: str,
                   days: int | None = None, evidence=()) -> Finding:
    """A problem found at ``target``: a draft until the target's 整改通知 is issued."""
    policy.require(actor, perms.INSPECTION_MANAGE, inspection.unit_path)
    inspection = _locked(inspection)
    _open(inspection)
    target = target_of(inspection, target.unit_id)
    fields = _finding_fields(inspection, item, description, config.rectification_days() if days is None else days)
    finding = Finding.objects.create(inspection=inspection, target=target, unit=target.unit,
                                     unit_path=target.unit_path, created_by_id=actor.account_id, **fields)
    attachments = _evidence(actor=actor, unit=inspection.unit, files=evidence)
    if attachments:
        finding.evidence.add(*attachments)
    _event(inspection, EventKind.FINDING, actor=actor, target=target, note=f"{finding.item}：{finding.description}")
    audit_record(actor=actor, action=perms.FINDING_RECORD, target=finding, details={
        "inspection": inspection.title, "unit": target.unit.name, "item": finding.item, "days": finding.days,
        "evidence": [a.original_name for a in attachments]})
    return finding


def _locked_finding(finding: Finding) -> Finding:
    return (Finding.objects.unscoped(reason="found in scope by the caller").select_for_update(of=("self",))
            .select_related("inspection", "target__unit", "unit").get(pk=finding.pk))


def _draft(finding: Finding) -> None:
    if finding.state != FindingState.DRAFT:
        raise DomainError("整改通知已下发，不能再修改或删除该问题")


@service
def finding_update(*, actor, finding: Finding, item: str, description: str, days: int) -> Finding:
    policy.require(actor, perms.INSPECTION_MANAGE, finding.inspection.unit_path)
    finding = _locked_finding(finding)
    _open(finding.inspection)
    _draft(finding)
    before = {"item": finding.item, "description": finding.description, "days": finding.days}
    fields = _finding_fields(finding.inspection, item, description, days)
    for key, value in fields.items():
        setattr(finding, key, value)
    finding.save(update_fields=list(fields))
    changes = {k: {"before": before[k], "after": v} for k, v in fields.items() if before[k] != v}
    _event(finding.inspection, EventKind.FINDING_EDIT, actor=actor, target=finding.target,
           note=f"{finding.item}：{finding.description}")
    audit_record(actor=actor, action=perms.FINDING_UPDATE, target=finding, details={"changes": changes})
    return finding


@service
def finding_remove(*, actor, finding: Finding) -> None:
    """Remove a draft finding recorded by mistake (one from a sample is undone by checking the record again)."""
    policy.require(actor, perms.INSPECTION_MANAGE, finding.inspection.unit_path)
    finding = _locked_finding(finding)
    _open(finding.inspection)
    _draft(finding)
    if SampleItem.objects.filter(finding_id=finding.pk).exists():
        raise DomainError("该问题来自抽查，请在抽查页面重新核查该记录")
    _event(finding.inspection, EventKind.FINDING_REMOVE, actor=actor, target=finding.target, note=finding.item)
    audit_record(actor=actor, action=perms.FINDING_REMOVE, target=finding, details={
        "item": finding.item, "description": finding.description, "unit": finding.unit.name})
    finding.delete()


@service
def notice_issue(*, actor, inspection: Inspection, target: InspectionTarget) -> list[Finding]:
    """The 整改通知 to ``target``: every draft finding there is issued, each due ``days`` working days from now."""
    policy.require(actor, perms.INSPECTION_MANAGE, inspection.unit_path)
    inspection = _locked(inspection)
    _open(inspection)
    target = target_of(inspection, target.unit_id)
    drafts = list(Finding.objects.unscoped(reason="the inspection's own").select_for_update()
                  .filter(inspection=inspection, target=target, state=FindingState.DRAFT).order_by("id"))
    if not drafts:
        raise DomainError(f"“{target.unit.name}”没有待下发的问题")
    now = timezone.now()
    for finding in drafts:
        due = deadline(now, finding.days, provisional_ok=True)
        finding.state, finding.issued_at = FindingState.ISSUED, now
        finding.due_at, finding.due_provisional = due.value, due.provisional
        finding.save(update_fields=["state", "issued_at", "due_at", "due_provisional"])
    target.notice_at = now
    target.save(update_fields=["notice_at"])
    _event(inspection, EventKind.NOTICE, actor=actor, target=target,
           note="；".join(f"{f.item}（{f.days} 个工作日内）" for f in drafts))
    audit_record(actor=actor, action=perms.NOTICE, target=inspection, details={
        "unit": target.unit.name, "findings": [f.pk for f in drafts]})
    notice_alert(inspection, target, drafts)
    return drafts


# --- rectifications ------------------------------------------------------------------------------------------


def rectification_answer_check(*, actor, finding: Finding) -> None:
    """May ``actor`` answer ``finding`` now? Raises the reason when not."""
    policy.require(actor, perms.RECTIFY, finding.unit_path)
    if actor.unit_id != finding.unit_id:
        raise AccessDenied(f"整改由“{finding.unit.name}”答复，只有其工作人员可以答复", rule="supervision.own_unit",
                           action=perms.RECTIFY)
    if finding.state == FindingState.ANSWERED:
        raise DomainError("已答复，等待检查单位验收")
    if finding.state == FindingState.ACCEPTED:
        raise DomainError("整改已验收通过，不能再答复")
    if finding.state not in OPEN_FINDING_STATES:
        raise DomainError("整改通知尚未下发")


@service
def rectification_answer(*, actor, finding: Finding, measures: str, evidence=()) -> Finding:
    """The inspected unit answers with its measures (and evidence); the inspecting unit is told."""
    finding = _locked_finding(finding)
    rectification_answer_check(actor=actor, finding=finding)
    measures = _text(measures, label="整改措施", field="measures", limit=TEXT_MAX, multiline=True)
    attachments = _evidence(actor=actor, unit=finding.unit, files=evidence)
    now = timezone.now()
    finding.state, finding.measures, finding.answered_at = FindingState.ANSWERED, measures, now
    finding.answered_by_id = actor.account_id
    if finding.answered_on_time is None:  # the first answer decides whether it came in time
        finding.answered_on_time = finding.due_at is None or now <= finding.due_at
    finding.save(update_fields=["state", "measures", "answered_at", "answered_by", "answered_on_time"])
    if attachments:
        finding.answer_evidence.add(*attachments)
    _event(finding.inspection, EventKind.ANSWER, actor=actor, target=finding.target, note=f"{finding.item}：{measures}")
    audit_record(actor=actor, action=perms.REPLY, target=finding, details={
        "item": finding.item, "on_time": finding.answered_on_time, "evidence": [a.original_name for a in attachments]})
    answer_alert(finding)
    return finding


def rectification_decide_check(*, actor, finding: Finding) -> None:
    policy.require(actor, perms.INSPECTION_MANAGE, finding.inspection.unit_path)
    if finding.state == FindingState.ACCEPTED:
        raise DomainError("整改已验收通过")
    if finding.state != FindingState.ANSWERED:
        raise DomainError("被检查单位尚未答复整改情况，不能验收")


@service
def rectification_decide(*, actor, finding: Finding, accept: bool, reason: str = "") -> Finding:
    """The inspecting unit accepts the answer, or returns it with its reasons (the deadline stands)."""
    finding = _locked_finding(finding)
    rectification_decide_check(actor=actor, finding=finding)
    reason = _text(reason, label="退回理由", field="reason", limit=REASON_MAX, required=not accept)
    finding.decided_at, finding.decided_by_id = timezone.now(), actor.account_id
    if accept:
        finding.state, finding.return_reason = FindingState.ACCEPTED, ""
    else:
        finding.state, finding.return_reason = FindingState.RETURNED, reason
    finding.save(update_fields=["state", "return_reason", "decided_at", "decided_by"])
    _event(finding.inspection, EventKind.ACCEPT if accept else EventKind.RETURN, actor=actor, target=finding.target,
           note=finding.item if accept else f"{finding.item}：{reason}")
    audit_record(actor=actor, action=perms.DECIDE, target=finding, details={
        "item": finding.item, "accept": accept, "reason": reason})
    decision_alert(finding)
    return finding


# --- sampling ------------------------------------------------------------------------------------------------


def record_type(code: str):
    """The live record type ``code`` open to sampling; any other code is refused."""
    for _module, declared in modules.live_sampled_records():
        if getattr(declared, "code", None) == code:
            return declared
    raise DomainError("没有这种可抽查的记录类型", field="record_type")


def percent(ratio) -> str:
    """0.1 → "10%", 0.125 → "12.5%"."""
    return f"{float(ratio) * 100:g}%"


def _ratio(value) -> Decimal:
    try:
        ratio = Decimal(str(value)).quantize(Decimal("0.001"))
    except (InvalidOperation, ValueError):
        raise DomainError("抽查比例应为数字", field="ratio") from None
    least = config.sampling_min_ratio()
    if not ratio.is_finite() or ratio > 1:
        raise DomainError("抽查比例不能超过 100%", field="ratio")
    if ratio < least:
        raise DomainError(f"抽查比例不得低于 {percent(least)}", field="ratio")
    return ratio


@service
def sample_draw(*, actor, inspection: Inspection, target: InspectionTarget, record_type_code: str,
                ratio=None) -> Sample:
    """Draw ``ratio`` (at least the profile's minimum) of the records of ``record_type_code`` entered at ``target``
    and below in the inspection's period; the seed and the population's digest are kept for a redraw."""
    policy.require(actor, perms.INSPECTION_MANAGE, inspection.unit_path)
    inspection = _locked(inspection)
    _open(inspection)
    target = target_of(inspection, target.unit_id)
    declared = record_type(record_type_code)
    ratio = _ratio(config.sampling_ratio() if ratio in (None, "") else ratio)
    ids = [int(pk) for pk in declared.population(target.unit_path, inspection.period_start, inspection.period_end)]
    seed = secrets.token_hex(8)
    chosen = sampling.draw(ids, sampling.sample_size(len(ids), ratio), seed)
    sample = Sample.objects.create(inspection=inspection, target=target, unit=target.unit, unit_path=target.unit_path,
                                   record_type=declared.code, record_label=declared.label, ratio=ratio,
                                   population=len(set(ids)), population_digest=sampling.population_digest(ids),
                                   seed=seed, created_by_id=actor.account_id)
    described = declared.describe(chosen)
    SampleItem.objects.bulk_create([
        SampleItem(sample=sample, position=n, record_id=pk,
                   title=str(described.get(pk, (f"记录 {pk}",))[0])[:200])
        for n, pk in enumerate(chosen, start=1)])
    _event(inspection, EventKind.SAMPLE, actor=actor, target=target,
           note=f"{declared.label}：共 {sample.population} 条，按 {percent(ratio)} 抽取 {len(chosen)} 条")
    audit_record(actor=actor, action=perms.SAMPLE_DRAW, target=sample, details={
        "type": declared.code, "unit": target.unit.name, "population": sample.population, "size": len(chosen),
        "ratio": str(ratio), "seed": seed})
    return sample


@service
def sample_check(*, actor, sample: Sample, record_id: int, verdict: str, note: str = "") -> SampleItem:
    """Mark one drawn record correct or wrong; a wrong one opens a draft finding for the sampled unit (undone if
    the record is found correct after all, while the finding is still a draft)."""
    policy.require(actor, perms.INSPECTION_MANAGE, sample.inspection.unit_path)
    inspection = _locked(sample.inspection)
    _open(inspection)
    item = (SampleItem.objects.select_for_update(of=("self",)).filter(sample_id=sample.pk, record_id=record_id)
            .select_related("finding").first())
    if item is None:
        raise DomainError("该记录不在本次抽查的样本中", field="record_id")
    if verdict not in Verdict.values:
        raise DomainError("请选择核查结果", field="verdict")
    note = _text(note, label="核查说明", field="note", limit=NOTE_MAX, required=verdict == Verdict.WRONG)
    finding = item.finding
    if finding is not None and finding.state != FindingState.DRAFT:
        raise DomainError("该记录的整改通知已下发，不能再改核查结果")
    target = InspectionTarget.objects.unscoped(reason="the sample's own").select_related("unit").get(pk=sample.target_id)
    description = f"{item.title}：{note}"
    if verdict == Verdict.WRONG:
        if finding is None:
            finding = Finding.objects.create(inspection=inspection, target=target, unit=target.unit,
                                             unit_path=target.unit_path, item=f"抽查：{sample.record_label}",
                                             description=description, days=config.rectification_days(),
                                             created_by_id=actor.account_id)
        else:
            finding.description = description
            finding.save(update_fields=["description"])
    elif finding is not None:
        item.finding = None
        item.save(update_fields=["finding"])
        finding.delete()
        finding = None
    item.verdict, item.note, item.finding = verdict, note, finding
    item.checked_by_id, item.checked_at = actor.account_id, timezone.now()
    item.save(update_fields=["verdict", "note", "finding", "checked_by", "checked_at"])
    _event(inspection, EventKind.CHECK, actor=actor, target=target,
           note=f"{item.title}：{item.get_verdict_display()}{'，' + note if note else ''}")
    audit_record(actor=actor, action=perms.SAMPLE_CHECK, target=sample, details={
        "record": record_id, "verdict": verdict, "note": note})
    return item
