"""``/api/v1/audit/events``: the security auditor's search of the audit log over HTTP, with the viewer's
selectors and labels (each event with its Chinese action label, module, object name and unit path). Every
search is itself recorded, as on the page."""

import datetime

from ninja import Field, Query, Router, Schema

from fenji.core.access import permissions as access_perms
from fenji.core.api.pagination import MAX_LIMIT
from fenji.core.api.routes import api_route
from fenji.core.api.schemas import ERRORS, Day, Id, InputSchema
from fenji.core.audit.models import Outcome
from fenji.core.audit.services import audit_record
from fenji.core.kernel.replicas import replica_reads
from fenji.core.org import selectors as org_selectors

from . import audit_display
from .audit_selectors import LOG_KINDS, audit_event_list, audit_event_page

router = Router(tags=["审计日志"])


class EventOut(Schema):
    seq: int
    at: datetime.datetime
    actor: str = Field(description="操作人")
    actor_unit: str = Field(description="操作人单位（名称路径）")
    module: str = Field(description="模块")
    action: str = Field(description="动作（中文）")
    action_code: str
    object_kind: str
    object_name: str
    target_unit: str = Field(description="对象所属单位（名称路径）")
    client_ip: str
    outcome: str
    outcome_label: str
    details: dict


class EventPage(Schema):
    items: list[EventOut]
    next: int | None = Field(description="下一页的 before 值（序号）；没有更早的记录时为 null")
    total: int


class EventQuery(InputSchema):
    start: Day | None = Field(None, description="开始日期（含）")
    end: Day | None = Field(None, description="结束日期（含）")
    who: str = Field("", max_length=50, description="操作人姓名")
    text: str = Field("", max_length=40, description="动作关键词（按中文名称查找，如“登录”）")
    module: str = Field("", max_length=40, description="模块代码（动作代码的第一段，如 people）")
    action: str = Field("", max_length=80, description="动作代码（前缀匹配）")
    outcome: str = Field("", description="、".join(f"{v}（{label}）" for v, label in Outcome.choices))
    log: str = Field("", description="login（登录日志）或 operation（操作日志）；空为全部")
    unit: Id | None = Field(None, description="只看该单位及下级")
    before: int | None = Field(None, ge=1, description="上一页返回的 next；第一页留空")
    limit: int = Field(50, ge=1, le=MAX_LIMIT)


def _day(value, extra=0):
    from django.utils import timezone

    return datetime.datetime.combine(value, datetime.time.min, tzinfo=timezone.get_current_timezone()) + \
        datetime.timedelta(days=extra)


@router.get("/audit/events", response={200: EventPage, **ERRORS}, summary="查询审计日志（安全审计员）")
@api_route(action=access_perms.AUDIT_VIEW)
@replica_reads
def event_list(request, query: Query[EventQuery]):
    unit = org_selectors.unit_get(actor=request.actor, pk=query.unit, action=access_perms.AUDIT_VIEW) \
        if query.unit else None
    filters = dict(start=_day(query.start) if query.start else None, end=_day(query.end, 1) if query.end else None,
                   actor_text=query.who.strip(), action=query.action.strip(),
                   outcome=query.outcome if query.outcome in Outcome.values else "", unit=unit,
                   text=query.text.strip(), module=query.module.strip(), log=query.log if query.log in LOG_KINDS else "")
    page = audit_event_page(audit_event_list(actor=request.actor, **filters), before=query.before, size=query.limit)
    rows, next_before, total = page.rows, int(page.next_cursor) if page.next_cursor else None, page.total
    audit_record(actor=request.actor, action="audit.event.search", details={
        "filters": {k: (v.name if k == "unit" else str(v)) for k, v in filters.items() if v}, "results": total,
        "channel": "api"})
    items = [{"seq": s.event.seq, "at": s.event.at, "actor": s.event.actor_label, "actor_unit": s.actor_unit,
              "module": s.module, "action": s.action, "action_code": s.event.action, "object_kind": s.object_kind,
              "object_name": s.object_name, "target_unit": s.target_unit, "client_ip": s.event.client_ip,
              "outcome": s.event.outcome, "outcome_label": s.event.get_outcome_display(), "details": s.event.details}
             for s in audit_display.shown(rows)]
    return {"items": items, "next": next_before, "total": total}
