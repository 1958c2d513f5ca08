"""The service record list's fast read path (ADR 0029, on ``kernel.fastpage``): one precompiled query for the shown
columns only, rows encoded straight to HTML strings (console) or dicts for an orjson response (API), without model
instances or a ``reverse()`` per row.

It returns exactly what ``selectors.record_list`` paged by ``kernel.pagination.newest_first_page`` returns
(``tests/test_fastlist.py`` compares both over random trees, scopes, filters and page boundaries):

- scope: the actor's subtree roots as half-open path ranges and its unit-reach paths as equalities
  (``policy.scope_paths``); no grant → no rows, and no query;
- filters: the unit's subtree, the kind, the elder, late entries only, the activity's end days, the search box
  (the selector's ``contains`` on the title or the workers);
- order and paging: newest first, keyset on ``id`` or a page number within the OFFSET cap, as
  ``newest_first_page``; the total exact, as that page counts it.

A sorted column (``?sort=``) stays on the ORM; its instances go through the same encoder (``console_row``).
"""

import datetime
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.translation import gettext
from pydantic import TypeAdapter

from fenji.core.access import policy
from fenji.core.kernel import fastpage
from fenji.core.kernel.pagination import PAGE_SIZE, Page
from fenji.core.org.models import Unit

from . import module as perms
from .models import RecordKind, ServiceRecord

EXACT = 2**62  # a count limit no list reaches: the exact count, as ``newest_first_page`` gives it

# The shown columns, in the order a row carries them: the console's, the unit's name, then the API's more.
CONSOLE = ("id", "kind", "title", "revision", "workers", "ended_on", "entered_on", "on_time")
API = ("elder", "started_on", "amount", "hours", "details")
# ``api.RecordOut.details``: values that are not already a str, an int or None go through the same validation
DETAILS = TypeAdapter(dict[str, str | int | None])


@dataclass(frozen=True)
class Shape:
    """What decides the SQL text: the rest are parameters."""

    roots: int
    units: int
    subtree: bool
    kind: bool
    elder: bool
    late: bool
    start: bool
    end: bool
    text: bool
    keyset: bool
    api: bool


def _compile(shape: Shape, connection) -> fastpage.Compiled:
    qn = connection.ops.quote_name
    field = ServiceRecord._meta.get_field
    names = CONSOLE + (API if shape.api else ())
    columns = [("r", field(name)) for name in CONSOLE] + [("u", Unit._meta.get_field("name"))]
    columns += [("r", field(name)) for name in names[len(CONSOLE):]]
    path, pk = f"r.{qn('unit_path')}", f"r.{qn('id')}"

    def col(name):
        return f"r.{qn(field(name).column)}"

    where = [fastpage.scope_sql(path, shape.roots, shape.units)]
    if shape.subtree:
        where.append(f"{path} >= %s AND {path} < %s")
    if shape.kind:
        where.append(f"{col('kind')} = %s")
    if shape.elder:
        where.append(f"{col('elder')} = %s")
    if shape.late:
        where.append(f"NOT {col('on_time')}")
    if shape.start:
        where.append(f"{col('ended_on')} >= %s")
    if shape.end:
        where.append(f"{col('ended_on')} <= %s")
    if shape.text:
        cast, like = connection.ops.lookup_cast("contains", "CharField"), connection.operators["contains"] % "%s"
        where.append(f"({cast % col('title')} {like} OR {cast % col('workers')} {like})")
    base = f" FROM {qn(ServiceRecord._meta.db_table)} r"
    filtered = " WHERE " + " AND ".join(where)
    count_sql = f"SELECT COUNT(*) FROM (SELECT 1{base}{filtered} LIMIT %s) t"
    unit_join = f" INNER JOIN {qn(Unit._meta.db_table)} u ON u.{qn('id')} = {col('unit')}"
    page_where = filtered + (f" AND {pk} < %s" if shape.keyset else "")
    select = f"SELECT {fastpage.select_list(columns, connection)}"
    return fastpage.newest_first(connection, count_sql=count_sql, select=select, source=base,
                                 rest=f"{unit_join}{page_where} ORDER BY {pk} DESC LIMIT %s OFFSET %s",
                                 converters=fastpage.converters_for(columns, connection))


def record_rows(*, actor, action: str = perms.RECORD_VIEW, unit=None, kind: str = "", elder=None,
                late: bool = False, start: datetime.date | None = None, end: datetime.date | None = None,
                text: str = "", after: str = "", page: int | None = None, size: int = PAGE_SIZE,
                count_limit: int = EXACT, api: bool = False) -> Page:
    """A page of the records ``selectors.record_list(actor=…, …)`` holds, newest first as ``newest_first_page``
    pages them; rows are lists of the ``CONSOLE`` columns, the unit's name (then the ``API`` columns), converted."""
    roots, units = policy.scope_paths(actor, action)
    begin = fastpage.newest_start(after, page, size)
    if not (roots or units):  # the ORM's empty filter: no rows, no query
        return fastpage.empty_page(begin, size)
    kind = str(kind) if kind in RecordKind.values else ""  # a plain str: the API passes the enum member
    shape = Shape(len(roots), len(units), unit is not None, bool(kind), elder is not None, bool(late),
                  start is not None, end is not None, bool(text), begin.last is not None, api)
    query, connection = fastpage.compiled(ServiceRecord, ("veterans.records", shape), lambda c: _compile(shape, c))
    params = fastpage.scope_params(roots, units)
    if unit is not None:
        params += fastpage.scope_params([unit.path], [])
    params += [kind] if kind else []
    params += [elder.pk] if elder is not None else []
    day = connection.ops.adapt_datefield_value
    params += [day(start)] if start is not None else []
    params += [day(end)] if end is not None else []
    if text:
        like = f"%{connection.ops.prep_for_like_query(text)}%"
        params += [like, like]
    after_params = [begin.last] if begin.last is not None else []
    return fastpage.read_page(connection, query, params, after_params=after_params, start=begin, size=size,
                              count_limit=count_limit, cursor=lambda row: str(row[0]))


def console_row(record: ServiceRecord) -> list:
    """A record the ORM read (a sorted column), as ``record_rows`` gives it to ``html_rows``."""
    return [getattr(record, name) for name in CONSOLE] + [record.unit.name]


def html_rows(rows) -> list[fastpage.HtmlRow]:
    """Each row as the ``<tr>`` the record list's template wrote for it (the same markup, escaped alike)."""
    before, after = fastpage.link("veterans:record")
    kinds = fastpage.labels(RecordKind)
    revised = gettext("（修改 %(n)s 次）")
    on_time = f'<span class="badge badge-ok">{escape(gettext("按时"))}</span>'
    late = f'<span class="badge badge-off">{escape(gettext("逾期录入"))}</span>'
    out = []
    for pk, kind, title, revision, workers, ended_on, entered_on, in_time, unit_name, *_api in rows:
        changes = f' <span class="muted">{revised % {"n": revision}}</span>' if revision else ""
        out.append(fastpage.html_row(pk,
            f'<tr id="record-{pk}">\n<td>{escape(kinds.get(kind, kind))}</td>'
            f'<td><a href="{before}{pk}{after}">{escape(title)}</a>{changes}</td>\n'
            f'<td>{escape(unit_name)}</td><td>{escape(workers)}</td><td>{ended_on:%Y-%m-%d}</td>'
            f'<td>{entered_on:%Y-%m-%d}</td>\n<td>{on_time if in_time else late}</td></tr>'))
    return out


def _decimal(value) -> str | None:
    return None if value is None else str(value)  # as the API's JSON encoder writes a Decimal


def _details(details):
    if type(details) is dict and all(v is None or type(v) in (str, int) for v in details.values()):
        return details
    return DETAILS.validate_python(details)


def api_items(rows) -> list[dict]:
    """Each row (read with ``api=True``) as ``api.RecordOut`` gives it in the API's JSON."""
    return [{"id": pk, "kind": kind, "title": title, "unit": unit_name, "elder_id": elder_id,
             "started_on": started_on and started_on.isoformat(), "ended_on": ended_on.isoformat(),
             "entered_on": entered_on.isoformat(), "on_time": in_time, "workers": workers,
             "amount": _decimal(amount), "hours": _decimal(hours), "details": _details(details), "revision": revision}
            for (pk, kind, title, revision, workers, ended_on, entered_on, in_time, unit_name, elder_id, started_on,
                 amount, hours, details) in rows]
