"""Writes of the league module (seed 002, design/domain/league.md): members entered by their branch, monthly dues bills
and their payment. Each checks the actor's right, validates, writes and audits in one transaction (``@service``)."""

import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.utils import timezone
from django.utils.crypto import get_random_string

from fenji.core.access import policy
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.kernel.crypto import blind_index
from fenji.core.kernel.errors import AccessDenied, DomainError
from fenji.core.kernel.text import checked_text, normalise_number
from fenji.core.org.models import Unit
from fenji.core.people.identity import clean_mobile, parse_id_number
from fenji.core.people.models import Account, AccountKind, Person

from . import kinds
from . import module as perms
from .billing import bills_insert
from .models import (
    OPEN_TRANSFER_STATES,
    DuesBill,
    EditState,
    Education,
    LeagueStatus,
    Member,
    MemberEdit,
    Occupation,
    PayChannel,
    PoliticalStatus,
    Transfer,
    TransferInitiator,
    TransferReason,
    TransferState,
)

DEVELOPMENT_NO_FROM = datetime.date(2017, 1, 1)  # joins from this day carry a development number
JOIN_AGE = 13  # the youngest age at joining (12 before 2017)
ARREARS_MAX = 6  # months paid at once at most
BRANCH_KINDS = {kinds.BRANCH, "branch"}  # the League's 团支部, or the generic branch level


def _text(value, label, field, limit, required=True):
    return checked_text(value, label=label, field=field, limit=limit, required=required)


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def development_no_error(number: str, join_date: datetime.date) -> str | None:
    """Why ``number`` is no valid development number for a join on ``join_date`` (None: it is): 12 digits whose first
    four are the join year, mandatory for joins from 2017-01-01."""
    if not number:
        return "2017 年 1 月 1 日以后入团的须填写发展团员编号" if join_date >= DEVELOPMENT_NO_FROM else None
    if len(number) != 12 or not number.isdigit():
        return "发展团员编号应为 12 位数字"
    if number[:4] != f"{join_date.year:04d}":
        return f"发展团员编号的前 4 位应为入团年份 {join_date.year}"
    return None


def _age_on(birth: datetime.date | None, day: datetime.date) -> int | None:
    if birth is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _income(value) -> Decimal:
    try:
        income = Decimal(normalise_number(str(value if value not in (None, "") else 0)))
    except InvalidOperation:
        raise DomainError("月收入应为数字", field="income") from None
    if not income.is_finite() or income < 0 or income > Decimal("9999999"):
        raise DomainError("月收入应为 0 或正数", field="income")
    return income.quantize(Decimal("0.01"))


def _choice(value, choices, label, field):
    if value not in choices.values:
        raise DomainError(f"请选择{label}", field=field)
    return value


@service
def member_register(*, actor, branch: Unit, real_name: str, id_number: str, mobile: str, join_date: datetime.date,
                    join_place: str, development_no: str = "", ethnicity: str = "汉族",
                    political_status: str = PoliticalStatus.MEMBER, education: str = Education.SENIOR,
                    occupation: str = Occupation.STUDENT, work_unit: str = "", income=0,
                    student: bool = False) -> Member:
    """A member entered by the branch (or an administrator above it), with the member account (mobile login, no
    password: activated by SMS code). An ID number already held by a member is refused: the answer is a transfer."""
    policy.require(actor, perms.MEMBER_MANAGE, branch.path)
    if branch.kind not in BRANCH_KINDS:
        raise DomainError("团员只能编入团支部，请选择团支部", field="branch")
    if not branch.is_active:
        raise DomainError(f"“{branch.name}”已撤销", field="branch")
    real_name = _text(real_name, "姓名", "real_name", 50)
    identity = parse_id_number(id_number or "")
    try:
        mobile = clean_mobile(mobile or "")
    except DomainError as error:
        raise DomainError(error.message, field="mobile") from None
    today = timezone.localdate()
    if join_date is None or join_date > today:
        raise DomainError("入团时间不能晚于今天", field="join_date")
    age = _age_on(identity.birth_date, join_date)
    youngest = JOIN_AGE if join_date >= DEVELOPMENT_NO_FROM else JOIN_AGE - 1
    if age is not None and age < youngest:
        raise DomainError(f"入团时应年满 {youngest} 周岁（按身份证号计算入团时 {age} 岁）", field="join_date")
    development_no = normalise_number(development_no or "")
    if error := development_no_error(development_no, join_date):
        raise DomainError(error, field="development_no")
    if development_no and Member.objects.unscoped(reason="development numbers are unique").filter(
            development_no=development_no).exists():
        raise DomainError("该发展团员编号已被使用", field="development_no")
    person = Person.objects.filter(id_number_hash=blind_index(identity.number)).first()
    if person is not None:
        if Member.objects.unscoped(reason="one member, one record").filter(person=person).exists():
            raise DomainError("该身份证号码已是团员：团员转到本支部请办理组织关系转接，不要重复录入", field="id_number")
        raise DomainError("该身份证号码已有账号，请联系上级管理员核实", field="id_number")
    if Account.objects.unscoped(reason="one mobile number, one account").filter(mobile_hash=blind_index(mobile)).exists():
        raise DomainError("该手机号已有账号：一个手机号只能开设一个账号", field="mobile")
    person = Person.objects.create(real_name=real_name, id_number=identity.number, gender=identity.gender,
                                   birth_date=identity.birth_date)
    Account.objects.create(person=person, kind=AccountKind.MEMBER, mobile=mobile, unit=branch, unit_path=branch.path,
                           password=UNUSABLE_PASSWORD_PREFIX + get_random_string(40), must_change_password=True,
                           opened_by_id=actor.account_id)
    member = Member.objects.create(
        person=person, unit=branch, unit_path=branch.path, join_date=join_date,
        join_place=_text(join_place, "入团所在单位", "join_place", 100), development_no=development_no or None,
        ethnicity=_text(ethnicity or "汉族", "民族", "ethnicity", 20),
        political_status=_choice(political_status, PoliticalStatus, "政治面貌", "political_status"),
        education=_choice(education, Education, "最高学历", "education"),
        occupation=_choice(occupation, Occupation, "职业", "occupation"),
        work_unit=_text(work_unit, "工作单位或学校", "work_unit", 100, required=False), income=_income(income),
        student=bool(student), created_by_id=actor.account_id)
    audit_record(actor=actor, action="league.member.register", target=member,
                 details={"name": real_name, "branch": branch.name, "join_date": join_date.isoformat()})
    return member


@service
def member_income_set(*, actor, member: Member, income, student: bool) -> Member:
    """A change of income or student status: it applies from the next month's bill (bills already made stay)."""
    policy.require(actor, perms.MEMBER_MANAGE, member.unit_path)
    before = (str(member.income), member.student)
    member.income, member.student = _income(income), bool(student)
    member.save(update_fields=["income", "student", "updated_at"])
    audit_record(actor=actor, action="league.member.income", target=member,
                 details={"before": before, "after": (str(member.income), member.student)})
    return member


def rule_set() -> str:
    return settings.FENJI_LEAGUE_DUES_RULES


@service
def bills_generate(*, actor, unit: Unit, month: datetime.date) -> int:
    """The month's bills for the members in good standing of ``unit``'s subtree who joined by the month's end and
    have none yet; each owned by the member's branch now. Returns how many were made."""
    policy.require(actor, perms.DUES_MANAGE, unit.path)
    month = first_of_month(month)
    if month > first_of_month(timezone.localdate()):
        raise DomainError("不能生成以后月份的团费账单", field="month")
    rules = rule_set()
    made = bills_insert(unit=unit, month=month, rule_set=rules)  # one statement, or bounded chunks (billing.py)
    audit_record(actor=actor, action="league.bills.generate", target=unit,
                 details={"month": f"{month:%Y-%m}", "bills": made, "rule_set": rules})
    return made


def bills_generate_due() -> str:
    """The periodic job: this month's bills for every member, from the 1st on (a run finds the month done)."""
    roots = Unit.objects.filter(parent__isnull=True)
    made = sum(bills_generate(actor=policy.SYSTEM, unit=root, month=timezone.localdate()) for root in roots)
    return f"{made} bills"


@service
def dues_pay(*, actor, member: Member, months: int, channel: str, reference: str = "") -> list[DuesBill]:
    """Pay the member's ``months`` oldest unpaid bills at once (at most six; never a month not yet billed). The
    member pays online for themself; the branch records cash."""
    mine = actor.account_id is not None and Account.objects.unscoped(reason="the actor's own account").filter(
        pk=actor.account_id, person_id=member.person_id).exists()
    if not mine:
        policy.require(actor, perms.DUES_MANAGE, member.unit_path)
    elif channel != PayChannel.ONLINE:
        raise AccessDenied("团员本人只能线上缴纳", rule="member_pays_online", action=perms.DUES_MANAGE)
    if channel not in PayChannel.values:
        raise DomainError("请选择缴纳方式", field="channel")
    if not isinstance(months, int) or not 1 <= months <= ARREARS_MAX:
        raise DomainError(f"一次可缴 1 至 {ARREARS_MAX} 个月", field="months")
    reference = _text(reference, "缴费凭证号", "reference", 40, required=channel == PayChannel.ONLINE and not mine)
    unpaid = list(DuesBill.objects.unscoped(reason="the member's own bills, the member in reach")
                  .select_for_update().filter(member=member, paid_at__isnull=True).order_by("month")[:ARREARS_MAX + 1])
    if not unpaid:
        raise DomainError("没有未缴的团费（不能预缴以后月份的团费）")
    if months > len(unpaid):
        raise DomainError(f"目前只有 {len(unpaid)} 个月未缴，不能预缴以后月份的团费", field="months")
    now = timezone.now()
    paid = unpaid[:months]
    DuesBill.objects.unscoped(reason="the bills just locked").filter(pk__in=[b.pk for b in paid]).update(
        paid_at=now, channel=channel, reference=reference, recorded_by_id=actor.account_id)
    for bill in paid:
        bill.paid_at, bill.channel, bill.reference, bill.recorded_by_id = now, channel, reference, actor.account_id
    audit_record(actor=actor, action="league.dues.pay", target=member,
                 details={"months": [f"{b.month:%Y-%m}" for b in paid], "amount": str(sum(b.amount for b in paid)),
                          "channel": channel})
    return paid


# --- 组织关系转接 -----------------------------------------------------------------------------------------

REVIEW_DAYS = 5  # each side reviews within five working days (seed 002)


def _due(today: datetime.date) -> datetime.date:
    from fenji.core.calendar.workdays import add_working_days

    return add_working_days(today, REVIEW_DAYS, provisional=True)


def branch_by_code(code: str) -> Unit:
    """The receiving branch named by its code: any branch of the platform (the receiving side decides), shown by
    its name only."""
    unit = Unit.objects.filter(code=(code or "").strip()).first()
    if unit is None or unit.kind not in BRANCH_KINDS or not unit.is_active:
        raise DomainError("没有该代码的团支部，请向转入团支部核实团组织代码", field="to_code")
    return unit


@service
def transfer_start(*, actor, member: Member, to_unit: Unit, reason: str, note: str = "",
                   initiator: str = TransferInitiator.SENDER) -> Transfer:
    """Start a transfer of ``member`` to the branch ``to_unit``: by the member (the sender reviews, then the
    receiver), the sending organisation (the receiver reviews) or the receiving one (the sender reviews)."""
    if initiator == TransferInitiator.MEMBER:
        if not Account.objects.unscoped(reason="the actor's own account").filter(
                pk=actor.account_id, person_id=member.person_id).exists():
            raise AccessDenied("只能为本人申请转接", rule="own_transfer", action=perms.TRANSFER_HANDLE)
    elif initiator == TransferInitiator.SENDER:
        policy.require(actor, perms.TRANSFER_HANDLE, member.unit_path)
    elif initiator == TransferInitiator.RECEIVER:
        policy.require(actor, perms.TRANSFER_HANDLE, to_unit.path)
    else:
        raise DomainError("发起方不正确", field="initiator")
    if to_unit.kind not in BRANCH_KINDS or not to_unit.is_active:
        raise DomainError("请选择转入的团支部", field="to_code")
    if to_unit.pk == member.unit_id:
        raise DomainError("转入团支部与现在的团支部相同", field="to_code")
    if member.status != LeagueStatus.NORMAL:
        raise DomainError(f"该团员团籍状态为{member.get_status_display()}，不能转接")
    if reason not in TransferReason.values:
        raise DomainError("请选择转接原因", field="reason")
    note = _text(note, "说明", "note", 200, required=reason == TransferReason.OTHER)
    member = Member.objects.unscoped(reason="found in scope").select_for_update(of=("self",)).get(pk=member.pk)
    if Transfer.objects.unscoped(reason="one open transfer per member").filter(
            member=member, state__in=OPEN_TRANSFER_STATES).exists():
        raise DomainError("该团员已有办理中的转接，请待其办结或撤回后再发起")
    today = timezone.localdate()
    receiver_only = initiator == TransferInitiator.SENDER
    transfer = Transfer.objects.create(
        unit_id=member.unit_id, unit_path=member.unit_path, member=member, to_unit=to_unit, initiator=initiator,
        reason=reason, note=note, started_by_id=actor.account_id,
        state=TransferState.IN_REVIEW if receiver_only else TransferState.OUT_REVIEW, stage_due=_due(today),
        out_due=None if receiver_only else _due(today), in_due=_due(today) if receiver_only else None)
    audit_record(actor=actor, action="league.transfer.start", target=transfer,
                 details={"member": member.person.real_name, "to": to_unit.name, "initiator": initiator})
    return transfer


def _locked_transfer(transfer: Transfer) -> Transfer:
    return Transfer.objects.unscoped(reason="found in scope").select_for_update(of=("self",)).get(pk=transfer.pk)


def _side_path(transfer: Transfer) -> str:
    """The unit whose turn it is: the sender while it is at 转出, the receiver at 转入."""
    return transfer.unit_path if transfer.state == TransferState.OUT_REVIEW else transfer.to_unit.path


@service
def transfer_approve(*, actor, transfer: Transfer) -> Transfer:
    """The side whose turn it is approves: the sender's approval passes it to the receiver (unless the receiver
    started it); the receiver's completes it — the member, the account and the next bills move to the new branch."""
    transfer = _locked_transfer(transfer)
    if transfer.state not in OPEN_TRANSFER_STATES:
        raise DomainError(f"该转接{transfer.get_state_display()}，不能再审核")
    policy.require(actor, perms.TRANSFER_HANDLE, _side_path(transfer))
    today = timezone.localdate()
    if transfer.state == TransferState.OUT_REVIEW:
        transfer.out_decided_on = today
        if transfer.initiator == TransferInitiator.MEMBER:
            transfer.state, transfer.in_due, transfer.stage_due = TransferState.IN_REVIEW, _due(today), _due(today)
            transfer.save(update_fields=["out_decided_on", "state", "in_due", "stage_due"])
            audit_record(actor=actor, action="league.transfer.approve", target=transfer, details={"side": "out"})
            return transfer
    else:
        transfer.in_decided_on = today
    _complete(transfer)
    transfer.save(update_fields=["out_decided_on", "in_decided_on", "state", "stage_due", "finished_at"])
    audit_record(actor=actor, action="league.transfer.approve", target=transfer,
                 details={"side": "in" if transfer.in_decided_on else "out", "completed": True})
    return transfer


def _complete(transfer: Transfer) -> None:
    to_unit = transfer.to_unit
    Member.objects.unscoped(reason="the member of a completed transfer").filter(pk=transfer.member_id).update(
        unit=to_unit, unit_path=to_unit.path)
    Account.objects.unscoped(reason="the member's account moves with the member").filter(
        person_id=transfer.member.person_id, kind=AccountKind.MEMBER).update(unit=to_unit, unit_path=to_unit.path)
    transfer.state, transfer.stage_due, transfer.finished_at = TransferState.DONE, None, timezone.now()


@service
def transfer_return(*, actor, transfer: Transfer, reason: str) -> Transfer:
    """The side whose turn it is returns it, with the reason: the transfer ends; the member stays."""
    transfer = _locked_transfer(transfer)
    if transfer.state not in OPEN_TRANSFER_STATES:
        raise DomainError(f"该转接{transfer.get_state_display()}，不能退回")
    policy.require(actor, perms.TRANSFER_HANDLE, _side_path(transfer))
    transfer.end_reason = _text(reason, "退回理由", "reason", 200)
    side = "out" if transfer.state == TransferState.OUT_REVIEW else "in"
    today = timezone.localdate()
    if side == "out":
        transfer.out_decided_on = today
    else:
        transfer.in_decided_on = today
    transfer.state, transfer.stage_due, transfer.finished_at = TransferState.RETURNED, None, timezone.now()
    transfer.save()
    audit_record(actor=actor, action="league.transfer.return", target=transfer,
                 details={"side": side, "reason": transfer.end_reason})
    return transfer


@service
def transfer_withdraw(*, actor, transfer: Transfer, reason: str) -> Transfer:
    """Whoever started it withdraws it before it completes (the member their own; an organisation its own)."""
    transfer = _locked_transfer(transfer)
    if transfer.state not in OPEN_TRANSFER_STATES:
        raise DomainError(f"该转接{transfer.get_state_display()}，不能撤回")
    if transfer.started_by_id != actor.account_id:
        path = transfer.to_unit.path if transfer.initiator == TransferInitiator.RECEIVER else transfer.unit_path
        if transfer.initiator == TransferInitiator.MEMBER:
            raise AccessDenied("只能由申请人本人撤回", rule="own_transfer", action=perms.TRANSFER_HANDLE)
        policy.require(actor, perms.TRANSFER_HANDLE, path)
    transfer.end_reason = _text(reason, "撤回理由", "reason", 200)
    transfer.state, transfer.stage_due, transfer.finished_at = TransferState.WITHDRAWN, None, timezone.now()
    transfer.save(update_fields=["end_reason", "state", "stage_due", "finished_at"])
    audit_record(actor=actor, action="league.transfer.withdraw", target=transfer, details={"reason": transfer.end_reason})
    return transfer


# --- a member's own edits, reviewed by the branch ------------------------------------------------------------

# The fields a member changes on the phone (the key fields — name, ID number, join date and place, development
# number, branch — are the administrators'); each with its label for the review.
MEMBER_EDITABLE = {"ethnicity": "民族", "political_status": "政治面貌", "education": "最高学历", "occupation": "职业",
                   "work_unit": "工作单位或学校", "income": "月收入（元）", "student": "在校学生"}
KEY_FIELDS = ("real_name", "id_number", "join_date", "join_place", "development_no", "branch")


def _edit_value(member: Member, name: str, value):
    if name == "income":
        return str(_income(value))
    if name == "student":
        return bool(value)
    if name == "political_status":
        return _choice(value, PoliticalStatus, "政治面貌", name)
    if name == "education":
        return _choice(value, Education, "最高学历", name)
    if name == "occupation":
        return _choice(value, Occupation, "职业", name)
    limit = 20 if name == "ethnicity" else 100
    return _text(value, MEMBER_EDITABLE[name], name, limit, required=name == "ethnicity")


def _current(member: Member, name: str):
    value = getattr(member, name)
    return str(value) if name == "income" else value


@service
def member_edit_submit(*, actor, member: Member, **changes) -> MemberEdit:
    """The member's own change of non-key fields: it waits for the branch's review (5 working days)."""
    if not Account.objects.unscoped(reason="the actor's own account").filter(
            pk=actor.account_id, person_id=member.person_id).exists():
        raise AccessDenied("只能修改本人的信息", rule="own_record", action=perms.MEMBER_REVIEW)
    keys = sorted(set(changes) & set(KEY_FIELDS))
    if keys:
        raise DomainError("姓名、身份证号码、入团时间和地点、发展团员编号、所在团支部为关键信息，请联系团组织管理员修改",
                          field=keys[0])
    unknown = sorted(set(changes) - set(MEMBER_EDITABLE))
    if unknown:
        raise DomainError(f"不能修改这些信息：{'、'.join(unknown)}")
    after = {name: _edit_value(member, name, value) for name, value in changes.items()}
    after = {name: value for name, value in after.items() if value != _current(member, name)}
    if not after:
        raise DomainError("没有修改任何信息")
    if MemberEdit.objects.unscoped(reason="one pending edit per member").filter(
            member=member, state=EditState.PENDING).exists():
        raise DomainError("上次的修改还在等待团支部审核，请审核后再提交")
    edit = MemberEdit.objects.create(unit_id=member.unit_id, unit_path=member.unit_path, member=member,
                                     before={name: _current(member, name) for name in after}, after=after,
                                     due_on=_due(timezone.localdate()))
    audit_record(actor=actor, action="league.edit.submit", target=edit, details={"fields": sorted(after)})
    return edit


@service
def member_edit_decide(*, actor, edit: MemberEdit, approve: bool, reason: str = "") -> MemberEdit:
    """The branch approves (the change takes effect; an income change from the next bill) or returns it with the
    reason."""
    policy.require(actor, perms.MEMBER_REVIEW, edit.unit_path)
    edit = MemberEdit.objects.unscoped(reason="found in scope").select_for_update(of=("self",)).get(pk=edit.pk)
    if edit.state != EditState.PENDING:
        raise DomainError(f"该修改{edit.get_state_display()}，不能再审核")
    if approve:
        member = Member.objects.unscoped(reason="the member of an approved edit").get(pk=edit.member_id)
        for name, value in edit.after.items():
            setattr(member, name, Decimal(value) if name == "income" else value)
        member.save(update_fields=[*edit.after, "updated_at"])
        edit.state = EditState.APPLIED
    else:
        edit.reason = _text(reason, "退回理由", "reason", 200)
        edit.state = EditState.RETURNED
    edit.decided_by_id, edit.decided_at = actor.account_id, timezone.now()
    edit.save(update_fields=["state", "reason", "decided_by_id", "decided_at"])
    audit_record(actor=actor, action="league.edit.decide", target=edit,
                 details={"approve": approve, "reason": edit.reason, "fields": sorted(edit.after)})
    return edit
