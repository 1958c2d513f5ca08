"""``/api/v1/league/transfers``: 组织关系转接 over HTTP with the pages' services and scope (mounted on the module's
router by ``api.py``): the list seen from either side with the page's filters, a transfer, 办理转入 (the receiving
branch names the member by ID number), 办理转出 (from the member's record, the receiving branch by its code), and the
side whose turn it is approving or returning it, its starter withdrawing it."""

import datetime

from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from fenji.core.api.pagination import NewestFirstQuery, api_newest_first
from fenji.core.api.routes import api_route
from fenji.core.api.schemas import ERRORS, Day, Id, InputSchema
from fenji.core.kernel.errors import DomainError
from fenji.core.org.selectors import unit_get

from . import module as perms
from . import selectors, services
from .models import TransferInitiator, TransferReason, TransferState

router = Router(tags=["智慧团建"])


class TransferOut(Schema):
    id: int
    member: str
    from_branch: str
    to_branch: str
    initiator: TransferInitiator
    reason: TransferReason
    note: str
    state: TransferState
    started_at: datetime.datetime
    stage_due: datetime.date | None
    out_decided_on: datetime.date | None
    in_decided_on: datetime.date | None
    end_reason: str

    @staticmethod
    def resolve_member(t):
        return t.member.person.real_name

    @staticmethod
    def resolve_from_branch(t):
        return t.unit.name

    @staticmethod
    def resolve_to_branch(t):
        return t.to_unit.name

    @staticmethod
    def resolve_started_at(t):
        return t.created_at


class TransferPage(Schema):
    items: list[TransferOut]
    next: str | None
    total: int


class TransferQuery(NewestFirstQuery):
    state: TransferState | None = None
    since: Day | None = Field(None, description="发起日期起（含）")
    until: Day | None = Field(None, description="发起日期止（含）")
    unit: Id | None = Field(None, description="转出或转入该团组织（含下级）的")
    q: str = Field("", max_length=50, description="团员姓名")


class TransferInIn(InputSchema):
    to_unit: Id = Field(description="转入团支部（单位）id：本人管理的团支部")
    id_number: str = Field(max_length=24, description="团员身份证号码")
    reason: TransferReason
    note: str = Field("", max_length=200, description="原因为“其他”时必填")


class TransferOutIn(InputSchema):
    to_code: str = Field(max_length=32, description="转入团支部的团组织代码")
    reason: TransferReason
    note: str = Field("", max_length=200, description="原因为“其他”时必填")


class TransferEndIn(InputSchema):
    reason: str = Field(max_length=200, description="退回或撤回的理由")


def _transfer(request, id):
    return selectors.transfer_get(actor=request.actor, pk=id)


@router.get("/league/transfers", response={200: TransferPage, **ERRORS}, summary="组织关系转接（转出或转入本级及下级）")
@api_route(action=perms.TRANSFER_HANDLE)
def league_transfer_list(request, query: Query[TransferQuery]):
    if query.since and query.until and query.since > query.until:
        raise DomainError("截止日期应不早于起始日期", field="until")
    unit = unit_get(actor=request.actor, pk=query.unit, action=perms.TRANSFER_HANDLE) if query.unit else None
    rows = selectors.transfer_list(actor=request.actor, state=query.state or "", since=query.since,
                                   until=query.until, text=query.q.strip(), unit=unit)
    return api_newest_first(rows, query)


@router.post("/league/transfers", response={201: TransferOut, **ERRORS},
             summary="办理转入：转入团支部按身份证号码发起，转出团支部审核")
@api_route(action=perms.TRANSFER_HANDLE)
def league_transfer_in(request, payload: TransferInIn):
    to_unit = unit_get(actor=request.actor, pk=payload.to_unit, action=perms.TRANSFER_HANDLE)
    return Status(201, services.transfer_start(
        actor=request.actor, member=selectors.member_by_id_number(payload.id_number), to_unit=to_unit,
        reason=payload.reason, note=payload.note, initiator=TransferInitiator.RECEIVER))


@router.post("/league/members/{int:id}/transfer-out", response={201: TransferOut, **ERRORS},
             summary="办理转出：按转入团支部代码发起，转入团支部审核")
@api_route(action=perms.TRANSFER_HANDLE)
def league_transfer_out(request, id: int, payload: TransferOutIn):
    member = selectors.member_get(actor=request.actor, pk=id, action=perms.TRANSFER_HANDLE)
    return Status(201, services.transfer_start(
        actor=request.actor, member=member, to_unit=services.branch_by_code(payload.to_code),
        reason=payload.reason, note=payload.note, initiator=TransferInitiator.SENDER))


@router.get("/league/transfers/{int:id}", response={200: TransferOut, **ERRORS}, summary="组织关系转接详情")
@api_route(action=perms.TRANSFER_HANDLE)
def league_transfer_detail(request, id: int):
    return _transfer(request, id)


@router.post("/league/transfers/{int:id}/approve", response={200: TransferOut, **ERRORS},
             summary="审核通过（本环节的一方：转出方通过后转入方审核，转入方通过即办结）")
@api_route(action=perms.TRANSFER_HANDLE)
def league_transfer_approve(request, id: int):
    return services.transfer_approve(actor=request.actor, transfer=_transfer(request, id))


@router.post("/league/transfers/{int:id}/return", response={200: TransferOut, **ERRORS}, summary="退回（本环节的一方，须写理由）")
@api_route(action=perms.TRANSFER_HANDLE)
def league_transfer_return(request, id: int, payload: TransferEndIn):
    return services.transfer_return(actor=request.actor, transfer=_transfer(request, id), reason=payload.reason)


@router.post("/league/transfers/{int:id}/withdraw", response={200: TransferOut, **ERRORS},
             summary="撤回（发起方，办结前，须写理由）")
@api_route(action=perms.TRANSFER_HANDLE)
def league_transfer_withdraw(request, id: int, payload: TransferEndIn):
    return services.transfer_withdraw(actor=request.actor, transfer=_transfer(request, id), reason=payload.reason)
