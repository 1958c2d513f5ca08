"""Keyset pages over unit-owned rows, in (unit_path, id) order: the index every such table carries.

The cursor is the last row's ``<unit_path>.<id>``; a page costs one count and one range query,
whatever its depth in the list.
"""

import re
from dataclasses import dataclass

from django.db.models import Q
from ninja import Field, Schema

from fenji.core.kernel.errors import DomainError

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
CURSOR_RE = re.compile(r"^[0-9A-Z]*\.\d+$")


class PageQuery(Schema):
    after: str = Field("", description="上一页返回的 next 游标；第一页留空")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"每页条数（1–{MAX_LIMIT}）")


@dataclass
class Page:
    items: list
    next: str | None
    total: int


def check_cursor(after: str) -> str:
    after = (after or "").strip()
    if after and not CURSOR_RE.match(after):
        raise DomainError("分页游标无效：请使用上一页返回的 next 值", field="after", code="invalid_cursor")
    return after


def keyset_page(queryset, *, after: str = "", limit: int = DEFAULT_LIMIT) -> Page:
    after = check_cursor(after)
    total = queryset.count()
    ordered = queryset.order_by("unit_path", "id")
    if after:
        unit_path, _, last_id = after.rpartition(".")
        ordered = ordered.filter(Q(unit_path__gt=unit_path) | Q(unit_path=unit_path, id__gt=int(last_id)))
    rows = list(ordered[: limit + 1])
    cursor = f"{rows[limit - 1].unit_path}.{rows[limit - 1].pk}" if len(rows) > limit else None
    return Page(items=rows[:limit], next=cursor, total=total)
