"""``/api/v1/discipline/stats`` and ``/learning``: the rooms' statistics (the page's selectors and scope, ``stats.py``)
and the learning materials the caller's unit reads (``learning.py``), a sub-router of ``api.router``."""

import datetime

from django.contrib.auth import get_user_model
from ninja import Field, Query, Router, Schema

from fenji.core.api.pagination import NewestFirstQuery, api_newest_first
from fenji.core.api.routes import api_route
from fenji.core.api.schemas import ERRORS, InputSchema
from fenji.core.kernel.errors import DomainError

from . import learning, stats
from . import module as perms

router = Router(tags=["检举举报"])


class DisciplineStatsQuery(InputSchema):
    period: str = Field("", description="统计期间：2026（年度）、2026Q4（季度）、2026-11（月份）或 custom（自定义，须填 start、end）；"
                                        "默认本年度")
    start: datetime.date | None = None
    end: datetime.date | None = None
    unit: int | None = Field(None, description="统计的单位 id（默认为统计范围的最高单位）")


class StatsRowOut(Schema):
    unit: str = Field(description="单位名称；“本级”为所选单位本身及其机关各室")
    unit_id: int | None
    values: list[int] = Field(description="与 columns 一一对应")
    flag: str = Field(description="数据报送检查：期间内未录入任何记录的单位为“未录入”")

    @staticmethod
    def resolve_unit(row):
        return row.label


class StatsSectionOut(Schema):
    code: str = Field(description="petitions、clues、cases、sanctions、conduct、rectifications、absences")
    title: str
    columns: list[str]
    rows: list[StatsRowOut]
    total: StatsRowOut


class DisciplineStatsOut(Schema):
    unit_id: int
    unit: str
    start: datetime.date
    end: datetime.date
    sections: list[StatsSectionOut] = Field(description="调用者在该单位可查询的各项统计（无权查看的不出现）")


@router.get("/discipline/stats", response={200: DisciplineStatsOut, **ERRORS}, summary="各室统计：按单位和期间")
@api_route(action=perms.STATS_VIEW)
def stats_get(request, query: Query[DisciplineStatsQuery]):
    data = {key: "" if value is None else str(value) for key, value in query.dict().items()}
    choice = stats.stats_choice(actor=request.actor, data=data)
    for name, errors in choice.form.errors.items():
        raise DomainError(str(errors[0]), field=name if name != "__all__" else None)
    if choice.top is None:
        raise DomainError("您没有可统计的单位")
    return {"unit_id": choice.top.pk, "unit": choice.top.name, "start": choice.start, "end": choice.end,
            "sections": stats.stats_sections(actor=request.actor, top=choice.top, start=choice.start, end=choice.end)}


class MaterialOut(Schema):
    id: int
    title: str
    body: str
    column: str
    unit: str = Field(description="发布单位")
    published_at: datetime.datetime | None

    @staticmethod
    def resolve_column(post):
        return post.column.name

    @staticmethod
    def resolve_unit(post):
        return post.unit.name


class MaterialPage(Schema):
    items: list[MaterialOut]
    next: str | None
    total: int


class MaterialQuery(NewestFirstQuery):
    q: str = Field("", max_length=50, description="标题或内容包含")


@router.get("/discipline/learning", response={200: MaterialPage, **ERRORS}, summary="学习资料（本单位及上级发布的）")
@api_route(action=perms.LEARNING_VIEW)
def learning_list(request, query: Query[MaterialQuery]):
    account = get_user_model().objects.unscoped(reason="the caller's own account").get(pk=request.actor.account_id)
    return api_newest_first(learning.material_list(account=account, search=query.q.strip()), query)
