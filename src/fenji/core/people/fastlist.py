"""The account list's fast read path (ADR 0029): one precompiled query for the shown columns only, rows encoded
straight to HTML strings (console) or dicts for an orjson response (API), without model instances or a
``reverse()`` per row.

It returns exactly what ``selectors.account_list`` + ``selectors.account_page`` return (``tests/
test_fastlist_property.py`` compares both over random trees, scopes, filters and page boundaries):

- scope: the actor's subtree roots as half-open path ranges and its unit-reach paths as equalities
  (``policy.scope_paths``, the terms of ``policy.scope_q``); no grant → no rows, and no query;
- filters: the unit's subtree range, the search box as ``selectors.account_text_match`` decides it (the same
  ``LIKE`` the ORM writes for ``contains``), kind, status;
- order and paging: keyset on ``(unit_path, id)`` (ADR 0003), or a page number within the OFFSET cap, as
  ``kernel.pagination.keyset_page``; the total capped as ``kernel.pagination.capped_count``.

The SQL is written once per process, database vendor and query shape (how many scope terms, which filters, which
paging) from the models' metadata; values go through the converters the ORM applies (SM4 decryption of the
mobile, and of the ID number for the API), then are masked as the model properties mask them.
"""

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.translation import gettext

from fenji.core.access import policy
from fenji.core.kernel import fastpage
from fenji.core.kernel.pagination import PAGE_SIZE, Page
from fenji.core.org.models import Unit

from . import permissions as perms
from .identity import mask_id_number, mask_mobile
from .models import Account, AccountKind, AccountStatus, DutyStatus, Person
from .selectors import account_text_match

# (alias, model, field) of each shown column, in the order a row carries them.
CONSOLE = (("a", Account, "id"), ("a", Account, "unit_path"), ("p", Person, "real_name"), ("a", Account, "mobile"),
           ("a", Account, "kind"), ("a", Account, "title"), ("a", Account, "status"), ("a", Account, "duty_status"),
           ("u", Unit, "name"))
API = CONSOLE + (("p", Person, "id_number"), ("u", Unit, "id"))


@dataclass(frozen=True)
class Shape:
    """What decides the SQL text: the rest are parameters."""

    roots: int
    units: int
    subtree: bool
    text: str  # "", "id_number_hash", "mobile_hash", "contains"
    kind: bool
    status: bool
    keyset: bool
    api: bool


def _compile(shape: Shape, connection) -> fastpage.Compiled:
    qn = connection.ops.quote_name
    columns = [(alias, model._meta.get_field(name)) for alias, model, name in (API if shape.api else CONSOLE)]
    path = f"a.{qn('unit_path')}"
    person_join = (f" INNER JOIN {qn(Person._meta.db_table)} p ON p.{qn('id')} = "
                   f"a.{qn(Account._meta.get_field('person').column)}")
    unit_join = (f" INNER JOIN {qn(Unit._meta.db_table)} u ON u.{qn('id')} = "
                 f"a.{qn(Account._meta.get_field('unit').column)}")
    where = [fastpage.scope_sql(path, shape.roots, shape.units)]
    if shape.subtree:
        where.append(f"{path} >= %s AND {path} < %s")
    if shape.text == "id_number_hash":
        where.append(f"p.{qn('id_number_hash')} = %s")
    elif shape.text == "mobile_hash":
        where.append(f"a.{qn('mobile_hash')} = %s")
    elif shape.text == "contains":
        like = connection.operators["contains"] % "%s"
        name = connection.ops.lookup_cast("contains", "CharField") % f"p.{qn('real_name')}"
        title = connection.ops.lookup_cast("contains", "CharField") % f"a.{qn('title')}"
        where.append(f"({name} {like} OR {title} {like})")
    if shape.kind:
        where.append(f"a.{qn('kind')} = %s")
    if shape.status:
        where.append(f"a.{qn('status')} = %s")
    base = f" FROM {qn(Account._meta.db_table)} a{person_join}"
    filtered = " WHERE " + " AND ".join(where)
    # Every account has its person (a required foreign key): the count joins it only when a filter reads it, so
    # counting up to the cap walks the path index alone instead of looking up a person per account.
    counted = base if shape.text in ("id_number_hash", "contains") else f" FROM {qn(Account._meta.db_table)} a"
    count_sql = f"SELECT COUNT(*) FROM (SELECT 1{counted}{filtered} LIMIT %s) t"
    page_where = filtered + (f" AND ({path} > %s OR ({path} = %s AND a.{qn('id')} > %s))" if shape.keyset else "")
    rows_sql = (f"SELECT {fastpage.select_list(columns, connection)}{base}{unit_join}{page_where} "
                f"ORDER BY {path} ASC, a.{qn('id')} ASC LIMIT %s OFFSET %s")
    return fastpage.Compiled(count_sql, rows_sql, fastpage.converters_for(columns, connection))


def account_rows(*, actor, action: str = perms.ACCOUNT_VIEW, unit=None, text: str = "", kind: str = "",
                 status: str = "", after: str = "", page: int | None = None, size: int = PAGE_SIZE,
                 count_limit: int, api: bool = False) -> Page:
    """A page of the accounts ``selectors.account_list(actor=…, unit=…, text=…, kind=…, status=…)`` holds, paged as
    ``selectors.account_page(…, count_limit=count_limit)`` pages them; rows are tuples of the ``CONSOLE`` (or
    ``API``) columns, values converted (the mobile and ID number decrypted, not yet masked)."""
    roots, units = policy.scope_paths(actor, action)
    how, value = account_text_match(text) if (text or "").strip() else ("", "")
    start = fastpage.keyset_start(after, page, size)
    if not (roots or units) or how == "nothing":  # the ORM's empty filter: no rows, no query
        return fastpage.empty_page(start, size)
    shape = Shape(len(roots), len(units), unit is not None, how, bool(kind), bool(status), start.last is not None,
                  api)
    query, connection = fastpage.compiled(Account, ("people.accounts", shape), lambda c: _compile(shape, c))
    params = fastpage.scope_params(roots, units)
    if unit is not None:
        params += fastpage.scope_params([unit.path], [])
    if how == "contains":
        pattern = f"%{connection.ops.prep_for_like_query(value)}%"
        params += [pattern, pattern]
    elif how:
        params.append(value)
    params += [kind] if kind else []
    params += [status] if status else []
    after_params = [start.key, start.key, start.last] if start.last is not None else []
    return fastpage.read_page(connection, query, params, after_params=after_params, start=start, size=size,
                              count_limit=count_limit, cursor=lambda row: f"{row[1]}.{row[0]}")


def html_rows(rows) -> list[fastpage.HtmlRow]:
    """Each row as the ``<tr>`` the account list's template wrote for it (the same markup, escaped alike)."""
    before, after = fastpage.link("people:account")
    kinds, statuses, duties = fastpage.labels(AccountKind), fastpage.labels(AccountStatus), fastpage.labels(DutyStatus)
    choose = gettext("选择%(name)s")
    out = []
    for pk, _path, name, mobile, kind, title, status, duty, unit_name in rows:
        name = escape(name)
        duty_badge = f' <span class="badge badge-off">{escape(duties.get(duty, duty))}</span>' if duty != "on_duty" else ""
        tone = "ok" if status == "active" else "off"
        out.append(fastpage.html_row(pk,
            f'\n<tr><td><input type="checkbox" name="ids" value="{pk}" aria-label="{choose % {"name": name}}"></td>'
            f'<td><a href="{before}{pk}{after}">{name}</a>{duty_badge}</td><td>{escape(mask_mobile(mobile))}</td>'
            f'<td>{escape(kinds.get(kind, kind))}</td>\n<td>{escape(unit_name)}</td><td>{escape(title)}</td>\n'
            f'<td><span class="badge badge-{tone}">{escape(statuses.get(status, status))}</span></td></tr>\n'))
    return out


def api_items(rows) -> list[dict]:
    """Each row as ``api.AccountOut`` gives it."""
    kinds, statuses = fastpage.labels(AccountKind), fastpage.labels(AccountStatus)
    return [{"id": pk, "real_name": name, "mobile": mask_mobile(mobile), "id_number": mask_id_number(id_number or ""),
             "kind": kind, "kind_label": kinds.get(kind, kind), "title": title, "status": status,
             "status_label": statuses.get(status, status), "unit": {"id": unit_id, "name": unit_name}}
            for pk, _path, name, mobile, kind, title, status, _duty, unit_name, id_number, unit_id in rows]
