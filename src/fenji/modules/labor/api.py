"""``/api/v1/labor``: the requirement tickets over HTTP, with the pages' services and scope (a vendor's token
reaches the tickets handed to its company and nothing else). Policy files are uploaded on the page."""

import datetime

from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from fenji.core.api.pagination import NewestFirstQuery, api_newest_first
from fenji.core.api.routes import api_route
from fenji.core.api.schemas import ERRORS, Day, Id, InputSchema
from fenji.core.kernel.errors import DomainError
from fenji.core.org.models import Unit
from fenji.core.org.selectors import unit_own

from . import module as perms
from . import selectors, services
from .models import SignSide, Subsystem, TicketKind, TicketState, Urgency

router = Router(tags=["业务需求"])


class LaborTicketOut(Schema):
    id: int
    number: str | None
    title: str
    system_name: str
    subsystem: str
    kind: str
    urgency: str
    urgent_reason: str
    description: str
    unit: str
    review_unit: str | None
    vendor_unit: str | None
    state: str
    state_label: str
    feasible: bool | None
    assessment: str
    plan: str
    dev_due: datetime.date | None
    test_due: datetime.date | None
    test_round: int
    release_scope: str
    release_start: datetime.datetime | None
    release_end: datetime.datetime | None
    release_lead: str
    release_result: str
    submitted_at: datetime.datetime | None
    released_at: datetime.datetime | None
    overdue: bool

    @staticmethod
    def resolve_unit(ticket):
        return ticket.unit.name

    @staticmethod
    def resolve_review_unit(ticket):
        return ticket.review_unit.name if ticket.review_unit_id else None

    @staticmethod
    def resolve_vendor_unit(ticket):
        return ticket.vendor_unit.name if ticket.vendor_unit_id else None

    @staticmethod
    def resolve_state_label(ticket):
        return ticket.get_state_display()

    @staticmethod
    def resolve_overdue(ticket):
        return selectors.is_overdue(ticket)


class LaborTicketPage(Schema):
    items: list[LaborTicketOut]
    next: str | None
    total: int


class TicketIn(InputSchema):
    system_name: str = Field(max_length=60)
    subsystem: Subsystem
    title: str = Field(max_length=100)
    kind: TicketKind
    urgency: Urgency = Urgency.NORMAL
    urgent_reason: str = Field("", max_length=200)
    description: str = Field(max_length=5000)
    contact_name: str = Field(max_length=30)
    contact_phone: str = Field(max_length=20)
    review_unit: Id | None = Field(None, description="县（市）需求的州级对口科室 id")


class StepIn(InputSchema):
    op: str = Field(description="环节：submit 提交, sign 部门负责人签批, review 州级审核, intake 信息中心受理, assess 评估, "
                                "schedule 排期, develop 开发完成, internal_test 内部测试, business_test 业务测试, "
                                "plan 发布计划, release 发布结果")
    approve: bool = Field(True, description="sign、review、intake：同意（false 为退回，须写理由）；assess：可实施；"
                                            "internal_test、business_test：通过；release：发布成功")
    note: str = Field("", max_length=2000, description="意见、退回理由、评估意见、测试结果或发布结果")
    plan: str = Field("", max_length=2000, description="assess：实施计划")
    vendor_unit: Id | None = Field(None, description="intake：运维公司 id")
    dev_due: Day | None = Field(None, description="schedule：开发完成期限")
    side: SignSide | None = Field(None, description="business_test：测试方")
    tested_on: Day | None = None
    scope: str = Field("", max_length=300, description="plan：影响业务范围")
    start: datetime.datetime | None = Field(None, description="plan：发布开始时间")
    end: datetime.datetime | None = Field(None, description="plan：发布结束时间")
    lead: str = Field("", max_length=30, description="plan：项目负责人")


class TicketQuery(NewestFirstQuery):
    state: TicketState | None = None
    subsystem: Subsystem | None = None
    overdue: bool = False


def _review_unit(unit_id):
    return Unit.objects.filter(pk=unit_id).first() if unit_id else None


@router.get("/labor/tickets", response={200: LaborTicketPage, **ERRORS}, summary="业务需求（本人可见范围）")
@api_route(action=perms.TICKET_VIEW)
def labor_ticket_list(request, query: Query[TicketQuery]):
    return api_newest_first(selectors.ticket_list(actor=request.actor, state=query.state or "",
                                                  subsystem=query.subsystem or "", overdue=query.overdue), query)


@router.post("/labor/tickets", response={201: LaborTicketOut, **ERRORS}, summary="填报业务需求（草稿）")
@api_route(action=perms.TICKET_FILE)
def labor_ticket_draft(request, payload: TicketIn):
    data = payload.dict()
    review = _review_unit(data.pop("review_unit"))
    ticket = services.ticket_draft(actor=request.actor, unit=unit_own(actor=request.actor), review_unit=review, **data)
    return Status(201, ticket)


@router.get("/labor/tickets/{int:id}", response={200: LaborTicketOut, **ERRORS}, summary="业务需求详情")
@api_route(action=perms.TICKET_VIEW)
def labor_ticket_detail(request, id: int):
    return selectors.ticket_get(actor=request.actor, pk=id)


@router.post("/labor/tickets/{int:id}/steps", response={200: LaborTicketOut, **ERRORS}, summary="办理业务需求的当前环节")
@api_route(action=perms.TICKET_VIEW)
def labor_ticket_step(request, id: int, payload: StepIn):
    actor = request.actor
    ticket = selectors.ticket_get(actor=actor, pk=id)
    p = payload
    if p.op == "submit":
        services.ticket_submit(actor=actor, ticket=ticket)
    elif p.op == "sign":
        services.ticket_sign(actor=actor, ticket=ticket, approve=p.approve, note=p.note)
    elif p.op == "review":
        services.ticket_review(actor=actor, ticket=ticket, approve=p.approve, note=p.note)
    elif p.op == "intake":
        vendor = services.vendor_units(actor).filter(pk=p.vendor_unit).first() if p.vendor_unit else None
        services.ticket_intake(actor=actor, ticket=ticket, accept=p.approve, vendor_unit=vendor, note=p.note)
    elif p.op == "assess":
        services.ticket_assess(actor=actor, ticket=ticket, feasible=p.approve, assessment=p.note, plan=p.plan)
    elif p.op == "schedule":
        if p.dev_due is None:
            raise DomainError("请填写开发完成期限", field="dev_due")
        services.ticket_schedule(actor=actor, ticket=ticket, dev_due=p.dev_due, note=p.note)
    elif p.op == "develop":
        services.ticket_develop(actor=actor, ticket=ticket, note=p.note)
    elif p.op == "internal_test":
        services.ticket_internal_test(actor=actor, ticket=ticket, passed=p.approve, note=p.note)
    elif p.op == "business_test":
        if p.side is None:
            raise DomainError("请选择测试方", field="side")
        services.ticket_business_test(actor=actor, ticket=ticket, side=p.side, passed=p.approve, result=p.note,
                                      tested_on=p.tested_on)
    elif p.op == "plan":
        services.ticket_release_plan(actor=actor, ticket=ticket, scope=p.scope, start=p.start, end=p.end, lead=p.lead)
    elif p.op == "release":
        services.ticket_release(actor=actor, ticket=ticket, succeeded=p.approve, result=p.note)
    else:
        raise DomainError("未知的办理环节", field="op")
    return selectors.ticket_get(actor=actor, pk=id)
