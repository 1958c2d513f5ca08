"""The League member list's fast read path (ADR 0029): one precompiled query for the shown columns only, rows
encoded straight to HTML strings (the console) or dicts for an orjson response (the API), without model instances
or a ``reverse()`` per row, on the kit ``kernel.fastpage``.

It returns exactly what ``selectors.member_list`` + ``selectors.member_page`` return (``tests/test_fastlist.py``
compares both over random trees, scopes, filters and page boundaries): the scope as ``policy.scope_paths``' ranges
and equalities; the organisation's subtree; the status (团籍 normal by default); the search box as the selector's
name ``contains`` or development number ``startswith``; keyset order on ``(unit_path, id)`` or a page number within
the OFFSET cap; the total capped.
"""

from dataclasses import dataclass

from django.utils.html import escape

from fenji.core.access import policy
from fenji.core.kernel import fastpage
from fenji.core.kernel.pagination import PAGE_SIZE, Page
from fenji.core.org.models import Unit
from fenji.core.people.models import Person

from . import module as perms
from .models import LeagueStatus, Member, Occupation, PoliticalStatus

# (alias, model, field) of each shown column, in the order a row carries them.
CONSOLE = (("m", Member, "id"), ("m", Member, "unit_path"), ("p", Person, "real_name"), ("u", Unit, "name"),
           ("m", Member, "join_date"), ("m", Member, "development_no"), ("m", Member, "political_status"),
           ("m", Member, "occupation"))
API = CONSOLE + (("m", Member, "join_place"), ("m", Member, "education"), ("m", Member, "status"))


@dataclass(frozen=True)
class Shape:
    """What decides the SQL text: the rest are parameters."""

    roots: int
    units: int
    subtree: bool
    status: bool
    text: bool
    keyset: bool
    api: bool


def _compile(shape: Shape, connection) -> fastpage.Compiled:
    qn = connection.ops.quote_name
    columns = [(alias, model._meta.get_field(name)) for alias, model, name in (API if shape.api else CONSOLE)]
    path = f"m.{qn('unit_path')}"
    person_join = (f" INNER JOIN {qn(Person._meta.db_table)} p ON p.{qn('id')} = "
                   f"m.{qn(Member._meta.get_field('person').column)}")
    unit_join = (f" INNER JOIN {qn(Unit._meta.db_table)} u ON u.{qn('id')} = "
                 f"m.{qn(Member._meta.get_field('unit').column)}")
    where = [fastpage.scope_sql(path, shape.roots, shape.units)]
    if shape.subtree:
        where.append(f"{path} >= %s AND {path} < %s")
    if shape.status:
        where.append(f"m.{qn('status')} = %s")
    if shape.text:
        cast = connection.ops.lookup_cast
        name = cast("contains", "CharField") % f"p.{qn('real_name')}"
        number = cast("startswith", "CharField") % f"m.{qn('development_no')}"
        where.append(f"({name} {connection.operators['contains'] % '%s'} "
                     f"OR {number} {connection.operators['startswith'] % '%s'})")
    base = f" FROM {qn(Member._meta.db_table)} m{person_join if shape.text else ''}"
    filtered = " WHERE " + " AND ".join(where)
    count_sql = f"SELECT COUNT(*) FROM (SELECT 1{base}{filtered} LIMIT %s) t"
    page_where = filtered + (f" AND ({path} > %s OR ({path} = %s AND m.{qn('id')} > %s))" if shape.keyset else "")
    rows_base = f" FROM {qn(Member._meta.db_table)} m{person_join}{unit_join}"
    rows_sql = (f"SELECT {fastpage.select_list(columns, connection)}{rows_base}{page_where} "
                f"ORDER BY {path} ASC, m.{qn('id')} ASC LIMIT %s OFFSET %s")
    return fastpage.Compiled(count_sql, rows_sql, fastpage.converters_for(columns, connection))


def member_rows(*, actor, unit=None, text: str = "", status: str = LeagueStatus.NORMAL, after: str = "",
                page: int | None = None, size: int = PAGE_SIZE, count_limit: int, api: bool = False) -> Page:
    """A page of the members ``selectors.member_list(actor=…, unit=…, text=…, status=…)`` holds, paged as
    ``selectors.member_page(…, count_limit=count_limit)`` pages them; rows are tuples of the ``CONSOLE`` (or ``API``)
    columns."""
    roots, units = policy.scope_paths(actor, perms.MEMBER_VIEW)
    start = fastpage.keyset_start(after, page, size)
    if not (roots or units):  # the ORM's empty filter: no rows, and no query
        return fastpage.empty_page(start, size)
    shape = Shape(len(roots), len(units), unit is not None, bool(status), bool(text), start.last is not None, api)
    query, connection = fastpage.compiled(Member, ("league.members", shape), lambda c: _compile(shape, c))
    params = fastpage.scope_params(roots, units)
    if unit is not None:
        params += fastpage.scope_params([unit.path], [])
    params += [status] if status else []
    if text:
        like = connection.ops.prep_for_like_query(text)
        params += [f"%{like}%", f"{like}%"]
    after_params = [start.key, start.key, start.last] if start.last is not None else []
    return fastpage.read_page(connection, query, params, after_params=after_params, start=start, size=size,
                              count_limit=count_limit, cursor=lambda row: f"{row[1]}.{row[0]}")


def html_rows(rows) -> list[fastpage.HtmlRow]:
    """Each row as the member list's template wrote it (the same markup, escaped alike)."""
    before, after = fastpage.link("league:member")
    statuses, occupations = fastpage.labels(PoliticalStatus), fastpage.labels(Occupation)
    out = []
    for pk, _path, name, unit_name, joined, number, political, occupation in rows:
        out.append(fastpage.html_row(pk,
            f'<tr id="member-{pk}"><td><a href="{before}{pk}{after}">{escape(name)}</a></td>\n'
            f'<td>{escape(unit_name)}</td><td>{joined:%Y-%m-%d}</td><td>{escape(number or "—")}</td>'
            f'<td>{escape(statuses.get(political, political))}</td><td>{escape(occupations.get(occupation, occupation))}'
            f'</td></tr>'))
    return out


def api_items(rows) -> list[dict]:
    """Each row as ``api.MemberOut`` gives it."""
    return [{"id": pk, "name": name, "branch": unit_name, "join_date": joined.isoformat(), "join_place": place,
             "development_no": number, "political_status": political, "education": education,
             "occupation": occupation, "status": status}
            for pk, _path, name, unit_name, joined, number, political, occupation, place, education, status in rows]
