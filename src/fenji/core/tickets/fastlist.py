"""The staff's ticket list's fast read path (ADR 0029, on ``kernel.fastpage``): one precompiled query for the shown
columns only, rows encoded straight to HTML strings (console) or dicts for an orjson response (API), without model
instances or a ``reverse()`` per row.

It returns exactly what ``selectors.ticket_page`` returns (``tests/test_fastlist.py`` compares both over random
trees, scopes, filters and page boundaries):

- scope: the union of the scope segments of ``tickets.ticket.view`` over the handling unit's path and of
  ``tickets.ticket.oversee`` over the managing unit's path (``policy.scope_paths`` cut as
  ``policy.scope_segments``), each segment read newest first on its own and merged by ``UNION``
  (``fastpage.union_ids_sql``); no grant → no rows, and no query;
- filters: the state (a known one), overdue (open and due before ``now``);
- order and paging: newest first, keyset on ``id`` or a page number within the OFFSET cap, as
  ``union_newest_first_page``; the total capped at ``count_limit`` (the console) or exact (``EXACT``, the API).
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.html import escape
from django.utils.text import Truncator
from django.utils.translation import gettext

from fenji.core.access import policy
from fenji.core.kernel import fastpage
from fenji.core.kernel.pagination import LIST_COUNT_LIMIT, PAGE_SIZE, Page
from fenji.core.org.models import Unit

from . import permissions as perms
from .models import OPEN_STATES, Board, Ticket, TicketState

EXACT = 2**62  # a count limit no list reaches: the exact count, as the API gives it

# The shown columns, in the order a row carries them, then the board's and the unit's names.
CONSOLE = ("id", "emergency", "content", "created_at", "due_at", "due_provisional", "state")
API = ("id", "content", "location_text", "latitude", "longitude", "emergency", "public_ok", "state", "created_at",
       "due_at", "answer", "answered_at", "rating", "reopen_count", "master")


@dataclass(frozen=True)
class Shape:
    """What decides the SQL text: the rest are parameters."""

    view_roots: int
    view_units: int
    oversee_roots: int
    oversee_units: int
    state: bool
    overdue: bool
    keyset: bool
    api: bool


def _segments(actor) -> tuple[tuple[list[str], list[str]], tuple[list[str], list[str]]]:
    """The (roots, unit paths) of the handling side and of the managing side of ``selectors._staff_q``."""
    return policy.scope_paths(actor, perms.TICKET_VIEW), policy.scope_paths(actor, perms.TICKET_OVERSEE)


def _compile(shape: Shape, connection, view, oversee) -> fastpage.Compiled:
    qn = connection.ops.quote_name
    names = API if shape.api else CONSOLE
    columns = ([("t", Ticket._meta.get_field(name)) for name in names]
               + [("b", Board._meta.get_field("name")), ("u", Unit._meta.get_field("name"))])

    def col(name):
        return qn(Ticket._meta.get_field(name).column)

    terms = [sql for sql, _ in (fastpage.segments(col("unit_path"), *view)
                                + fastpage.segments(col("office_path"), *oversee))]
    where = []
    if shape.state:
        where.append(f"{col('state')} = %s")
    if shape.overdue:
        where.append(f"{col('state')} IN ({', '.join(['%s'] * len(OPEN_STATES))}) AND {col('due_at')} < %s")
    table = qn(Ticket._meta.db_table)
    ids = fastpage.union_ids_sql(table, qn("id"), terms, " AND ".join(where), keyset=False)
    count_sql = f"SELECT COUNT(*) FROM (SELECT c.i FROM ({ids}) c LIMIT %s) n"
    page_ids = fastpage.union_ids_sql(table, qn("id"), terms, " AND ".join(where), keyset=shape.keyset)
    rows_sql = (f"SELECT {fastpage.select_list(columns, connection)} FROM {table} t"
                f" INNER JOIN {qn(Board._meta.db_table)} b ON b.{qn('id')} = t.{col('board')}"
                f" INNER JOIN {qn(Unit._meta.db_table)} u ON u.{qn('id')} = t.{col('unit')}"
                f" WHERE t.{qn('id')} IN ({page_ids}) ORDER BY t.{qn('id')} DESC LIMIT %s OFFSET %s")
    return fastpage.Compiled(count_sql, rows_sql, fastpage.converters_for(columns, connection))


def ticket_rows(*, actor, state: str = "", overdue: bool = False, now: datetime.datetime | None = None,
                after: str = "", page: int | None = None, size: int = PAGE_SIZE, count_limit: int = LIST_COUNT_LIMIT,
                api: bool = False) -> Page:
    """A page of the tickets ``selectors.ticket_page(actor=…, state=…, overdue=…)`` holds, newest first, with the
    same cursor and total (``count_limit``: ``EXACT`` for the API's exact count); rows are lists of the ``CONSOLE``
    (or ``API``) columns then the board's and the unit's names, values converted. ``now`` is the moment overdue
    counts from (``timezone.now()`` if not given)."""
    view, oversee = _segments(actor)
    begin = fastpage.newest_start(after, page, size)
    if not any((*view, *oversee)):  # the ORM's empty filter: no rows, no query
        return fastpage.empty_page(begin, size)
    state = str(state) if state in TicketState.values else ""  # a plain str, whatever the caller passed
    shape = Shape(len(view[0]), len(set(view[1])), len(oversee[0]), len(set(oversee[1])), bool(state),
                  bool(overdue), begin.last is not None, api)
    query, connection = fastpage.compiled(Ticket, ("tickets.list", shape),
                                          lambda c: _compile(shape, c, view, oversee))
    segment_params = [params for _, params in (fastpage.segments("", *view) + fastpage.segments("", *oversee))]
    params = [state] if state else []
    if overdue:
        params += [str(s) for s in OPEN_STATES] + [connection.ops.adapt_datetimefield_value(now or timezone.now())]
    return fastpage.read_union_page(connection, query, segment_params, params, start=begin, size=size,
                                    count_limit=count_limit, cursor=lambda row: str(row[0]))


def html_rows(rows, now: datetime.datetime) -> list[fastpage.HtmlRow]:
    """Each row as the ``<tr>`` the ticket list's template wrote for it (the same markup, escaped alike)."""
    before, after = fastpage.link("tickets:detail")
    states = fastpage.labels(TicketState)
    urgent = f' <span class="badge badge-off">{escape(gettext("紧急"))}</span>'
    late = f' <span class="badge badge-off">{escape(gettext("已超期"))}</span>'
    provisional = f'<span class="muted provisional" title="">{escape(gettext("（暂定）"))}</span>'
    tones = {"answered": "ok", "visited": "ok", "returned": "off", "merged": ""}
    out = []
    for pk, emergency, content, created_at, due_at, due_provisional, state, board_name, unit_name in rows:
        href = f"{before}{pk}{after}"
        tone = tones.get(state, "off")
        due = (f"{timezone.localtime(due_at):%Y-%m-%d %H:%M}{provisional if due_provisional else ''}"
               f"{late if state in OPEN_STATES and due_at < now else ''}")
        out.append(fastpage.html_row(pk,
            f'<tr><td><a href="{href}">#{pk}</a>{urgent if emergency else ""}</td><td>{escape(board_name)}</td>\n'
            f'<td><a href="{href}">{escape(Truncator(content).chars(40))}</a></td><td>{escape(unit_name)}</td>'
            f'<td>{timezone.localtime(created_at):%Y-%m-%d %H:%M}</td>\n<td>{due}</td>\n'
            f'<td><span class="badge{f" badge-{tone}" if tone else ""}">{escape(states.get(state, state))}</span>'
            f'</td></tr>'))
    return out


def api_items(rows, now: datetime.datetime) -> list[dict]:
    """Each row as ``api.TicketOut`` gives it, in JSON as the API's encoder writes it (datetimes with milliseconds
    and ``Z``, decimals as strings)."""
    states, when = fastpage.labels(TicketState), fastpage.json_datetime
    return [{"id": pk, "board": board_name, "unit": unit_name, "content": content, "location_text": location_text,
             "latitude": None if latitude is None else str(latitude),
             "longitude": None if longitude is None else str(longitude), "emergency": emergency,
             "public_ok": public_ok, "state": state, "state_label": states.get(state, state),
             "created_at": when(created_at), "due_at": when(due_at),
             "overdue": state in OPEN_STATES and due_at < now, "answer": answer, "answered_at": when(answered_at),
             "rating": rating, "reopen_count": reopen_count, "master_id": master_id}
            for (pk, content, location_text, latitude, longitude, emergency, public_ok, state, created_at, due_at,
                 answer, answered_at, rating, reopen_count, master_id, board_name, unit_name) in rows]
