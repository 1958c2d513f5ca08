"""``/api/v1/tickets``: the citizen's own tickets (any signed-in account: no action) and the handling unit's
work (签收, 答复) with the page's services. Another citizen's ticket, or one outside the caller's scope, answers
404 like a missing row. Photos are uploaded on the phone pages."""

import datetime
from decimal import Decimal

import orjson
from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from fenji.core.api.pagination import NewestFirstQuery, api_newest_first, check_newest_first
from fenji.core.api.routes import api_route
from fenji.core.api.schemas import ERRORS, Id, InputSchema

from . import fastlist, selectors, services
from . import permissions as perms
from .models import Rating, TicketState

router = Router(tags=["群众诉求"])


class BoardOut(Schema):
    id: int
    name: str
    description: str
    unit: str = Field(description="承办单位")
    handle_days: int = Field(description="办理时限（工作日）")
    emergency_hours: int = Field(description="紧急诉求时限（小时）")
    takes_photos: bool
    takes_location: bool

    @staticmethod
    def resolve_unit(board):
        return board.unit.name


class TicketOut(Schema):
    id: int
    board: str
    unit: str = Field(description="承办单位")
    content: str
    location_text: str
    latitude: Decimal | None
    longitude: Decimal | None
    emergency: bool
    public_ok: bool
    state: str = Field(description="、".join(f"{v}（{label}）" for v, label in TicketState.choices))
    state_label: str
    created_at: datetime.datetime
    due_at: datetime.datetime
    overdue: bool
    answer: str
    answered_at: datetime.datetime | None
    rating: str
    reopen_count: int
    master_id: int | None = Field(description="并单后的主诉求")

    @staticmethod
    def resolve_board(ticket):
        return ticket.board.name

    @staticmethod
    def resolve_unit(ticket):
        return ticket.unit.name

    @staticmethod
    def resolve_state_label(ticket):
        return ticket.get_state_display()


class TicketPage(Schema):
    items: list[TicketOut]
    next: str | None
    total: int


class FileIn(InputSchema):
    board: Id
    content: str = Field(max_length=services.CONTENT_MAX, json_schema_extra={"multiline": True})
    location_text: str = Field("", max_length=services.LOCATION_MAX)
    latitude: Decimal | None = Field(None, ge=-90, le=90)
    longitude: Decimal | None = Field(None, ge=-180, le=180)
    emergency: bool = False
    public_ok: bool = Field(False, description="同意公开答复")


class RateIn(InputSchema):
    rating: str = Field(description="、".join(f"{v}（{label}）" for v, label in Rating.choices))
    note: str = Field("", max_length=services.REASON_MAX)


class AnswerIn(InputSchema):
    answer: str = Field(max_length=services.CONTENT_MAX, json_schema_extra={"multiline": True})


class ListQuery(NewestFirstQuery):
    state: str = Field("", description="按状态筛选")
    overdue: bool = Field(False, description="只看超期未办结")


@router.get("/tickets/boards", response={200: list[BoardOut], **ERRORS}, summary="可反映诉求的版块")
@api_route()
def board_list(request):
    return list(selectors.board_list_open())


@router.get("/tickets/mine", response={200: TicketPage, **ERRORS}, summary="我的诉求（新的在前）")
@api_route()
def mine(request, query: Query[NewestFirstQuery]):
    return api_newest_first(selectors.ticket_list_mine(account=request.user), query)


@router.post("/tickets/mine", response={201: TicketOut, **ERRORS}, summary="反映诉求（照片请在手机页面上传）")
@api_route()
def ticket_file(request, payload: FileIn):
    board = selectors.board_get_open(pk=payload.board)
    ticket = services.ticket_file(actor=request.actor, board=board, content=payload.content,
                                  location_text=payload.location_text, latitude=payload.latitude,
                                  longitude=payload.longitude, emergency=payload.emergency,
                                  public_ok=payload.public_ok)
    return Status(201, selectors.ticket_get_mine(account=request.user, pk=ticket.pk))


@router.get("/tickets/mine/{int:id}", response={200: TicketOut, **ERRORS}, summary="我的一件诉求")
@api_route()
def mine_detail(request, id: int):
    return selectors.ticket_get_mine(account=request.user, pk=id)


@router.post("/tickets/mine/{int:id}/rate", response={200: TicketOut, **ERRORS},
             summary="评价答复（回访）；不满意将退回重办")
@api_route()
def ticket_rate(request, id: int, payload: RateIn):
    ticket = selectors.ticket_get_mine(account=request.user, pk=id)
    services.ticket_rate(actor=request.actor, ticket=ticket, rating=payload.rating, note=payload.note)
    return selectors.ticket_get_mine(account=request.user, pk=id)


@router.get("/tickets", response={200: TicketPage, **ERRORS}, summary="管理范围内的诉求（新的在前）")
@api_route(action=perms.TICKET_VIEW)
def ticket_list(request, query: Query[ListQuery]):
    # The fast read path (ADR 0029): the rows of ``selectors.ticket_page`` as dicts straight into JSON, what
    # ``TicketPage`` declares; the total stays exact, as clients count on it.
    now = timezone.now()
    page = fastlist.ticket_rows(actor=request.actor, state=query.state, overdue=query.overdue, now=now,
                                after=check_newest_first(query), size=query.limit, count_limit=fastlist.EXACT,
                                api=True)
    return HttpResponse(orjson.dumps({"items": fastlist.api_items(page.rows, now), "next": page.next_cursor,
                                      "total": int(page.total)}), content_type="application/json; charset=utf-8")


@router.get("/tickets/{int:id}", response={200: TicketOut, **ERRORS}, summary="诉求详情")
@api_route(action=perms.TICKET_VIEW)
def ticket_detail(request, id: int):
    return selectors.ticket_get(actor=request.actor, pk=id)


@router.post("/tickets/{int:id}/sign", response={200: TicketOut, **ERRORS}, summary="签收（承办单位）")
@api_route(action=perms.TICKET_HANDLE)
def ticket_sign(request, id: int):
    services.ticket_sign(actor=request.actor, ticket=selectors.ticket_get(actor=request.actor, pk=id))
    return selectors.ticket_get(actor=request.actor, pk=id)


@router.post("/tickets/{int:id}/answer", response={200: TicketOut, **ERRORS}, summary="答复诉求人（承办单位）")
@api_route(action=perms.TICKET_HANDLE)
def ticket_answer(request, id: int, payload: AnswerIn):
    services.ticket_answer(actor=request.actor, ticket=selectors.ticket_get(actor=request.actor, pk=id),
                           answer=payload.answer)
    return selectors.ticket_get(actor=request.actor, pk=id)
