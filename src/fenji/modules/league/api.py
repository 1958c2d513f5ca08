"""``/api/v1/league``: members, dues bills and payments over HTTP, with the pages' services and scope."""

import datetime
from decimal import Decimal

from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from fenji.core.api.pagination import NewestFirstQuery, api_newest_first
from fenji.core.api.routes import api_route
from fenji.core.api.schemas import ERRORS, Day, Id, InputSchema
from fenji.core.org.selectors import unit_get

from . import module as perms
from . import selectors, services
from .models import Education, Occupation, PayChannel, PoliticalStatus

router = Router(tags=["智慧团建"])


class MemberOut(Schema):
    id: int
    name: str
    branch: str
    join_date: datetime.date
    join_place: str
    development_no: str | None
    political_status: str
    education: str
    occupation: str
    status: str

    @staticmethod
    def resolve_name(member):
        return member.person.real_name

    @staticmethod
    def resolve_branch(member):
        return member.unit.name


class MemberPage(Schema):
    items: list[MemberOut]
    next: str | None
    total: int


class MemberIn(InputSchema):
    branch: Id = Field(description="团支部 id")
    real_name: str = Field(max_length=50)
    id_number: str = Field(max_length=24)
    mobile: str = Field(max_length=20)
    join_date: Day
    join_place: str = Field(max_length=100)
    development_no: str = Field("", max_length=20)
    ethnicity: str = Field("汉族", max_length=20)
    political_status: PoliticalStatus = PoliticalStatus.MEMBER
    education: Education = Education.SENIOR
    occupation: Occupation = Occupation.STUDENT
    work_unit: str = Field("", max_length=100)
    income: Decimal = Field(Decimal(0), ge=0, max_digits=10, decimal_places=2)
    student: bool = False


class BillOut(Schema):
    id: int
    member_id: int
    month: datetime.date
    amount: Decimal
    paid_at: datetime.datetime | None
    channel: str


class BillPage(Schema):
    items: list[BillOut]
    next: str | None
    total: int


class BillQuery(NewestFirstQuery):
    month: Day | None = Field(None, description="月份的任一日期")
    unpaid: bool = False


class PayIn(InputSchema):
    months: int = Field(ge=1, le=services.ARREARS_MAX)
    channel: PayChannel
    reference: str = Field("", max_length=40)


@router.get("/league/members", response={200: MemberPage, **ERRORS}, summary="团员（含下级团组织）")
@api_route(action=perms.MEMBER_VIEW)
def member_list(request, query: Query[NewestFirstQuery]):
    return api_newest_first(selectors.member_list(actor=request.actor), query)


@router.post("/league/members", response={201: MemberOut, **ERRORS}, summary="录入团员")
@api_route(action=perms.MEMBER_MANAGE)
def member_register(request, payload: MemberIn):
    data = payload.dict()
    branch = unit_get(actor=request.actor, pk=data.pop("branch"), action=perms.MEMBER_MANAGE)
    return Status(201, services.member_register(actor=request.actor, branch=branch, **data))


@router.get("/league/members/{int:id}", response={200: MemberOut, **ERRORS}, summary="团员详情")
@api_route(action=perms.MEMBER_VIEW)
def member_detail(request, id: int):
    return selectors.member_get(actor=request.actor, pk=id)


@router.get("/league/bills", response={200: BillPage, **ERRORS}, summary="团费账单（含下级团组织）")
@api_route(action=perms.DUES_VIEW)
def bill_list(request, query: Query[BillQuery]):
    month = query.month.replace(day=1) if query.month else None
    return api_newest_first(selectors.bill_list(actor=request.actor, month=month, unpaid=query.unpaid), query)


@router.post("/league/members/{int:id}/payments", response={201: list[BillOut], **ERRORS},
             summary="登记团费缴纳（从最早未缴的月份起，最多 6 个月，不能预缴）")
@api_route(action=perms.DUES_MANAGE)
def dues_pay(request, id: int, payload: PayIn):
    member = selectors.member_get(actor=request.actor, pk=id, action=perms.DUES_MANAGE)
    return Status(201, services.dues_pay(actor=request.actor, member=member, **payload.dict()))
