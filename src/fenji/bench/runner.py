"""The benchmark cases (issue 7): each measured at three levels of the loaded dataset.

Every case returns a number or a stated skip, never an exception that hides the other cases.
"""

import os
import platform
import statistics
import time
from contextlib import suppress

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from fenji.bench.citizen_case import case_citizen
from fenji.bench.import_case import case_member_import
from fenji.core.access import policy
from fenji.core.access.models import Grant
from fenji.core.access.models import Role as RoleRow
from fenji.core.access.roles import SYSTEM_ADMIN
from fenji.core.access.services import grant_create
from fenji.core.api.services import token_create
from fenji.core.kernel.paths import SUBTREE_END
from fenji.core.org.models import Unit
from fenji.core.org.selectors import unit_list_children, unit_subtree_stats
from fenji.core.people import permissions as people_perms
from fenji.core.people.bootstrap import bootstrap_account
from fenji.core.people.fastlist import account_rows
from fenji.core.people.identity import check_char
from fenji.core.people.selectors import LIST_COUNT_LIMIT, account_list, account_page

VIEWER_ROLE = "bench_viewer"
STAFF_PASSWORD = "Bench#2026staff"
FLOOR_SQL = ("SELECT id FROM people_account WHERE unit_path >= %s AND unit_path < %s "
             "ORDER BY unit_path, id LIMIT 20")
RUOYI_SQL = ("SELECT a.id FROM people_account a JOIN org_unit u ON a.unit_id = u.id "
             "WHERE a.unit_id IN (SELECT dept_id FROM bench_sys_dept WHERE dept_id = %s OR {find_in_set}) "
             "ORDER BY a.id LIMIT 20")
FIND_IN_SET = {
    "postgresql": "%s = ANY(string_to_array(ancestors, ','))",
    "sqlite": "(',' || ancestors || ',') LIKE '%%,' || %s || ',%%'",
}


def skipped(reason: str) -> dict:
    return {"skipped": reason}


def summarize(samples: list[float], scale: float = 1000.0) -> dict:
    """Median and p95 of seconds, in ms (or µs with scale=1e6)."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return {"median": round(statistics.median(ordered) * scale, 4), "p95": round(p95 * scale, 4), "n": len(ordered)}


def timed(fn, repeat: int, warmup: int = 2, budget: float = 15.0) -> dict:
    """Median/p95 of ``repeat`` runs — fewer (at least 3) once ``budget`` seconds are spent, so that a
    case taking seconds at a province's root does not hold the run for minutes."""
    for _ in range(warmup):
        start = time.perf_counter()
        fn()
        if time.perf_counter() - start > budget / 3:
            break
    samples, cpu = [], []
    deadline = time.perf_counter() + budget
    for _ in range(repeat):
        start, cpu_start = time.perf_counter(), time.process_time()
        fn()
        samples.append(time.perf_counter() - start)
        cpu.append(time.process_time() - cpu_start)
        if len(samples) >= 3 and time.perf_counter() > deadline:
            break
    result = summarize(samples)
    # This process's CPU only (the database server's is not in it): stable on a shared, busy host.
    result["cpu_median"] = round(statistics.median(cpu) * 1000, 4)
    return result


def machine() -> dict:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT version()")
        else:
            cursor.execute("SELECT 'SQLite ' || sqlite_version()")
        version = cursor.fetchone()[0]
    return {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count(),
            "db_vendor": connection.vendor, "db_version": version}


# --- levels and actors ---------------------------------------------------------------------------

def pick_levels(dataset: str | None) -> list[tuple[str, Unit]]:
    """A unit at depth 1, one at depth 3 and one at depth 4 (province: town) or the deepest, each the
    first in path order whose subtree holds accounts."""
    deepest = Unit.objects.order_by("-depth").values_list("depth", flat=True).first() or 1
    if dataset == "province" or (dataset is None and Unit.objects.filter(code__isnull=False).exists()):
        wanted = [("province", 1), ("county", 3), ("town", 4)]
    else:
        wanted = [("root", 1), ("mid", min(3, deepest)), ("leaf", deepest)]
    levels = []
    for label, depth in wanted:
        for unit in Unit.objects.filter(depth=depth, status="active").order_by("path")[:50]:
            if account_list(actor=policy.SYSTEM, unit=unit).exists():
                levels.append((label, unit))
                break
    return levels


def _staff(unit: Unit, index: int, role: str):
    first17 = f"11010119800101{index:03d}"
    account = bootstrap_account(unit=unit, real_name=f"基准{role}{index}", mobile=f"199{index:08d}", kind="staff",
                                id_number=first17 + check_char(first17), title="基准测试", password=STAFF_PASSWORD,
                                must_change=False)
    live = Grant.objects.unscoped(reason="bench setup").filter(account=account, role=role, unit=unit,
                                                               revoked_at__isnull=True)
    if not live.exists():
        grant_create(actor=policy.SYSTEM, account=account, role=role, unit=unit)
    return account


@transaction.atomic
def prepare_actors(levels) -> dict:
    """Per level: a system administrator (in-process cases) and a viewer with a business role (HTTP: no
    second factor)."""
    RoleRow.objects.get_or_create(code=VIEWER_ROLE, defaults={
        "label": "基准只读", "actions": [people_perms.ACCOUNT_VIEW, "org.unit.view"]})
    actors = {}
    for i, (label, unit) in enumerate(levels):
        admin = _staff(unit, 100 + i, SYSTEM_ADMIN.code)
        viewer = _staff(unit, 200 + i, VIEWER_ROLE)
        actors[label] = {"admin": policy.actor_for(admin), "viewer_mobile": viewer.mobile}
    return actors


# --- RuoYi emulation -----------------------------------------------------------------------------

def build_ruoyi_table() -> int:
    """``bench_sys_dept(dept_id, parent_id, ancestors)`` from the units, like RuoYi's ``sys_dept``."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM org_unit")
        units = cursor.fetchone()[0]
        with suppress(Exception), transaction.atomic():
            cursor.execute("SELECT COUNT(*) FROM bench_sys_dept")
            if cursor.fetchone()[0] == units:
                return units
        cursor.execute("DROP TABLE IF EXISTS bench_sys_dept")
        cursor.execute("CREATE TABLE bench_sys_dept (dept_id bigint PRIMARY KEY, parent_id bigint, ancestors text)")
        cursor.execute("SELECT id, parent_id, path FROM org_unit ORDER BY path")
        rows = cursor.fetchall()
        by_path = {path: pk for pk, _, path in rows}
        width = 4
        values = []
        for pk, parent, path in rows:
            ancestors = ["0"] + [str(by_path[path[:end]]) for end in range(width, len(path), width)]
            values.append((pk, parent or 0, ",".join(ancestors)))
        for start in range(0, len(values), 5000):
            cursor.executemany("INSERT INTO bench_sys_dept (dept_id, parent_id, ancestors) VALUES (%s, %s, %s)",
                               values[start:start + 5000])
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE bench_sys_dept")
    return len(values)


# --- cases ---------------------------------------------------------------------------------------

def page_statements(fn) -> list[tuple[str, tuple]]:
    """The SELECTs ``fn`` sends, as (sql, params), captured at the database wrapper."""
    statements = []

    def capture(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("SELECT"):
            statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        fn()
    return statements


def case_list(actor, unit, repeat: int) -> dict:
    def page():  # as the console list runs it since the fast read path (ADR 0029): its count capped, its rows
        return account_rows(actor=actor, unit=unit, count_limit=LIST_COUNT_LIMIT)

    def page_orm():  # the same page through the scoped selector, as the list ran before the fast read path
        accounts = account_list(actor=actor, unit=unit).defer("person__id_number", "person__id_number_hash")
        return account_page(accounts, count_limit=LIST_COUNT_LIMIT)

    def page_exact():  # the exact count of the subtree (as the list ran before its count was capped)
        return account_page(account_list(actor=actor, unit=unit))

    def rows_only():
        accounts = account_list(actor=actor, unit=unit).select_related("person", "unit")
        return list(accounts.order_by("unit_path", "id")[:21])

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL, [unit.path, unit.path + SUBTREE_END])
            return cursor.fetchall()

    statements = page_statements(page)

    def page_sql():  # the same page's SQL alone, replayed through the cursor: the database's share
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                cursor.fetchall()

    result = {"app_page": timed(page, repeat), "app_page_orm": timed(page_orm, repeat),
              "app_page_exact_count": timed(page_exact, repeat),
              "app_rows": timed(rows_only, repeat), "app_sql": timed(page_sql, repeat),
              "floor": timed(floor, repeat), "app_sql_statements": len(statements)}
    result["rows"] = len(page().rows)
    floor_ms = result["floor"]["median"] or 1e-9
    result["ratio_page_floor"] = round(result["app_page"]["median"] / floor_ms, 1)
    result["ratio_rows_floor"] = round(result["app_rows"]["median"] / floor_ms, 1)
    return result


def case_ruoyi(unit, repeat: int, fenji_ms: float) -> dict:
    sql = RUOYI_SQL.format(find_in_set=FIND_IN_SET.get(connection.vendor, ""))
    if connection.vendor not in FIND_IN_SET:
        return skipped(f"no find_in_set emulation for {connection.vendor}")

    def ruoyi():
        with connection.cursor() as cursor:
            cursor.execute(sql, [unit.pk, str(unit.pk)])
            return cursor.fetchall()

    result = timed(ruoyi, max(1, min(repeat, 5)), warmup=1)
    result["ratio_ruoyi_fenji"] = round(result["median"] / (fenji_ms or 1e-9), 1)
    return result


def case_counts(actor, unit, repeat: int) -> dict:
    stats = unit_subtree_stats(actor=actor, unit=unit)
    children = list(unit_list_children(actor=actor, unit=unit))
    return {
        "subtree": timed(lambda: unit_subtree_stats(actor=actor, unit=unit), repeat),
        "children": timed(lambda: list(unit_list_children(actor=actor, unit=unit)), max(1, min(repeat, 20))),
        "subtree_units": stats["units"], "subtree_accounts": sum(stats["people"].values()),
        "child_units": len(children),
    }


def case_can(actor, unit, calls: int) -> dict:
    path = unit.path + "0001"
    action = people_perms.ACCOUNT_VIEW
    assert policy.can(actor, action, path)
    start = time.perf_counter()
    for _ in range(calls):
        policy.can(actor, action, path)
    return {"us_per_call": round((time.perf_counter() - start) / calls * 1e6, 3), "calls": calls}


class _Rollback(Exception):
    pass


def case_fanout(unit: Unit, repeat: int) -> dict:
    """A notice from ``unit`` to every active unit of its subtree through the real service with the lazy
    fan-out (ADR 0027: scope check, the ranges stored, rows only for units whose handlers are told, audit),
    then the sender's tracking: the status counts (rows + the pending units) and the first page of
    deliveries (rows and pending units merged, nothing written). Each run is rolled back, so the dataset stays as
    loaded."""
    from django.test import override_settings

    from fenji.core.dispatch import selectors as dispatch_selectors
    from fenji.core.dispatch.services import dispatch_fanout

    fanout, counts, page, targets = [], [], [], 0
    for _ in range(max(1, repeat)):
        try:
            with transaction.atomic(), override_settings(FENJI_DISPATCH_LAZY_FANOUT=True):
                start = time.perf_counter()
                sent = dispatch_fanout(actor=policy.SYSTEM, unit=unit, title="基准测试通知")
                fanout.append(time.perf_counter() - start)
                targets = sent.delivery_count
                start = time.perf_counter()
                dispatch_selectors.dispatch_tracking_counts(sent)
                counts.append(time.perf_counter() - start)
                start = time.perf_counter()
                dispatch_selectors.delivery_page(dispatch_selectors.delivery_list_for_dispatch(sent))
                page.append(time.perf_counter() - start)
                raise _Rollback
        except _Rollback:
            pass
    return {"targets": targets, "fanout": summarize(fanout), "tracking_counts": summarize(counts),
            "tracking_page": summarize(page)}


# --- HTTP ----------------------------------------------------------------------------------------

def api_token(mobile: str):
    """A personal API token for the account, as a machine client holds one (``Authorization: Bearer``)."""
    account = get_user_model().objects.get_by_natural_key(mobile)
    return token_create(actor=policy.SYSTEM, account=account, name="基准测试", days=1)


def run(*, dataset: str | None = None, repeat: int = 200, can_calls: int = 100_000, http_threads: int = 4,
        http_requests: int = 800, with_http: bool = True, import_rows: int = 100_000,
        citizen_tickets: int = 100_000, module_every: int = 10,
        module_repeat: int | None = None) -> dict:
    levels = pick_levels(dataset)
    if not levels:
        raise RuntimeError("no units with accounts: load a dataset first (fenji bench load …)")
    actors = prepare_actors(levels)
    dept_rows = build_ruoyi_table()
    report = {"dataset": dataset, "machine": machine(), "repeat": repeat,
              "units": Unit.objects.count(), "ruoyi_dept_rows": dept_rows, "levels": {}}
    for label, unit in levels:
        actor = actors[label]["admin"]
        entry = {"unit": {"pk": unit.pk, "name": unit.name, "depth": unit.depth, "path": unit.path}}
        for name, fn, arg in (("list", case_list, repeat), ("counts", case_counts, repeat),
                              ("can", case_can, can_calls)):
            try:
                entry[name] = fn(actor, unit, arg)
            except Exception as error:
                entry[name] = skipped(f"{type(error).__name__}: {error}")
        try:
            fenji_ms = entry["list"]["app_rows"]["median"] if "app_rows" in entry.get("list", {}) else 0
            entry["ruoyi"] = case_ruoyi(unit, repeat, fenji_ms)
        except Exception as error:
            entry["ruoyi"] = skipped(f"{type(error).__name__}: {error}")
        report["levels"][label] = entry
    try:  # the account list (fast read path) and identity, CPU per request in process; each middleware's share
        from .request_case import case_requests

        report["requests"] = case_requests(levels, actors, repeat)
    except Exception as error:
        report["requests"] = skipped(f"{type(error).__name__}: {error}")
    top_label, top_unit = levels[0]
    try:
        report["levels"][top_label]["fanout"] = case_fanout(top_unit, max(1, min(repeat, 5)))
    except Exception as error:
        report["levels"][top_label]["fanout"] = skipped(f"{type(error).__name__}: {error}")
    mid_label, mid_unit = levels[min(1, len(levels) - 1)]
    try:  # a district-like unit: its public column page and its department's ticket list
        report["citizen"] = case_citizen(mid_unit, tickets=citizen_tickets, repeat=max(1, min(repeat, 50)))
    except Exception as error:
        report["citizen"] = skipped(f"{type(error).__name__}: {error}")
    try:  # 使用情况统计 at the top: the monthly rollups rebuilt, the page read from them
        from .usage_case import case_usage

        report["usage"] = case_usage(top_unit, repeat=max(1, min(repeat, 50)))
    except Exception as error:
        report["usage"] = skipped(f"{type(error).__name__}: {error}")
    try:  # the League: the member list at the root and a branch, a month's bills for every member
        from .league_case import case_league

        report["league"] = case_league(top_unit, repeat=max(3, min(repeat, 50)))
    except Exception as error:
        report["league"] = skipped(f"{type(error).__name__}: {error}")
    try:  # each module's hot list (console and API) at every level; module_repeat=0: not run
        from .module_lists_case import case_module_lists

        report["module_lists"] = (case_module_lists(levels, every=module_every, repeat=module_repeat
                                                    or max(3, min(repeat, 100))) if module_repeat != 0
                                  else skipped("module lists not requested"))
    except Exception as error:
        report["module_lists"] = skipped(f"{type(error).__name__}: {error}")
    bottom_label, bottom_unit = levels[-1]
    try:  # members are imported where they belong, at the bottom level, by the top level's administrator
        report["import"] = case_member_import(bottom_unit, actors[top_label]["admin"], import_rows)
    except Exception as error:
        report["import"] = skipped(f"{type(error).__name__}: {error}")
    from .http_case import both, case_http  # (it imports this module's helpers)

    if with_http:
        http_results = case_http(levels, actors, threads=http_threads, requests=http_requests)
    else:
        http_results = {label: both(skipped("HTTP not requested")) for label, _ in levels}
    for label, results in http_results.items():
        report["levels"][label].update(results)
    return report
