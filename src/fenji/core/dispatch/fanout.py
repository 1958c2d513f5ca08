"""Lazy fan-out (ADR 0027): a dispatch to subtrees keeps them as ranges; delivery rows are made when needed.

``services.dispatch_send`` stores the subtrees as ``DispatchRange`` rows (a root path, optionally one
unit kind) with the dispatch's ``unit_cutoff`` (the highest unit id when sent: a unit created afterwards
does not receive, as when every row was written at sending) and its deadlines, and writes rows at once
only for the units chosen one by one and for the units someone must be told about now (handlers, on
duty). The rest of the ranges' units are *pending*: they count in the tracking from
``delivery_count − rows`` (``lazy_count``), and their rows are written, each time in ONE
``INSERT … SELECT … ON CONFLICT DO NOTHING`` (idempotent under concurrency: the unique
``(dispatch, unit)``), when

- a unit's handler opens its inbox (``materialise_for_unit``: every pending dispatch reaching the unit);
- the sender urges them (``materialise``: the whole dispatch, then no longer pending);
- a deadline comes near (``materialise_due``: the reminder job, the dashboard and the usage rollups).

Reading writes nothing: the tracking list and the bulletin merge the rows with the pending units
(``tracking``).
"""

import datetime

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import BooleanField, CharField, DateTimeField, F, IntegerField, Max, Q, QuerySet, Value

from fenji.core.kernel.paths import ancestor_paths, subtree_q
from fenji.core.org.census import subtree_active
from fenji.core.org.models import Unit, UnitStatus

from .models import Delivery, Dispatch, DispatchRange, ReviewState


def ranges_q(ranges, field: str = "path", kind_field: str | None = "kind") -> Q:
    """The units of ``ranges`` (``(path, kind)`` pairs): one index range each."""
    q = Q(pk__in=[])
    for path, kind in ranges:
        part = subtree_q(field, path)
        if kind and kind_field:
            part &= Q(**{kind_field: kind})
        q |= part
    return q


def unit_cutoff() -> int:
    return Unit.objects.aggregate(top=Max("id"))["top"] or 0


def receiving_units(dispatch: Dispatch, where: Q) -> QuerySet:
    """The active units of ``where`` that may receive ``dispatch``: not the sender, none created after it."""
    units = Unit.objects.filter(where, status=UnitStatus.ACTIVE).exclude(pk=dispatch.unit_id)
    if dispatch.unit_cutoff is not None:
        units = units.filter(pk__lte=dispatch.unit_cutoff)
    return units


def receiving_count(dispatch: Dispatch, ranges: list[tuple[str, str]], explicit: Q | None) -> int:
    """How many units receive ``dispatch``: the units of its ``ranges`` and the ``explicit`` ones (``None``:
    none chosen one by one). Whole subtrees alone (no kind, no unit chosen one by one) are read from the
    live census, one row per subtree instead of every unit in them (ADR 0031); anything else, or a census
    that cannot answer exactly, counts the units."""
    if explicit is None and not any(kind for _, kind in ranges):
        counted = subtree_active([path for path, _ in ranges], cutoff=dispatch.unit_cutoff, exclude=dispatch.unit_id)
        if counted is not None:
            return counted
    where = ranges_q(ranges) if explicit is None else explicit | ranges_q(ranges)
    return receiving_units(dispatch, where).count()


def range_units(dispatch: Dispatch) -> QuerySet:
    return receiving_units(dispatch, ranges_q(dispatch.ranges.values_list("path", "kind")))


def _insert(select: QuerySet, columns: dict) -> int:
    """``INSERT INTO dispatch_delivery (…) SELECT … ON CONFLICT DO NOTHING``: the SELECT is compiled by the
    ORM (parameters bound by the driver), so it runs unchanged on SQLite and PostgreSQL; a row that exists
    already (a concurrent open, an earlier materialisation) is left as it is."""
    aliases = {f"fan_{column}": column for column in columns}
    select = (select.annotate(**{alias: columns[column] for alias, column in aliases.items()})
              .values_list(*aliases).order_by())
    compiler = select.query.get_compiler(connection=connection)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:  # the WHERE can match nothing (e.g. a grant reaching its holder only): no rows
        return 0
    # The compiler's own record of its SELECT list gives the column order, whatever it chose.
    names = [aliases[alias] for _, _, alias in compiler.select]
    quote = connection.ops.quote_name
    insert = (f"INSERT INTO {quote(Delivery._meta.db_table)} ({', '.join(quote(c) for c in names)}) {sql} "
              f"ON CONFLICT ({quote('dispatch_id')}, {quote('unit_id')}) DO NOTHING")
    with connection.cursor() as cursor:
        cursor.execute(insert, params)
        return max(cursor.rowcount, 0)


_BLANK = {
    "reply_text": Value("", output_field=CharField()),
    "review_state": Value(ReviewState.NONE.value, output_field=CharField()),
    "return_reason": Value("", output_field=CharField()),
    "urge_count": Value(0, output_field=IntegerField()),
}


def insert_for_units(dispatch: Dispatch, units: QuerySet) -> int:
    """One row per unit of ``units`` (a ``Unit`` queryset) for ``dispatch``, with its deadlines."""
    columns = {
        "dispatch_id": Value(dispatch.pk, output_field=IntegerField()),
        "unit_id": F("id"),
        "unit_path": F("path"),
        "sign_due_at": Value(dispatch.sign_due_at, output_field=DateTimeField()),
        "reply_due_provisional": Value(dispatch.reply_due_provisional, output_field=BooleanField()),
        "calendar_version": Value(dispatch.calendar_version, output_field=CharField()),
        **_BLANK,
    }
    if dispatch.reply_due_at is not None:  # an untyped NULL in a SELECT list is text on PostgreSQL: left out
        columns["reply_due_at"] = Value(dispatch.reply_due_at, output_field=DateTimeField())
    return _insert(units, columns)


def materialise(dispatch: Dispatch) -> int:
    """Every pending unit of ``dispatch`` gets its row (one statement); the dispatch is then no longer pending."""
    if not dispatch.pending:
        return 0
    with transaction.atomic():
        fresh = Dispatch.objects.unscoped(reason="a dispatch the caller already holds").select_for_update().filter(
            pk=dispatch.pk, pending=True).first()
        if fresh is None:  # done meanwhile by another request
            dispatch.pending = False
            return 0
        written = insert_for_units(fresh, range_units(fresh))
        Dispatch.objects.unscoped(reason="the row just locked").filter(pk=fresh.pk).update(pending=False)
    dispatch.pending = False
    return written


def materialise_all(dispatches: QuerySet) -> int:
    """``materialise`` each pending dispatch of ``dispatches``."""
    return sum(materialise(d) for d in dispatches.filter(pending=True).order_by("id"))


def materialise_due(until: datetime.datetime) -> int:
    """Every pending dispatch whose signing deadline comes by ``until`` gets all its rows: the reminders,
    the dashboard's rates and the usage rollups then count them as rows."""
    return materialise_all(Dispatch.objects.unscoped(reason="deadline bookkeeping")
                           .filter(pending=True, sign_due_at__lte=until))


def materialise_for_unit(unit) -> int:
    """The rows of ``unit`` for every pending dispatch whose ranges reach it, in ONE statement: the
    pending dispatches are found through the ranges rooted at the unit or one of its ancestors."""
    if unit is None or unit.status != UnitStatus.ACTIVE:
        return 0
    reaching = DispatchRange.objects.filter(path__in=[*ancestor_paths(unit.path), unit.path],
                                            kind__in=["", unit.kind]).values("dispatch_id")
    dispatches = (Dispatch.objects.unscoped(reason="the pending dispatches reaching a unit")
                  .filter(pending=True, pk__in=reaching, unit_cutoff__gte=unit.pk).exclude(unit_id=unit.pk))
    if not dispatches.exists():  # the usual case: a read, no write statement
        return 0
    columns = {
        "dispatch_id": F("id"),
        "unit_id": Value(unit.pk, output_field=IntegerField()),
        "unit_path": Value(unit.path, output_field=CharField()),
        "sign_due_at": F("sign_due_at"),
        "reply_due_at": F("reply_due_at"),
        "reply_due_provisional": F("reply_due_provisional"),
        "calendar_version": F("calendar_version"),
        **_BLANK,
    }
    return _insert(dispatches, columns)


def lazy_count(dispatch: Dispatch, rows: int) -> int:
    """How many receiving units of ``dispatch`` have no row yet, given its ``rows`` (they owe everything)."""
    return max(dispatch.delivery_count - rows, 0) if dispatch.pending else 0
