"""``/api/v1/supervision``: inspections, their findings, 整改通知 and samples (the inspecting unit's), the
rectifications (answered by the inspected unit, accepted by the inspecting one) and the accuracy table — the
pages' services and selectors. Anything outside the caller's view answers 404 like a missing row. Evidence files
are uploaded on the pages."""

import datetime
from decimal import Decimal

from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from fenji.core.api.pagination import NewestFirstQuery, api_newest_first
from fenji.core.api.routes import api_route
from fenji.core.api.schemas import ERRORS, Day, Id, InputSchema
from fenji.core.kernel import modules
from fenji.core.kernel.errors import DomainError
from fenji.core.org.models import Unit
from fenji.core.org.selectors import unit_own

from . import assessment, selectors, services, usage
from . import permissions as perms
from .models import FindingState, Verdict

router = Router(tags=["监督考核"])


class TargetOut(Schema):
    unit_id: int
    unit: str
    notice_at: datetime.datetime | None

    @staticmethod
    def resolve_unit(target):
        return target.unit.name


class InspectionOut(Schema):
    id: int
    title: str
    unit: str = Field(description="检查单位")
    period_start: datetime.date
    period_end: datetime.date
    checklist: list[str]
    state: str
    state_label: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_unit(inspection):
        return inspection.unit.name

    @staticmethod
    def resolve_state_label(inspection):
        return inspection.get_state_display()


class InspectionDetailOut(InspectionOut):
    targets: list[TargetOut] = Field(description="被检查单位（调用者可见的部分）")

    @staticmethod
    def resolve_targets(inspection):
        return inspection.visible_targets


class InspectionPage(Schema):
    items: list[InspectionOut]
    next: str | None
    total: int


class FindingOut(Schema):
    id: int
    inspection_id: int
    unit: str = Field(description="被检查单位")
    item: str
    description: str
    days: int = Field(description="整改时限（工作日）")
    state: str = Field(description="、".join(f"{v}（{label}）" for v, label in FindingState.choices))
    state_label: str
    due_at: datetime.datetime | None
    overdue: bool
    measures: str
    answered_at: datetime.datetime | None
    answered_on_time: bool | None
    return_reason: str

    @staticmethod
    def resolve_unit(finding):
        return finding.unit.name

    @staticmethod
    def resolve_state_label(finding):
        return finding.get_state_display()


class FindingPage(Schema):
    items: list[FindingOut]
    next: str | None
    total: int


class SampleItemOut(Schema):
    position: int
    record_id: int
    title: str
    verdict: str = Field(description="、".join(f"{v}（{label}）" for v, label in Verdict.choices) + "；空为未核查")
    note: str
    finding_id: int | None


class SampleOut(Schema):
    id: int
    inspection_id: int
    unit: str = Field(description="被抽查单位")
    record_type: str
    record_label: str
    ratio: Decimal
    population: int = Field(description="检查期间内的记录总数")
    population_digest: str
    seed: str = Field(description="抽样种子：以种子和记录编号可复核抽样")
    created_at: datetime.datetime
    items: list[SampleItemOut]

    @staticmethod
    def resolve_unit(sample):
        return sample.unit.name

    @staticmethod
    def resolve_items(sample):
        return list(selectors.sample_items(sample))


class RecordTypeOut(Schema):
    code: str
    label: str
    checks: str


class AccuracyOut(Schema):
    unit_id: int
    unit: str
    samples: int
    drawn: int
    checked: int
    wrong: int
    accuracy: float | None = Field(description="信息准确性 = 1 − 有误 ÷ 已核查")


class PlanIn(InputSchema):
    title: str = Field(max_length=services.TITLE_MAX)
    period_start: Day
    period_end: Day
    units: list[Id] = Field(description="被检查单位（本单位的下级）", max_length=services.TARGETS_MAX)
    checklist: list[str] = Field(max_length=services.CHECKLIST_MAX)
    note: str = Field("", max_length=1000, json_schema_extra={"multiline": True})


class FindingIn(InputSchema):
    unit: Id = Field(description="被检查单位")
    item: str = Field(max_length=services.ITEM_MAX)
    description: str = Field(max_length=services.TEXT_MAX, json_schema_extra={"multiline": True})
    days: int | None = Field(None, ge=1, le=60, description="整改时限（工作日），默认按配置")


class UnitIn(InputSchema):
    unit: Id


class SampleIn(InputSchema):
    unit: Id = Field(description="被抽查单位")
    record_type: str = Field(max_length=60, description="见 GET /supervision/record-types")
    ratio: Decimal | None = Field(None, gt=0, le=1, description="抽查比例（0–1），默认按配置（不少于 10%）")


class CheckIn(InputSchema):
    record_id: Id
    verdict: str = Field(description="、".join(f"{v}（{label}）" for v, label in Verdict.choices))
    note: str = Field("", max_length=services.NOTE_MAX)


class SupervisionAnswerIn(InputSchema):
    measures: str = Field(max_length=services.TEXT_MAX, json_schema_extra={"multiline": True})


class SupervisionDecideIn(InputSchema):
    accept: bool
    reason: str = Field("", max_length=services.REASON_MAX)


class InspectionQuery(NewestFirstQuery):
    state: str = Field("", description="open（进行中）或 closed（已结束）")


class FindingQuery(NewestFirstQuery):
    state: str = Field("", description="按状态筛选")
    overdue: bool = Field(False, description="只看超期")
    mine: bool = Field(False, description="只看本单位收到的")


class AccuracyQuery(InputSchema):
    start: Day | None = None
    end: Day | None = None


def _detail(request, inspection):
    inspection.visible_targets = list(selectors.target_list(actor=request.actor, inspection=inspection))
    return inspection


def _target(request, inspection, unit_id):
    return selectors.target_get(actor=request.actor, inspection=inspection, unit_id=unit_id)


@router.get("/supervision/record-types", response={200: list[RecordTypeOut], **ERRORS}, summary="可抽查的记录类型")
@api_route(action=perms.INSPECTION_VIEW)
def record_types(request):
    return [d for _m, d in modules.live_sampled_records() if hasattr(d, "code")]


@router.get("/supervision/inspections", response={200: InspectionPage, **ERRORS}, summary="监督检查（新的在前）")
@api_route(action=perms.INSPECTION_VIEW)
def inspection_list(request, query: Query[InspectionQuery]):
    return api_newest_first(selectors.inspection_list(actor=request.actor, state=query.state), query)


@router.post("/supervision/inspections", response={201: InspectionDetailOut, **ERRORS},
             summary="制定检查计划（本单位检查下级单位）")
@api_route(action=perms.INSPECTION_MANAGE)
def inspection_plan(request, payload: PlanIn):
    unit = unit_own(actor=request.actor)
    targets = list(Unit.objects.filter(pk__in=payload.units))
    if len(targets) != len(set(payload.units)):
        raise DomainError(services.OUTSIDE, field="units")
    inspection = services.inspection_plan(actor=request.actor, unit=unit, title=payload.title,
                                          period_start=payload.period_start, period_end=payload.period_end,
                                          targets=targets, checklist=payload.checklist, note=payload.note)
    return Status(201, _detail(request, selectors.inspection_get(actor=request.actor, pk=inspection.pk)))


@router.get("/supervision/inspections/{int:id}", response={200: InspectionDetailOut, **ERRORS}, summary="监督检查详情")
@api_route(action=perms.INSPECTION_VIEW)
def inspection_detail(request, id: int):
    return _detail(request, selectors.inspection_get(actor=request.actor, pk=id))


@router.post("/supervision/inspections/{int:id}/findings", response={201: FindingOut, **ERRORS},
             summary="记录发现的问题（下发整改通知前可修改）")
@api_route(action=perms.INSPECTION_MANAGE)
def finding_record(request, id: int, payload: FindingIn):
    inspection = selectors.inspection_get(actor=request.actor, pk=id)
    finding = services.finding_record(actor=request.actor, inspection=inspection,
                                      target=_target(request, inspection, payload.unit), item=payload.item,
                                      description=payload.description, days=payload.days)
    return Status(201, selectors.finding_get(actor=request.actor, pk=finding.pk))


@router.post("/supervision/inspections/{int:id}/notices", response={200: list[FindingOut], **ERRORS},
             summary="向被检查单位下发整改通知（该单位全部待下发的问题）")
@api_route(action=perms.INSPECTION_MANAGE)
def notice_issue(request, id: int, payload: UnitIn):
    inspection = selectors.inspection_get(actor=request.actor, pk=id)
    issued = services.notice_issue(actor=request.actor, inspection=inspection,
                                   target=_target(request, inspection, payload.unit))
    return [selectors.finding_get(actor=request.actor, pk=f.pk) for f in issued]


@router.post("/supervision/inspections/{int:id}/samples", response={201: SampleOut, **ERRORS},
             summary="抽取样本（按比例向上取整，至少 1 条）")
@api_route(action=perms.INSPECTION_MANAGE)
def sample_draw(request, id: int, payload: SampleIn):
    inspection = selectors.inspection_get(actor=request.actor, pk=id)
    sample = services.sample_draw(actor=request.actor, inspection=inspection,
                                  target=_target(request, inspection, payload.unit),
                                  record_type_code=payload.record_type, ratio=payload.ratio)
    return Status(201, selectors.sample_get(actor=request.actor, pk=sample.pk))


@router.post("/supervision/inspections/{int:id}/close", response={200: InspectionDetailOut, **ERRORS},
             summary="结束检查（全部问题验收通过后）")
@api_route(action=perms.INSPECTION_MANAGE)
def inspection_close(request, id: int):
    services.inspection_close(actor=request.actor, inspection=selectors.inspection_get(actor=request.actor, pk=id))
    return _detail(request, selectors.inspection_get(actor=request.actor, pk=id))


@router.get("/supervision/samples/{int:id}", response={200: SampleOut, **ERRORS}, summary="抽查样本及核查结果")
@api_route(action=perms.INSPECTION_VIEW)
def sample_detail(request, id: int):
    return selectors.sample_get(actor=request.actor, pk=id)


@router.post("/supervision/samples/{int:id}/checks", response={200: SampleOut, **ERRORS},
             summary="核查一条抽中的记录（有误的生成待下发的整改问题）")
@api_route(action=perms.INSPECTION_MANAGE)
def sample_check(request, id: int, payload: CheckIn):
    sample = selectors.sample_get(actor=request.actor, pk=id)
    services.sample_check(actor=request.actor, sample=sample, record_id=payload.record_id, verdict=payload.verdict,
                          note=payload.note)
    return selectors.sample_get(actor=request.actor, pk=id)


@router.get("/supervision/rectifications", response={200: FindingPage, **ERRORS}, summary="整改事项（新的在前）")
@api_route(action=perms.INSPECTION_VIEW)
def rectification_list(request, query: Query[FindingQuery]):
    return api_newest_first(selectors.finding_list(actor=request.actor, state=query.state, overdue=query.overdue,
                                                   mine=query.mine), query)


@router.get("/supervision/rectifications/{int:id}", response={200: FindingOut, **ERRORS}, summary="整改事项详情")
@api_route(action=perms.INSPECTION_VIEW)
def rectification_detail(request, id: int):
    return selectors.finding_get(actor=request.actor, pk=id)


@router.post("/supervision/rectifications/{int:id}/answer", response={200: FindingOut, **ERRORS},
             summary="答复整改情况（被检查单位）")
@api_route(action=perms.RECTIFY)
def rectification_answer(request, id: int, payload: SupervisionAnswerIn):
    services.rectification_answer(actor=request.actor, finding=selectors.finding_get(actor=request.actor, pk=id),
                                  measures=payload.measures)
    return selectors.finding_get(actor=request.actor, pk=id)


@router.post("/supervision/rectifications/{int:id}/decide", response={200: FindingOut, **ERRORS},
             summary="验收整改：通过，或写明理由退回（检查单位）")
@api_route(action=perms.INSPECTION_MANAGE)
def rectification_decide(request, id: int, payload: SupervisionDecideIn):
    services.rectification_decide(actor=request.actor, finding=selectors.finding_get(actor=request.actor, pk=id),
                                  accept=payload.accept, reason=payload.reason)
    return selectors.finding_get(actor=request.actor, pk=id)


@router.get("/supervision/accuracy", response={200: list[AccuracyOut], **ERRORS},
            summary="信息准确性（按被抽查单位，默认本年度）")
@api_route(action=perms.INSPECTION_VIEW)
def accuracy(request, query: Query[AccuracyQuery]):
    today = timezone.localdate()
    start, end = query.start or today.replace(month=1, day=1), query.end or today
    if end < start:
        raise DomainError("截止日期不能早于起始日期", field="end")
    return [{"unit_id": r.unit_id, "unit": r.unit_name, "samples": r.samples, "drawn": r.drawn,
             "checked": r.checked, "wrong": r.wrong, "accuracy": r.accuracy}
            for r in selectors.accuracy_by_unit(actor=request.actor, start=start, end=end)]


class UsageQuery(InputSchema):
    unit: Id | None = Field(None, description="单位（默认本单位）")
    start: str = Field("", max_length=7, description="起始月份，如 2026-01（默认本年 1 月）")
    end: str = Field("", max_length=7, description="截止月份，如 2026-12（默认本月）")


class UsageOut(Schema):
    unit_id: int
    unit: str
    has_children: bool
    figures: dict[str, int] = Field(description="各统计项（含全部下级单位）：" + "、".join(
        f"{m.key}（{m.label}）" for m in usage.METRICS))
    signed_in_mean: float = Field(description="月均登录人数")
    usage_rate: float | None = Field(description="系统使用率")
    notice_rate: float | None
    feedback_rate: float | None
    step_rate: float | None
    ticket_rate: float | None

    @staticmethod
    def resolve_unit(row):
        return row.unit_name


class UsageReportOut(Schema):
    start: str
    end: str
    total: UsageOut
    children: list[UsageOut]


class AssessmentQuery(InputSchema):
    unit: Id | None = Field(None, description="单位（默认本单位）：考核其下级单位")
    period: str = Field("", max_length=6, description="年度（2026）或季度（2026Q3），默认本年度")


class ScoreValueOut(Schema):
    indicator: str
    label: str
    weight: float
    value: float | None
    evidence: str = Field(description="依据所在页面")


class ScoreOut(Schema):
    unit_id: int
    unit: str
    rank: int | None
    score: float | None = Field(description="综合得分（0–100）")
    values: list[ScoreValueOut]


def _months(start: str, end: str):
    from .forms import UsageForm

    this = timezone.localdate().replace(day=1)
    form = UsageForm({"start": start or f"{this.replace(month=1):%Y-%m}", "end": end or f"{this:%Y-%m}"})
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise DomainError(str(errors[0]), field=field if field != "__all__" else None)
    return form.cleaned_data["start"], form.cleaned_data["end"]


@router.get("/supervision/usage", response={200: UsageReportOut, **ERRORS},
            summary="使用情况统计：单位及其各下级单位（按月汇总，含全部下级）")
@api_route(action=perms.INSPECTION_VIEW)
def usage_report(request, query: Query[UsageQuery]):
    unit = selectors.usage_unit(actor=request.actor, pk=query.unit or unit_own(actor=request.actor).pk)
    start, end = _months(query.start, query.end)
    top, rows = selectors.usage_report(unit=unit, months=usage.months_between(start, end))
    return {"start": f"{start:%Y-%m}", "end": f"{end:%Y-%m}", "total": top, "children": rows}


@router.get("/supervision/assessment", response={200: list[ScoreOut], **ERRORS},
            summary="考核评价：下级单位按本系统的指标和权重得分排名")
@api_route(action=perms.INSPECTION_VIEW)
def assessment_scores(request, query: Query[AssessmentQuery]):
    unit = selectors.usage_unit(actor=request.actor, pk=query.unit or unit_own(actor=request.actor).pk)
    try:
        start, end = assessment.period_bounds(query.period or str(timezone.localdate().year))
    except ValueError:
        raise DomainError("考核期间应为年度（如 2026）或季度（如 2026Q3）", field="period") from None
    return [{"unit_id": s.unit_id, "unit": s.unit_name, "rank": s.rank, "score": s.score,
             "values": [{"indicator": i.code, "label": str(i.label), "weight": w, "value": v, "evidence": e}
                        for i, w, v, e in s.values]}
            for s in assessment.assess(selectors.unit_children(unit), start, end)]
