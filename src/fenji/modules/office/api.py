"""``/api/v1/office``: the removable-media register and the duty roster over HTTP, with the pages' services
and scope (a row outside the caller's reach answers 404 like a missing one)."""

import datetime

from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from fenji.core.api.pagination import NewestFirstQuery, api_newest_first
from fenji.core.api.routes import api_route
from fenji.core.api.schemas import ERRORS, Day, Id, InputSchema
from fenji.core.org.selectors import unit_get, unit_own

from . import module as perms
from . import selectors, services
from .models import CheckResult, DutyPeriod, MediumKind, MediumState

router = Router(tags=["政务办公"])


class MediumOut(Schema):
    id: int
    number: str = Field(description="登记编号")
    kind: str
    model_name: str
    capacity: str
    unit: str
    keeper: str = Field(description="保管人")
    dedicated: bool = Field(description="专网专用")
    registered_on: datetime.date
    last_checked_on: datetime.date | None = Field(description="最近查毒日期")
    state: str = Field(description="in_use 在用、lost 丢失、retired 报废")
    state_reason: str

    @staticmethod
    def resolve_unit(medium):
        return medium.unit.name

    @staticmethod
    def resolve_keeper(medium):
        return medium.keeper.person.real_name


class MediumPage(Schema):
    items: list[MediumOut]
    next: str | None
    total: int


class MediumIn(InputSchema):
    number: str = Field(max_length=40)
    kind: MediumKind
    keeper: Id = Field(description="保管人账号 id（本单位工作人员）")
    model_name: str = Field("", max_length=100)
    capacity: str = Field("", max_length=20)
    dedicated: bool = True
    registered_on: Day | None = None


class OfficeCheckIn(InputSchema):
    checked_on: Day
    result: CheckResult
    note: str = Field("", max_length=200)


class RetireIn(InputSchema):
    state: MediumState = Field(description="lost 丢失或 retired 报废")
    reason: str = Field(max_length=200)


class MediumQuery(NewestFirstQuery):
    state: MediumState | None = None


class ShiftOut(Schema):
    id: int
    day: datetime.date
    period: str = Field(description="work 工作时间值守；off 非工作时间值班")
    account: str = Field(description="值班人")

    @staticmethod
    def resolve_account(shift):
        return shift.account.person.real_name


class RosterQuery(InputSchema):
    start: Day
    end: Day
    unit: Id | None = Field(None, description="单位 id；不填为本单位")


class ShiftIn(InputSchema):
    day: Day
    period: DutyPeriod
    account: Id = Field(description="值班人账号 id（本单位工作人员）")


@router.get("/office/media", response={200: MediumPage, **ERRORS}, summary="移动存储介质登记（含下级单位）")
@api_route(action=perms.MEDIA_VIEW)
def medium_list(request, query: Query[MediumQuery]):
    return api_newest_first(selectors.medium_list(actor=request.actor, state=query.state or ""), query)


@router.post("/office/media", response={201: MediumOut, **ERRORS}, summary="为本单位登记移动存储介质")
@api_route(action=perms.MEDIA_MANAGE)
def medium_register(request, payload: MediumIn):
    unit = unit_own(actor=request.actor)
    data = payload.dict()
    keeper = selectors.colleague_get(unit, data.pop("keeper"))
    return Status(201, services.medium_register(actor=request.actor, unit=unit, keeper=keeper, **data))


@router.get("/office/media/{int:id}", response={200: MediumOut, **ERRORS}, summary="介质详情")
@api_route(action=perms.MEDIA_VIEW)
def medium_detail(request, id: int):
    return selectors.medium_get(actor=request.actor, pk=id)


@router.post("/office/media/{int:id}/check", response={200: MediumOut, **ERRORS}, summary="登记查毒记录")
@api_route(action=perms.MEDIA_MANAGE)
def medium_check(request, id: int, payload: OfficeCheckIn):
    medium = selectors.medium_get(actor=request.actor, pk=id, action=perms.MEDIA_MANAGE)
    services.medium_check(actor=request.actor, medium=medium, **payload.dict())
    return selectors.medium_get(actor=request.actor, pk=id)


@router.post("/office/media/{int:id}/retire", response={200: MediumOut, **ERRORS}, summary="登记丢失或报废")
@api_route(action=perms.MEDIA_MANAGE)
def medium_retire(request, id: int, payload: RetireIn):
    medium = selectors.medium_get(actor=request.actor, pk=id, action=perms.MEDIA_MANAGE)
    return services.medium_retire(actor=request.actor, medium=medium, **payload.dict())


@router.get("/office/duty", response={200: list[ShiftOut], **ERRORS}, summary="值班安排（一段日期，最长 92 天）")
@api_route(action=perms.DUTY_VIEW)
def duty_list(request, query: Query[RosterQuery]):
    from fenji.core.kernel.errors import DomainError

    if query.end < query.start or (query.end - query.start).days > 92:
        raise DomainError("日期范围须在 92 天以内，且结束日期不早于开始日期", field="end")
    unit = unit_get(actor=request.actor, pk=query.unit, action=perms.DUTY_VIEW) if query.unit else unit_own(actor=request.actor)
    return list(selectors.duty_list(actor=request.actor, unit=unit, start=query.start, end=query.end))


@router.post("/office/duty", response={201: ShiftOut, **ERRORS}, summary="为本单位安排值班")
@api_route(action=perms.DUTY_MANAGE)
def duty_assign(request, payload: ShiftIn):
    unit = unit_own(actor=request.actor)
    shift = services.duty_assign(actor=request.actor, unit=unit, day=payload.day, period=payload.period,
                                 account=selectors.colleague_get(unit, payload.account))
    return Status(201, shift)


@router.delete("/office/duty/{int:id}", response={204: None, **ERRORS}, summary="取消值班安排")
@api_route(action=perms.DUTY_MANAGE)
def duty_remove(request, id: int):
    services.duty_remove(actor=request.actor, shift=selectors.duty_get(actor=request.actor, pk=id))
    return Status(204, None)
