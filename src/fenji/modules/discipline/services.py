"""Writes of the petition register (design/domain/discipline.md P1, seed 003 §16 and §19): each checks the actor's
right at the unit, validates, writes and audits in one transaction (``@service``).

The rank guard runs before anything about a petition is written: a subject a grassroots unit may not record
(``rank.may_record``) refuses the registration, and the refusal opens an upward-report task in its own
transaction — a reference, a due date and the receiving room, nothing about the subject (``RankRefused``)."""

import datetime
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.calendar.workdays import add_working_days
from fenji.core.kernel.crypto import blind_index
from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.inputs import date_in_range
from fenji.core.kernel.text import checked_text
from fenji.core.org.models import Unit
from fenji.core.people.identity import clean_mobile

from . import module as perms
from .clue_deadlines import REPORT_KINDS, disposal_final, owes_report
from .kinds import COMMISSION, TOWN
from .models import (
    Category,
    Channel,
    Clue,
    ClueHandler,
    ClueSource,
    ClueState,
    ClueSubject,
    Disposal,
    Outcome,
    Petition,
    Petitioner,
    PetitionState,
    Source,
    Subject,
    UpwardReport,
)
from .rank import may_record as rank_may_record
from .rank import rank_code

NOTICE_DAYS = 15  # the real-name acceptance notice after receipt (JKR §26)
REGISTER_DAYS = 5  # a transferred petition registered and decided by the lower unit (JKR §16)
FEEDBACK_DAYS = 15  # the real-name feedback after closure
UPWARD_DAYS = 5  # a matter beyond the grassroots unit reported upward (JKR §15)
SUBJECTS_MAX = 10
CONTENT_MAX = 5000


class RankRefused(DomainError):
    """The registration was refused by the rank guard; ``report`` is the upward-report task opened instead."""

    def __init__(self, report: UpwardReport):
        super().__init__(f"被反映人的职级为副科及以上，本单位不能登记：请在 {report.due_on:%Y-%m-%d} 前将原件径送"
                         f"{report.receiver}（上报编号 {report.reference}）。系统未保存任何内容。",
                         field="subjects", code="rank_refused")
        self.report = report


@dataclass(frozen=True)
class SubjectIn:
    name: str
    workplace: str
    rank: str
    post: str = ""
    party_member: bool = False


def _text(value, label, field, limit, required=True, multiline=False):
    return checked_text(value, label=label, field=field, limit=limit, required=required, multiline=multiline)


def subject_key(name: str, workplace: str) -> str:
    """The keyed hash that finds another petition about the same person (name and unit, spaces removed)."""
    return blind_index(f"{''.join(name.split())}|{''.join(workplace.split())}")


def subjects_save(model, owner: dict, subjects: list[SubjectIn]) -> None:
    """The checked subjects of a new petition, clue or case (``model``), ``owner`` naming the item
    (``{"clue": clue}``), each with its keyed hash."""
    model.objects.bulk_create(model(**owner, name=s.name, workplace=s.workplace, post=s.post, rank=s.rank,
                                    party_member=s.party_member, key=subject_key(s.name, s.workplace))
                              for s in subjects)


def _subjects(subjects) -> list[SubjectIn]:
    cleaned = []
    for n, subject in enumerate(subjects or (), start=1):
        name = _text(subject.name, f"第 {n} 个被反映人的姓名", "subjects", 50)
        workplace = _text(subject.workplace, f"第 {n} 个被反映人的单位", "subjects", 100)
        code = rank_code(subject.rank)
        if code is None:  # deny by default: the rank is resolved before anything is saved
            raise DomainError(f"请选择第 {n} 个被反映人的职级", field="subjects")
        post = _text(subject.post, f"第 {n} 个被反映人的职务", "subjects", 100, required=False)
        cleaned.append(SubjectIn(name, workplace, code, post, bool(subject.party_member)))
    if not cleaned:
        raise DomainError("请至少填写一个被反映人", field="subjects")
    if len(cleaned) > SUBJECTS_MAX:
        raise DomainError(f"被反映人最多 {SUBJECTS_MAX} 个", field="subjects")
    return cleaned


def _receiver() -> str:
    return settings.FENJI_DISCIPLINE_UPWARD_RECEIVER


def masked(phone: str) -> str:
    """A mobile number as the audit trail and an export show a search term: 137****1111."""
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else "****"


@service
def petitioner_search_record(*, actor, phone: str, found: int) -> None:
    """A search of the register by a petitioner's phone (§3: searches on petitioner fields are audited): who, the
    number masked, how many of their own petitions it found."""
    policy.require(actor, perms.PETITION_HANDLE)
    audit_record(actor=actor, action="discipline.petitioner.search", target_type="discipline.petitioner",
                 target_unit_path=actor.unit_path or "", details={"field": "phone", "value": masked(phone),
                                                                  "found": found})


@service
def upward_report_open(*, actor, unit: Unit) -> UpwardReport:
    """The task the rank guard opens: report the matter upward on paper within five working days (for a petition
    or a clue, a case or a conduct record: each of their registrars' roles holds the upward report's right)."""
    policy.require(actor, perms.UPWARD_REPORT, unit.path)
    today = timezone.localdate()
    report = UpwardReport.objects.create(
        unit=unit, unit_path=unit.path, reference=f"SB{today:%Y%m%d}-{secrets.token_hex(3).upper()}",
        due_on=add_working_days(today, UPWARD_DAYS, provisional=True), receiver=_receiver(),
        created_by_id=actor.account_id)
    audit_record(actor=actor, action="discipline.upward.open", target=report,
                 details={"reference": report.reference, "due_on": report.due_on.isoformat()})
    return report


@service
def upward_report_done(*, actor, report: UpwardReport, done_on: datetime.date) -> UpwardReport:
    policy.require(actor, perms.UPWARD_REPORT, report.unit_path)
    if report.done_on is not None:
        raise DomainError("该上报任务已办结")
    if done_on > timezone.localdate() or done_on < timezone.localtime(report.created_at).date():
        raise DomainError("上报日期须在生成任务之后、不晚于今天", field="done_on")
    report.done_on = done_on
    report.save(update_fields=["done_on"])
    audit_record(actor=actor, action="discipline.upward.done", target=report, details={"done_on": done_on.isoformat()})
    return report


# A unit of a generic level (a deployment whose tree is not made of the commission's own kinds): the town and
# village levels are grassroots, the county and above the commission; anything else is refused by the rule.
GENERIC_KINDS = {"town": TOWN, "village": TOWN, "county": COMMISSION, "city": COMMISSION, "province": COMMISSION}


def guard_kind(unit: Unit) -> str:
    """The unit kind the rank guard reads for ``unit``."""
    return GENERIC_KINDS.get(unit.kind, unit.kind)


def unit_may_record(unit: Unit, rank) -> bool:
    return rank_may_record(guard_kind(unit), rank)


def guard_subjects(*, actor, unit: Unit, subjects: list[SubjectIn]) -> None:
    """Refuse (``RankRefused``, the upward task committed) when ``unit`` may not record one of ``subjects``."""
    if all(unit_may_record(unit, s.rank) for s in subjects):
        return
    raise RankRefused(upward_report_open(actor=actor, unit=unit))


def petition_register(*, actor, unit: Unit, received_on: datetime.date, channel: str, category: str,
                      real_name: bool, content: str, subjects, petitioner: dict | None = None,
                      backfilled: bool = False) -> Petition:
    """A petition received at ``unit`` (a 补录 entry keeps its paper date: every deadline counts from it). The
    rank guard first (nothing written but the upward task); then the petition, its petitioner and subjects. The
    actor's right is checked by both services (a refusal is audited there)."""
    cleaned = _subjects(subjects)
    guard_subjects(actor=actor, unit=unit, subjects=cleaned)
    return _register(actor=actor, unit=unit, received_on=received_on, channel=channel, category=category,
                     real_name=real_name, content=content, subjects=cleaned, petitioner=petitioner or {},
                     backfilled=backfilled)


def _petitioner(real_name: bool, data: dict) -> dict | None:
    if not real_name:
        return None  # anonymous: nothing is asked, nothing traced (§3)
    name = _text(data.get("name"), "信访人姓名或单位", "petitioner_name", 50)
    phone = (data.get("phone") or "").strip()
    if not phone:  # JKR §24: a real name needs a contact that can be verified
        raise DomainError("实名举报须留有可核实的联系电话，否则按匿名处理", field="petitioner_phone")
    try:
        phone = clean_mobile(phone)
    except DomainError:
        raise DomainError("联系电话应为 11 位手机号码", field="petitioner_phone") from None
    return {"name": name, "phone": phone,
            "address": _text(data.get("address"), "地址", "petitioner_address", 200, required=False),
            "workplace": _text(data.get("workplace"), "工作单位", "petitioner_workplace", 100, required=False)}


def _number(unit: Unit, year: int) -> str:
    Unit.objects.select_for_update().filter(pk=unit.pk).first()  # one numbering at a time per unit
    prefix = f"XF{year}-{unit.code or unit.pk}-"
    taken = Petition.objects.unscoped(reason="numbers are unique").filter(number__startswith=prefix).count()
    return f"{prefix}{taken + 1:04d}"


def _repeat_of(unit: Unit, category: str, keys: list[str], received_on: datetime.date) -> Petition | None:
    """An earlier petition of the unit's subtree about the same person and of the same category within
    ``FENJI_DISCIPLINE_REPEAT_DAYS`` (a local rule): the new one is a 重复件."""
    since = received_on - datetime.timedelta(days=settings.FENJI_DISCIPLINE_REPEAT_DAYS)
    return (Petition.objects.unscoped(reason="repeat detection over the unit's own petitions")
            .filter(unit_path__startswith=unit.path, category=category, received_on__gte=since, is_repeat=False,
                    subjects__key__in=keys).exclude(state=PetitionState.RETURNED)  # sent back: not this unit's
            .order_by("received_on", "id").first())


@service
def _register(*, actor, unit, received_on, channel, category, real_name, content, subjects, petitioner,
              backfilled, source: str = Source.OWN, transferred_from: Petition | None = None) -> Petition:
    policy.require(actor, perms.PETITION_REGISTER, unit.path)
    today = timezone.localdate()
    if received_on is None or received_on > today or not date_in_range(received_on):
        raise DomainError("收件日期不能晚于今天", field="received_on")
    if not backfilled and (today - received_on).days > settings.FENJI_DISCIPLINE_LATE_ENTRY_DAYS:
        raise DomainError("收件日期较早：停电、断网期间纸质登记的，请勾选“补录”后录入", field="backfilled")
    if channel not in Channel.values:
        raise DomainError("请选择来源渠道", field="channel")
    if category not in Category.values:
        raise DomainError("请选择类别", field="category")
    content = _text(content, "反映的主要问题", "content", CONTENT_MAX, multiline=True)
    person = _petitioner(real_name, petitioner)
    keys = [subject_key(s.name, s.workplace) for s in subjects]
    earlier = _repeat_of(unit, category, keys, received_on) if transferred_from is None else None
    transferred = transferred_from is not None
    petition = Petition.objects.create(
        unit=unit, unit_path=unit.path, number=_number(unit, received_on.year), received_on=received_on,
        backfilled=backfilled, channel=channel, category=category, source=source, real_name=real_name,
        content=content, registered_by_id=actor.account_id, is_repeat=earlier is not None, repeat_of=earlier,
        transferred_from=transferred_from,
        state=(PetitionState.TO_SIGN if transferred else PetitionState.FILED if earlier else PetitionState.HANDLING),
        register_due=add_working_days(today, REGISTER_DAYS, provisional=True) if transferred else None,
        notice_due=(add_working_days(received_on, NOTICE_DAYS, provisional=True)
                    if real_name and earlier is None and not transferred else None))
    if person:
        Petitioner.objects.create(petition=petition, **person)
    subjects_save(Subject, {"petition": petition}, subjects)
    petition.handlers.add(actor.account_id)
    audit_record(actor=actor, action="discipline.petition.register", target=petition,
                 details={"number": petition.number, "received_on": received_on.isoformat(), "backfilled": backfilled,
                          "repeat": petition.is_repeat, "source": source, "subjects": len(subjects)})
    return petition


def _locked(petition: Petition) -> Petition:
    return Petition.objects.unscoped(reason="found in scope").select_for_update(of=("self",)).get(pk=petition.pk)


def _open(petition: Petition) -> None:
    if petition.state not in (PetitionState.TO_SIGN, PetitionState.HANDLING):
        raise DomainError(f"该信访件{petition.get_state_display()}，不能再办理")


DECISIONS = {"accept": "受理", "not_accept": "不予受理", "upward": "转上级", "transfer": "转下级", "return": "退回"}


@service
def petition_decide(*, actor, petition: Petition, decision: str, note: str = "", to_unit: Unit | None = None,
                    handler=None) -> Petition:
    """受理 / 不予受理 (with its reason) / 转上级 / 转下级 (a new petition at the lower unit, due in 5 working days) /
    退回 (a transferred petition back to the unit that sent it)."""
    policy.require(actor, perms.PETITION_HANDLE, petition.unit_path)
    if decision not in DECISIONS:
        raise DomainError("请选择处理方式", field="decision")
    petition = _locked(petition)
    _open(petition)
    note = _text(note, "处理意见或理由", "note", 200, required=decision in ("not_accept", "upward", "return"))
    now = timezone.now()
    details = {"decision": decision, "note": note}
    if decision == "accept":
        if petition.state == PetitionState.HANDLING and petition.decided_at is not None:
            raise DomainError("该信访件已受理")
        petition.state = PetitionState.HANDLING
        petition.handlers.add(actor.account_id)  # who accepts it handles it
        if handler is not None:
            if handler.unit_path != petition.unit_path or not policy.can(policy.actor_for(handler),
                                                                         perms.PETITION_HANDLE, petition.unit_path):
                raise DomainError("承办人须为本单位有承办权限的人员", field="handler")
            petition.handlers.add(handler)
            details["handler"] = handler.person.real_name
    elif decision == "not_accept":
        petition.state = PetitionState.NOT_ACCEPTED
    elif decision == "upward":
        petition.state = PetitionState.UPWARD
    elif decision == "return":
        if petition.transferred_from_id is None:
            raise DomainError("只有上级转送的信访件才能退回", field="decision")
        petition.state = PetitionState.RETURNED
        original = _locked(petition.transferred_from)
        original.state, original.decision_note = PetitionState.HANDLING, f"下级退回：{note}"
        original.save(update_fields=["state", "decision_note"])
    else:
        copy = _transfer(actor=actor, petition=petition, to_unit=to_unit)
        petition.state = PetitionState.TRANSFERRED
        details["to"] = copy.unit.name
    petition.decision_note, petition.decided_at = note, now
    petition.save(update_fields=["state", "decision_note", "decided_at"])
    audit_record(actor=actor, action="discipline.petition.decide", target=petition, details=details)
    return petition


def _transfer(*, actor, petition: Petition, to_unit: Unit | None) -> Petition:
    if to_unit is None or to_unit.pk == petition.unit_id or not to_unit.path.startswith(petition.unit_path):
        raise DomainError("请选择本单位下级的接收单位", field="to_unit")
    if not to_unit.is_active:
        raise DomainError(f"“{to_unit.name}”已撤销", field="to_unit")
    subjects = [SubjectIn(s.name, s.workplace, s.rank, s.post, s.party_member) for s in petition.subjects.all()]
    if not all(unit_may_record(to_unit, s.rank) for s in subjects):
        raise DomainError(f"被反映人职级为副科及以上，不能转送{to_unit.name}办理", field="to_unit")
    person = getattr(petition, "petitioner", None)
    data = {"name": person.name, "phone": person.phone, "address": person.address,
            "workplace": person.workplace} if person else {}
    # the lower unit registers it; the sender holds the right over the subtree, so the copy is written as the sender
    return _register(actor=actor, unit=to_unit, received_on=timezone.localdate(), channel=petition.channel,
                     category=petition.category, real_name=petition.real_name, content=petition.content,
                     subjects=subjects, petitioner=data, backfilled=False, source=Source.TRANSFERRED,
                     transferred_from=petition)


@service
def petition_notice_record(*, actor, petition: Petition, notice_on: datetime.date) -> Petition:
    """The real-name acceptance notice given (受理告知), on ``notice_on``."""
    policy.require(actor, perms.PETITION_HANDLE, petition.unit_path)
    petition = _locked(petition)
    if petition.notice_due is None or petition.notice_on is not None:
        raise DomainError("该信访件无需或已经告知")
    if notice_on > timezone.localdate() or notice_on < petition.received_on:
        raise DomainError("告知日期须在收件之后、不晚于今天", field="notice_on")
    petition.notice_on = notice_on
    petition.save(update_fields=["notice_on"])
    audit_record(actor=actor, action="discipline.petition.notice", target=petition,
                 details={"notice_on": notice_on.isoformat(), "late": notice_on > petition.notice_due})
    return petition


@service
def petition_close(*, actor, petition: Petition, result: str) -> Petition:
    """办结: the result recorded; a real-name petitioner is owed feedback within 15 working days."""
    policy.require(actor, perms.PETITION_HANDLE, petition.unit_path)
    petition = _locked(petition)
    if petition.state != PetitionState.HANDLING:
        raise DomainError(f"该信访件{petition.get_state_display()}，不能办结")
    petition.result = _text(result, "办理结果", "result", 500, multiline=True)
    today = timezone.localdate()
    petition.state, petition.closed_on = PetitionState.CLOSED, today
    petition.feedback_due = add_working_days(today, FEEDBACK_DAYS, provisional=True) if petition.real_name else None
    petition.save(update_fields=["result", "state", "closed_on", "feedback_due"])
    audit_record(actor=actor, action="discipline.petition.close", target=petition, details={"closed_on": today.isoformat()})
    return petition


@service
def petition_feedback_record(*, actor, petition: Petition, feedback_on: datetime.date) -> Petition:
    policy.require(actor, perms.PETITION_HANDLE, petition.unit_path)
    petition = _locked(petition)
    if petition.feedback_due is None or petition.feedback_on is not None:
        raise DomainError("该信访件无需或已经反馈")
    if feedback_on > timezone.localdate() or feedback_on < petition.closed_on:
        raise DomainError("反馈日期须在办结之后、不晚于今天", field="feedback_on")
    petition.feedback_on = feedback_on
    petition.save(update_fields=["feedback_on"])
    audit_record(actor=actor, action="discipline.petition.feedback", target=petition,
                 details={"feedback_on": feedback_on.isoformat(), "late": feedback_on > petition.feedback_due})
    return petition


# ---- Clues (问题线索): design/domain/discipline.md §1, P2 and P4; JJR §21, §23; JKR §17 -------------------------

HANDLERS_MAX = 5


def study_required(disposal: str) -> bool:
    """Does ``disposal`` need a recorded 集体研究? 移送审查调查 always; others as ``FENJI_DISCIPLINE_CLUE_STUDY``
    says (the note's P2 has every disposal studied: a deployment may list more ways)."""
    listed = {code.strip() for code in str(settings.FENJI_DISCIPLINE_CLUE_STUDY or "").split(",") if code.strip()}
    return disposal == Disposal.TRANSFER or disposal in listed


def clue_register(*, actor, unit: Unit, received_on: datetime.date, source: str, summary: str, subjects,
                  petition: Petition | None = None, backfilled: bool = False) -> Clue:
    """A clue into the unit's central ledger (线索台账). The rank guard first, as for a petition: a subject the
    unit may not record refuses the clue and opens the upward-report task, nothing else written. A 补录 entry
    (``backfilled``) keeps the paper date as ``received_on``; the entry time is ``entered_at``."""
    cleaned = _subjects(subjects)
    guard_subjects(actor=actor, unit=unit, subjects=cleaned)
    return _clue_register(actor=actor, unit=unit, received_on=received_on, source=source, summary=summary,
                          subjects=cleaned, petition=petition, backfilled=bool(backfilled))


def _clue_number(unit: Unit, year: int) -> str:
    Unit.objects.select_for_update().filter(pk=unit.pk).first()
    prefix = f"XS{year}-{unit.code or unit.pk}-"
    taken = Clue.objects.unscoped(reason="numbers are unique").filter(number__startswith=prefix).count()
    return f"{prefix}{taken + 1:04d}"


@service
def _clue_register(*, actor, unit, received_on, source, summary, subjects, petition, backfilled=False) -> Clue:
    policy.require(actor, perms.CLUE_MANAGE, unit.path)
    if received_on is None or received_on > timezone.localdate() or not date_in_range(received_on):
        raise DomainError("受理日期不能晚于今天", field="received_on")
    if source not in ClueSource.values:
        raise DomainError("请选择线索来源", field="source")
    if petition is not None:
        if not petition.unit_path.startswith(unit.path) and not unit.path.startswith(petition.unit_path):
            raise DomainError("来源信访件须为本单位或上下级单位的信访件", field="petition")
        source = ClueSource.PETITION
    summary = _text(summary, "主要问题", "summary", CONTENT_MAX, multiline=True)
    clue = Clue.objects.create(unit=unit, unit_path=unit.path, number=_clue_number(unit, received_on.year),
                               received_on=received_on, source=source, petition=petition, summary=summary,
                               backfilled=backfilled, registered_by_id=actor.account_id)
    subjects_save(ClueSubject, {"clue": clue}, subjects)
    audit_record(actor=actor, action="discipline.clue.register", target=clue,
                 details={"number": clue.number, "source": source, "subjects": len(subjects),
                          "petition": petition.number if petition else "", "received_on": received_on.isoformat(),
                          "backfilled": backfilled})
    return clue


def _clue_locked(clue: Clue) -> Clue:
    return Clue.objects.unscoped(reason="found in scope").select_for_update(of=("self",)).get(pk=clue.pk)


def _clue_in(clue: Clue, *states) -> None:
    if clue.state not in states:
        raise DomainError(f"该线索{clue.get_state_display()}，不能办理这一步")


@service
def clue_assign(*, actor, clue: Clue, handlers, note: str = "") -> Clue:
    """The 分办 proposal: the handlers (people of the clue's unit who may handle clues), for the principal leader
    to approve. A proposal sent back (not approved) may be proposed again."""
    policy.require(actor, perms.CLUE_MANAGE, clue.unit_path)
    clue = _clue_locked(clue)
    _clue_in(clue, ClueState.REGISTERED, ClueState.PROPOSED)
    people = list({h.pk: h for h in handlers or ()}.values())
    if not people:
        raise DomainError("请至少指定一名承办人", field="handlers")
    if len(people) > HANDLERS_MAX:
        raise DomainError(f"承办人最多 {HANDLERS_MAX} 名", field="handlers")
    for person in people:
        if not person.unit_path.startswith(clue.unit_path) or not policy.can(policy.actor_for(person),
                                                                             perms.CLUE_MANAGE, clue.unit_path):
            raise DomainError(f"{person.person.real_name}不是本单位有线索处置权限的人员", field="handlers")
    clue.handlers.all().delete()
    ClueHandler.objects.bulk_create(ClueHandler(clue=clue, account=p) for p in people)
    clue.state, clue.proposed_by_id = ClueState.PROPOSED, actor.account_id
    clue.proposal_note = _text(note, "分办意见", "note", 200, required=False)
    clue.save(update_fields=["state", "proposed_by", "proposal_note"])
    audit_record(actor=actor, action="discipline.clue.assign", target=clue,
                 details={"handlers": [p.person.real_name for p in people]})
    return clue


@service
def clue_approve(*, actor, clue: Clue, approve: bool = True, note: str = "") -> Clue:
    """The unit's principal leader approves the 分办 (or sends it back to be proposed again, with a reason)."""
    policy.require(actor, perms.CLUE_APPROVE, clue.unit_path)
    clue = _clue_locked(clue)
    _clue_in(clue, ClueState.PROPOSED)
    note = _text(note, "审批意见", "note", 200, required=not approve)
    if approve:
        clue.state, clue.approved_by_id, clue.approved_at = ClueState.ASSIGNED, actor.account_id, timezone.now()
    else:
        clue.state = ClueState.REGISTERED
        clue.proposal_note = f"退回：{note}"[:200]
    clue.save(update_fields=["state", "approved_by", "approved_at", "proposal_note"])
    audit_record(actor=actor, action="discipline.clue.approve", target=clue,
                 details={"approved": approve, "note": note})
    return clue


def _handler_row(actor, clue: Clue) -> ClueHandler | None:
    return ClueHandler.objects.filter(clue=clue, account_id=actor.account_id).first()


@service
def clue_dispose(*, actor, clue: Clue, disposal, note: str = "", study_on: datetime.date | None = None,
                 study_participants: str = "", study_conclusion: str = "") -> Clue:
    """The disposal, by exactly one way (谈话函询, 初步核实, 暂存待查, 予以了结) or 移送审查调查 after a recorded
    集体研究; proposed by one of the assigned handlers, then signed by each of them (the proposer signs with it)."""
    policy.require(actor, perms.CLUE_MANAGE, clue.unit_path)
    clue = _clue_locked(clue)
    _clue_in(clue, ClueState.ASSIGNED)
    if _handler_row(actor, clue) is None:
        raise DomainError("只有经审批分办的承办人才能拟定处置方式")
    ways = [disposal] if isinstance(disposal, str) else [w for w in disposal or () if w]
    if len(set(ways)) > 1:
        raise DomainError("一条线索只能选择一种处置方式", field="disposal")
    way = ways[0] if ways else ""
    if way not in Disposal.values:
        raise DomainError("请选择处置方式：谈话函询、初步核实、暂存待查、予以了结或移送审查调查", field="disposal")
    if study_required(way):
        if study_on is None or study_on > timezone.localdate() or study_on < clue.received_on:
            raise DomainError(f"{Disposal(way).label}须经集体研究：请填写集体研究日期（受理之后、不晚于今天）",
                              field="study_on")
        clue.study_participants = _text(study_participants, "集体研究参加人员", "study_participants", 300)
        clue.study_conclusion = _text(study_conclusion, "集体研究结论", "study_conclusion", 500, multiline=True)
        clue.study_on = study_on
    clue.disposal_note = _text(note, "处置意见", "note", 500, required=False, multiline=True)
    clue.disposal, clue.state, clue.disposed_at = way, ClueState.SIGNING, timezone.now()
    clue.save(update_fields=["disposal", "disposal_note", "state", "disposed_at", "study_on", "study_participants",
                             "study_conclusion"])
    ClueHandler.objects.filter(clue=clue).update(signed_at=None, sign_note="")
    audit_record(actor=actor, action="discipline.clue.dispose", target=clue,
                 details={"disposal": way, "study_on": study_on.isoformat() if clue.study_on else ""})
    return clue


@service
def clue_sign(*, actor, clue: Clue, note: str = "") -> Clue:
    """A handler signs the disposal; the last signature makes it final."""
    policy.require(actor, perms.CLUE_MANAGE, clue.unit_path)
    clue = _clue_locked(clue)
    _clue_in(clue, ClueState.SIGNING)
    row = _handler_row(actor, clue)
    if row is None:
        raise DomainError("您不是该线索经审批分办的承办人，不能签字")
    if row.signed_at is not None:
        raise DomainError("您已签字")
    row.signed_at, row.sign_note = timezone.now(), _text(note, "签字意见", "note", 200, required=False)
    row.save(update_fields=["signed_at", "sign_note"])
    if not ClueHandler.objects.filter(clue=clue, signed_at__isnull=True).exists():
        disposal_final(clue)
    audit_record(actor=actor, action="discipline.clue.sign", target=clue,
                 details={"disposal": clue.disposal, "final": clue.state == ClueState.DISPOSED,
                          "report_due": clue.report_due.isoformat() if clue.report_due else ""})
    return clue


@service
def clue_conclude(*, actor, clue: Clue, outcome: str, note: str = "") -> Clue:
    """了结: the outcome (the note's list), once every assigned handler has signed the disposal."""
    policy.require(actor, perms.CLUE_MANAGE, clue.unit_path)
    clue = _clue_locked(clue)
    if clue.state == ClueState.SIGNING:
        raise DomainError("尚有承办人未在处置意见上签字，不能了结")
    _clue_in(clue, ClueState.DISPOSED)
    if owes_report(clue.disposal) and not hasattr(clue, "report"):
        owed = "或".join(str(kind.label) for kind in REPORT_KINDS[clue.disposal])
        raise DomainError(f"{clue.get_disposal_display()}尚未提交{owed}，不能了结", field="outcome")
    if outcome not in Outcome.values:
        raise DomainError("请选择处置结果", field="outcome")
    clue.outcome, clue.outcome_note = outcome, _text(note, "结果说明", "note", 500, required=False, multiline=True)
    clue.state, clue.concluded_on = ClueState.CONCLUDED, timezone.localdate()
    clue.save(update_fields=["outcome", "outcome_note", "state", "concluded_on"])
    audit_record(actor=actor, action="discipline.clue.conclude", target=clue,
                 details={"disposal": clue.disposal, "outcome": outcome})
    return clue

