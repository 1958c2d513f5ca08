"""The petition list's fast read path (ADR 0029, on ``kernel.fastpage``): one precompiled query for the shown columns
only, rows encoded straight to HTML strings (console) or dicts for an orjson response (API), without model
instances or a ``reverse()`` per row.

It returns exactly what ``selectors.petition_list`` paged by ``kernel.pagination.newest_first_page`` returns
(``tests/test_fastlist_petitions.py`` compares both over random trees, scopes, filters and page boundaries):

- scope: the actor's subtree roots as half-open path ranges and its unit-reach paths as equalities
  (``policy.scope_paths``); no grant → no rows, and no query; the petitions the reader recused from left out
  (``selectors.not_recused``);
- filters: the unit's subtree, state, category, the receipt days, the number (the ORM's ``icontains``), overdue
  (``selectors.overdue_q`` on the given day);
- order and paging: newest first, keyset on ``id`` or a page number within the OFFSET cap, as
  ``newest_first_page``; the total exact (``count_limit=EXACT``) as that page counts it, or capped.
"""

import datetime
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.translation import gettext

from fenji.core.access import policy
from fenji.core.kernel import fastpage
from fenji.core.kernel.pagination import PAGE_SIZE, Page
from fenji.core.org.models import Unit

from . import module as perms
from .models import Category, Channel, Petition, PetitionState, Recusal

EXACT = 2**62  # a count limit no list reaches: the exact count, as ``newest_first_page`` gives it

# The shown columns, in the order a row carries them (the API's ``source`` and ``closed_on`` last).
COLUMNS = ("id", "number", "backfilled", "is_repeat", "received_on", "channel", "category", "real_name", "state",
           "register_due", "notice_due", "notice_on", "feedback_due", "feedback_on", "source", "closed_on")


@dataclass(frozen=True)
class Shape:
    """What decides the SQL text: the rest are parameters."""

    roots: int
    units: int
    recusals: bool
    subtree: bool
    state: bool
    category: bool
    start: bool
    end: bool
    number: bool
    overdue: bool
    keyset: bool


def _compile(shape: Shape, connection) -> fastpage.Compiled:
    qn = connection.ops.quote_name
    columns = [("p", Petition._meta.get_field(name)) for name in COLUMNS] + [("u", Unit._meta.get_field("name"))]
    path, pk = f"p.{qn('unit_path')}", f"p.{qn('id')}"

    def col(name):
        return f"p.{qn(Petition._meta.get_field(name).column)}"

    where = [fastpage.scope_sql(path, shape.roots, shape.units)]
    if shape.recusals:
        petition = qn(Recusal._meta.get_field("petition").column)
        where.append(f"NOT ({pk} IN (SELECT r.{petition} FROM {qn(Recusal._meta.db_table)} r WHERE "
                     f"r.{qn(Recusal._meta.get_field('account').column)} = %s AND r.{petition} IS NOT NULL))")
    if shape.subtree:
        where.append(f"{path} >= %s AND {path} < %s")
    if shape.state:
        where.append(f"{col('state')} = %s")
    if shape.category:
        where.append(f"{col('category')} = %s")
    if shape.start:
        where.append(f"{col('received_on')} >= %s")
    if shape.end:
        where.append(f"{col('received_on')} <= %s")
    if shape.number:
        like = connection.operators["icontains"] % "%s"
        where.append(f"{connection.ops.lookup_cast('icontains', 'CharField') % col('number')} {like}")
    if shape.overdue:
        where.append(f"(({col('state')} = %s AND {col('register_due')} < %s)"
                     f" OR ({col('notice_due')} < %s AND {col('notice_on')} IS NULL AND {col('state')} <> %s)"
                     f" OR ({col('feedback_due')} < %s AND {col('feedback_on')} IS NULL))")
    base = f" FROM {qn(Petition._meta.db_table)} p"
    filtered = " WHERE " + " AND ".join(where)
    count_sql = f"SELECT COUNT(*) FROM (SELECT 1{base}{filtered} LIMIT %s) t"
    unit_join = f" INNER JOIN {qn(Unit._meta.db_table)} u ON u.{qn('id')} = {col('unit')}"
    page_where = filtered + (f" AND {pk} < %s" if shape.keyset else "")
    select = f"SELECT {fastpage.select_list(columns, connection)}"
    return fastpage.newest_first(connection, count_sql=count_sql, select=select, source=base,
                                 rest=f"{unit_join}{page_where} ORDER BY {pk} DESC LIMIT %s OFFSET %s",
                                 converters=fastpage.converters_for(columns, connection))


def petition_rows(*, actor, action: str = perms.PETITION_VIEW, unit=None, state: str = "", category: str = "",
                  overdue: bool = False, start: datetime.date | None = None, end: datetime.date | None = None,
                  number: str = "", today: datetime.date | None = None, after: str = "", page: int | None = None,
                  size: int = PAGE_SIZE, count_limit: int = EXACT) -> Page:
    """A page of the petitions ``selectors.petition_list(actor=…, …)`` holds, newest first as
    ``newest_first_page`` pages them; rows are lists of the ``COLUMNS`` then the unit's name, values converted.
    ``today`` is the day ``overdue`` counts from (the caller's ``timezone.localdate()``)."""
    roots, units = policy.scope_paths(actor, action)
    begin = fastpage.newest_start(after, page, size)
    if not (roots or units):  # the ORM's empty filter: no rows, no query
        return fastpage.empty_page(begin, size)
    state = str(state) if state in PetitionState.values else ""  # a plain str: the API passes the enum member
    shape = Shape(len(roots), len(units), actor.account_id is not None, unit is not None, bool(state),
                  bool(category), start is not None, end is not None, bool(number), bool(overdue),
                  begin.last is not None)
    query, connection = fastpage.compiled(Petition, ("discipline.petitions", shape), lambda c: _compile(shape, c))
    params = fastpage.scope_params(roots, units)
    if shape.recusals:
        params.append(actor.account_id)
    if unit is not None:
        params += fastpage.scope_params([unit.path], [])
    params += [state] if state else []
    params += [category] if category else []
    day = connection.ops.adapt_datefield_value
    params += [day(start)] if start is not None else []
    params += [day(end)] if end is not None else []
    if number:
        params.append(f"%{connection.ops.prep_for_like_query(number)}%")
    if overdue:
        params += [str(PetitionState.TO_SIGN), day(today), day(today), str(PetitionState.RETURNED), day(today)]
    after_params = [begin.last] if begin.last is not None else []
    return fastpage.read_page(connection, query, params, after_params=after_params, start=begin, size=size,
                              count_limit=count_limit, cursor=lambda row: str(row[0]))


def _badge(label: str) -> str:
    return f' <span class="badge badge-off">{escape(label)}</span>'


def html_rows(rows, today: datetime.date) -> list[fastpage.HtmlRow]:
    """Each row as the ``<tr>`` the petition list's template wrote for it (the same markup, escaped alike)."""
    before, after = fastpage.link("discipline:petition")
    channels, categories, states = fastpage.labels(Channel), fastpage.labels(Category), fastpage.labels(PetitionState)
    backfilled_badge, repeat_badge, late = _badge(gettext("补录")), _badge(gettext("重复件")), _badge(gettext("逾期"))
    named, anonymous = escape(gettext("实名")), escape(gettext("匿名"))
    register, notice, feedback = escape(gettext("登记受理")), escape(gettext("受理告知")), escape(gettext("反馈"))

    def due(label, day):
        return f"{label} {day.month:02d}-{day.day:02d}{late if day < today else ''}"

    out = []
    for (pk, number, backfilled, is_repeat, received_on, channel, category, real_name, state, register_due,
         notice_due, notice_on, feedback_due, feedback_on, _source, _closed_on, unit_name) in rows:
        if state == "to_sign" and register_due:
            deadline = due(register, register_due)
        elif notice_due and not notice_on:
            deadline = due(notice, notice_due)
        elif feedback_due and not feedback_on:
            deadline = due(feedback, feedback_due)
        else:
            deadline = "—"
        out.append(fastpage.html_row(pk,
            f'<tr id="petition-{pk}">\n<td><a href="{before}{pk}{after}">{escape(number)}</a>'
            f'{backfilled_badge if backfilled else ""}{repeat_badge if is_repeat else ""}</td>\n'
            f'<td>{escape(unit_name)}</td><td>{received_on.isoformat()}</td>'
            f'<td>{escape(channels.get(channel, channel))}</td><td>{escape(categories.get(category, category))}</td>\n'
            f'<td>{named if real_name else anonymous}</td><td>{escape(states.get(state, state))}</td>\n'
            f'<td>{deadline}</td></tr>'))
    return out


def api_items(rows) -> list[dict]:
    """Each row as ``api.PetitionOut`` gives it."""
    return [{"id": pk, "number": number, "unit": unit_name, "received_on": received_on, "backfilled": backfilled,
             "channel": channel, "category": category, "source": source, "real_name": real_name, "state": state,
             "is_repeat": is_repeat, "register_due": register_due, "notice_due": notice_due, "notice_on": notice_on,
             "closed_on": closed_on, "feedback_due": feedback_due, "feedback_on": feedback_on}
            for (pk, number, backfilled, is_repeat, received_on, channel, category, real_name, state, register_due,
                 notice_due, notice_on, feedback_due, feedback_on, source, closed_on, unit_name) in rows]
