"""The live census: how many active units each subtree holds, exact at every moment (ADR 0031).

A send to a whole subtree tells the sender how many units receive it and keeps that number for its
tracking (``dispatch.fanout``). Counting the province's 200,000 unit rows for it was most of the send
(30–80 ms); the census answers from one row per target subtree. It stays exact because every tree write
goes through the tree's services under ``lock_tree`` and adjusts the census in the same transaction:

- ``census_created``: the new unit's row, and +1 on each ancestor;
- ``census_revoked``: the revoked subtree's rows to 0, and −n on each ancestor;
- ``census_moved``: the moved subtree's count off the old ancestors and onto the new ones (the moved
  units keep their own rows: they are keyed by unit, not by path).

Writers that insert units in bulk (the division import, the benchmark loader) call ``census_rebuild``.
The worker runs ``census_check`` every 10 minutes: it recounts from the units, mends any row that
differs and logs it, so a write that bypassed the services is seen and repaired. ``subtree_active``
reads the census together with the highest unit id in ONE statement and declines (``None``: count the
units instead) whenever it could be wrong.
"""

import logging

from django.db import connection, transaction
from django.db.models import F

from fenji.core.kernel.paths import ancestor_paths, outermost, subtree_q

from .models import Unit, UnitCensus, UnitStatus
from .tally import roll_up
from .tree import lock_tree

log = logging.getLogger(__name__)

EVERY_SECONDS = 600


def _add(paths: list[str], delta: int) -> None:
    if paths and delta:
        UnitCensus.objects.filter(unit__path__in=paths).update(active=F("active") + delta)


def census_created(unit: Unit) -> None:
    """Called by ``unit_create`` under the tree lock, after the unit's row is written."""
    active = 1 if unit.status == UnitStatus.ACTIVE else 0
    UnitCensus.objects.create(unit=unit, active=active)
    _add(ancestor_paths(unit.path), active)


def census_revoked(unit: Unit, revoked: int) -> None:
    """Called by ``unit_revoke`` once ``revoked`` active units of ``unit``'s subtree are revoked."""
    UnitCensus.objects.filter(unit__in=Unit.objects.filter(subtree_q("path", unit.path))).update(active=0)
    _add(ancestor_paths(unit.path), -revoked)


def census_moved(unit: Unit, old_path: str) -> None:
    """Called by ``unit_move`` once the subtree's paths are rewritten (``unit.path`` is the new one)."""
    moved = UnitCensus.objects.filter(unit=unit).values_list("active", flat=True).first()
    if moved:  # no row: the check recounts it
        _add(ancestor_paths(old_path), -moved)
        _add(ancestor_paths(unit.path), moved)


def census_desired() -> dict[int, int]:
    """``{unit id: active units in its subtree}`` recounted from the units (one read of every unit)."""
    ids: dict[str, int] = {}
    active: dict[str, int] = {}
    for pk, path, status in Unit.objects.order_by().values_list("pk", "path", "status"):
        ids[path] = pk
        if status == UnitStatus.ACTIVE:
            active[path] = 1
    rolled = roll_up(active)
    return {pk: rolled.get(path, 0) for path, pk in ids.items()}


def census_rebuild() -> int:
    """Every unit's row written again from a recount, under the tree lock; returns the rows written."""
    with transaction.atomic():
        lock_tree()
        desired = census_desired()
        UnitCensus.objects.all().delete()
        UnitCensus.objects.bulk_create([UnitCensus(unit_id=pk, active=n) for pk, n in desired.items()],
                                       batch_size=5000)
    return len(desired)


def census_check() -> int:
    """Recount under the tree lock and mend the rows that differ (logged: a write bypassed the services);
    returns how many were mended."""
    with transaction.atomic():
        lock_tree()
        desired = census_desired()
        stored = dict(UnitCensus.objects.values_list("unit_id", "active"))
        wrong = [UnitCensus(unit_id=pk, active=n) for pk, n in desired.items() if pk in stored and stored[pk] != n]
        missing = [UnitCensus(unit_id=pk, active=n) for pk, n in desired.items() if pk not in stored]
        UnitCensus.objects.bulk_update(wrong, ["active"], batch_size=1000)
        UnitCensus.objects.bulk_create(missing, batch_size=5000)
    if wrong or missing:
        log.warning("unit census mended: %d rows differed, %d were missing (a tree write bypassed the "
                    "services), e.g. unit ids %s", len(wrong), len(missing),
                    [c.unit_id for c in (wrong + missing)[:10]])
    return len(wrong) + len(missing)


def subtree_active(paths: list[str], *, cutoff: int, exclude: int | None = None) -> int | None:
    """The active units in the subtrees of ``paths`` (unit paths), ``exclude`` (a unit id) left out, as
    the census has them — or ``None`` when it cannot say exactly: a path without a census row, a unit
    created after ``cutoff`` (the highest unit id the caller saw), a count gone negative.

    The counts, the highest unit id and the excluded unit's path are read in ONE statement, so they are
    one snapshot of the tree even while another transaction writes to it."""
    paths = outermost(paths)  # nested: counted once
    if not paths:
        return 0
    quote = connection.ops.quote_name
    units, census = quote(Unit._meta.db_table), quote(UnitCensus._meta.db_table)
    uid, upath, ustatus = (quote(Unit._meta.get_field(name).column) for name in ("id", "path", "status"))
    cunit, cactive = (quote(UnitCensus._meta.get_field(name).column) for name in ("unit", "active"))
    marks = ", ".join(["%s"] * len(paths))
    sql = (f"SELECT top.n, found.n, found.total, found.least, excluded.p FROM "
           f"(SELECT MAX({uid}) AS n FROM {units}) top "
           f"CROSS JOIN (SELECT COUNT(*) AS n, SUM(c.{cactive}) AS total, MIN(c.{cactive}) AS least "
           f"FROM {census} c JOIN {units} u ON u.{uid} = c.{cunit} WHERE u.{upath} IN ({marks})) found "
           f"LEFT JOIN (SELECT {upath} AS p FROM {units} WHERE {uid} = %s AND {ustatus} = %s) excluded ON 1 = 1")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*paths, exclude if exclude is not None else -1, UnitStatus.ACTIVE.value])
        top, found, total, least, excluded = cursor.fetchone()
    if top != cutoff or found != len(paths) or least is None or least < 0:
        return None
    if excluded is not None and any(excluded.startswith(p) for p in paths):
        total -= 1
    return int(total)
