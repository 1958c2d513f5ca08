"""Writes of the requirement tickets (业务需求运维管理暂行办法 §2–14, design/domain/labor.md §3): each checks the
actor's right where the step is taken, that the ticket is at that step, writes and audits in one transaction
(``@service``), and records the step (``TicketStep``: who, when, the opinion).

Who takes each step: the applying department drafts and submits (``TICKET_FILE`` at its unit) and its head signs
(``TICKET_SIGN``); the prefecture's counterpart department reviews a county ticket (``TICKET_REVIEW`` at the
department named on it); the information centre takes it in, hands it to a vendor and sets the development due
date (``TICKET_DISPATCH`` over the applying unit); the vendor numbers and assesses it, develops, tests internally,
plans and reports the release (``TICKET_WORK`` at the vendor's unit named on it, and nowhere else); the centre and
the applying department each sign the business test (never the developer of the change). A return always needs
its reason."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.calendar.workdays import add_working_days
from fenji.core.files.models import FileKind
from fenji.core.files.services import attachment_write
from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.paths import SEGMENT_WIDTH, ancestor_paths
from fenji.core.kernel.text import checked_text, normalise_number
from fenji.core.org.models import Unit

from . import kinds
from . import module as perms
from .models import SignSide, Subsystem, Ticket, TicketKind, TicketState, TicketStep, TicketTest, Urgency

BASIS_KINDS = {FileKind.PDF, FileKind.OFD, FileKind.DOCX, FileKind.JPG, FileKind.PNG}
BASIS_MAX = 5
DESCRIPTION_MAX = 5000
COUNTY_KINDS = {kinds.COUNTY, "county"}  # a county bureau (the labor profile's) or the generic county level
VENDOR_KINDS = {kinds.VENDOR, "other"}  # the labor profile's 运维公司, or a unit of the generic kind 其他
S = TicketState


def _text(value, label, field, limit, required=True, multiline=False):
    return checked_text(value, label=label, field=field, limit=limit, required=required, multiline=multiline)


def _me(actor):
    return (get_user_model().objects.unscoped(reason="the actor's own account").select_related("person", "unit")
            .get(pk=actor.account_id))


def _locked(ticket: Ticket) -> Ticket:
    return Ticket.objects.unscoped(reason="found in scope").select_for_update(of=("self",)).get(pk=ticket.pk)


def _at(ticket: Ticket, *states) -> None:
    if ticket.state not in states:
        raise DomainError(f"该需求当前为“{ticket.get_state_display()}”，不能办理这一环节", code="wrong_state")


def _step(actor, ticket: Ticket, action: str, before: str, note: str = "") -> TicketStep:
    me = _me(actor)
    return TicketStep.objects.create(ticket=ticket, action=action, from_state=before, to_state=ticket.state,
                                     actor_id=me.pk, actor_name=me.person.real_name, unit_name=me.unit.name, note=note)


AUDIT_CODES = {"submit": "labor.ticket.submit", "sign": "labor.ticket.sign", "review": "labor.ticket.review",
               "intake": "labor.ticket.intake", "assess": "labor.ticket.assess", "schedule": "labor.ticket.schedule",
               "develop": "labor.ticket.develop", "internal_test": "labor.ticket.internal_test",
               "business_test": "labor.ticket.business_test", "plan": "labor.ticket.plan",
               "release": "labor.ticket.release"}


def _move(actor, ticket: Ticket, action: str, to: str, note: str = "", **stamps) -> Ticket:
    """The ticket moved to ``to``, its step recorded and audited (``stamps``: the fields the step sets)."""
    before = ticket.state
    ticket.state = to
    for name, value in stamps.items():
        setattr(ticket, name, value)
    ticket.save(update_fields=["state", *stamps])
    _step(actor, ticket, action, before, note)
    audit_record(actor=actor, action=AUDIT_CODES[action], target=ticket,
                 details={"from": before, "to": to, **({"note": note[:200]} if note else {})})
    return ticket


def _reason(note: str) -> str:
    return _text(note, "退回理由", "note", 500, multiline=True)


def is_county_ticket(unit: Unit) -> bool:
    """Does a ticket of ``unit`` go through the prefecture's counterpart department (the applicant is a county
    bureau or below one)?"""
    if unit.kind in COUNTY_KINDS:
        return True
    return Unit.objects.filter(path__in=ancestor_paths(unit.path), kind__in=COUNTY_KINDS).exists()


def _phone(value: str) -> str:
    phone = normalise_number(value or "")
    if not phone or len(phone) > 20 or not all(c.isdigit() or c == "-" for c in phone) or sum(map(str.isdigit, phone)) < 7:
        raise DomainError("请填写有效的联系电话（手机或座机号码）", field="contact_phone")
    return phone


def _fields(*, system_name, subsystem, title, kind, urgency, urgent_reason, description, contact_name,
            contact_phone) -> dict:
    if subsystem not in Subsystem.values:
        raise DomainError("请选择需求所属的子系统", field="subsystem")
    if kind not in TicketKind.values:
        raise DomainError("请选择需求类型（新增或变更）", field="kind")
    if urgency not in Urgency.values:
        raise DomainError("请选择紧急程度", field="urgency")
    reason = _text(urgent_reason, "紧急理由", "urgent_reason", 200, required=urgency == Urgency.URGENT)
    return {"system_name": _text(system_name, "系统名称", "system_name", 60), "subsystem": subsystem,
            "title": _text(title, "需求名称", "title", 100), "kind": kind, "urgency": urgency,
            "urgent_reason": reason if urgency == Urgency.URGENT else "",
            "description": _text(description, "需求描述", "description", DESCRIPTION_MAX, multiline=True),
            "contact_name": _text(contact_name, "联系人", "contact_name", 30), "contact_phone": _phone(contact_phone)}


def review_unit_choices(unit: Unit) -> list[Unit]:
    """The prefecture's departments a county ticket of ``unit`` may go to: the active departments directly under
    the deployment's top unit (none for the prefecture's own tickets)."""
    if not is_county_ticket(unit):
        return []
    top = unit.path[:SEGMENT_WIDTH]
    return list(Unit.objects.filter(parent__path=top, kind__in=(kinds.DEPARTMENT, "department"), status="active")
                .order_by("path"))


def _review_unit(unit: Unit, review_unit: Unit | None) -> Unit | None:
    if not is_county_ticket(unit):
        return None
    if review_unit is None:
        raise DomainError("县（市）的业务需求须选择州级对口科室审核", field="review_unit")
    if review_unit.pk not in {u.pk for u in review_unit_choices(unit)}:
        raise DomainError("对口科室须为州级业务部门", field="review_unit")
    return review_unit


def _attach(actor, ticket: Ticket, files) -> None:
    files = list(files or [])
    if ticket.basis.unscoped(reason="the ticket being written").count() + len(files) > BASIS_MAX:
        raise DomainError(f"政策文件或依据最多 {BASIS_MAX} 个", field="files")
    for upload in files:
        ticket.basis.add(attachment_write(actor=actor, unit=ticket.unit, upload=upload, kinds=BASIS_KINDS,
                                          kinds_label="PDF、OFD、Word（docx）或图片"))


@service
def ticket_draft(*, actor, unit: Unit, review_unit: Unit | None = None, files=(), **fields) -> Ticket:
    """A new 业务需求申请表, drafted by a business department for itself."""
    policy.require(actor, perms.TICKET_FILE, unit.path)
    if actor.unit_id != unit.pk:
        raise DomainError("业务需求由本部门填报", field="unit")
    data = _fields(**fields)
    ticket = Ticket.objects.create(unit=unit, unit_path=unit.path, filer_id=actor.account_id,
                                   review_unit=_review_unit(unit, review_unit), **data)
    _attach(actor, ticket, files)
    audit_record(actor=actor, action="labor.ticket.draft", target=ticket,
                 details={"title": ticket.title, "subsystem": ticket.subsystem})
    return ticket


@service
def ticket_update(*, actor, ticket: Ticket, review_unit: Unit | None = None, files=(), **fields) -> Ticket:
    """The draft changed by its department (also after a return)."""
    ticket = _locked(ticket)
    policy.require(actor, perms.TICKET_FILE, ticket.unit_path)
    _at(ticket, S.DRAFT)
    data = _fields(**fields)
    for name, value in data.items():
        setattr(ticket, name, value)
    ticket.review_unit = _review_unit(ticket.unit, review_unit)
    ticket.save()
    _attach(actor, ticket, files)
    audit_record(actor=actor, action="labor.ticket.update", target=ticket, details={"title": ticket.title})
    return ticket


@service
def ticket_submit(*, actor, ticket: Ticket) -> Ticket:
    """The draft sent to the department's head for signing."""
    ticket = _locked(ticket)
    policy.require(actor, perms.TICKET_FILE, ticket.unit_path)
    _at(ticket, S.DRAFT)
    if is_county_ticket(ticket.unit) and ticket.review_unit_id is None:
        raise DomainError("县（市）的业务需求须选择州级对口科室审核", field="review_unit")
    return _move(actor, ticket, "submit", S.DEPT_REVIEW, submitted_at=timezone.now())


@service
def ticket_sign(*, actor, ticket: Ticket, approve: bool, note: str = "") -> Ticket:
    """申请部门负责人签字: on to the prefecture's counterpart department (a county ticket) or the information centre;
    or back to the draft with the reason."""
    ticket = _locked(ticket)
    policy.require(actor, perms.TICKET_SIGN, ticket.unit_path)
    _at(ticket, S.DEPT_REVIEW)
    if not approve:
        return _move(actor, ticket, "sign", S.DRAFT, _reason(note))
    note = _text(note, "意见", "note", 500, required=False, multiline=True)
    return _move(actor, ticket, "sign", S.UPPER_REVIEW if ticket.review_unit_id else S.INTAKE, note,
                 signed_at=timezone.now())


@service
def ticket_review(*, actor, ticket: Ticket, approve: bool, note: str = "") -> Ticket:
    """州级对口科室审核 of a county ticket: on to the information centre, or back to the county with the reason."""
    ticket = _locked(ticket)
    if ticket.review_unit_id is None:
        raise DomainError("该需求无需州级业务部门审核", code="wrong_state")
    policy.require(actor, perms.TICKET_REVIEW, ticket.review_unit.path)
    _at(ticket, S.UPPER_REVIEW)
    if not approve:
        return _move(actor, ticket, "review", S.DRAFT, _reason(note))
    return _move(actor, ticket, "review", S.INTAKE, _text(note, "意见", "note", 500, required=False, multiline=True),
                 reviewed_at=timezone.now())


def vendor_units(actor):
    """The vendor companies the information centre may hand a ticket to: units of a vendor kind in its scope."""
    return Unit.objects.filter(kind__in=VENDOR_KINDS, status="active").filter(policy.scope_q(actor, perms.TICKET_DISPATCH,
                                                                                       "path")).order_by("path")


@service
def ticket_intake(*, actor, ticket: Ticket, accept: bool, vendor_unit: Unit | None = None, note: str = "") -> Ticket:
    """信息中心受理: handed to a vendor company for its assessment, or returned to the department with the reason."""
    ticket = _locked(ticket)
    policy.require(actor, perms.TICKET_DISPATCH, ticket.unit_path)
    _at(ticket, S.INTAKE)
    if not accept:
        return _move(actor, ticket, "intake", S.DRAFT, _reason(note))
    if vendor_unit is None or not vendor_units(actor).filter(pk=vendor_unit.pk).exists():
        raise DomainError("请选择承担该需求的运维公司", field="vendor_unit")
    return _move(actor, ticket, "intake", S.ASSESSING, _text(note, "意见", "note", 500, required=False, multiline=True),
                 vendor_unit=vendor_unit, accepted_at=timezone.now())


def _vendor(actor, ticket: Ticket) -> None:
    """Only the vendor the ticket was handed to acts on it (answered like a missing ticket to anyone else)."""
    if ticket.vendor_unit_id is None or not policy.can(actor, perms.TICKET_WORK, ticket.vendor_unit.path):
        policy.require(actor, perms.TICKET_WORK, ticket.vendor_unit.path if ticket.vendor_unit_id else "")
        raise DomainError("该需求未分派给您所在的运维公司", code="not_assigned")


def _number(ticket: Ticket) -> str:
    """The vendor's number: XQ, the year, a sequence within the year (taken under a lock on the deployment's top
    unit, which every ticket shares, so two vendors never take the same number)."""
    Unit.objects.select_for_update().filter(path=ticket.unit_path[:SEGMENT_WIDTH]).first()
    year = timezone.localdate().year
    prefix = f"XQ{year}-"
    taken = Ticket.objects.unscoped(reason="numbers are unique").filter(number__startswith=prefix).count()
    return f"{prefix}{taken + 1:04d}"


@service
def ticket_assess(*, actor, ticket: Ticket, feasible: bool, assessment: str, plan: str = "") -> Ticket:
    """运维公司评估: the ticket numbered, the feasibility opinion and plan written (sent to the information centre
    and the department by the ticket itself); an infeasible ticket is closed with the opinion."""
    ticket = _locked(ticket)
    _vendor(actor, ticket)
    _at(ticket, S.ASSESSING)
    opinion = _text(assessment, "可实施性评估意见", "assessment", 2000, multiline=True)
    plan = _text(plan, "实施计划", "plan", 2000, required=feasible, multiline=True)
    return _move(actor, ticket, "assess", S.SCHEDULING if feasible else S.INFEASIBLE, opinion,
                 number=ticket.number or _number(ticket), feasible=feasible, assessment=opinion, plan=plan,
                 assessed_at=timezone.now())


@service
def ticket_schedule(*, actor, ticket: Ticket, dev_due: datetime.date, note: str = "") -> Ticket:
    """信息中心排期: the date by which the vendor must finish the development (规定时间内完成)."""
    ticket = _locked(ticket)
    policy.require(actor, perms.TICKET_DISPATCH, ticket.unit_path)
    _at(ticket, S.SCHEDULING)
    if not isinstance(dev_due, datetime.date) or dev_due < timezone.localdate():
        raise DomainError("开发完成期限不能早于今天", field="dev_due")
    if dev_due > timezone.localdate() + datetime.timedelta(days=366):
        raise DomainError("开发完成期限不能超过一年", field="dev_due")
    return _move(actor, ticket, "schedule", S.DEVELOPING, _text(note, "意见", "note", 500, required=False),
                 dev_due=dev_due, scheduled_at=timezone.now())


@service
def ticket_develop(*, actor, ticket: Ticket, note: str = "") -> Ticket:
    """开发完成, on to the vendor's internal test; the account that reports it is the change's developer."""
    ticket = _locked(ticket)
    _vendor(actor, ticket)
    _at(ticket, S.DEVELOPING)
    return _move(actor, ticket, "develop", S.INTERNAL_TEST, _text(note, "开发说明", "note", 1000, required=False,
                                                                     multiline=True),
                 developer_id=actor.account_id, developed_at=timezone.now())


def test_days() -> int:
    return settings.FENJI_LABOR_TEST_DAYS


@service
def ticket_internal_test(*, actor, ticket: Ticket, passed: bool, note: str) -> Ticket:
    """运维公司内部测试: passed → the business test (due within ``FENJI_LABOR_TEST_DAYS`` working days); failed →
    back to development."""
    ticket = _locked(ticket)
    _vendor(actor, ticket)
    _at(ticket, S.INTERNAL_TEST)
    note = _text(note, "内部测试情况", "note", 1000, multiline=True)
    if not passed:
        return _move(actor, ticket, "internal_test", S.DEVELOPING, note)
    return _move(actor, ticket, "internal_test", S.BUSINESS_TEST, note, test_round=ticket.test_round + 1,
                 test_due=add_working_days(timezone.localdate(), test_days(), provisional=True))


def test_sides(actor, ticket: Ticket) -> list[str]:
    """The sides of the business test ``actor`` may sign: the information centre's, the applying department's."""
    sides = []
    if policy.can(actor, perms.TICKET_DISPATCH, ticket.unit_path):
        sides.append(SignSide.CENTRE)
    if actor.unit_id == ticket.unit_id and policy.can(actor, perms.TICKET_FILE, ticket.unit_path):
        sides.append(SignSide.BUSINESS)
    return sides


@service
def ticket_business_test(*, actor, ticket: Ticket, side: str, passed: bool, result: str,
                         tested_on: datetime.date | None = None) -> TicketTest:
    """业务测试 on the 发布确认单: the information centre and the applying department each sign the result; both
    passed → the release plan; either failed → back to development with the result as the reason."""
    ticket = _locked(ticket)
    if side not in test_sides(actor, ticket):
        policy.require(actor, perms.TICKET_DISPATCH if side == SignSide.CENTRE else perms.TICKET_FILE, ticket.unit_path)
        raise DomainError("业务部门的测试由申请部门本部门人员签字", field="side")
    _at(ticket, S.BUSINESS_TEST)
    if ticket.developer_id == actor.account_id:
        raise DomainError("验证人员不能是该需求的开发人员", field="side", code="developer_tests")
    if ticket.tests.filter(round=ticket.test_round, side=side).exists():
        raise DomainError(f"本轮{SignSide(side).label}测试已签字", field="side")
    today = timezone.localdate()
    tested_on = tested_on or today
    if tested_on > today:
        raise DomainError("测试日期不能晚于今天", field="tested_on")
    result = _text(result, "测试结果", "result", 300, multiline=True)
    me = _me(actor)
    test = TicketTest.objects.create(ticket=ticket, round=ticket.test_round, side=side, passed=passed, result=result,
                                     tester_id=me.pk, tester_name=me.person.real_name, tested_on=tested_on)
    audit_record(actor=actor, action="labor.ticket.test", target=ticket,
                 details={"side": side, "passed": passed, "round": ticket.test_round})
    if not passed:
        _move(actor, ticket, "business_test", S.DEVELOPING, f"{SignSide(side).label}测试未通过：{result}")
    elif ticket.tests.filter(round=ticket.test_round, passed=True).count() == len(SignSide.values):
        _move(actor, ticket, "business_test", S.RELEASE_PLAN, result, business_passed_at=timezone.now())
    return test


@service
def ticket_release_plan(*, actor, ticket: Ticket, scope: str, start: datetime.datetime, end: datetime.datetime,
                        lead: str) -> Ticket:
    """运维公司发布计划: the business affected, the window and the project lead; only after a passed business test."""
    ticket = _locked(ticket)
    _vendor(actor, ticket)
    _at(ticket, S.RELEASE_PLAN)
    if ticket.business_passed_at is None:
        raise DomainError("业务测试通过后才能发布", code="not_tested")
    if start is None or end is None:
        raise DomainError("请填写发布起止时间", field="start")
    start, end = (value if timezone.is_aware(value) else timezone.make_aware(value) for value in (start, end))
    if end <= start:
        raise DomainError("发布结束时间须晚于开始时间", field="end")
    return _move(actor, ticket, "plan", S.RELEASING, f"{start:%Y-%m-%d %H:%M}—{end:%Y-%m-%d %H:%M}",
                 release_scope=_text(scope, "影响业务范围", "scope", 300), release_start=start, release_end=end,
                 release_lead=_text(lead, "项目负责人", "lead", 30))


@service
def ticket_release(*, actor, ticket: Ticket, succeeded: bool, result: str) -> Ticket:
    """The vendor reports the release to the department: done, or back to a new release plan."""
    ticket = _locked(ticket)
    _vendor(actor, ticket)
    _at(ticket, S.RELEASING)
    result = _text(result, "发布结果", "result", 300, multiline=True)
    if not succeeded:
        return _move(actor, ticket, "release", S.RELEASE_PLAN, result)
    return _move(actor, ticket, "release", S.RELEASED, result, release_result=result, released_at=timezone.now())
