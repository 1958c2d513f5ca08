"""Column health (国办秘函〔2019〕19号): when each column last published, which are stale for their class
(动态要闻 14 days, 通知公告 and 政策文件 180 days, others ``FENJI_PUBLISH_STALE_DAYS``, 90 by default)
and which never published anything (空白栏目); for an interaction column (互动交流) linked to ticket boards, the
oldest public ticket still unanswered (more than 3 months is 互动回应差) and the on-time reply rate over the
past year (answered by the due time ÷ answered)."""

import dataclasses
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from . import permissions as perms
from .models import Column, ColumnKind, PostState

STALE_DAYS = {ColumnKind.NEWS: 14, ColumnKind.NOTICE: 180, ColumnKind.POLICY: 180}
BLANK, STALE, OK = "blank", "stale", "ok"
LABELS = {BLANK: "空白栏目", STALE: "长期未更新", OK: "正常"}
UNANSWERED_DAYS = 90  # 国办秘函〔2019〕19号: a valid message unanswered for more than 3 months vetoes the site
REPLY_PERIOD_DAYS = 365  # the check looks back over the past year


def stale_days(kind: str) -> int:
    return STALE_DAYS.get(kind, settings.FENJI_PUBLISH_STALE_DAYS)


@dataclass(frozen=True)
class ColumnHealth:
    column: Column
    published: int
    last_published_at: datetime.datetime | None
    limit_days: int
    status: str
    interaction: bool = False  # linked to ticket boards: the two measures below apply
    oldest_unanswered_at: datetime.datetime | None = None
    answered: int = 0
    answered_on_time: int = 0

    @property
    def status_label(self) -> str:
        return LABELS[self.status]

    @property
    def idle_days(self) -> int | None:
        if self.last_published_at is None:
            return None
        return (timezone.now() - self.last_published_at).days

    @property
    def unanswered_days(self) -> int | None:
        """Age in days of the oldest public ticket not yet answered, by its filing time."""
        if self.oldest_unanswered_at is None:
            return None
        return (timezone.now() - self.oldest_unanswered_at).days

    @property
    def unanswered_too_long(self) -> bool:
        return (self.unanswered_days or 0) > UNANSWERED_DAYS

    @property
    def on_time_rate(self) -> float | None:
        return self.answered_on_time / self.answered if self.answered else None


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
    return _with_replies(result, now)


def _with_replies(result: list[ColumnHealth], now) -> list[ColumnHealth]:
    """The interaction measures of the columns linked to boards: one more grouped query, apart from the posts'
    (joined with them, the tickets would multiply the post counts). A ticket's ``on_time`` is set when it is
    answered (answered by its due time or not) and cleared when an unsatisfied citizen reopens it, so it tells the
    answer that stands; a merged duplicate hears its master's answer and is never the unanswered one."""
    linked = [row.column.pk for row in result if row.column.kind == ColumnKind.INTERACTION]
    if not linked:
        return result
    ticket = "boards__tickets__"
    since = now - datetime.timedelta(days=REPLY_PERIOD_DAYS)
    answered = Q(**{f"{ticket}on_time__isnull": False, f"{ticket}answered_at__gte": since})
    unanswered = Q(**{f"{ticket}public_ok": True, f"{ticket}on_time__isnull": True, f"{ticket}master": None})
    measures = {
        row["pk"]: row for row in Column.objects.unscoped(reason="columns already listed in scope").filter(
            pk__in=linked, boards__isnull=False).values("pk").annotate(
            oldest=Min(f"{ticket}created_at", filter=unanswered),
            answered=Count(f"{ticket}id", filter=answered),
            on_time=Count(f"{ticket}id", filter=answered & Q(**{f"{ticket}on_time": True})))}
    return [dataclasses.replace(row, interaction=True, oldest_unanswered_at=m["oldest"], answered=m["answered"],
                                answered_on_time=m["on_time"]) if (m := measures.get(row.column.pk)) else row
            for row in result]


def column_health_counts(rows: list[ColumnHealth]) -> dict[str, int]:
    counts = {BLANK: 0, STALE: 0, OK: 0}
    for row in rows:
        counts[row.status] += 1
    return counts
