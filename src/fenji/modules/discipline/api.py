"""``/api/v1/discipline``: the petition register over HTTP, with the pages' services and scope. The petitioner is
never in these answers (the page shows it to the item's handlers only); the rank guard answers 400 with the
upward-report reference."""

import datetime

from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from fenji.core.api.pagination import NewestFirstQuery, api_newest_first
from fenji.core.api.routes import api_route
from fenji.core.api.schemas import ERRORS, Day, Id, InputSchema
from fenji.core.org.models import Unit
from fenji.core.org.selectors import unit_own

from . import module as perms
from . import selectors, services
from .models import Category, Channel, PetitionState
from .services import DECISIONS, SubjectIn

router = Router(tags=["检举举报"])


class PetitionOut(Schema):
    id: int
    number: str
    unit: str
    received_on: datetime.date
    backfilled: bool = Field(description="补录（纸质登记后录入）")
    channel: str
    category: str
    source: str
    real_name: bool
    state: str
    is_repeat: bool
    register_due: datetime.date | None
    notice_due: datetime.date | None
    notice_on: datetime.date | None
    closed_on: datetime.date | None
    feedback_due: datetime.date | None
    feedback_on: datetime.date | None

    @staticmethod
    def resolve_unit(petition):
        return petition.unit.name


class PetitionPage(Schema):
    items: list[PetitionOut]
    next: str | None
    total: int


class SubjectSchema(InputSchema):
    name: str = Field(max_length=50)
    workplace: str = Field(max_length=100)
    rank: str = Field(max_length=20, description="职级代码或名称：群众、党员、村（社区）干部、一般干部、股级、副科、正科、副处及以上")
    post: str = Field("", max_length=100)
    party_member: bool = False


class PetitionerSchema(InputSchema):
    name: str = Field("", max_length=50)
    phone: str = Field("", max_length=20)
    workplace: str = Field("", max_length=100)
    address: str = Field("", max_length=200)


class PetitionIn(InputSchema):
    received_on: Day
    backfilled: bool = False
    channel: Channel
    category: Category
    real_name: bool
    content: str = Field(max_length=5000)
    subjects: list[SubjectSchema] = Field(min_length=1, max_length=services.SUBJECTS_MAX)
    petitioner: PetitionerSchema | None = None


class DecideIn(InputSchema):
    decision: str = Field(description="、".join(f"{k} {v}" for k, v in DECISIONS.items()))
    note: str = Field("", max_length=200)
    to_unit: Id | None = Field(None, description="转下级时的接收单位 id")


class PetitionQuery(NewestFirstQuery):
    state: PetitionState | None = None
    overdue: bool = False


@router.get("/discipline/petitions", response={200: PetitionPage, **ERRORS}, summary="信访件（含下级单位）")
@api_route(action=perms.PETITION_VIEW)
def petition_list(request, query: Query[PetitionQuery]):
    return api_newest_first(selectors.petition_list(actor=request.actor, state=query.state or "",
                                                    overdue=query.overdue), query)


@router.post("/discipline/petitions", response={201: PetitionOut, **ERRORS}, summary="登记本单位收到的信访件")
@api_route(action=perms.PETITION_REGISTER)
def petition_register(request, payload: PetitionIn):
    data = payload.dict()
    subjects = [SubjectIn(**s) for s in data.pop("subjects")]
    petition = services.petition_register(actor=request.actor, unit=unit_own(actor=request.actor), subjects=subjects,
                                          petitioner=data.pop("petitioner") or {}, **data)
    return Status(201, petition)


@router.get("/discipline/petitions/{int:id}", response={200: PetitionOut, **ERRORS}, summary="信访件详情")
@api_route(action=perms.PETITION_VIEW)
def petition_detail(request, id: int):
    return selectors.petition_get(actor=request.actor, pk=id)


@router.post("/discipline/petitions/{int:id}/decide", response={200: PetitionOut, **ERRORS},
             summary="办理信访件：受理、不予受理、转上级、转下级、退回")
@api_route(action=perms.PETITION_HANDLE)
def petition_decide(request, id: int, payload: DecideIn):
    petition = selectors.petition_get(actor=request.actor, pk=id, action=perms.PETITION_HANDLE)
    to_unit = None
    if payload.to_unit is not None:
        to_unit = Unit.objects.filter(pk=payload.to_unit, path__startswith=petition.unit_path).first()
    return services.petition_decide(actor=request.actor, petition=petition, decision=payload.decision,
                                    note=payload.note, to_unit=to_unit)
