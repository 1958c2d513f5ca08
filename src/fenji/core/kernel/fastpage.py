"""The parts every hot list's fast read path shares (ADR 0029): hand-written SQL compiled once per process, database
vendor and query shape; the scope as path ranges and equalities; keyset or numbered paging within the OFFSET cap;
a capped count; values converted as the ORM converts them (SM4 decryption included); rows encoded straight to
HTML strings without a ``reverse()`` per row.

A list's own module writes its columns, joins and filters (``people.fastlist`` for the accounts); a property test
beside each compares it with the list's scoped selector, which stays the reference.
"""

from collections.abc import Callable, Hashable
from dataclasses import dataclass

from django.db import connections, router
from django.urls import reverse
from django.utils.safestring import SafeString

from .inputs import parse_id
from .pagination import AtLeast, Page
from .pagination import _offset as page_offset
from .paths import SUBTREE_END

COMPILED_MAX = 512  # shapes kept per process (a shape counts the actor's grants: bounded, not one per actor)
_compiled: dict[tuple, "Compiled"] = {}


# From this many rows in scope a newest-first page on SQLite reads the table's ids backwards (``dense_rows_sql``):
# a thousand rows or more among the table's newest ones are met within a few thousand ids, while the path range
# would make SQLite read and sort every row in scope (it has no statistics saying the range is most of the table).
DENSE_ROWS = 1000


@dataclass(frozen=True)
class Compiled:
    count_sql: str
    rows_sql: str
    converters: list  # (column index, converter functions, column expression) where the ORM converts
    dense_rows_sql: str | None = None  # rows_sql for a scope of DENSE_ROWS or more rows (SQLite: see newest_first)


def newest_first(connection, *, count_sql: str, select: str, source: str, rest: str, converters: list) -> Compiled:
    """A newest-first list's texts: its rows ``select + source + rest`` (``source``: `` FROM <table> <alias>``,
    ``rest``: the joins, the filter and ``ORDER BY <id> DESC LIMIT … OFFSET …``), and on SQLite the dense variant:
    the table read without its indexes, that is by its rowid, the id, newest first, stopping at the page's end —
    where the path index would read every row in scope and sort them (``EXPLAIN QUERY PLAN``: ``USE TEMP B-TREE FOR
    ORDER BY``). Elsewhere one text: PostgreSQL's planner weighs the two from its statistics."""
    dense = f"{select}{source} NOT INDEXED{rest}" if connection.vendor == "sqlite" else None
    return Compiled(count_sql, f"{select}{source}{rest}", converters, dense_rows_sql=dense)


def compiled(model, key: Hashable, build: Callable) -> tuple["Compiled", object]:
    """``build(connection)``'s SQL for query shape ``key``, made once per process and vendor, with the connection
    the ORM would read ``model`` from (a replica inside a ``@replica_reads`` view, ADR 0024)."""
    connection = connections[router.db_for_read(model)]
    found = _compiled.get((connection.vendor, key))
    if found is None:
        if len(_compiled) >= COMPILED_MAX:
            _compiled.clear()
        found = _compiled[(connection.vendor, key)] = build(connection)
    return found, connection


def converters_for(columns, connection) -> list:
    """The ORM's value converters of ``columns`` (``(alias, field)`` pairs), for the columns that have some."""
    out = []
    for i, (alias, field) in enumerate(columns):
        col = field.get_col(alias)
        found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if found:
            out.append((i, found, col))
    return out


def select_list(columns, connection) -> str:
    qn = connection.ops.quote_name
    return ", ".join(f"{alias}.{qn(field.column)}" for alias, field in columns)


def scope_sql(path: str, roots: int, units: int) -> str:
    """``policy.scope_q``'s terms over the column ``path``: ``roots`` half-open ranges, ``units`` equalities."""
    terms = [f"({path} >= %s AND {path} < %s)"] * roots + [f"{path} = %s"] * units
    return f"({' OR '.join(terms)})"


def scope_params(roots: list[str], units: list[str]) -> list[str]:
    return [p for root in roots for p in (root, root + SUBTREE_END)] + list(units)


@dataclass(frozen=True)
class Start:
    """Where a page starts: after a cursor (``last`` set, ``start`` 0) or at a numbered page's OFFSET."""

    key: str  # the cursor's sort key before the id ("" for newest first)
    last: int | None
    start: int
    number: int


def keyset_start(after: str, page: int | None, size: int) -> Start:
    """As ``pagination.keyset_page`` reads its cursor ``"<unit_path>.<id>"`` and its page number."""
    key, _, last_id = (after or "").rpartition(".")
    return _start(key, parse_id(last_id), page, size)


def newest_start(after: str, page: int | None, size: int) -> Start:
    """As ``pagination.newest_first_page`` reads its cursor (the last id shown) and its page number."""
    return _start("", parse_id(after), page, size)


def _start(key: str, last: int | None, page: int | None, size: int) -> Start:
    number = page or 1
    start = 0
    if last is None:
        start = page_offset(number, size) or 0
        number = start // size + 1
    return Start(key, last, start, number)


def read_page(connection, query: Compiled, params: list, *, after_params: list, start: Start, size: int,
              count_limit: int, cursor: Callable) -> Page:
    """Run the count (capped at ``count_limit``, "1000+") and the page's rows (``size`` + 1 to know whether there
    is a next page); ``cursor(row)`` is the next page's cursor from the last row shown."""
    return _run(connection, query, [*params, count_limit + 1], [*params, *after_params, size + 1, start.start],
                start=start, size=size, count_limit=count_limit, cursor=cursor)


def _run(connection, query: Compiled, count_params: list, rows_params: list, *, start: Start, size: int,
         count_limit: int, cursor: Callable) -> Page:
    with connection.cursor() as db:
        db.execute(query.count_sql, count_params)
        counted = db.fetchone()[0]
        dense = query.dense_rows_sql is not None and counted >= DENSE_ROWS
        db.execute(query.dense_rows_sql if dense else query.rows_sql, rows_params)
        rows = db.fetchall()
    if query.converters:
        rows = [convert(row, query.converters, connection) for row in rows]
    next_cursor = cursor(rows[size - 1]) if len(rows) > size else None
    total = AtLeast(count_limit) if counted > count_limit else counted
    return Page(rows=rows[:size], next_cursor=next_cursor, total=total, number=start.number, size=size)


def empty_page(start: Start, size: int) -> Page:
    """No grant, or a search that matches nothing: no rows, and no query."""
    return Page(rows=[], next_cursor=None, total=0, number=start.number, size=size)


def convert(row, converters, connection) -> list:
    values = list(row)
    for i, found, col in converters:
        for converter in found:
            values[i] = converter(values[i], col, connection)
    return values


def labels(choices) -> dict[str, str]:
    """A choices class's values → their (translated) labels, as ``get_FOO_display`` shows them."""
    return {value: str(label) for value, label in choices.choices}


def link(urlname: str) -> tuple[str, str]:
    """The URL of ``urlname`` for one pk argument, split around the pk: ``before + str(pk) + after``."""
    before, _, after = reverse(urlname, args=[987654321]).partition("987654321")
    return before, after


class HtmlRow(SafeString):
    """A row's markup, which still says whose row it is (``pk``)."""

    pk: int


def html_row(pk: int, markup: str) -> HtmlRow:
    row = HtmlRow(markup)
    row.pk = pk
    return row


# --- newest first over a union of scope segments (``pagination.union_newest_first_page``) -------------------


def segments(path: str, roots: list[str], units: list[str]) -> list[tuple[str, list[str]]]:
    """``policy.scope_segments``' filters over the column ``path`` as ``(sql, params)``: each subtree root's own path
    (an equality) apart from its strict descendants (a range), then each unit-reach path."""
    out = []
    for root in roots:
        out += [(f"{path} = %s", [root]), (f"({path} > %s AND {path} < %s)", [root, root + SUBTREE_END])]
    return out + [(f"{path} = %s", [unit]) for unit in sorted(set(units))]


def union_ids_sql(table: str, pk: str, terms: list[str], where: str, *, keyset: bool) -> str:
    """The ids of the union of ``terms`` (each a segment's condition) narrowed by ``where`` ("" for none), each
    segment read on its own newest first up to a ``LIMIT %s`` (an index range on ``(path, id)``, no sort), merged
    by ``UNION``. Params per segment: its own, ``where``'s, the keyset's last id if ``keyset``, then the limit."""
    narrowed = (f" AND {where}" if where else "") + (f" AND {pk} < %s" if keyset else "")
    parts = [f"SELECT s{i}.i FROM (SELECT {pk} AS i FROM {table} WHERE {term}{narrowed} ORDER BY {pk} DESC LIMIT %s)"
             f" s{i}" for i, term in enumerate(terms)]
    return " UNION ".join(parts)


def read_union_page(connection, query: Compiled, segment_params: list[list], params: list, *, start: Start,
                    size: int, count_limit: int, cursor: Callable) -> Page:
    """``read_page`` for a ``query`` over ``union_ids_sql``: its count is ``COUNT(*)`` of the union read with a
    limit of ``count_limit + 1`` per segment and overall, its rows the union read with a limit of ``start + size
    + 1`` per segment (``params``: ``where``'s), as ``union_newest_first_page`` reads and counts them."""
    cap = count_limit + 1
    want = start.start + size + 1 if start.last is None else size + 1
    after = [start.last] if start.last is not None else []
    count_params = [p for seg in segment_params for p in (*seg, *params, cap)] + [cap]
    rows_params = [p for seg in segment_params for p in (*seg, *params, *after, want)] + [size + 1, start.start]
    return _run(connection, query, count_params, rows_params, start=start, size=size, count_limit=count_limit,
                cursor=cursor)


def json_datetime(value):
    """A datetime as the API's JSON encoder (Django's) writes it: ISO 8601, milliseconds, UTC as ``Z``."""
    if value is None:
        return None
    text = value.isoformat()
    if value.microsecond:
        text = text[:23] + text[26:]
    return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
