"""``/api/v1/veterans``: elders and service records over HTTP, with the pages' services and scope (a row outside the
caller's reach answers 404 like a missing one)."""

import datetime
from decimal import Decimal

import orjson
from django.http import HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from fenji.core.api.pagination import NewestFirstQuery, api_newest_first, check_newest_first
from fenji.core.api.routes import api_route
from fenji.core.api.schemas import ERRORS, Day, Id, InputSchema
from fenji.core.org.selectors import unit_get, unit_own

from . import fastlist, selectors, services
from . import module as perms
from .models import ElderStatus, Health, Rank, RecordKind, Retirement, SelfCare

router = Router(tags=["老干部服务"])

DetailValue = str | int | None


class ElderOut(Schema):
    id: int
    name: str = Field(description="姓名")
    unit: str
    gender: str = Field(description="M 男、F 女")
    birth_date: datetime.date | None
    retirement: str = Field(description="lixiu 离休、tuixiu 退休")
    former_post: str
    rank: str
    retired_on: datetime.date | None
    residence: str
    health: str
    self_care: str
    living_alone: bool
    contact_name: str
    contact_relation: str
    branch: str
    status: str = Field(description="active 在册、deceased 已故、moved 已迁出")
    has_account: bool = Field(description="已开通手机端账号")

    @staticmethod
    def resolve_name(elder):
        return elder.person.real_name

    @staticmethod
    def resolve_unit(elder):
        return elder.unit.name

    @staticmethod
    def resolve_gender(elder):
        return elder.person.gender

    @staticmethod
    def resolve_birth_date(elder):
        return elder.person.birth_date

    @staticmethod
    def resolve_has_account(elder):
        return getattr(elder.person, "account", None) is not None


class ElderPage(Schema):
    items: list[ElderOut]
    next: str | None
    total: int


class ElderFactsIn(InputSchema):
    retirement: Retirement
    former_post: str = Field("", max_length=100)
    rank: Rank = Rank.OTHER
    retired_on: Day | None = None
    residence: str = Field("", max_length=200)
    health: Health = Health.GOOD
    self_care: SelfCare = SelfCare.FULL
    living_alone: bool = False
    contact_name: str = Field("", max_length=50)
    contact_relation: str = Field("", max_length=20)
    contact_phone: str = Field("", max_length=20)
    branch: str = Field("", max_length=100)


class ElderIn(ElderFactsIn):
    real_name: str = Field(max_length=50)
    id_number: str = Field(max_length=24)
    mobile: str = Field("", max_length=20, description="填写后开通手机端账号（凭短信验证码激活）")


class ElderQuery(NewestFirstQuery):
    q: str = Field("", max_length=50, description="姓名、支部或原职务")
    status: ElderStatus | None = ElderStatus.ACTIVE
    unit: Id | None = Field(None, description="单位 id（含下级）")


class RecordOut(Schema):
    id: int
    kind: str = Field(description="visit 走访慰问、aid 困难帮扶、branch 党建园地、volunteer 银发生辉")
    title: str
    unit: str = Field(description="录入单位")
    elder_id: int | None
    started_on: datetime.date | None
    ended_on: datetime.date
    entered_on: datetime.date
    on_time: bool = Field(description="活动结束后 5 个工作日内录入")
    workers: str
    amount: Decimal | None
    hours: Decimal | None
    details: dict[str, DetailValue]
    revision: int = Field(description="修改次数")

    @staticmethod
    def resolve_unit(record):
        return record.unit.name


class RecordPage(Schema):
    items: list[RecordOut]
    next: str | None
    total: int


class RecordQuery(NewestFirstQuery):
    kind: RecordKind | None = None
    late: bool = Field(False, description="只看逾期录入")
    start: Day | None = Field(None, description="活动结束日期起")
    end: Day | None = Field(None, description="活动结束日期止")
    elder: Id | None = None
    unit: Id | None = Field(None, description="单位 id（含下级）")


class RecordFieldsIn(InputSchema):
    ended_on: Day
    started_on: Day | None = None
    workers: str = Field(max_length=100)
    amount: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    hours: Decimal | None = Field(None, gt=0, max_digits=6, decimal_places=1)
    details: dict[str, DetailValue] = Field(default_factory=dict, description="该类记录的字段（见页面或文档）")


class RecordIn(RecordFieldsIn):
    kind: RecordKind
    elder: Id | None = Field(None, description="服务对象（老干部 id）；党建园地不填")


class RecordUpdateIn(RecordFieldsIn):
    reason: str = Field(max_length=200, description="修改原因")


class CoverageOut(Schema):
    covered: int = Field(description="本季度应走访人数")
    visited: int
    due: int
    rate: float | None


@router.get("/veterans/elders", response={200: ElderPage, **ERRORS}, summary="老干部名单（含下级单位）")
@api_route(action=perms.ELDER_VIEW)
def elder_list(request, query: Query[ElderQuery]):
    unit = unit_get(actor=request.actor, pk=query.unit, action=perms.ELDER_VIEW) if query.unit else None
    rows = selectors.elder_list(actor=request.actor, unit=unit, text=query.q.strip(), status=query.status or "")
    return api_newest_first(rows, query)


@router.post("/veterans/elders", response={201: ElderOut, **ERRORS}, summary="为本单位登记老干部")
@api_route(action=perms.ELDER_MANAGE)
def elder_register(request, payload: ElderIn):
    elder = services.elder_register(actor=request.actor, unit=unit_own(actor=request.actor), **payload.dict())
    return Status(201, selectors.elder_get(actor=request.actor, pk=elder.pk))


@router.get("/veterans/elders/{int:id}", response={200: ElderOut, **ERRORS}, summary="老干部详情")
@api_route(action=perms.ELDER_VIEW)
def elder_detail(request, id: int):
    return selectors.elder_get(actor=request.actor, pk=id)


@router.put("/veterans/elders/{int:id}", response={200: ElderOut, **ERRORS}, summary="修改老干部信息")
@api_route(action=perms.ELDER_MANAGE)
def elder_update(request, id: int, payload: ElderFactsIn):
    elder = selectors.elder_get(actor=request.actor, pk=id, action=perms.ELDER_MANAGE)
    services.elder_update(actor=request.actor, elder=elder, **payload.dict())
    return selectors.elder_get(actor=request.actor, pk=id)


@router.get("/veterans/visits/coverage", response={200: CoverageOut, **ERRORS}, summary="本季度走访覆盖情况")
@api_route(action=perms.ELDER_VIEW)
def visit_coverage(request, unit: Id | None = None):
    chosen = unit_get(actor=request.actor, pk=unit, action=perms.ELDER_VIEW) if unit else None
    return selectors.visit_coverage(actor=request.actor, unit=chosen)


@router.get("/veterans/records", response={200: RecordPage, **ERRORS}, summary="服务记录（含下级单位）")
@api_route(action=perms.RECORD_VIEW)
def record_list(request, query: Query[RecordQuery]):
    unit = unit_get(actor=request.actor, pk=query.unit, action=perms.RECORD_VIEW) if query.unit else None
    elder = selectors.elder_get(actor=request.actor, pk=query.elder) if query.elder else None
    # The fast read path (ADR 0029): the rows as dicts straight into JSON, what ``RecordPage`` declares.
    page = fastlist.record_rows(actor=request.actor, unit=unit, kind=query.kind or "", elder=elder, late=query.late,
                                start=query.start, end=query.end, after=check_newest_first(query), size=query.limit,
                                api=True)
    return HttpResponse(orjson.dumps({"items": fastlist.api_items(page.rows), "next": page.next_cursor,
                                      "total": int(page.total)}), content_type="application/json; charset=utf-8")


@router.post("/veterans/records", response={201: RecordOut, **ERRORS}, summary="录入本单位的服务记录")
@api_route(action=perms.RECORD_VIEW)
def record_enter(request, payload: RecordIn):
    data = payload.dict()
    elder_id = data.pop("elder")
    elder = services.elder_in_reach(actor=request.actor, elder_id=elder_id, action=perms.ELDER_VIEW) if elder_id else None
    record = services.record_enter(actor=request.actor, unit=unit_own(actor=request.actor), elder=elder, **data)
    return Status(201, record)


@router.get("/veterans/records/{int:id}", response={200: RecordOut, **ERRORS}, summary="服务记录详情")
@api_route(action=perms.RECORD_VIEW)
def record_detail(request, id: int):
    return selectors.record_get(actor=request.actor, pk=id)


@router.put("/veterans/records/{int:id}", response={200: RecordOut, **ERRORS}, summary="修改服务记录（留存修改前后内容）")
@api_route(action=perms.RECORD_VIEW)
def record_update(request, id: int, payload: RecordUpdateIn):
    record = selectors.record_get(actor=request.actor, pk=id)
    return services.record_update(actor=request.actor, record=record, **payload.dict())
