"""Writes of what a clue's disposal owes (design/domain/discipline.md P4, ``clue_deadlines``): the report of a
谈话函询 or an 初步核实, and the one extension of an 初步核实's report (asked by a handler, decided by the unit's
principal leader). Each checks the right at the clue's unit, validates, writes and audits in one transaction; the
clue is read by the callers through the scoped ``clue_get`` (recusal included)."""

import datetime

from django.utils import timezone

from fenji.core.access import policy
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.kernel.errors import DomainError

from . import module as perms
from .clue_deadlines import REPORT_KINDS, conclude_due_for, extended_due
from .models import Clue, ClueExtension, ClueReport, ClueState
from .services import CONTENT_MAX, _clue_in, _clue_locked, _handler_row, _text


def _owing(clue: Clue) -> None:
    _clue_in(clue, ClueState.DISPOSED)
    if clue.disposal not in REPORT_KINDS:
        raise DomainError(f"{clue.get_disposal_display()}无需提交报告")
    if ClueReport.objects.filter(clue=clue).exists():
        raise DomainError("该线索的报告已提交")


@service
def clue_report_submit(*, actor, clue: Clue, kind: str, reported_on: datetime.date, text: str) -> ClueReport:
    """The reply, the talk record or the verification report, entered by one of the clue's handlers; a 谈话函询's
    clue is then to be concluded within its days (``conclude_due``)."""
    policy.require(actor, perms.CLUE_MANAGE, clue.unit_path)
    clue = _clue_locked(clue)
    _owing(clue)
    if _handler_row(actor, clue) is None:
        raise DomainError("只有该线索的承办人才能提交报告")
    kinds = REPORT_KINDS[clue.disposal]
    if kind not in kinds:
        raise DomainError(f"{clue.get_disposal_display()}应提交{'或'.join(str(k.label) for k in kinds)}", field="kind")
    final_on = timezone.localtime(clue.disposed_at).date() if clue.disposed_at else clue.received_on
    if reported_on is None or reported_on > timezone.localdate() or reported_on < final_on:
        raise DomainError("提交日期须在拟定处置之后、不晚于今天", field="reported_on")
    report = ClueReport.objects.create(clue=clue, kind=kind, reported_on=reported_on,
                                       text=_text(text, "主要内容", "text", CONTENT_MAX, multiline=True),
                                       submitted_by_id=actor.account_id)
    clue.conclude_due = conclude_due_for(clue.disposal, reported_on)
    clue.save(update_fields=["conclude_due"])
    audit_record(actor=actor, action="discipline.clue.report", target=clue,
                 details={"kind": kind, "reported_on": reported_on.isoformat(),
                          "late": bool(clue.report_due and reported_on > clue.report_due)})
    return report


@service
def clue_extension_request(*, actor, clue: Clue, reason: str) -> ClueExtension:
    """A handler asks, once, for the 初步核实 report's deadline to be extended, with the reason."""
    policy.require(actor, perms.CLUE_MANAGE, clue.unit_path)
    clue = _clue_locked(clue)
    _owing(clue)
    if _handler_row(actor, clue) is None:
        raise DomainError("只有该线索的承办人才能申请延期")
    new_due = extended_due(clue.disposal, clue.report_due) if clue.report_due else None
    if new_due is None:
        raise DomainError(f"{clue.get_disposal_display()}的报告期限不能延期")
    if ClueExtension.objects.filter(clue=clue).exists():
        raise DomainError("报告期限只能申请延期一次")
    extension = ClueExtension.objects.create(clue=clue, reason=_text(reason, "延期理由", "reason", 300, multiline=True),
                                             old_due=clue.report_due, new_due=new_due, requested_by_id=actor.account_id)
    audit_record(actor=actor, action="discipline.clue.extension_request", target=clue,
                 details={"old_due": extension.old_due.isoformat(), "new_due": new_due.isoformat()})
    return extension


@service
def clue_extension_decide(*, actor, clue: Clue, approve: bool, note: str = "") -> ClueExtension:
    """The unit's principal leader approves the extension (the report's due date moves, once) or refuses it with
    a reason (the due date stays)."""
    policy.require(actor, perms.CLUE_APPROVE, clue.unit_path)
    clue = _clue_locked(clue)
    extension = ClueExtension.objects.select_for_update().filter(clue=clue).first()
    if extension is None or extension.approved is not None:
        raise DomainError("该线索没有待审批的延期申请")
    if extension.requested_by_id == actor.account_id:
        raise DomainError("不能审批本人提出的延期申请，请由单位其他主要负责人审批")
    _owing(clue)
    extension.decision_note = _text(note, "审批意见", "note", 200, required=not approve)
    extension.approved, extension.decided_by_id, extension.decided_at = bool(approve), actor.account_id, timezone.now()
    extension.save(update_fields=["approved", "decided_by", "decided_at", "decision_note"])
    if approve:
        clue.report_due = extension.new_due
        clue.save(update_fields=["report_due"])
    audit_record(actor=actor, action="discipline.clue.extension_decide", target=clue,
                 details={"approved": bool(approve), "report_due": clue.report_due.isoformat(),
                          "note": extension.decision_note})
    return extension
