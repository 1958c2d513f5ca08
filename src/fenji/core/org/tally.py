"""Rollups: the dashboard's subtree counts as a snapshot, rebuilt from the real rows (ADR 0010).

``tally_rebuild()`` reads one grouped count per tallied model (rows per ``unit_path``) and the unit
paths, rolls every count up to all the ancestors in Python, and writes the ``UnitTally`` rows that
changed together with one ``TallyRun`` in ONE transaction: a reader sees the old snapshot or the
new one. It runs every 10 minutes from ``fenji worker`` (``org.tally``) and from ``fenji tally``.

The tallies are for display only. Checks stay live: ``services.unit_revoke`` counts blockers itself.
"""

import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from fenji.core.kernel.models import OrgOwned, org_owned_models
from fenji.core.kernel.paths import SEGMENT_WIDTH

from .models import TallyRun, Unit, UnitStatus, UnitTally

log = logging.getLogger(__name__)

UNITS = "units"  # the key of "active units below the unit, itself excluded"
EVERY_SECONDS = 600
KEEP_RUNS = timedelta(days=7)
TALLY_LOCK_KEY = 0x66656E6A6A  # one advisory lock serializes the writers of the snapshot on PostgreSQL
WRITE_BATCH = 5000  # rows per INSERT, keys per DELETE (fewer on SQLite, see _batch)
ARRAY_BATCH = 50_000  # rows per INSERT … unnest on PostgreSQL


def tallied_models() -> list[type[OrgOwned]]:
    """The unit-owned models whose blocking rows are counted (e.g. active accounts)."""
    return [model for model in org_owned_models() if model.revoke_blocker is not None]


def tally_key(model: type[OrgOwned]) -> str:
    return model._meta.label_lower


@dataclass(frozen=True)
class TallyResult:
    run: TallyRun
    seconds: float
    count_seconds: float  # the grouped counts and the roll-up, before the write transaction
    rows: int  # non-zero counts in the snapshot
    created: int
    updated: int
    deleted: int

    def as_dict(self) -> dict:
        return {"seconds": round(self.seconds, 3), "count_seconds": round(self.count_seconds, 3),
                "units": self.run.units, "rows": self.rows,
                "created": self.created, "updated": self.updated, "deleted": self.deleted}


def roll_up(direct: dict[str, int]) -> dict[str, int]:
    """Each path's count plus the counts of every path below it (deepest level first, one pass each)."""
    levels: dict[int, dict[str, int]] = {}
    for path, n in direct.items():
        level = levels.setdefault(len(path), {})
        level[path] = level.get(path, 0) + n
    longest = max(levels, default=0)
    for length in range(longest, SEGMENT_WIDTH, -SEGMENT_WIDTH):
        parents = levels.setdefault(length - SEGMENT_WIDTH, {})
        for path, n in levels.get(length, {}).items():
            parent = path[:-SEGMENT_WIDTH]
            parents[parent] = parents.get(parent, 0) + n
    return {path: n for level in levels.values() for path, n in level.items()}


def _desired() -> tuple[dict[tuple[int, str], int], int]:
    """The snapshot to be: ``{(unit id, key): subtree count}`` without zeros, and the number of units."""
    ids: dict[str, int] = {}
    below: dict[str, int] = {}  # active units, counted at their parent's path
    for pk, path, status in Unit.objects.order_by().values_list("pk", "path", "status"):
        ids[path] = pk
        if status == UnitStatus.ACTIVE and len(path) > SEGMENT_WIDTH:
            parent = path[:-SEGMENT_WIDTH]
            below[parent] = below.get(parent, 0) + 1
    counts = {UNITS: below}
    for model in tallied_models():
        rows = (model._default_manager.unscoped(reason="the rollup snapshot counts every unit's rows")
                .filter(model.revoke_blocker).order_by().values("unit_path").annotate(n=Count("pk"))
                .values_list("unit_path", "n"))
        counts[tally_key(model)] = dict(rows)
    desired: dict[tuple[int, str], int] = {}
    for key, direct in counts.items():
        for path, n in roll_up(direct).items():
            pk = ids.get(path)
            if n and pk is not None:
                desired[(pk, key)] = n
    return desired, len(ids)


def _lock() -> None:
    """SQLite needs nothing more: its IMMEDIATE transactions hold the write lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [TALLY_LOCK_KEY])


def _batch(params_per_row: int) -> int:
    limit = connection.features.max_query_params  # SQLite: 999 bound parameters per statement
    return min(WRITE_BATCH, limit // params_per_row) if limit else WRITE_BATCH


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _insert(rows: list[tuple[int, str, int]]) -> None:
    """INSERT (unit id, key, count) rows without model instances, which would cost more than the database.

    PostgreSQL takes three arrays per statement (``unnest``): at 200,000 rows about 4 times faster than
    multi-row VALUES, whose 600,000 bound parameters psycopg adapts one by one. Elsewhere multi-row VALUES.
    """
    quote = connection.ops.quote_name
    table = quote(UnitTally._meta.db_table)
    columns = ", ".join(quote(UnitTally._meta.get_field(name).column) for name in ("unit", "key", "subtree"))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for chunk in _chunks(rows, ARRAY_BATCH):
                unit_ids, keys, counts = (list(column) for column in zip(*chunk, strict=True))
                cursor.execute(f"INSERT INTO {table} ({columns}) "
                               f"SELECT * FROM unnest(%s::bigint[], %s::text[], %s::bigint[])",
                               [unit_ids, keys, counts])
            return
        for chunk in _chunks(rows, _batch(3)):
            values = ", ".join(["(%s, %s, %s)"] * len(chunk))
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {values}", [v for row in chunk for v in row])


def tally_rebuild() -> TallyResult:
    """Recount every unit's subtree and store the counts that changed; idempotent."""
    started, clock = timezone.now(), time.perf_counter()
    desired, unit_count = _desired()
    counted = time.perf_counter() - clock
    with transaction.atomic():
        _lock()
        existing: dict[tuple[int, str], tuple[int, int]] = {
            (unit_id, key): (pk, n)
            for pk, unit_id, key, n in UnitTally.objects.order_by().values_list("pk", "unit_id", "key", "subtree")
        }
        changed = [key for key, n in desired.items() if key in existing and existing[key][1] != n]
        stale = [key for key in existing if key not in desired]
        created = [key for key in desired if key not in existing]
        if len(changed) + len(stale) > max(len(existing) // 2, WRITE_BATCH):
            # Most rows differ (a bulk import, a big move): rewriting the table is cheaper.
            UnitTally.objects.all().delete()
            written = list(desired)
        else:
            # A changed count is deleted and inserted again: two set-based statements per batch.
            gone = [existing[key][0] for key in (*changed, *stale)]
            for pks in _chunks(gone, _batch(1)):
                UnitTally.objects.filter(pk__in=pks).delete()
            written = [*changed, *created]
        _insert([(unit_id, key, desired[(unit_id, key)]) for unit_id, key in written])
        run = TallyRun.objects.create(
            started_at=started, finished_at=timezone.now(), seconds=round(time.perf_counter() - clock, 3),
            units=unit_count, created=len(created), updated=len(changed), deleted=len(stale),
        )
        TallyRun.objects.filter(finished_at__lt=run.finished_at - KEEP_RUNS).delete()
    result = TallyResult(run=run, seconds=time.perf_counter() - clock, count_seconds=counted, rows=len(desired),
                         created=len(created), updated=len(changed), deleted=len(stale))
    log.info("unit tallies rebuilt: %s", result.as_dict())
    return result
