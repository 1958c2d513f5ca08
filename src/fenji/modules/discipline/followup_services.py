"""Writes of 以案促改 (P7 of design/domain/discipline.md), 外出报备 (P6) and the conduct-supervision records (党风政风): each checks the actor's right at the
record's unit, validates, writes and audits in one transaction (``@service``).

A 以案促改 item is opened by the case service itself (``case_services.case_execute`` calls ``rectification_open``
inside its own transaction — no signal) when a case closes with a sanction."""

import datetime

from django.conf import settings
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.access.models import Grant
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.inputs import date_in_range
from fenji.core.people.identity import clean_mobile

from . import module as perms
from .models import (
    Absence,
    AbsenceExtension,
    AbsenceState,
    Case,
    ConductKind,
    ConductRecord,
    Purpose,
    Rectification,
    RectificationState,
)
from .sanctions import add_months
from .services import SubjectIn, _subjects, _text, guard_subjects

PRINCIPAL_ROLES = ("unit_leader",)  # who is a unit's principal leader (主要负责人): the holder of this grant there


# ---- 以案促改 ---------------------------------------------------------------------------------------------------


def rectification_open(*, actor, case: Case) -> Rectification | None:
    """Open the case's 以案促改 item when it closes with a sanction (called inside ``case_execute``'s transaction,
    which checked the actor's right over the case); None when no sanction was given."""
    if not case.sanctions.exists():
        return None
    places = sorted({s.workplace for s in case.subjects.all()})
    today = timezone.localdate()
    item = Rectification.objects.create(unit_id=case.unit_id, unit_path=case.unit_path, case=case,
                                        incident_unit="、".join(places)[:300], opened_on=today,
                                        due_on=add_months(today, settings.FENJI_DISCIPLINE_RECTIFICATION_MONTHS))
    audit_record(actor=actor, action="discipline.rectification.open", target=item,
                 details={"case": case.number, "due_on": item.due_on.isoformat()})
    return item


def _locked(item: Rectification) -> Rectification:
    return Rectification.objects.unscoped(reason="found in scope").select_for_update(of=("self",)).get(pk=item.pk)


def _open(item: Rectification) -> None:
    if item.state == RectificationState.CLOSED:
        raise DomainError("该以案促改事项已办结")


def _past_day(value, label, field, after: datetime.date):
    if value is None:
        return None
    if not isinstance(value, datetime.date) or not date_in_range(value) or value > timezone.localdate():
        raise DomainError(f"{label}不能晚于今天", field=field)
    if value < after:
        raise DomainError(f"{label}不能早于以案促改启动日期（{after:%Y-%m-%d}）", field=field)
    return value


ORDER = list(RectificationState.values)


@service
def rectification_record(*, actor, item: Rectification, analysis: str = "", warned_on=None, meeting_on=None,
                         problems: str = "", measures: str = "", advice_ref: str = "") -> Rectification:
    """The work done so far: the analysis report (剖析), the warning-education meeting (警示教育), the special
    democratic-life or organisational-life meeting, the problem list, the measures (整改), the advice's number. A
    blank leaves what was recorded; the state follows the furthest step reached."""
    policy.require(actor, perms.RECTIFY_MANAGE, item.unit_path)
    item = _locked(item)
    _open(item)
    changed = {}
    for name, label, limit, given in (("analysis", "剖析报告", 2000, analysis), ("problems", "问题清单", 2000, problems),
                                      ("measures", "整改措施", 2000, measures),
                                      ("advice_ref", "建议书文号", 60, advice_ref)):
        value = _text(given, label, name, limit, required=False, multiline=name != "advice_ref")
        if value:
            setattr(item, name, value)
            changed[name] = True
    for name, label, value in (("warned_on", "警示教育会日期", warned_on), ("meeting_on", "民主生活会日期", meeting_on)):
        day = _past_day(value, label, name, item.opened_on)
        if day is not None:
            setattr(item, name, day)
            changed[name] = day.isoformat()
    if not changed:
        raise DomainError("请至少填写一项")
    reached = (RectificationState.RECTIFYING if item.measures else RectificationState.WARNED if item.warned_on
               else RectificationState.ANALYSED if item.analysis else RectificationState.OPENED)
    if ORDER.index(reached) > ORDER.index(item.state):
        item.state = reached
    item.save()
    audit_record(actor=actor, action="discipline.rectification.record", target=item,
                 details={"fields": sorted(changed), "state": item.state})
    return item


@service
def rectification_revisit(*, actor, item: Rectification, revisited_on, result: str) -> Rectification:
    """回访: the follow-up visit, after the measures."""
    policy.require(actor, perms.RECTIFY_MANAGE, item.unit_path)
    item = _locked(item)
    _open(item)
    if not item.measures:
        raise DomainError("请先登记整改措施，再登记回访")
    item.revisited_on = _past_day(revisited_on, "回访日期", "revisited_on", item.opened_on)
    if item.revisited_on is None:
        raise DomainError("请填写回访日期", field="revisited_on")
    item.revisit_result = _text(result, "回访情况", "result", 1000, multiline=True)
    item.state = RectificationState.REVISITED
    item.save(update_fields=["revisited_on", "revisit_result", "state"])
    audit_record(actor=actor, action="discipline.rectification.revisit", target=item,
                 details={"revisited_on": item.revisited_on.isoformat()})
    return item


@service
def rectification_close(*, actor, item: Rectification) -> Rectification:
    """办结: only with rectification measures and a follow-up visit recorded."""
    policy.require(actor, perms.RECTIFY_MANAGE, item.unit_path)
    item = _locked(item)
    _open(item)
    missing = [label for label, value in (("整改措施", item.measures), ("回访", item.revisited_on)) if not value]
    if missing:
        raise DomainError(f"以案促改须有整改措施和回访记录才能办结：尚缺{'、'.join(missing)}")
    item.state, item.closed_on = RectificationState.CLOSED, timezone.localdate()
    item.save(update_fields=["state", "closed_on"])
    audit_record(actor=actor, action="discipline.rectification.close", target=item,
                 details={"closed_on": item.closed_on.isoformat(), "late": item.closed_on > item.due_on})
    return item


# ---- 外出报备 ---------------------------------------------------------------------------------------------------


def is_principal(account) -> bool:
    """Is ``account`` its unit's principal leader (an active grant of a principal role at its own unit)?"""
    return Grant.objects.unscoped(reason="is the person the principal leader of the unit").filter(
        account_id=account.pk, role__in=PRINCIPAL_ROLES, unit_id=account.unit_id, revoked_at__isnull=True).exists()


@service
def absence_file(*, actor, person, purpose: str, reason: str, destination: str, start_on, end_on, contact: str,
                 acting_person: str = "", post: str = "") -> Absence:
    """外出报备 of a person of the actor's reach; a principal leader's names who acts meanwhile. Filed after the
    departure (reported by phone first) is marked 事后补报."""
    policy.require(actor, perms.ABSENCE_FILE, person.unit_path)
    if purpose not in Purpose.values:
        raise DomainError("请选择因公或因私", field="purpose")
    if not isinstance(start_on, datetime.date) or not date_in_range(start_on):
        raise DomainError("请填写外出日期", field="start_on")
    if not isinstance(end_on, datetime.date) or not date_in_range(end_on) or end_on < start_on:
        raise DomainError("返回日期不能早于外出日期", field="end_on")
    principal = is_principal(person)
    acting = _text(acting_person, "代为主持工作人员", "acting_person", 50, required=False)
    if principal and not acting:
        raise DomainError(f"{person.person.real_name}是单位主要负责人，外出须明确代为主持工作的人员",
                          field="acting_person")
    try:
        contact = clean_mobile((contact or "").strip())
    except DomainError:
        raise DomainError("外出期间须保持通讯畅通：请填写 11 位手机号码", field="contact") from None
    absence = Absence.objects.create(
        unit_id=person.unit_id, unit_path=person.unit_path, person=person,
        post=_text(post, "职务", "post", 100, required=False), principal=principal, purpose=purpose,
        reason=_text(reason, "外出事由", "reason", 300), destination=_text(destination, "前往地点", "destination", 100),
        start_on=start_on, end_on=end_on, acting_person=acting, contact=contact,
        late_filed=start_on < timezone.localdate(), filed_by_id=actor.account_id)
    audit_record(actor=actor, action="discipline.absence.file", target=absence,
                 details={"person": person.person.real_name, "start_on": start_on.isoformat(),
                          "end_on": end_on.isoformat(), "principal": principal, "late_filed": absence.late_filed})
    return absence


def _absence_locked(absence: Absence) -> Absence:
    return Absence.objects.unscoped(reason="found in scope").select_for_update(of=("self",)).get(pk=absence.pk)


@service
def absence_approve(*, actor, absence: Absence, approve: bool = True, note: str = "") -> Absence:
    policy.require(actor, perms.ABSENCE_APPROVE, absence.unit_path)
    absence = _absence_locked(absence)
    if absence.state != AbsenceState.SUBMITTED:
        raise DomainError(f"该外出报备{absence.get_state_display()}")
    if absence.person_id == actor.account_id:
        raise DomainError("不能审批本人的外出报备")
    absence.approval_note = _text(note, "审批意见", "note", 200, required=not approve)
    absence.state = AbsenceState.APPROVED if approve else AbsenceState.REJECTED
    absence.approver_id, absence.approved_at = actor.account_id, timezone.now()
    absence.save(update_fields=["approval_note", "state", "approver", "approved_at"])
    audit_record(actor=actor, action="discipline.absence.approve", target=absence,
                 details={"approved": approve, "note": absence.approval_note})
    return absence


@service
def absence_extend(*, actor, absence: Absence, new_end, reason: str) -> Absence:
    """延期: the return date moved later, with the reason (the earlier date kept)."""
    policy.require(actor, perms.ABSENCE_FILE, absence.unit_path)
    absence = _absence_locked(absence)
    if absence.state != AbsenceState.APPROVED:
        raise DomainError("只有已批准、尚未销假的外出报备才能延期")
    if not isinstance(new_end, datetime.date) or not date_in_range(new_end) or new_end <= absence.end_on:
        raise DomainError(f"延长后的返回日期须晚于 {absence.end_on:%Y-%m-%d}", field="new_end")
    AbsenceExtension.objects.create(absence=absence, old_end=absence.end_on, new_end=new_end,
                                    reason=_text(reason, "延期事由", "reason", 200), by_id=actor.account_id)
    old, absence.end_on = absence.end_on, new_end
    absence.save(update_fields=["end_on"])
    audit_record(actor=actor, action="discipline.absence.extend", target=absence,
                 details={"from": old.isoformat(), "to": new_end.isoformat()})
    return absence


@service
def absence_return(*, actor, absence: Absence, returned_on) -> Absence:
    """销假: back on ``returned_on``."""
    policy.require(actor, perms.ABSENCE_FILE, absence.unit_path)
    absence = _absence_locked(absence)
    if absence.state != AbsenceState.APPROVED:
        raise DomainError("只有已批准的外出报备才能销假")
    if (not isinstance(returned_on, datetime.date) or returned_on > timezone.localdate()
            or returned_on < absence.start_on):
        raise DomainError("销假日期须在外出日期之后、不晚于今天", field="returned_on")
    absence.state, absence.returned_on = AbsenceState.RETURNED, returned_on
    absence.save(update_fields=["state", "returned_on"])
    audit_record(actor=actor, action="discipline.absence.return", target=absence,
                 details={"returned_on": returned_on.isoformat(), "late": returned_on > absence.end_on})
    return absence


# ---- 党风政风监督 -----------------------------------------------------------------------------------------------


def conduct_record(*, actor, unit, kind: str, found_on, summary: str, subject: SubjectIn,
                   handling: str = "") -> ConductRecord:
    """A conduct-supervision record at ``unit``. The rank guard first, as for petitions, clues and cases."""
    cleaned = _subjects([subject])
    guard_subjects(actor=actor, unit=unit, subjects=cleaned)
    return _conduct_record(actor=actor, unit=unit, kind=kind, found_on=found_on, summary=summary,
                           subject=cleaned[0], handling=handling)


@service
def _conduct_record(*, actor, unit, kind, found_on, summary, subject, handling) -> ConductRecord:
    policy.require(actor, perms.CONDUCT_RECORD, unit.path)
    if kind not in ConductKind.values:
        raise DomainError("请选择类别", field="kind")
    if not isinstance(found_on, datetime.date) or not date_in_range(found_on) or found_on > timezone.localdate():
        raise DomainError("发现日期不能晚于今天", field="found_on")
    record = ConductRecord.objects.create(
        unit=unit, unit_path=unit.path, kind=kind, found_on=found_on,
        summary=_text(summary, "问题情况", "summary", 2000, multiline=True), subject_name=subject.name,
        subject_workplace=subject.workplace, subject_post=subject.post, subject_rank=subject.rank,
        handling=_text(handling, "处理情况", "handling", 1000, required=False, multiline=True),
        recorded_by_id=actor.account_id)
    audit_record(actor=actor, action="discipline.conduct.record", target=record,
                 details={"kind": kind, "found_on": found_on.isoformat()})
    return record


@service
def conduct_report(*, actor, record: ConductRecord, reported_on, handling: str = "") -> ConductRecord:
    """报党风政风监督室: the record reported on ``reported_on`` (with the handling, if now known)."""
    policy.require(actor, perms.CONDUCT_RECORD, record.unit_path)
    record = ConductRecord.objects.unscoped(reason="found in scope").select_for_update(of=("self",)).get(pk=record.pk)
    if record.reported_on is not None:
        raise DomainError("该记录已上报")
    if (not isinstance(reported_on, datetime.date) or reported_on > timezone.localdate()
            or reported_on < record.found_on):
        raise DomainError("上报日期须在发现日期之后、不晚于今天", field="reported_on")
    record.handling = _text(handling, "处理情况", "handling", 1000, required=False, multiline=True) or record.handling
    record.reported_on = reported_on
    record.save(update_fields=["handling", "reported_on"])
    audit_record(actor=actor, action="discipline.conduct.report", target=record,
                 details={"reported_on": reported_on.isoformat()})
    return record
