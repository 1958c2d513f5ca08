"""Pages of a list: keyset paging on (unit_path, id), the index every unit-owned table carries, or on
descending ids (newest first) — fast at any depth (PERFORMANCE.md: OFFSET costs 513 ms deep into a list).

Page numbers and a jump to page N use OFFSET, but only within the first ``OFFSET_CAP`` rows, where it
stays cheap; deeper than that a list is walked page by page with the cursor (the number carried along).
Bad page numbers and sizes are clamped, never an error.
"""

import math
from dataclasses import dataclass

from django.db.models import Q

from .inputs import parse_id
from .text import normalise_number

PAGE_SIZE = 20
PAGE_SIZES = (10, 20, 50, 100)
OFFSET_CAP = 10_000  # rows reachable by page number (OFFSET); beyond, the cursor only
NUMBER_MAX = 1_000_000


@dataclass
class Page:
    rows: list
    next_cursor: str | None
    total: int
    number: int = 1  # which page this is (1-based)
    size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        """How many pages the (possibly capped) total makes."""
        return max(1, math.ceil(int(self.total) / self.size))

    def can_number(self, number: int) -> bool:
        """Whether page ``number`` can be reached directly (within the OFFSET cap)."""
        return 1 <= number and (number - 1) * self.size < OFFSET_CAP

    @property
    def numbers(self) -> list[int]:
        """The page numbers to offer around this one (those reachable directly)."""
        last = self.pages if self.next_cursor is None else max(self.pages, self.number + 1)
        wanted = {1, self.number - 2, self.number - 1, self.number, self.number + 1, self.number + 2, last}
        return sorted(n for n in wanted if 1 <= n <= last and (self.can_number(n) or n == self.number))


def page_size(value) -> int:
    """The page size asked for, if it is one of ``PAGE_SIZES``; else the default."""
    size = parse_id(normalise_number(str(value or "")))
    return size if size in PAGE_SIZES else PAGE_SIZE


def page_number(value) -> int:
    number = parse_id(normalise_number(str(value or "")))
    return min(number, NUMBER_MAX) if number else 1


def _offset(number: int, size: int) -> int | None:
    """The OFFSET of page ``number``, when it lies within the cap (else None: start from the top)."""
    offset = (number - 1) * size
    return offset if 0 < offset < OFFSET_CAP else None


LIST_COUNT_LIMIT = 1000  # a list page counts its matches up to here ("1000+"), narrowed by its filters beyond


class AtLeast(int):
    """A count that stopped at its limit: an ``int`` (plural rules, comparisons) shown as "1000+"."""

    def __str__(self):
        return f"{int(self)}+"

    __repr__ = __str__


def capped_count(queryset, limit: int) -> int:
    """``COUNT(*)`` over at most ``limit + 1`` rows (a LIMIT subquery): exact below the limit, else
    ``AtLeast(limit)``. A list over a whole province need not count every row to say "1000+"."""
    counted = queryset.order_by()[: limit + 1].count()
    return AtLeast(limit) if counted > limit else counted


def keyset_page(queryset, *, after: str = "", size: int = PAGE_SIZE, page: int | None = None,
                total=None) -> Page:
    """The page after cursor ``after`` ("<unit_path>.<id>"), or page number ``page`` (within the cap):
    one count query and one row query. ``total`` replaces the exact count (a capped one)."""
    total = queryset.count() if total is None else total
    ordered = queryset.order_by("unit_path", "id")
    number = page or 1
    path, _, last_id = (after or "").rpartition(".")
    if (last := parse_id(last_id)) is not None:
        ordered = ordered.filter(Q(unit_path__gt=path) | Q(unit_path=path, id__gt=last))
        start = 0
    else:
        start = _offset(number, size) or 0
        number = start // size + 1
    rows = list(ordered[start: start + size + 1])
    next_cursor = f"{rows[size - 1].unit_path}.{rows[size - 1].pk}" if len(rows) > size else None
    return Page(rows=rows[:size], next_cursor=next_cursor, total=total, number=number, size=size)


def newest_first_page(queryset, *, after: str = "", size: int = PAGE_SIZE, page: int | None = None,
                      total=None) -> Page:
    """Keyset page over descending ids (the newest row first): ``after`` is the last id shown. ``total`` replaces
    the exact count (a capped one)."""
    total = queryset.count() if total is None else total
    ordered = queryset.order_by("-id")
    number = page or 1
    if (last := parse_id(after)) is not None:
        ordered = ordered.filter(id__lt=last)
        start = 0
    else:
        start = _offset(number, size) or 0
        number = start // size + 1
    rows = list(ordered[start: start + size + 1])
    next_cursor = str(rows[size - 1].pk) if len(rows) > size else None
    return Page(rows=rows[:size], next_cursor=next_cursor, total=total, number=number, size=size)


def union_newest_first_page(parts, *, rows_for, after: str = "", size: int = PAGE_SIZE, page: int | None = None,
                            total=None, count_limit: int = LIST_COUNT_LIMIT) -> Page:
    """``newest_first_page`` over the union of ``parts`` (querysets of one model that may overlap), each read on its
    own newest first and merged here: each part is one index range read in id order, where their OR in one query
    is a bitmap over every matching row, sorted. ``rows_for(ids)`` gives the page's rows (with their joins) for
    ids already read in scope. ``total`` replaces the count, else it is the union's capped at ``count_limit``
    (as ``capped_count``), read by the same queries as the first page."""
    last = parse_id(after)
    number = page or 1
    start = 0
    if last is None:
        start = _offset(number, size) or 0
        number = start // size + 1

    def newest(queryset, n):
        return list(queryset.order_by("-id").values_list("id", flat=True)[:n])

    def union(lists):
        return sorted(set().union(*lists), reverse=True)

    want = start + size + 1
    if last is None:
        # One read per part serves the page and the count: a part that stops short of n holds no more rows.
        n = want if total is not None else max(want, count_limit + 1)
        merged = union(newest(part, n) for part in parts)
        counted = merged
    else:
        merged = union(newest(part.filter(id__lt=last), want) for part in parts)
        counted = union(newest(part, count_limit + 1) for part in parts) if total is None else []
    if total is None:
        total = AtLeast(count_limit) if len(counted) > count_limit else len(counted)
    ids = merged[start: start + size + 1]
    found = {row.pk: row for row in rows_for(ids[:size])} if ids else {}
    next_cursor = str(ids[size - 1]) if len(ids) > size else None
    return Page(rows=[found[pk] for pk in ids[:size] if pk in found], next_cursor=next_cursor, total=total,
                number=number, size=size)


def ordered_page(queryset, *, order: list[str], page: int | None = None, size: int = PAGE_SIZE, total=None) -> Page:
    """A page of ``queryset`` in a chosen ``order`` (a sorted column), by page number within the OFFSET cap
    only: a sorted list is browsed by number, and narrowed with its filters beyond its first 10,000 rows."""
    total = queryset.count() if total is None else total
    start = _offset(page or 1, size) or 0
    rows = list(queryset.order_by(*order)[start: start + size])
    return Page(rows=rows, next_cursor=None, total=total, number=start // size + 1, size=size)
