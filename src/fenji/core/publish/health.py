"""Column health (国办秘函〔2019〕19号): when each column last published, which are stale for their class
(动态要闻 14 days, 通知公告 and 政策文件 180 days, others ``FENJI_PUBLISH_STALE_DAYS``, 90 by default)
and which never published anything (空白栏目)."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Max, Q
from django.utils import timezone

from . import permissions as perms
from .models import Column, ColumnKind, PostState

STALE_DAYS = {ColumnKind.NEWS: 14, ColumnKind.NOTICE: 180, ColumnKind.POLICY: 180}
BLANK, STALE, OK = "blank", "stale", "ok"
LABELS = {BLANK: "空白栏目", STALE: "长期未更新", OK: "正常"}


def stale_days(kind: str) -> int:
    return STALE_DAYS.get(kind, settings.FENJI_PUBLISH_STALE_DAYS)


@dataclass(frozen=True)
class ColumnHealth:
    column: Column
    published: int
    last_published_at: datetime.datetime | None
    limit_days: int
    status: str

    @property
    def status_label(self) -> str:
        return LABELS[self.status]

    @property
    def idle_days(self) -> int | None:
        if self.last_published_at is None:
            return None
        return (timezone.now() - self.last_published_at).days


def column_health(*, actor, unit_path: str = "") -> list[ColumnHealth]:
    """Every open column the actor manages (within ``unit_path``'s subtree when given): one aggregate query."""
    rows = Column.objects.visible_to(actor, perms.COLUMN_MANAGE).filter(closed_at=None)
    if unit_path:
        rows = rows.filter(unit_path__gte=unit_path, unit_path__lt=unit_path + "~")
    published = Q(posts__state=PostState.PUBLISHED)
    rows = (rows.select_related("unit").annotate(published=Count("posts", filter=published),
                                                 last=Max("posts__published_at", filter=published))
            .order_by("unit_path", "name", "id"))
    now, result = timezone.now(), []
    for column in rows:
        limit = stale_days(column.kind)
        if column.last is None:
            status = BLANK
        elif now - column.last > datetime.timedelta(days=limit):
            status = STALE
        else:
            status = OK
        result.append(ColumnHealth(column, column.published, column.last, limit, status))
    return result


def column_health_counts(rows: list[ColumnHealth]) -> dict[str, int]:
    counts = {BLANK: 0, STALE: 0, OK: 0}
    for row in rows:
        counts[row.status] += 1
    return counts
