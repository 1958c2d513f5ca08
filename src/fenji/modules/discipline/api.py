"""``/api/v1/discipline``: the petition register over HTTP, with the pages' services and scope. The petitioner is
never in these answers (the page shows it to the item's handlers only); the rank guard answers 400 with the
upward-report reference."""

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
from .models import Category, Channel, ClueSource, ClueState, Disposal, Outcome, PetitionState
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


class ClueOut(Schema):
    id: int
    number: str
    unit: str
    received_on: datetime.date
    source: str
    petition: str | None = Field(None, description="来源信访件编号")
    state: str
    disposal: str
    study_on: datetime.date | None
    outcome: str
    concluded_on: datetime.date | None
    handlers: list[str] = Field(description="承办人（已签字的在姓名后标注“已签字”）")

    @staticmethod
    def resolve_unit(clue):
        return clue.unit.name

    @staticmethod
    def resolve_petition(clue):
        return clue.petition.number if clue.petition_id else None

    @staticmethod
    def resolve_handlers(clue):
        return [h.account.person.real_name + ("（已签字）" if h.signed_at else "") for h in selectors.clue_handlers(clue)]


class CluePage(Schema):
    items: list[ClueOut]
    next: str | None
    total: int


class ClueIn(InputSchema):
    received_on: Day
    source: ClueSource
    petition: Id | None = Field(None, description="来源信访件 id")
    summary: str = Field(max_length=5000)
    subjects: list[SubjectSchema] = Field(min_length=1, max_length=services.SUBJECTS_MAX)


class ClueAssignIn(InputSchema):
    handlers: list[Id] = Field(min_length=1, max_length=services.HANDLERS_MAX, description="承办人账号 id")
    note: str = Field("", max_length=200)


class ClueApproveIn(InputSchema):
    approve: bool = True
    note: str = Field("", max_length=200)


class ClueDisposeIn(InputSchema):
    disposal: Disposal
    note: str = Field("", max_length=500)
    study_on: Day | None = Field(None, description="集体研究日期（移送审查调查时必填）")
    study_participants: str = Field("", max_length=300)
    study_conclusion: str = Field("", max_length=500)


class ClueSignIn(InputSchema):
    note: str = Field("", max_length=200)


class ClueConcludeIn(InputSchema):
    outcome: Outcome
    note: str = Field("", max_length=500)


class ClueQuery(NewestFirstQuery):
    state: ClueState | None = None


@router.get("/discipline/clues", response={200: CluePage, **ERRORS}, summary="线索台账（含下级单位）")
@api_route(action=perms.CLUE_VIEW)
def clue_list(request, query: Query[ClueQuery]):
    return api_newest_first(selectors.with_handlers(selectors.clue_list(actor=request.actor, state=query.state or "")),
                            query)


@router.post("/discipline/clues", response={201: ClueOut, **ERRORS}, summary="登记本单位的问题线索")
@api_route(action=perms.CLUE_MANAGE)
def clue_register(request, payload: ClueIn):
    data = payload.dict()
    petition = selectors.petition_get(actor=request.actor, pk=data.pop("petition")) if payload.petition else None
    data.pop("petition", None)
    subjects = [SubjectIn(**s) for s in data.pop("subjects")]
    clue = services.clue_register(actor=request.actor, unit=unit_own(actor=request.actor), subjects=subjects,
                                  petition=petition, **data)
    return Status(201, clue)


@router.get("/discipline/clues/{int:id}", response={200: ClueOut, **ERRORS}, summary="问题线索详情")
@api_route(action=perms.CLUE_VIEW)
def clue_detail(request, id: int):
    return selectors.clue_get(actor=request.actor, pk=id)


@router.post("/discipline/clues/{int:id}/assign", response={200: ClueOut, **ERRORS}, summary="提出分办意见")
@api_route(action=perms.CLUE_MANAGE)
def clue_assign(request, id: int, payload: ClueAssignIn):
    from fenji.core.people.models import Account

    clue = selectors.clue_get(actor=request.actor, pk=id, action=perms.CLUE_MANAGE)
    people = list(Account.objects.unscoped(reason="the proposed handlers, checked by the service")
                  .filter(pk__in=payload.handlers, unit_path__startswith=clue.unit_path).select_related("person"))
    if len(people) != len(set(payload.handlers)):
        raise DomainError("承办人须为本单位有线索处置权限的人员", field="handlers")
    return services.clue_assign(actor=request.actor, clue=clue, handlers=people, note=payload.note)


@router.post("/discipline/clues/{int:id}/approve", response={200: ClueOut, **ERRORS},
             summary="主要负责人审批分办（同意或退回）")
@api_route(action=perms.CLUE_APPROVE)
def clue_approve(request, id: int, payload: ClueApproveIn):
    clue = selectors.clue_get(actor=request.actor, pk=id, action=perms.CLUE_APPROVE)
    return services.clue_approve(actor=request.actor, clue=clue, approve=payload.approve, note=payload.note)


@router.post("/discipline/clues/{int:id}/dispose", response={200: ClueOut, **ERRORS},
             summary="拟定处置方式：谈话函询、初步核实、暂存待查、予以了结或移送审查调查（须经集体研究）")
@api_route(action=perms.CLUE_MANAGE)
def clue_dispose(request, id: int, payload: ClueDisposeIn):
    clue = selectors.clue_get(actor=request.actor, pk=id, action=perms.CLUE_MANAGE)
    return services.clue_dispose(actor=request.actor, clue=clue, **payload.dict())


@router.post("/discipline/clues/{int:id}/sign", response={200: ClueOut, **ERRORS}, summary="承办人在处置意见上签字")
@api_route(action=perms.CLUE_MANAGE)
def clue_sign(request, id: int, payload: ClueSignIn):
    clue = selectors.clue_get(actor=request.actor, pk=id, action=perms.CLUE_MANAGE)
    return services.clue_sign(actor=request.actor, clue=clue, note=payload.note)


@router.post("/discipline/clues/{int:id}/conclude", response={200: ClueOut, **ERRORS}, summary="了结问题线索")
@api_route(action=perms.CLUE_MANAGE)
def clue_conclude(request, id: int, payload: ClueConcludeIn):
    clue = selectors.clue_get(actor=request.actor, pk=id, action=perms.CLUE_MANAGE)
    return services.clue_conclude(actor=request.actor, clue=clue, outcome=payload.outcome, note=payload.note)
