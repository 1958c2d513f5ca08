"""``/api/v1/discipline/rectifications``, ``/absences`` and ``/conduct``: 以案促改, 外出报备 and 党风政风 over HTTP, with the
pages' services and scope (a sub-router of ``api.router``)."""

import datetime
from typing import Literal

from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from fenji.core.api.pagination import NewestFirstQuery, api_newest_first
from fenji.core.api.routes import api_route
from fenji.core.api.schemas import ERRORS, Day, Id, InputSchema
from fenji.core.kernel.errors import DomainError
from fenji.core.org.selectors import unit_own

from . import followup_selectors as selectors
from . import followup_services as services
from . import module as perms
from .models import AbsenceState, ConductKind, Purpose, RectificationState
from .services import SubjectIn

router = Router(tags=["检举举报"])


class RectificationOut(Schema):
    id: int
    case: str = Field(description="案件编号")
    unit: str
    incident_unit: str
    state: str
    opened_on: datetime.date
    due_on: datetime.date
    warned_on: datetime.date | None
    meeting_on: datetime.date | None
    measures: str
    advice_ref: str
    revisited_on: datetime.date | None
    closed_on: datetime.date | None

    @staticmethod
    def resolve_case(item):
        return item.case.number

    @staticmethod
    def resolve_unit(item):
        return item.unit.name


class RectificationPage(Schema):
    items: list[RectificationOut]
    next: str | None
    total: int


class RectificationQuery(NewestFirstQuery):
    state: RectificationState | None = None
    overdue: bool = False


class RectificationRecordIn(InputSchema):
    analysis: str = Field("", max_length=2000)
    warned_on: Day | None = None
    meeting_on: Day | None = None
    problems: str = Field("", max_length=2000)
    measures: str = Field("", max_length=2000)
    advice_ref: str = Field("", max_length=60)


class RevisitIn(InputSchema):
    revisited_on: Day
    result: str = Field(max_length=1000)


def _item(request, id: int, action: str = perms.RECTIFY_MANAGE):
    return selectors.rectification_get(actor=request.actor, pk=id, action=action)


@router.get("/discipline/rectifications", response={200: RectificationPage, **ERRORS}, summary="以案促改（含下级单位）")
@api_route(action=perms.RECTIFY_VIEW)
def rectify_list(request, query: Query[RectificationQuery]):
    return api_newest_first(selectors.rectification_list(actor=request.actor, state=query.state or "",
                                                         overdue=query.overdue), query)


@router.get("/discipline/rectifications/{int:id}", response={200: RectificationOut, **ERRORS}, summary="以案促改详情")
@api_route(action=perms.RECTIFY_VIEW)
def rectify_detail(request, id: int):
    return _item(request, id, perms.RECTIFY_VIEW)


@router.post("/discipline/rectifications/{int:id}/record", response={200: RectificationOut, **ERRORS},
             summary="登记以案促改进展：剖析、警示教育、问题清单、整改措施、建议书")
@api_route(action=perms.RECTIFY_MANAGE)
def rectify_record(request, id: int, payload: RectificationRecordIn):
    return services.rectification_record(actor=request.actor, item=_item(request, id), **payload.dict())


@router.post("/discipline/rectifications/{int:id}/revisit", response={200: RectificationOut, **ERRORS},
             summary="登记以案促改回访")
@api_route(action=perms.RECTIFY_MANAGE)
def rectify_revisit(request, id: int, payload: RevisitIn):
    return services.rectification_revisit(actor=request.actor, item=_item(request, id), **payload.dict())


@router.post("/discipline/rectifications/{int:id}/close", response={200: RectificationOut, **ERRORS},
             summary="办结以案促改（须有整改措施和回访）")
@api_route(action=perms.RECTIFY_MANAGE)
def rectify_close(request, id: int):
    return services.rectification_close(actor=request.actor, item=_item(request, id))


class AbsenceOut(Schema):
    id: int
    unit: str
    person: str
    post: str
    principal: bool = Field(description="单位主要负责人")
    purpose: str
    reason: str
    destination: str
    start_on: datetime.date
    end_on: datetime.date = Field(description="返回日期（延期后为延长后的日期）")
    acting_person: str
    late_filed: bool = Field(description="事后补报")
    state: str
    returned_on: datetime.date | None
    overdue: bool = Field(description="逾期未归")

    @staticmethod
    def resolve_unit(absence):
        return absence.unit.name

    @staticmethod
    def resolve_person(absence):
        return absence.person.person.real_name

    @staticmethod
    def resolve_overdue(absence):
        return selectors.absence_is_overdue(absence)


class AbsencePage(Schema):
    items: list[AbsenceOut]
    next: str | None
    total: int


class AbsenceQuery(NewestFirstQuery):
    state: AbsenceState | None = None
    overdue: bool = False


class AbsenceIn(InputSchema):
    person: Id = Field(description="外出人员账号 id（本单位）")
    post: str = Field("", max_length=100)
    purpose: Purpose
    reason: str = Field(max_length=300)
    destination: str = Field(max_length=100)
    start_on: Day
    end_on: Day
    acting_person: str = Field("", max_length=50, description="代为主持工作人员（单位主要负责人外出时必填）")
    contact: str = Field(max_length=20)


class AbsenceApproveIn(InputSchema):
    approve: bool = True
    note: str = Field("", max_length=200)


class AbsenceExtendIn(InputSchema):
    new_end: Day
    reason: str = Field(max_length=200)


class AbsenceReturnIn(InputSchema):
    returned_on: Day


def _absence(request, id: int, action: str = perms.ABSENCE_FILE):
    return selectors.absence_get(actor=request.actor, pk=id, action=action)


@router.get("/discipline/absences", response={200: AbsencePage, **ERRORS}, summary="外出报备（含下级单位）")
@api_route(action=perms.ABSENCE_VIEW)
def absence_list(request, query: Query[AbsenceQuery]):
    return api_newest_first(selectors.absence_list(actor=request.actor, state=query.state or "",
                                                   overdue=query.overdue), query)


@router.post("/discipline/absences", response={201: AbsenceOut, **ERRORS}, summary="填报外出报备")
@api_route(action=perms.ABSENCE_FILE)
def absence_file(request, payload: AbsenceIn):
    from fenji.core.people.models import Account

    data = payload.dict()
    person = Account.objects.unscoped(reason="the filer's own unit only").filter(
        pk=data.pop("person"), unit_id=request.actor.unit_id).select_related("person").first()
    if person is None:
        raise DomainError("外出人员须为本单位人员", field="person")
    return Status(201, services.absence_file(actor=request.actor, person=person, **data))


@router.get("/discipline/absences/{int:id}", response={200: AbsenceOut, **ERRORS}, summary="外出报备详情")
@api_route(action=perms.ABSENCE_VIEW)
def absence_detail(request, id: int):
    return _absence(request, id, perms.ABSENCE_VIEW)


@router.post("/discipline/absences/{int:id}/approve", response={200: AbsenceOut, **ERRORS}, summary="审批外出报备")
@api_route(action=perms.ABSENCE_APPROVE)
def absence_approve(request, id: int, payload: AbsenceApproveIn):
    return services.absence_approve(actor=request.actor, absence=_absence(request, id, perms.ABSENCE_APPROVE),
                                    **payload.dict())


@router.post("/discipline/absences/{int:id}/extend", response={200: AbsenceOut, **ERRORS}, summary="外出延期")
@api_route(action=perms.ABSENCE_FILE)
def absence_extend(request, id: int, payload: AbsenceExtendIn):
    return services.absence_extend(actor=request.actor, absence=_absence(request, id), **payload.dict())


@router.post("/discipline/absences/{int:id}/return", response={200: AbsenceOut, **ERRORS}, summary="外出销假")
@api_route(action=perms.ABSENCE_FILE)
def absence_return(request, id: int, payload: AbsenceReturnIn):
    return services.absence_return(actor=request.actor, absence=_absence(request, id), **payload.dict())


class ConductOut(Schema):
    id: int
    unit: str
    kind: str
    found_on: datetime.date
    subject_workplace: str
    subject_rank: str
    reported_on: datetime.date | None = Field(description="报党风政风监督室日期")

    @staticmethod
    def resolve_unit(record):
        return record.unit.name


class ConductPage(Schema):
    items: list[ConductOut]
    next: str | None
    total: int


class ConductQuery(NewestFirstQuery):
    reported: Literal["", "yes", "no"] = Field("", description="yes 已上报 / no 未上报")


class ConductSubjectIn(InputSchema):
    name: str = Field(max_length=50)
    workplace: str = Field(max_length=100)
    rank: str = Field(max_length=20, description="职级代码或名称：群众、党员、村（社区）干部、一般干部、股级、副科、正科、副处及以上")
    post: str = Field("", max_length=100)


class ConductIn(InputSchema):
    kind: ConductKind
    found_on: Day
    summary: str = Field(max_length=2000)
    subject: ConductSubjectIn
    handling: str = Field("", max_length=1000)


class ConductReportIn(InputSchema):
    reported_on: Day
    handling: str = Field("", max_length=1000)


@router.get("/discipline/conduct", response={200: ConductPage, **ERRORS}, summary="党风政风监督记录（含下级单位）")
@api_route(action=perms.CONDUCT_VIEW)
def conduct_list(request, query: Query[ConductQuery]):
    return api_newest_first(selectors.conduct_list(actor=request.actor, reported=query.reported), query)


@router.post("/discipline/conduct", response={201: ConductOut, **ERRORS}, summary="登记党风政风监督事项")
@api_route(action=perms.CONDUCT_RECORD)
def conduct_create(request, payload: ConductIn):
    data = payload.dict()
    subject = SubjectIn(**data.pop("subject"))
    return Status(201, services.conduct_record(actor=request.actor, unit=unit_own(actor=request.actor),
                                               subject=subject, **data))


@router.get("/discipline/conduct/{int:id}", response={200: ConductOut, **ERRORS}, summary="党风政风监督记录详情")
@api_route(action=perms.CONDUCT_VIEW)
def conduct_detail(request, id: int):
    return selectors.conduct_get(actor=request.actor, pk=id)


@router.post("/discipline/conduct/{int:id}/report", response={200: ConductOut, **ERRORS}, summary="报党风政风监督室")
@api_route(action=perms.CONDUCT_RECORD)
def conduct_report(request, id: int, payload: ConductReportIn):
    record = selectors.conduct_get(actor=request.actor, pk=id, action=perms.CONDUCT_RECORD)
    return services.conduct_report(actor=request.actor, record=record, **payload.dict())
