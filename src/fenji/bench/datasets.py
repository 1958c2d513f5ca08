"""Benchmark datasets (issue 7), built through the models the app uses — not a side schema.

Deterministic: seeded ``random.Random`` instances (one for the tree, one per chunk of accounts), so
the same dataset and scale give the same tree and the same accounts. Units get their paths computed
here (``kernel.paths.encode_segment``) and are inserted level by level with ``bulk_create`` (parents
first, so each level knows its parents' keys). Accounts come with their person rows, written in bulk
(COPY on PostgreSQL, batched INSERTs on SQLite) with the mobile and ID numbers SM4-GCM encrypted and
their HMAC-SM3 blind indexes computed in worker processes — see ``_insert_accounts``. Every
synthetic account shares one pre-computed password hash.

Datasets:

- ``tiny``: 60 units in 4 levels, 500 accounts (CI smoke);
- ``peer``: 5,000 units in 5 levels (1 + 10 + 100 + 1,000 + 3,889), 100,000 accounts spread over
  all units — the shape dvadmin3 was measured on;
- ``province``: Jiangsu from the MCA division table (province, cities, counties, towns: 1,346
  units), then synthetic units (depth 5) and branches (depth 6) to ~200,000 units, and 5,000,000
  member accounts on the branches. ``scale`` multiplies both the synthetic units and the accounts.
"""

import collections
import contextlib
import datetime
import itertools
import multiprocessing
import os
import random
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from fenji.core.kernel.crypto import keyring
from fenji.core.kernel.paths import SEGMENT_WIDTH, decode_segment, encode_segment
from fenji.core.kernel.xlsx.writer import RowShape
from fenji.core.kernel.xlsx.writer import reserve_ids as _reserve_ids
from fenji.core.kernel.xlsx.writer import write as _write
from fenji.core.org.census import census_rebuild
from fenji.core.org.divisions import KIND_BY_LEVEL, province_divisions
from fenji.core.org.models import Unit, UnitKind
from fenji.core.org.tally import tally_rebuild
from fenji.core.people.identity import check_char
from fenji.core.people.models import Account, AccountKind, Person

DATASETS = ("tiny", "peer", "province")
SEED = 20260007
BATCH = 2000
ACCOUNT_CHUNK = 10_000
SQLITE_LOAD_CACHE_KIB = 2 * 1024 * 1024  # SQLite's page cache while loading (its default: 2 MB)
SYNTHETIC_PASSWORD = "Bench#2026synthetic"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"
KIND_BY_DEPTH = {1: UnitKind.PROVINCE, 2: UnitKind.CITY, 3: UnitKind.COUNTY, 4: UnitKind.TOWN,
                 5: UnitKind.UNIT, 6: UnitKind.BRANCH}


class NotEmpty(RuntimeError):
    pass


@dataclass
class Plan:
    """The tree to insert: per depth, rows of (path, name, kind, code); and where accounts go."""

    name: str
    levels: dict[int, list[tuple[str, str, str, str | None]]] = field(default_factory=dict)
    accounts: int = 0
    account_depths: tuple[int, ...] | None = None  # None: spread over every unit

    def add(self, path: str, name: str, kind: str, code: str | None = None) -> None:
        self.levels.setdefault(len(path) // SEGMENT_WIDTH, []).append((path, name, kind, code))

    @property
    def unit_count(self) -> int:
        return sum(len(rows) for rows in self.levels.values())


class Progress:
    """A one-line progress bar on stderr (``quiet`` for tests)."""

    def __init__(self, label: str, total: int, *, quiet: bool = False):
        self.label, self.total, self.quiet = label, max(total, 1), quiet
        self.done = 0
        self.started = time.perf_counter()

    def advance(self, n: int) -> None:
        self.done += n
        if self.quiet:
            return
        ratio = min(self.done / self.total, 1.0)
        elapsed = time.perf_counter() - self.started
        rate = self.done / elapsed if elapsed else 0.0
        bar = "#" * int(ratio * 30)
        eta = (self.total - self.done) / rate if rate else 0.0
        sys.stderr.write(f"\r{self.label:<9} [{bar:<30}] {self.done:>9,}/{self.total:,} {rate:>9,.0f}/s "
                         f"eta {eta / 60:4.1f} min")
        sys.stderr.flush()

    def finish(self) -> float:
        elapsed = time.perf_counter() - self.started
        if not self.quiet:
            sys.stderr.write(f"  {elapsed:.1f}s\n")
            sys.stderr.flush()
        return elapsed


def _children_counts(rng: random.Random, parents: int, total: int) -> list[int]:
    """Spread ``total`` children over ``parents`` at random (each parent gets at least one if possible)."""
    counts = [1 if total >= parents else 0] * parents
    for _ in range(total - sum(counts)):
        counts[rng.randrange(parents)] += 1
    return counts


def _grow(plan: Plan, rng: random.Random, parents: list[str], total: int, depth: int, label: str) -> list[str]:
    paths = []
    for parent, count in zip(parents, _children_counts(rng, len(parents), total), strict=True):
        for number in range(1, count + 1):
            path = parent + encode_segment(number)
            plan.add(path, f"{label}{len(paths) + 1}", KIND_BY_DEPTH.get(depth, UnitKind.OTHER))
            paths.append(path)
    return paths


def plan_synthetic(name: str, per_level: Iterable[int], accounts: int, rng: random.Random) -> Plan:
    plan = Plan(name, accounts=accounts)
    root = encode_segment(1)
    plan.add(root, f"{name}-根单位", UnitKind.PROVINCE)
    parents = [root]
    for depth, total in enumerate(per_level, start=2):
        parents = _grow(plan, rng, parents, total, depth, f"{name}-{depth}级单位")
    return plan


def plan_province(scale: float, rng: random.Random, province_code: str = "320000") -> Plan:
    """The real divisions (levels 1–4), then synthetic units (depth 5) and branches (depth 6)."""
    plan = Plan("province", accounts=round(5_000_000 * scale), account_depths=(6,))
    divisions = province_divisions(province_code)
    children: dict[str, list] = {}
    for d in divisions:
        children.setdefault(d.parent_code, []).append(d)
    top = next(d for d in divisions if d.level == 1)
    queue = [(top, encode_segment(1))]
    plan.add(queue[0][1], top.name, KIND_BY_LEVEL[top.level], top.code)
    deepest: list[str] = []
    while queue:
        parent, path = queue.pop(0)
        kids = sorted(children.get(parent.code, []), key=lambda d: d.code)
        if not kids and parent.level == 4:
            deepest.append(path)
        for number, child in enumerate(kids, start=1):
            child_path = path + encode_segment(number)
            plan.add(child_path, child.name, KIND_BY_LEVEL[child.level], child.code)
            queue.append((child, child_path))
    real = plan.unit_count
    synthetic = max(round(200_000 * scale) - real, 0)
    level5 = max(round(synthetic / 11), len(deepest)) if synthetic else 0
    units = _grow(plan, rng, sorted(deepest), level5, 5, "基层单位")
    _grow(plan, rng, units, max(synthetic - level5, len(units)), 6, "支部")
    return plan


def make_plan(name: str, scale: float = 1.0) -> Plan:
    rng = random.Random(SEED)
    if name == "tiny":
        return plan_synthetic("tiny", (3, 12, 44), 500, rng)
    if name == "peer":
        per_level = [round(n * scale) or 1 for n in (10, 100, 1_000, 3_889)]
        return plan_synthetic("peer", per_level, round(100_000 * scale), rng)
    if name == "province":
        return plan_province(scale, rng)
    raise ValueError(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}")


def _id_number(n: int, rng: random.Random) -> tuple[str, str, datetime.date]:
    """A valid, unique (for n < 10 M) GB 11643 number: region, birth date, sequence, check digit."""
    birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=(n // 1000) % 20000)
    region = 320000 + (n // 20_000_000) * 100 + rng.randrange(1, 99)
    first17 = f"{region}{birth:%Y%m%d}{n % 1000:03d}"
    gender = "M" if int(first17[16]) % 2 else "F"
    return first17 + check_char(first17), gender, birth


def _insert_units(plan: Plan, progress: Progress) -> dict[str, tuple[int, int]]:
    """Insert level by level; returns path -> (pk, depth)."""
    keys: dict[str, tuple[int, int]] = {}
    order = 0
    for depth in sorted(plan.levels):
        rows = []
        for path, name, kind, code in plan.levels[depth]:
            parent = keys[path[:-SEGMENT_WIDTH]][0] if depth > 1 else None
            rows.append(Unit(name=name, short_name=name[:40], code=code, kind=kind, parent_id=parent, path=path,
                             depth=depth, sort_order=order))
            order += 1
        for start in range(0, len(rows), BATCH):
            chunk = rows[start:start + BATCH]
            with transaction.atomic():
                created = Unit.objects.bulk_create(chunk, batch_size=BATCH)
            if any(u.pk is None for u in created):  # a backend that cannot return keys from a bulk insert
                found = dict(Unit.objects.filter(path__in=[u.path for u in chunk]).values_list("path", "pk"))
                for unit in created:
                    unit.pk = found[unit.path]
            keys.update((u.path, (u.pk, depth)) for u in created)
            progress.advance(len(chunk))
    return keys


# --- accounts: generated in worker processes, written with COPY (PostgreSQL) or batched INSERTs ----
#
# The per-account cost is the cryptography the model fields do on save: SM4-GCM for the mobile and the
# ID number, HMAC-SM3 for their blind indexes (~75 µs together, 5 M accounts ≈ 6 min of one core).
# Every synthetic account still carries real ciphertext and real blind indexes — placeholders would
# make the list pages decrypt nothing and the lookups find nothing, i.e. measure a different system.
# So the rows are computed in a pool of worker processes (forked after the key ring is loaded) with
# the same ``KeyRing.encrypt``/``blind_index`` the fields call, and the parent only writes them:
# PostgreSQL ``COPY … FROM STDIN`` (psycopg 3 ``cursor.copy``) into the model tables, SQLite
# ``executemany`` INSERTs. Columns and constant values (defaults, the shared password hash,
# timestamps) come from the model's own fields (``pre_save`` + ``get_db_prep_save``), so a field
# added to Person or Account is carried without touching this code. Primary keys are reserved up
# front (the sequence is moved past the range on PostgreSQL), so the accounts can name their persons.
# The shapes, the id reservation and the writer live in ``kernel.xlsx.writer`` (the member import uses them too).
# Deterministic: chunk ``k`` draws from ``random.Random(f"{SEED}:{k}")`` whatever the worker count.

_WORKER: dict = {}  # set in the parent before the pool forks; read by _account_chunk in the workers


def _account_chunk(task: tuple[int, int, int, int, int]):
    """Persons and accounts ``start…stop-1`` (ids from the reserved bases), as COPY text or row tuples."""
    number, start, stop, person_base, account_base = task
    ring, targets = _WORKER["ring"], _WORKER["targets"]
    person_shape, account_shape, copy = _WORKER["person"], _WORKER["account"], _WORKER["copy"]
    rng = random.Random(f"{SEED}:{number}")
    # COPY text: every varying value below is digits, base64, hex, a path or a name from SURNAMES/GIVEN —
    # nothing COPY would need escaped — so it is formatted with str() only; constants went through writer.copy_cell.
    cell = str if copy else (lambda value: value)
    people, accounts = [], []
    for n in range(start, stop):
        id_number, gender, birth = _id_number(n, rng)
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if n % 3 else "")
        path, unit_id = targets[rng.randrange(len(targets))]
        mobile = f"13{n:09d}"
        person_id = cell(person_base + n - start)
        people.append(person_shape.row({
            "id": person_id, "real_name": name, "id_number": ring.encrypt(id_number),
            "id_number_hash": ring.blind_index(id_number), "gender": gender,
            "birth_date": birth.isoformat() if copy else birth}))
        accounts.append(account_shape.row({
            "id": cell(account_base + n - start), "mobile": ring.encrypt(mobile),
            "mobile_hash": ring.blind_index(mobile), "person_id": person_id, "unit_id": cell(unit_id),
            "unit_path": path}))
    if copy:
        return stop - start, "".join("\t".join(row) + "\n" for row in people).encode(), \
            "".join("\t".join(row) + "\n" for row in accounts).encode()
    return stop - start, people, accounts


def _insert_accounts(plan: Plan, keys: dict[str, tuple[int, int]], progress: Progress, *, workers: int,
                     chunk: int) -> int:
    """Insert ``plan.accounts`` persons + accounts; returns the number of worker processes used."""
    if not plan.accounts:
        return 0
    targets = sorted((path, pk) for path, (pk, depth) in keys.items()
                     if plan.account_depths is None or depth in plan.account_depths)
    copy = connection.vendor == "postgresql"
    now = datetime.datetime.now(datetime.UTC)
    password = make_password(SYNTHETIC_PASSWORD)  # one hash for every synthetic account
    person = RowShape.of(Person, Person(real_name=""), ("id", "real_name", "id_number", "id_number_hash",
                                                         "gender", "birth_date"), copy=copy)
    account = RowShape.of(Account, Account(kind=AccountKind.MEMBER, password=password, must_change_password=False,
                                           password_changed_at=now),
                          ("id", "mobile", "mobile_hash", "person_id", "unit_id", "unit_path"), copy=copy)
    person_base, account_base = _reserve_ids(Person, plan.accounts), _reserve_ids(Account, plan.accounts)
    tasks = [(number, start, min(start + chunk, plan.accounts), person_base + start, account_base + start)
             for number, start in enumerate(range(0, plan.accounts, chunk))]
    _WORKER.update(ring=keyring(), targets=targets, person=person, account=account, copy=copy)
    workers = max(1, min(workers, len(tasks))) if len(tasks) > 1 else 1

    def store(result):
        count, people, accounts = result
        with transaction.atomic():
            _write(person, people)
            _write(account, accounts)
        progress.advance(count)

    try:
        if workers == 1:
            for task in tasks:
                store(_account_chunk(task))
            return 1
        # fork: the workers inherit the key ring and the shapes, and never touch the database connection.
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            pending: collections.deque = collections.deque()
            queue = iter(tasks)
            for task in itertools.islice(queue, 2 * workers):  # bounded read-ahead: memory stays flat
                pending.append(pool.apply_async(_account_chunk, (task,)))
            while pending:
                result = pending.popleft().get()
                task = next(queue, None)
                if task is not None:
                    pending.append(pool.apply_async(_account_chunk, (task,)))
                store(result)
        return workers
    finally:
        _WORKER.clear()


@contextlib.contextmanager
def _sqlite_load_cache():
    """A large SQLite page cache for the load. Each account row goes into two unique indexes on random blind
    index hashes, so with the default 2 MB cache nearly every insert reads and writes index pages through the
    operating system (the province's accounts took 43.5 min so); the cache is the connection's own."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_LOAD_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def _shift_root(plan: Plan) -> None:
    """Into a non-empty database: hang the dataset under the next free root segment."""
    last = Unit.objects.filter(parent__isnull=True).order_by("-path").values_list("path", flat=True).first()
    if last is None:
        return
    root = encode_segment(decode_segment(last) + 1)
    plan.levels = {depth: [(root + path[SEGMENT_WIDTH:], *rest) for path, *rest in rows]
                   for depth, rows in plan.levels.items()}


def units_exist() -> bool:
    return Unit.objects.exists()


def load(name: str, *, scale: float = 1.0, force_into_nonempty: bool = False, quiet: bool = False,
         workers: int | None = None, chunk: int = ACCOUNT_CHUNK, accounts: int | None = None) -> dict:
    """Build dataset ``name`` into the current (empty) database; returns what was inserted and how fast.

    ``workers``: processes computing the account rows (default: one per CPU; 1 = in this process).
    """
    if units_exist() and not force_into_nonempty:
        raise NotEmpty("数据库中已有单位：基准数据集须装入空库（或使用 --force-into-nonempty）")
    started, cpu_started = time.perf_counter(), os.times()
    plan = make_plan(name, scale)
    if accounts is not None:  # e.g. the fan-out case needs the units, not millions of members
        plan.accounts = accounts
    _shift_root(plan)
    units = Progress("units", plan.unit_count, quiet=quiet)
    keys = _insert_units(plan, units)
    census_rebuild()  # the units went in by bulk, past the tree services that keep the census
    unit_seconds = units.finish()
    accounts = Progress("accounts", plan.accounts, quiet=quiet)
    with _sqlite_load_cache():
        used = _insert_accounts(plan, keys, accounts, workers=workers or os.cpu_count() or 1, chunk=chunk)
    account_seconds = accounts.finish()
    analyze_started = time.perf_counter()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            if connection.in_atomic_block:  # VACUUM cannot run in a transaction (tests)
                cursor.execute("ANALYZE")
            else:  # the visibility map too, so that counts over a subtree can be index-only scans
                for model in (Unit, Person, Account):
                    cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    analyze_seconds, seconds = time.perf_counter() - analyze_started, time.perf_counter() - started
    cpu_seconds = sum(os.times()[:4]) - sum(cpu_started[:4])
    # The dashboards read the rollup snapshot (ADR 0010): build it as the worker would, and time it.
    tally_seconds = tally_rebuild().seconds
    return {"dataset": name, "scale": scale, "units": plan.unit_count, "accounts": plan.accounts,
            "depths": {d: len(rows) for d, rows in sorted(plan.levels.items())}, "workers": used,
            "unit_seconds": round(unit_seconds, 2), "account_seconds": round(account_seconds, 2),
            "analyze_seconds": round(analyze_seconds, 2),
            "seconds": round(seconds, 2),  # the load itself, the rollup below not included
            # this process and its (waited-for) workers; the database server's own CPU is not included
            "cpu_seconds": round(cpu_seconds, 2),
            "tally_seconds": round(tally_seconds, 2)}
