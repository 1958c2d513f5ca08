"""Writes of the cases (案件, design/domain/discipline.md §1 and P5; JJR §38, JCF §42, §51, §56): each checks the
actor's right at the case's unit, validates, writes and audits in one transaction (``@service``). The rank guard is
the petitions' and clues' (``services.guard_subjects``), run before anything is written."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.inputs import date_in_range
from fenji.core.org.models import Unit

from . import module as perms
from .followup_services import rectification_open
from .models import (
    Appeal,
    AppealKind,
    AppealResult,
    Case,
    CaseState,
    CaseSubject,
    CaseType,
    Clue,
    ClueState,
    Disposal,
    Outcome,
    Sanction,
)
from .sanctions import LABELS, PERIOD_MONTHS, add_months, sanction_end
from .services import CONTENT_MAX, SubjectIn, _clue_locked, _subjects, _text, guard_subjects, subjects_save


@dataclass(frozen=True)
class SanctionIn:
    subject: int  # the CaseSubject's id
    kind: str
    start_on: datetime.date
    months: int | None = None


def case_register(*, actor, unit: Unit, case_type: str, summary: str, subjects=(), clue: Clue | None = None,
                  proposed_on: datetime.date | None = None) -> Case:
    """立案呈批: a case proposed for filing at ``unit``, from a clue moved to 审查调查 (its subjects taken over when
    none are given) or directly. The rank guard first, as for petitions and clues."""
    if clue is not None and not subjects:
        subjects = [SubjectIn(s.name, s.workplace, s.rank, s.post, s.party_member) for s in clue.subjects.all()]
    cleaned = _subjects(subjects)
    guard_subjects(actor=actor, unit=unit, subjects=cleaned)
    return _case_register(actor=actor, unit=unit, case_type=case_type, summary=summary, subjects=cleaned, clue=clue,
                          proposed_on=proposed_on or timezone.localdate())


def _case_number(unit: Unit, year: int) -> str:
    Unit.objects.select_for_update().filter(pk=unit.pk).first()
    prefix = f"AJ{year}-{unit.code or unit.pk}-"
    taken = Case.objects.unscoped(reason="numbers are unique").filter(number__startswith=prefix).count()
    return f"{prefix}{taken + 1:04d}"


def clue_may_become_case(clue: Clue) -> bool:
    """A clue moved to 审查调查 (its disposal final) or concluded with 立案."""
    return (clue.disposal == Disposal.TRANSFER and clue.state in (ClueState.DISPOSED, ClueState.CONCLUDED)
            or clue.outcome == Outcome.FILED)


@service
def _case_register(*, actor, unit, case_type, summary, subjects, clue, proposed_on) -> Case:
    policy.require(actor, perms.CASE_MANAGE, unit.path)
    if case_type not in CaseType.values:
        raise DomainError("请选择立案类型", field="case_type")
    if proposed_on > timezone.localdate() or not date_in_range(proposed_on):
        raise DomainError("呈批日期不能晚于今天", field="proposed_on")
    if clue is not None:
        clue = _clue_locked(clue)
        if not clue.unit_path.startswith(unit.path) and not unit.path.startswith(clue.unit_path):
            raise DomainError("来源线索须为本单位或上下级单位的线索", field="clue")
        if not clue_may_become_case(clue):
            raise DomainError(f"线索 {clue.number} 未经集体研究移送审查调查，不能据此立案", field="clue")
        if Case.objects.unscoped(reason="one case per clue").filter(clue=clue).exclude(
                state=CaseState.NOT_FILED).exists():
            raise DomainError(f"线索 {clue.number} 已立案", field="clue")
        if proposed_on < clue.received_on:
            raise DomainError("呈批日期不能早于线索受理日期", field="proposed_on")
    summary = _text(summary, "主要违纪违法事实", "summary", CONTENT_MAX, multiline=True)
    case = Case.objects.create(unit=unit, unit_path=unit.path, number=_case_number(unit, proposed_on.year),
                               case_type=case_type, clue=clue, summary=summary, proposed_on=proposed_on,
                               registered_by_id=actor.account_id)
    subjects_save(CaseSubject, {"case": case}, subjects)
    audit_record(actor=actor, action="discipline.case.register", target=case,
                 details={"number": case.number, "type": case_type, "subjects": len(subjects),
                          "clue": clue.number if clue else ""})
    return case


def _case_locked(case: Case) -> Case:
    return Case.objects.unscoped(reason="found in scope").select_for_update(of=("self",)).get(pk=case.pk)


def _case_in(case: Case, *states) -> None:
    if case.state not in states:
        raise DomainError(f"该案件{case.get_state_display()}，不能办理这一步")


def _day(value, label: str, field: str, after: datetime.date | None = None, after_label: str = "") -> datetime.date:
    if not isinstance(value, datetime.date) or not date_in_range(value):
        raise DomainError(f"请填写{label}", field=field)
    if value > timezone.localdate():
        raise DomainError(f"{label}不能晚于今天", field=field)
    if after is not None and value < after:
        raise DomainError(f"{label}不能早于{after_label}（{after:%Y-%m-%d}）", field=field)
    return value


@service
def case_approve(*, actor, case: Case, approve: bool = True, note: str = "") -> Case:
    """The unit's principal leader approves the filing (主要负责人审批, JJR §38) — or not: 不予立案, with the reason."""
    policy.require(actor, perms.CASE_APPROVE, case.unit_path)
    case = _case_locked(case)
    _case_in(case, CaseState.PROPOSED)
    case.approval_note = _text(note, "审批意见", "note", 200, required=not approve)
    case.approved_by_id, case.approved_at = actor.account_id, timezone.now()
    case.state = CaseState.APPROVED if approve else CaseState.NOT_FILED
    case.save(update_fields=["approval_note", "approved_by", "approved_at", "state"])
    audit_record(actor=actor, action="discipline.case.approve", target=case,
                 details={"approved": approve, "note": case.approval_note})
    return case


@service
def case_file(*, actor, case: Case, party_approver: str, party_approved_on, filed_on) -> Case:
    """立案: only with both approvals — the unit's principal leader's (in the platform) and the same-level Party
    committee's principal leader's (recorded: who and when). The investigation is due
    ``FENJI_DISCIPLINE_CASE_INVESTIGATION_MONTHS`` after filing."""
    policy.require(actor, perms.CASE_MANAGE, case.unit_path)
    case = _case_locked(case)
    if case.state == CaseState.PROPOSED:
        raise DomainError("立案须经本机关主要负责人审批：该案件尚未审批")
    _case_in(case, CaseState.APPROVED)
    approver = _text(party_approver, "批准立案的同级党委主要负责人", "party_approver", 100, required=False)
    if not approver or party_approved_on is None:
        raise DomainError("立案须经同级党委主要负责人批准：请填写批准人和批准日期", field="party_approver")
    approved_day = timezone.localtime(case.approved_at).date()
    case.party_approver = approver
    case.party_approved_on = _day(party_approved_on, "同级党委批准日期", "party_approved_on", case.proposed_on, "呈批日期")
    case.filed_on = _day(filed_on, "立案日期", "filed_on", max(approved_day, case.party_approved_on), "两项审批的日期")
    case.investigation_due = add_months(case.filed_on, settings.FENJI_DISCIPLINE_CASE_INVESTIGATION_MONTHS)
    case.state = CaseState.INVESTIGATING
    case.save(update_fields=["party_approver", "party_approved_on", "filed_on", "investigation_due", "state"])
    audit_record(actor=actor, action="discipline.case.file", target=case,
                 details={"filed_on": case.filed_on.isoformat(), "party_approver": approver,
                          "party_approved_on": case.party_approved_on.isoformat(),
                          "leader": case.approved_by.person.real_name})
    return case


@service
def case_transfer_review(*, actor, case: Case, transferred_on, report: str) -> Case:
    """审查调查 done: the case goes to 审理 with the investigation report, due ``FENJI_DISCIPLINE_CASE_REVIEW_MONTHS``."""
    policy.require(actor, perms.CASE_MANAGE, case.unit_path)
    case = _case_locked(case)
    _case_in(case, CaseState.INVESTIGATING)
    case.transferred_on = _day(transferred_on, "移送审理日期", "transferred_on", case.filed_on, "立案日期")
    case.investigation_report = _text(report, "审查调查报告", "report", 1000, multiline=True)
    case.review_due = add_months(case.transferred_on, settings.FENJI_DISCIPLINE_CASE_REVIEW_MONTHS)
    case.state = CaseState.REVIEW
    case.save(update_fields=["transferred_on", "investigation_report", "review_due", "state"])
    audit_record(actor=actor, action="discipline.case.transfer", target=case,
                 details={"transferred_on": case.transferred_on.isoformat(), "late": case.transferred_on >
                          case.investigation_due})
    return case


@service
def case_review(*, actor, case: Case, reviewed_on, participants: str, opinion: str) -> Case:
    """审理: a full review with collective deliberation (JCF §51) — the date, who deliberated, the opinion."""
    policy.require(actor, perms.CASE_MANAGE, case.unit_path)
    case = _case_locked(case)
    _case_in(case, CaseState.REVIEW)
    case.reviewed_on = _day(reviewed_on, "审理日期", "reviewed_on", case.transferred_on, "移送审理日期")
    case.review_participants = _text(participants, "集体审议参加人员", "participants", 300)
    case.review_opinion = _text(opinion, "审理意见", "opinion", 1000, multiline=True)
    case.state = CaseState.REVIEWED
    case.save(update_fields=["reviewed_on", "review_participants", "review_opinion", "state"])
    audit_record(actor=actor, action="discipline.case.review", target=case,
                 details={"reviewed_on": case.reviewed_on.isoformat()})
    return case


@service
def case_decide(*, actor, case: Case, decided_on, decision_ref: str, note: str = "", sanctions=()) -> Case:
    """The decision after 审理: its document number and the sanctions given, each to one of the case's subjects from
    the two lists, with its period computed from its start (``sanctions.sanction_end``). No sanction is a decision
    too (免予处分, 了结), with its note."""
    policy.require(actor, perms.CASE_MANAGE, case.unit_path)
    case = _case_locked(case)
    _case_in(case, CaseState.REVIEWED)
    case.decided_on = _day(decided_on, "决定日期", "decided_on", case.reviewed_on, "审理日期")
    case.decision_ref = _text(decision_ref, "决定文号", "decision_ref", 60)
    case.decision_note = _text(note, "处理决定", "note", 500, required=not sanctions, multiline=True)
    subjects = {s.pk: s for s in case.subjects.all()}
    rows, given = [], set()
    for item in sanctions:
        subject = subjects.get(item.subject)
        if subject is None:
            raise DomainError("受处分人须为本案的审查调查对象", field="sanctions")
        list_of = "party" if item.kind.startswith("party_") else "gov"
        if (subject.pk, list_of) in given:
            raise DomainError(f"{subject.name}在同一类处分中只能给予一种处分", field="sanctions")
        given.add((subject.pk, list_of))
        if list_of == "party" and not subject.party_member:
            raise DomainError(f"{subject.name}不是党员，不能给予党纪处分", field="sanctions")
        start = item.start_on
        if not isinstance(start, datetime.date) or not date_in_range(start):
            raise DomainError(f"请填写{subject.name}的处分起始日期", field="sanctions")
        if start < case.decided_on:
            raise DomainError(f"{subject.name}的处分起始日期不能早于决定日期", field="sanctions")
        end = sanction_end(item.kind, start, item.months)
        rows.append(Sanction(case=case, subject=subject, kind=item.kind, start_on=start, end_on=end,
                             months=item.months if item.kind == "party_probation" else PERIOD_MONTHS[item.kind]))
    Sanction.objects.bulk_create(rows)
    case.state = CaseState.DECIDED
    case.save(update_fields=["decided_on", "decision_ref", "decision_note", "state"])
    audit_record(actor=actor, action="discipline.case.decide", target=case,
                 details={"decided_on": case.decided_on.isoformat(), "ref": case.decision_ref,
                          "sanctions": [LABELS[r.kind] for r in rows]})
    return case


@service
def case_execute(*, actor, case: Case, executed_on, note: str = "") -> Case:
    """The decision executed: the case is closed (结案). A case closed with a sanction opens its 以案促改 item."""
    policy.require(actor, perms.CASE_MANAGE, case.unit_path)
    case = _case_locked(case)
    _case_in(case, CaseState.DECIDED)
    case.executed_on = _day(executed_on, "执行日期", "executed_on", case.decided_on, "决定日期")
    case.execution_note = _text(note, "执行情况", "note", 500, required=False, multiline=True)
    case.state = CaseState.CLOSED
    case.save(update_fields=["executed_on", "execution_note", "state"])
    audit_record(actor=actor, action="discipline.case.execute", target=case,
                 details={"executed_on": case.executed_on.isoformat()})
    rectification_open(actor=actor, case=case)  # with a sanction: its 以案促改 item, in this transaction
    return case


APPEAL_MONTHS = {AppealKind.REEXAMINE: 1, AppealKind.RECHECK: 2}  # JCF §56


@service
def appeal_register(*, actor, case: Case, kind: str, applied_on, reason: str) -> Appeal:
    """An appeal against the decision (党纪申诉, 监察复审 or 复核), answered within its months; execution goes on."""
    policy.require(actor, perms.CASE_MANAGE, case.unit_path)
    case = _case_locked(case)
    _case_in(case, CaseState.DECIDED, CaseState.CLOSED)
    if kind not in AppealKind.values:
        raise DomainError("请选择申诉、复审或复核", field="kind")
    applied_on = _day(applied_on, "申请日期", "applied_on", case.decided_on, "决定日期")
    months = APPEAL_MONTHS.get(kind, settings.FENJI_DISCIPLINE_PARTY_APPEAL_MONTHS)
    appeal = Appeal.objects.create(case=case, kind=kind, applied_on=applied_on,
                                   reason=_text(reason, "申请理由", "reason", 500, multiline=True),
                                   due_on=add_months(applied_on, months), recorded_by_id=actor.account_id)
    audit_record(actor=actor, action="discipline.case.appeal", target=case,
                 details={"kind": kind, "applied_on": applied_on.isoformat(), "due_on": appeal.due_on.isoformat()})
    return appeal


@service
def appeal_decide(*, actor, appeal: Appeal, decided_on, result: str, note: str = "") -> Appeal:
    policy.require(actor, perms.CASE_MANAGE, appeal.case.unit_path)
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if appeal.decided_on is not None:
        raise DomainError("该申请已作出决定")
    if result not in AppealResult.values:
        raise DomainError("请选择维持、变更或撤销", field="result")
    appeal.decided_on = _day(decided_on, "决定日期", "decided_on", appeal.applied_on, "申请日期")
    appeal.result = result
    appeal.result_note = _text(note, "结果说明", "note", 500, required=result != AppealResult.UPHELD, multiline=True)
    appeal.save(update_fields=["decided_on", "result", "result_note"])
    audit_record(actor=actor, action="discipline.case.appeal_decide", target=appeal.case,
                 details={"kind": appeal.kind, "result": result, "late": appeal.decided_on > appeal.due_on})
    return appeal
