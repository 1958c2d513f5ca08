"""Keyset paging on (unit_path, id): the index every unit-owned table carries. Fast at any depth and
any page, unlike OFFSET (PERFORMANCE.md: 513 ms deep into a list)."""

from dataclasses import dataclass

from django.db.models import Q

from .inputs import parse_id

PAGE_SIZE = 20


@dataclass
class Page:
    rows: list
    next_cursor: str | None
    total: int


def keyset_page(queryset, *, after: str = "", size: int = PAGE_SIZE) -> Page:
    """The page after cursor ``after`` ("<unit_path>.<id>"): one count query and one row query."""
    total = queryset.count()
    ordered = queryset.order_by("unit_path", "id")
    path, _, last_id = (after or "").rpartition(".")
    if (last := parse_id(last_id)) is not None:
        ordered = ordered.filter(Q(unit_path__gt=path) | Q(unit_path=path, id__gt=last))
    rows = list(ordered[: size + 1])
    next_cursor = f"{rows[size - 1].unit_path}.{rows[size - 1].pk}" if len(rows) > size else None
    return Page(rows=rows[:size], next_cursor=next_cursor, total=total)


def newest_first_page(queryset, *, after: str = "", size: int = PAGE_SIZE) -> Page:
    """Keyset page over descending ids (the newest row first): ``after`` is the last id shown."""
    total = queryset.count()
    ordered = queryset.order_by("-id")
    if (last := parse_id(after)) is not None:
        ordered = ordered.filter(id__lt=last)
    rows = list(ordered[: size + 1])
    next_cursor = str(rows[size - 1].pk) if len(rows) > size else None
    return Page(rows=rows[:size], next_cursor=next_cursor, total=total)
