"""``/api/v1/league``: members, dues bills and payments over HTTP, with the pages' services and scope."""

import datetime
from decimal import Decimal

import orjson
from django.http import HttpResponse
from ninja import Field, File, Form, Query, Router, Schema, UploadedFile
from ninja.responses import Status

from fenji.core.api.pagination import NewestFirstQuery, PageQuery, api_newest_first, check_cursor
from fenji.core.api.routes import api_route
from fenji.core.api.schemas import ERRORS, Day, Id, InputSchema
from fenji.core.kernel.pagination import AtLeast
from fenji.core.org.permissions import UNIT_CREATE, UNIT_REVOKE
from fenji.core.org.selectors import unit_get
from fenji.core.people.selectors import API_COUNT_LIMIT

from . import fastlist, selectors, services
from . import module as perms
from . import orgs as org_services
from . import remit as remit_services
from . import status as status_services
from .models import (
    CadreNature,
    CadrePosition,
    CaseState,
    Education,
    Industry,
    Occupation,
    PayChannel,
    PoliticalStatus,
    RemitState,
    StatusKind,
)

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
    total_exact: bool = Field(description="false：total 为计数上限，实际更多")


class MemberQuery(PageQuery):
    unit: int | None = Field(None, description="团组织（单位）id：只列其下的团员")
    q: str = Field("", max_length=50, description="姓名或发展团员编号")


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
def member_list(request, query: Query[MemberQuery]):
    unit = unit_get(actor=request.actor, pk=query.unit, action=perms.MEMBER_VIEW) if query.unit is not None else None
    # The fast read path (ADR 0029): the page ``selectors.member_page`` would give, as ``MemberPage`` declares it.
    page = fastlist.member_rows(actor=request.actor, unit=unit, text=query.q, after=check_cursor(query.after),
                                size=query.limit, count_limit=API_COUNT_LIMIT, api=True)
    return HttpResponse(orjson.dumps({"items": fastlist.api_items(page.rows), "next": page.next_cursor,
                                      "total": int(page.total), "total_exact": not isinstance(page.total, AtLeast)}),
                        content_type="application/json; charset=utf-8")


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


# --- League organisations and their cadres -----------------------------------------------------------------------


class OrgOut(Schema):
    id: int
    unit_id: int
    name: str
    kind: str
    parent_id: int | None
    industry: Industry
    secretary: str
    approved_on: datetime.date
    entry_due: datetime.date
    entry_done_on: datetime.date | None
    revoke_decided_on: datetime.date | None
    revoke_due: datetime.date | None
    revoked_on: datetime.date | None

    @staticmethod
    def resolve_name(org):
        return org.unit.name

    @staticmethod
    def resolve_kind(org):
        return org.unit.kind

    @staticmethod
    def resolve_parent_id(org):
        return org.unit.parent_id


class OrgPage(Schema):
    items: list[OrgOut]
    next: str | None
    total: int


class OrgIn(InputSchema):
    parent: Id = Field(description="上级团组织（单位）id")
    name: str = Field(max_length=100)
    kind: str = Field(max_length=32, description="团组织类型：league_province … league_branch")
    code: str = Field("", max_length=32)
    short_name: str = Field("", max_length=40)
    industry: Industry = Industry.OTHER
    approved_on: Day
    approval_ref: str = Field(max_length=100)
    founded_on: Day | None = None
    secretary: str = Field("", max_length=50)
    phone: str = Field("", max_length=20)


class RevokeDecisionIn(InputSchema):
    decided_on: Day
    reference: str = Field(max_length=100)


class CadreIn(InputSchema):
    name: str = Field(max_length=50)
    position: CadrePosition
    nature: CadreNature
    since: Day
    member: Id | None = Field(None, description="团员 id（团干部是团员时）")


class CadreOut(Schema):
    id: int
    name: str
    position: CadrePosition
    nature: CadreNature
    since: datetime.date
    until: datetime.date | None


@router.get("/league/orgs", response={200: OrgPage, **ERRORS}, summary="团组织（含下级）")
@api_route(action=perms.ORG_VIEW)
def org_list(request, query: Query[NewestFirstQuery]):
    return api_newest_first(selectors.org_list(actor=request.actor), query)


@router.post("/league/orgs", response={201: OrgOut, **ERRORS},
             summary="录入新建团组织（成立批复文件在页面上传，批准后 30 个工作日内）")
@api_route(action=UNIT_CREATE)
def org_create(request, payload: OrgIn):
    data = payload.dict()
    parent = unit_get(actor=request.actor, pk=data.pop("parent"), action=UNIT_CREATE)
    return Status(201, org_services.org_create(actor=request.actor, parent=parent, **data))


@router.get("/league/orgs/{int:id}", response={200: OrgOut, **ERRORS}, summary="团组织详情")
@api_route(action=perms.ORG_VIEW)
def org_detail(request, id: int):
    return selectors.org_get(actor=request.actor, pk=id)


@router.post("/league/orgs/{int:id}/revocation", response={200: OrgOut, **ERRORS},
             summary="登记撤销团组织的决定（15 个工作日内办理）")
@api_route(action=perms.ORG_MANAGE)
def org_revoke_decide(request, id: int, payload: RevokeDecisionIn):
    org = selectors.org_get(actor=request.actor, pk=id)
    return org_services.org_revoke_decide(actor=request.actor, org=org, **payload.dict())


@router.post("/league/orgs/{int:id}/revoke", response={200: OrgOut, **ERRORS},
             summary="办理撤销团组织（须已登记撤销决定且没有团员）")
@api_route(action=UNIT_REVOKE)
def org_revoke(request, id: int):
    return org_services.org_revoke(actor=request.actor, org=selectors.org_get(actor=request.actor, pk=id))


@router.get("/league/orgs/{int:id}/cadres", response={200: list[CadreOut], **ERRORS}, summary="团干部")
@api_route(action=perms.ORG_VIEW)
def cadre_list(request, id: int):
    return list(selectors.cadre_list(selectors.org_get(actor=request.actor, pk=id), current=False)[:200])


@router.post("/league/orgs/{int:id}/cadres", response={201: CadreOut, **ERRORS}, summary="录入团干部")
@api_route(action=perms.ORG_MANAGE)
def cadre_add(request, id: int, payload: CadreIn):
    org = selectors.org_get(actor=request.actor, pk=id)
    data = payload.dict()
    member_id = data.pop("member")
    member = selectors.member_get(actor=request.actor, pk=member_id) if member_id else None
    return Status(201, org_services.cadre_add(actor=request.actor, org=org, member=member, **data))


# --- League status (团籍) -----------------------------------------------------------------------------------


class StatusCaseOut(Schema):
    id: int
    member_id: int
    kind: StatusKind
    state: CaseState
    reason: str
    note: str
    created_at: datetime.datetime


class StatusCasePage(Schema):
    items: list[StatusCaseOut]
    next: str | None
    total: int


class StatusProposeIn(InputSchema):
    kind: StatusKind
    reason: str = Field("", max_length=200)


class StatusDecisionIn(InputSchema):
    approve: bool
    note: str = Field("", max_length=200)


@router.get("/league/status-cases", response={200: StatusCasePage, **ERRORS}, summary="待审核的团籍变动")
@api_route(action=perms.STATUS_HANDLE)
def status_case_list(request, query: Query[NewestFirstQuery]):
    return api_newest_first(selectors.status_case_list(actor=request.actor), query)


@router.post("/league/members/{int:id}/status-cases", response={201: StatusCaseOut, **ERRORS},
             summary="提出团籍变动（离团、脱团、退团、恢复），经审核后生效")
@api_route(action=perms.STATUS_HANDLE)
def status_propose(request, id: int, payload: StatusProposeIn):
    member = selectors.member_get(actor=request.actor, pk=id, action=perms.STATUS_HANDLE)
    return Status(201, status_services.status_propose(actor=request.actor, member=member, **payload.dict()))


@router.post("/league/status-cases/{int:id}/decision", response={200: StatusCaseOut, **ERRORS},
             summary="审核团籍变动")
@api_route(action=perms.STATUS_HANDLE)
def status_decide(request, id: int, payload: StatusDecisionIn):
    case = selectors.status_case_get(actor=request.actor, pk=id)
    return status_services.status_decide(actor=request.actor, case=case, **payload.dict())


# --- 团费上缴和使用 -------------------------------------------------------------------------------------------


class RemittanceOut(Schema):
    id: int
    unit_id: int
    unit: str
    to_unit_id: int
    to_unit: str
    collected: Decimal
    retention_pct: Decimal
    retained: Decimal
    amount: Decimal
    received_on: datetime.date
    due_on: datetime.date
    remitted_on: datetime.date
    late: bool
    state: RemitState
    confirmed_on: datetime.date | None

    @staticmethod
    def resolve_unit(r):
        return r.unit.name

    @staticmethod
    def resolve_to_unit(r):
        return r.to_unit.name


class RemittancePage(Schema):
    items: list[RemittanceOut]
    next: str | None
    total: int


class RemittanceQuery(NewestFirstQuery):
    state: RemitState | None = None


class RemittanceIn(InputSchema):
    unit: Id = Field(description="上缴的团组织（单位）id")
    amount: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2,
                                   description="拟上缴金额（元）；不填则按收缴金额减去留存")
    note: str = Field("", max_length=200)


class DuesUseOut(Schema):
    id: int
    unit_id: int
    amount: Decimal
    purpose: str
    decided_on: datetime.date
    decision_ref: str


class DuesUsePage(Schema):
    items: list[DuesUseOut]
    next: str | None
    total: int


class DuesUseIn(InputSchema):
    unit: Id = Field(description="团组织（单位）id")
    amount: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    purpose: str = Field(max_length=200)
    decided_on: Day
    decision_ref: str = Field(max_length=100)


@router.get("/league/remittances", response={200: RemittancePage, **ERRORS}, summary="团费上缴（上缴和接收的）")
@api_route(action=perms.DUES_VIEW)
def remittance_list(request, query: Query[RemittanceQuery]):
    return api_newest_first(selectors.remittance_list(actor=request.actor, state=query.state or ""), query)


@router.post("/league/remittances", response={201: RemittanceOut, **ERRORS},
             summary="上缴团费（团支部 5 个工作日内，上级团组织 10 个工作日内；按留存比例留存）")
@api_route(action=perms.DUES_MANAGE)
def remittance_create(request, payload: RemittanceIn):
    data = payload.dict()
    unit = unit_get(actor=request.actor, pk=data.pop("unit"), action=perms.DUES_MANAGE)
    return Status(201, remit_services.remittance_create(actor=request.actor, unit=unit, **data))


@router.get("/league/remittances/{int:id}", response={200: RemittanceOut, **ERRORS}, summary="团费上缴详情")
@api_route(action=perms.DUES_VIEW)
def remittance_detail(request, id: int):
    return selectors.remittance_get(actor=request.actor, pk=id)


@router.post("/league/remittances/{int:id}/confirm", response={200: RemittanceOut, **ERRORS},
             summary="接收单位确认收到上缴的团费")
@api_route(action=perms.DUES_MANAGE)
def remittance_confirm(request, id: int):
    remittance = selectors.remittance_get(actor=request.actor, pk=id)
    return remit_services.remittance_confirm(actor=request.actor, remittance=remittance)


@router.get("/league/dues-uses", response={200: DuesUsePage, **ERRORS}, summary="团费使用")
@api_route(action=perms.DUES_VIEW)
def dues_use_list(request, query: Query[NewestFirstQuery]):
    return api_newest_first(selectors.dues_use_list(actor=request.actor), query)


@router.post("/league/dues-uses", response={201: DuesUseOut, **ERRORS},
             summary="登记团费使用（集体决定，向团员公示，不超过留存结余）")
@api_route(action=perms.DUES_MANAGE)
def dues_use_record(request, payload: DuesUseIn):
    data = payload.dict()
    unit = unit_get(actor=request.actor, pk=data.pop("unit"), action=perms.DUES_MANAGE)
    return Status(201, remit_services.dues_use_record(actor=request.actor, unit=unit, **data))


# --- 团内统计 -------------------------------------------------------------------------------------------------


class LeagueStatsQuery(InputSchema):
    unit: Id | None = Field(None, description="团组织（单位）id，含下级；不填为本人所在单位")
    period: str = Field("", max_length=10, description="年份（2026）或月份（2026-10）；不填为最近 12 个月")


class CountOut(Schema):
    code: str
    label: str
    count: int


class OrgCountsOut(Schema):
    total: int
    by_kind: list[CountOut]
    by_industry: list[CountOut]


class BranchCountsOut(Schema):
    branches: int = Field(description="团支部")
    hollow: int = Field(description="空心团支部（无正常团籍的团员）")
    no_cadre: int = Field(description="无在任团干部的团支部")
    both: int = Field(description="既无团员也无团干部")


class MemberCountsOut(Schema):
    total: int
    by_education: list[CountOut]
    by_income: list[CountOut]
    by_political: list[CountOut]
    by_occupation: list[CountOut]


class TransferStateOut(Schema):
    code: str
    label: str
    out: int = Field(description="转出（转出团支部在该组织下）")
    inward: int = Field(description="转入（转入团支部在该组织下）")


class TransferCountsOut(Schema):
    rows: list[TransferStateOut]
    out: int
    inward: int


class DuesMonthOut(Schema):
    month: datetime.date
    bills: int
    paid: int
    unpaid: int
    due: Decimal
    collected: Decimal
    outstanding: Decimal
    rate: float | None


class DuesCountsOut(Schema):
    rows: list[DuesMonthOut]
    bills: int
    paid: int
    unpaid: int
    due: Decimal
    collected: Decimal
    outstanding: Decimal
    rate: float | None


class LeagueStatsOut(Schema):
    unit_id: int
    unit: str
    start: datetime.date = Field(description="统计期间起（含）")
    end: datetime.date = Field(description="统计期间止（不含）")
    orgs: OrgCountsOut
    branches: BranchCountsOut
    members: MemberCountsOut
    transfers: TransferCountsOut
    dues: DuesCountsOut


@router.get("/league/stats", response={200: LeagueStatsOut, **ERRORS},
            summary="团内统计：团组织、空心和无团干部团支部、团员构成、组织关系转接、团费收缴（含下级）")
@api_route(action=perms.STATS_VIEW)
def league_stats(request, query: Query[LeagueStatsQuery]):
    from fenji.core.org.selectors import unit_own

    from . import stats

    actor = request.actor
    unit = unit_get(actor=actor, pk=query.unit, action=perms.STATS_VIEW) if query.unit else unit_own(actor=actor)
    period = stats.stats_period(query.period)
    return {"unit_id": unit.pk, "unit": unit.name, "start": period.start, "end": period.end,
            **stats.league_stats(actor=actor, unit=unit, period=period)}
from .activities_api import router as activities_router  # noqa: E402 - 团组织活动, on this router

router.add_router("", activities_router)
from .transfers_api import router as transfers_router  # noqa: E402 - 组织关系转接, on this router

router.add_router("", transfers_router)
# --- 批量导入团员 (the page's import, as a background job) ----------------------------------------------------

class LeagueImportJobOut(Schema):
    id: int
    state: str
    file_name: str
    branch: str = Field(alias="unit_name")
    total: int | None
    processed: int
    created: int
    rejected: int
    message: str
    errors: list[list] = Field(description="前 100 条错误：[行号, 列, 原因]；全部错误见页面上的错误报告")


@router.post("/league/members/import", response={202: LeagueImportJobOut, **ERRORS},
             summary="批量导入团员（Excel，后台导入；返回导入任务）")
@api_route(action=perms.MEMBER_MANAGE)
def member_import_start(request, branch: Form[int], file: File[UploadedFile]):
    from django.conf import settings

    from fenji.core.kernel.errors import DomainError

    from . import member_import

    unit = unit_get(actor=request.actor, pk=branch, action=perms.MEMBER_MANAGE)
    if not (file.name or "").lower().endswith(".xlsx"):
        raise DomainError("请上传 .xlsx 格式的 Excel 文件", field="file")
    if file.size > int(settings.UPLOAD_MAX_MB) * 1024 * 1024:
        raise DomainError(f"文件超过 {settings.UPLOAD_MAX_MB} MB 的上限：请分成多个文件导入", field="file")
    job = member_import.league_member_import_start(actor=request.actor, branch=unit, file=file, file_name=file.name,
                                                   max_rows=member_import.MAX_ROWS)
    return Status(202, job)


@router.get("/league/members/import/{int:id}", response={200: LeagueImportJobOut, **ERRORS}, summary="团员导入任务的进度和结果")
@api_route(action=perms.MEMBER_MANAGE)
def member_import_job(request, id: int):
    from fenji.core.kernel.xlsx import jobs

    from .member_import import LEAGUE_MEMBERS

    return jobs.job_get(account_id=request.actor.account_id, pk=id, spec=LEAGUE_MEMBERS)
