"""``/api/v1/discipline``: the petition register over HTTP, with the pages' services and scope. The petitioner is
never in these answers (the page shows it to the item's handlers only); the rank guard answers 400 with the
upward-report reference."""

import datetime

import orjson
from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from fenji.core.api.pagination import NewestFirstQuery, api_newest_first, check_newest_first
from fenji.core.api.routes import api_route
from fenji.core.api.schemas import ERRORS, Day, Id, InputSchema
from fenji.core.kernel.errors import DomainError, NotVisible
from fenji.core.org.models import Unit
from fenji.core.org.selectors import unit_own
from fenji.core.people.identity import clean_mobile

from . import case_services, fastlist, recusal_services, selectors, services
from . import module as perms
from .models import (
    AppealKind,
    AppealResult,
    CaseState,
    CaseType,
    Category,
    Channel,
    ClueSource,
    ClueState,
    Disposal,
    Outcome,
    PetitionState,
    RecusalGround,
)
from .sanctions import SANCTIONS
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


class DisciplineDecideIn(InputSchema):
    decision: str = Field(description="、".join(f"{k} {v}" for k, v in DECISIONS.items()))
    note: str = Field("", max_length=200)
    to_unit: Id | None = Field(None, description="转下级时的接收单位 id")


class PetitionQuery(NewestFirstQuery):
    state: PetitionState | None = None
    overdue: bool = False


@router.get("/discipline/petitions", response={200: PetitionPage, **ERRORS}, summary="信访件（含下级单位）")
@api_route(action=perms.PETITION_VIEW)
def petition_list(request, query: Query[PetitionQuery]):
    # The fast read path (ADR 0029): the rows as dicts straight into JSON, what ``PetitionPage`` declares.
    page = fastlist.petition_rows(actor=request.actor, state=query.state or "", overdue=query.overdue,
                                  today=timezone.localdate(), after=check_newest_first(query), size=query.limit)
    return HttpResponse(orjson.dumps({"items": fastlist.api_items(page.rows), "next": page.next_cursor,
                                      "total": int(page.total)}), content_type="application/json; charset=utf-8")


class PetitionerSearchIn(InputSchema):
    petitioner_phone: str = Field(max_length=20, description="信访人手机号（在请求体中，不进地址和日志）")


@router.post("/discipline/petitions/by-petitioner", response={200: PetitionPage, **ERRORS},
             summary="按信访人手机号查询：只在调用者承办的信访件中查找，查询留痕")
@api_route(action=perms.PETITION_HANDLE)
def petition_by_petitioner(request, payload: PetitionerSearchIn, query: Query[NewestFirstQuery]):
    try:
        phone = clean_mobile(payload.petitioner_phone)
    except DomainError:
        raise DomainError("信访人手机号应为 11 位手机号码", field="petitioner_phone") from None
    rows = selectors.petitions_of_petitioner(actor=request.actor, rows=selectors.petition_list(actor=request.actor),
                                             phone=phone)
    services.petitioner_search_record(actor=request.actor, phone=phone, found=rows.count())
    return api_newest_first(rows, query)


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
def petition_decide(request, id: int, payload: DisciplineDecideIn):
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
    backfilled: bool = Field(description="补录（纸质登记后录入）")
    source: str
    petition: str | None = Field(None, description="来源信访件编号")
    state: str
    disposal: str
    study_on: datetime.date | None
    outcome: str
    concluded_on: datetime.date | None
    report_due: datetime.date | None = Field(description="谈话函询、初步核实的报告期限（延期获批的为延期后的期限）")
    conclude_due: datetime.date | None = Field(description="谈话函询收到回复或谈话后的了结期限")
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
    backfilled: bool = Field(False, description="补录：停电、断网期间纸质登记的，received_on 为纸质登记日期")
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


class SanctionOut(Schema):
    kind: str = Field(description="处分种类代码")
    label: str
    start_on: datetime.date
    end_on: datetime.date | None = Field(description="期满日期（开除党籍、开除无期限）")

    @staticmethod
    def resolve_label(sanction):
        return sanction.get_kind_display()


class CaseOut(Schema):
    id: int
    number: str
    unit: str
    case_type: str
    clue: str | None = Field(None, description="来源问题线索编号")
    state: str
    proposed_on: datetime.date
    approved_at: datetime.datetime | None = Field(description="本机关主要负责人审批时间")
    party_approver: str = Field(description="批准立案的同级党委主要负责人")
    party_approved_on: datetime.date | None
    filed_on: datetime.date | None
    investigation_due: datetime.date | None
    transferred_on: datetime.date | None
    review_due: datetime.date | None
    reviewed_on: datetime.date | None
    decided_on: datetime.date | None
    decision_ref: str
    executed_on: datetime.date | None
    sanctions: list[SanctionOut]

    @staticmethod
    def resolve_unit(case):
        return case.unit.name

    @staticmethod
    def resolve_clue(case):
        return case.clue.number if case.clue_id else None

    @staticmethod
    def resolve_sanctions(case):
        return selectors.case_sanctions(case)


class CasePage(Schema):
    items: list[CaseOut]
    next: str | None
    total: int


class CaseIn(InputSchema):
    case_type: CaseType
    proposed_on: Day | None = None
    clue: Id | None = Field(None, description="来源问题线索 id（其反映对象随之带入）")
    summary: str = Field(max_length=5000)
    subjects: list[SubjectSchema] = Field([], max_length=services.SUBJECTS_MAX)


class CaseApproveIn(InputSchema):
    approve: bool = True
    note: str = Field("", max_length=200)


class CaseFileIn(InputSchema):
    party_approver: str = Field(max_length=100, description="批准立案的同级党委主要负责人")
    party_approved_on: Day
    filed_on: Day


class CaseTransferIn(InputSchema):
    transferred_on: Day
    report: str = Field(max_length=1000)


class CaseReviewIn(InputSchema):
    reviewed_on: Day
    participants: str = Field(max_length=300)
    opinion: str = Field(max_length=1000)


class SanctionIn(InputSchema):
    subject: Id = Field(description="审查调查对象序号（从 1 起，按立案时的顺序）")
    kind: str = Field(max_length=24, description="、".join(f"{k} {v}" for k, v in SANCTIONS))
    start_on: Day
    months: int | None = Field(None, description="留党察看期限：12 或 24")


class CaseDecideIn(InputSchema):
    decided_on: Day
    decision_ref: str = Field(max_length=60)
    note: str = Field("", max_length=500)
    sanctions: list[SanctionIn] = Field([], max_length=20)


class CaseExecuteIn(InputSchema):
    executed_on: Day
    note: str = Field("", max_length=500)


class AppealIn(InputSchema):
    kind: AppealKind
    applied_on: Day
    reason: str = Field(max_length=500)


class CaseQuery(NewestFirstQuery):
    state: CaseState | None = None
    overdue: bool = False


def _case(request, id: int, action: str = perms.CASE_MANAGE):
    return selectors.case_get(actor=request.actor, pk=id, action=action)


@router.get("/discipline/cases", response={200: CasePage, **ERRORS}, summary="案件台账（含下级单位）")
@api_route(action=perms.CASE_VIEW)
def case_list(request, query: Query[CaseQuery]):
    return api_newest_first(selectors.case_list(actor=request.actor, state=query.state or "", overdue=query.overdue),
                            query)


@router.post("/discipline/cases", response={201: CaseOut, **ERRORS}, summary="立案呈批（可据移送审查调查的线索）")
@api_route(action=perms.CASE_MANAGE)
def case_register(request, payload: CaseIn):
    clue = selectors.clue_get(actor=request.actor, pk=payload.clue) if payload.clue else None
    case = case_services.case_register(actor=request.actor, unit=unit_own(actor=request.actor), case_type=payload.case_type,
                                  summary=payload.summary, subjects=[SubjectIn(**s.dict()) for s in payload.subjects],
                                  clue=clue, proposed_on=payload.proposed_on)
    return Status(201, case)


@router.get("/discipline/cases/{int:id}", response={200: CaseOut, **ERRORS}, summary="案件详情")
@api_route(action=perms.CASE_VIEW)
def case_detail(request, id: int):
    return _case(request, id, perms.CASE_VIEW)


@router.post("/discipline/cases/{int:id}/approve", response={200: CaseOut, **ERRORS},
             summary="本机关主要负责人审批立案（同意或不予立案）")
@api_route(action=perms.CASE_APPROVE)
def case_approve(request, id: int, payload: CaseApproveIn):
    return case_services.case_approve(actor=request.actor, case=_case(request, id, perms.CASE_APPROVE), **payload.dict())


@router.post("/discipline/cases/{int:id}/file", response={200: CaseOut, **ERRORS},
             summary="立案：登记同级党委主要负责人的批准")
@api_route(action=perms.CASE_MANAGE)
def case_file(request, id: int, payload: CaseFileIn):
    return case_services.case_file(actor=request.actor, case=_case(request, id), **payload.dict())


@router.post("/discipline/cases/{int:id}/transfer", response={200: CaseOut, **ERRORS}, summary="移送审理")
@api_route(action=perms.CASE_MANAGE)
def case_transfer(request, id: int, payload: CaseTransferIn):
    return case_services.case_transfer_review(actor=request.actor, case=_case(request, id), **payload.dict())


@router.post("/discipline/cases/{int:id}/review", response={200: CaseOut, **ERRORS}, summary="审理（集体审议）")
@api_route(action=perms.CASE_MANAGE)
def case_review(request, id: int, payload: CaseReviewIn):
    return case_services.case_review(actor=request.actor, case=_case(request, id), **payload.dict())


@router.post("/discipline/cases/{int:id}/decide", response={200: CaseOut, **ERRORS},
             summary="处理决定：党纪处分、政务处分及其期限")
@api_route(action=perms.CASE_MANAGE)
def case_decide(request, id: int, payload: CaseDecideIn):
    case = _case(request, id)
    subjects = list(case.subjects.order_by("id").values_list("pk", flat=True))
    sanctions = []
    for s in payload.sanctions:
        if s.subject > len(subjects):
            raise DomainError("受处分人须为本案的审查调查对象", field="sanctions")
        sanctions.append(case_services.SanctionIn(subjects[s.subject - 1], s.kind, s.start_on, s.months))
    return case_services.case_decide(actor=request.actor, case=case, decided_on=payload.decided_on,
                                decision_ref=payload.decision_ref, note=payload.note, sanctions=sanctions)


@router.post("/discipline/cases/{int:id}/execute", response={200: CaseOut, **ERRORS}, summary="执行处理决定并结案")
@api_route(action=perms.CASE_MANAGE)
def case_execute(request, id: int, payload: CaseExecuteIn):
    return case_services.case_execute(actor=request.actor, case=_case(request, id), **payload.dict())


@router.post("/discipline/cases/{int:id}/appeals", response={200: CaseOut, **ERRORS},
             summary="登记申诉、复审或复核（不停止执行）")
@api_route(action=perms.CASE_MANAGE)
def case_appeal(request, id: int, payload: AppealIn):
    case = _case(request, id)
    case_services.appeal_register(actor=request.actor, case=case, **payload.dict())
    return selectors.case_get(actor=request.actor, pk=id)


class AppealDecideIn(InputSchema):
    decided_on: Day
    result: AppealResult
    note: str = Field("", max_length=500)


@router.post("/discipline/cases/{int:id}/appeals/{int:appeal_id}/decide", response={200: CaseOut, **ERRORS},
             summary="申诉、复审或复核决定（维持、变更、撤销）")
@api_route(action=perms.CASE_MANAGE)
def case_appeal_decide(request, id: int, appeal_id: int, payload: AppealDecideIn):
    case = _case(request, id)
    appeal = next((a for a in selectors.case_appeals(case) if a.pk == appeal_id), None)
    if appeal is None:
        raise NotVisible("申请不存在", target_type="discipline.appeal", target_id=appeal_id)
    case_services.appeal_decide(actor=request.actor, appeal=appeal, **payload.dict())
    return selectors.case_get(actor=request.actor, pk=id)


class RecusalIn(InputSchema):
    ground: RecusalGround = Field(description="回避事由")
    note: str = Field("", max_length=200, description="说明（事由为“其他”的必填）")


class RecusalOut(Schema):
    ground: RecusalGround
    note: str
    declared_at: datetime.datetime


RECUSAL_SUMMARY = "申请回避（申请后该件对本人如同不存在：列表中不再出现，详情返回 404）"


@router.post("/discipline/petitions/{int:id}/recusal", response={201: RecusalOut, **ERRORS}, summary=RECUSAL_SUMMARY)
@api_route(action=perms.PETITION_VIEW)
def petition_recusal(request, id: int, payload: RecusalIn):
    item = selectors.petition_get(actor=request.actor, pk=id)
    return Status(201, recusal_services.recusal_declare(actor=request.actor, item=item, **payload.dict()))


@router.post("/discipline/clues/{int:id}/recusal", response={201: RecusalOut, **ERRORS}, summary=RECUSAL_SUMMARY)
@api_route(action=perms.CLUE_VIEW)
def clue_recusal(request, id: int, payload: RecusalIn):
    item = selectors.clue_get(actor=request.actor, pk=id)
    return Status(201, recusal_services.recusal_declare(actor=request.actor, item=item, **payload.dict()))


@router.post("/discipline/cases/{int:id}/recusal", response={201: RecusalOut, **ERRORS}, summary=RECUSAL_SUMMARY)
@api_route(action=perms.CASE_VIEW)
def case_recusal(request, id: int, payload: RecusalIn):
    item = selectors.case_get(actor=request.actor, pk=id)
    return Status(201, recusal_services.recusal_declare(actor=request.actor, item=item, **payload.dict()))


def _followup():  # the module's other routers under the same prefix: 以案促改 and 外出报备 (followup_api.py), a
    # clue's report (clue_report_api.py), 补录导入 (backentry_api.py), the export packages (export_api.py), 统计 and
    # 学习资料 (stats_api.py)
    from .backentry_api import router as backentry_router
    from .clue_report_api import router as clue_report_router
    from .export_api import router as export_router
    from .followup_api import router as followup_router
    from .stats_api import router as stats_router

    for sub in (followup_router, clue_report_router, backentry_router, export_router, stats_router):
        router.add_router("", sub)


_followup()
