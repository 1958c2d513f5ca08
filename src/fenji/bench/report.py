"""The benchmark report as Markdown, each target judged against the numbers (issues 7 and 21).

``fenji bench --dataset NAME`` writes this into ``docs/benchmarks.md`` between two markers per
dataset and database, so the published numbers are the last run's, never edited by hand.
"""

import datetime
import re
from pathlib import Path

# dvadmin3's scoped user list measured here on `peer`-sized data (issue 21): 130–170 ms at a leaf, 930–1,275 ms at
# the root; the fast ends are the bar.
DVADMIN_LEAF_MS, DVADMIN_ROOT_MS = 130.0, 930.0
# Issue 21's targets for the scoped list (the earlier issue 7 asked 3 ms over HTTP and 2,000 req/s, which a Django
# process on 2 cores cannot serve: docs/benchmarks.md, "Where each target stands").
CONSOLE_CPU_MS, API_CPU_MS = 5.0, 3.0
HTTP_P50_MS, HTTP_P95_MS, HTTP_RPS = 10.0, 25.0, 300
SQL_SPREAD = 2.0
FANOUT_MS, TRACKING_MS = 50.0, 20.0
WORKER_RSS_MB = 150


def _median(case) -> float | None:
    return case.get("median") if isinstance(case, dict) else None


def _ms(value) -> str:
    if value is None:
        return "–"
    return f"{value:,.3f}" if value < 1 else f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def _verdict(ok: bool | None) -> str:
    return "–" if ok is None else "met" if ok else "**missed**"


def _levels(report) -> list[tuple[str, dict]]:
    return list(report.get("levels", {}).items())


def _all(values, test) -> bool | None:
    values = [v for v in values if v is not None]
    return all(test(v) for v in values) if values else None


POSTS_NOTE = "rendered by the view, not cached on the server (the page sends Cache-Control: public, 60 s)"


def targets(report: dict) -> list[tuple[str, str, bool | None]]:
    """(target, what was measured, met?) for every target of the issue that this run can judge."""
    rows = []
    levels = _levels(report)
    dataset, vendor = report.get("dataset"), report.get("machine", {}).get("db_vendor")
    http = [(label, e.get("http", {})) for label, e in levels]
    measured = [(label, h) for label, h in http if _median(h) is not None]
    requests = report.get("requests") or {}
    cpu = [(label, r) for label, r in requests.items() if isinstance(r, dict) and "console_cpu_ms" in r]
    if cpu:
        rows.append((f"scoped 20-row list: console ≤ {CONSOLE_CPU_MS:g} ms and API ≤ {API_CPU_MS:g} ms of server CPU per "
                     "request at every level (in process, full middleware)",
                     "; ".join(f"{label} console {r['console_cpu_ms']} ms, API {r['api_cpu_ms']} ms" for label, r in cpu),
                     all(r["console_cpu_ms"] <= CONSOLE_CPU_MS and r["api_cpu_ms"] <= API_CPU_MS for _, r in cpu)))
    api = [(label, e.get("http_api", {})) for label, e in levels]
    api = [(label, h) for label, h in api if _median(h) is not None]
    if api:
        rows.append((f"scoped 20-row list over HTTP on 2 cores (API): p50 ≤ {HTTP_P50_MS:g} ms, p95 ≤ {HTTP_P95_MS:g} ms, "
                     f"≥ {HTTP_RPS:,} req/s",
                     "; ".join(f"{label} {_ms(h['median'])} / {_ms(h.get('p95'))} ms, {h.get('rps', '–')} req/s"
                               for label, h in api),
                     all(h["median"] <= HTTP_P50_MS and (h.get("p95") or 0) <= HTTP_P95_MS
                         and (h.get("rps") or 0) >= HTTP_RPS for _, h in api)))
    sql = [(label, _median(e.get("list", {}).get("app_sql"))) for label, e in levels]
    sql = [(label, v) for label, v in sql if v is not None]
    if sql:
        values = [v for _, v in sql]
        rows.append(("the page's SQL alone ≤ 0.5 ms at every level",
                     ", ".join(f"{label} {_ms(v)} ms" for label, v in sql), _all(values, lambda v: v <= 0.5)))
        spread = max(values) / (min(values) or 1e-9)
        rows.append((f"slowest level ≤ {SQL_SPREAD:g}× the fastest (page SQL)", f"{spread:.1f}×", spread <= SQL_SPREAD))
    lower = levels[1:]
    ruoyi = [(label, _median(e.get("ruoyi")), _median(e.get("list", {}).get("app_sql"))) for label, e in lower]
    ruoyi = [(label, r, s) for label, r, s in ruoyi if r is not None and s]
    if ruoyi:
        rows.append(("≥ 500× faster than the RuoYi data-scope query below the top level (page SQL)",
                     ", ".join(f"{label} {r / s:,.{0 if r / s >= 10 else 1}f}× ({_ms(r)} vs {_ms(s)} ms)" for label, r, s in ruoyi),
                     all(r / s >= 500 for _, r, s in ruoyi)))
    if dataset == "peer" and len(measured) >= 2:
        best = {label: min(v for v in (_median(e.get("http")), _median(e.get("http_api"))) if v is not None)
                for label, e in levels if _median(e.get("http")) is not None}
        top, leaf = levels[0][0], levels[-1][0]
        if top in best and leaf in best:
            rows.append(("`peer`: ≥ 40× faster than dvadmin3 at a leaf, ≥ 300× at the root (HTTP median)",
                         f"leaf {DVADMIN_LEAF_MS / best[leaf]:.0f}× ({_ms(best[leaf])} ms), "
                         f"root {DVADMIN_ROOT_MS / best[top]:.0f}× ({_ms(best[top])} ms)",
                         DVADMIN_LEAF_MS / best[leaf] >= 40 and DVADMIN_ROOT_MS / best[top] >= 300))
    counts = [(label, _median(e.get("counts", {}).get("subtree"))) for label, e in levels]
    if counts and counts[0][1] is not None:
        rows.append(("subtree count ≤ 20 ms at the top level, ≤ 1 ms below",
                     ", ".join(f"{label} {_ms(v)} ms" for label, v in counts),
                     counts[0][1] <= 20 and _all([v for _, v in counts[1:]], lambda v: v <= 1) is not False))
    children = [(label, _median(e.get("counts", {}).get("children"))) for label, e in levels]
    if any(v is not None for _, v in children):
        rows.append(("per-child statistics ≤ 5 ms", ", ".join(f"{label} {_ms(v)} ms" for label, v in children),
                     _all([v for _, v in children], lambda v: v <= 5)))
    can = [(label, e.get("can", {}).get("us_per_call")) for label, e in levels]
    if any(v is not None for _, v in can):
        rows.append(("permission check, cached, ≤ 1 µs", ", ".join(f"{label} {v} µs" for label, v in can),
                     _all([v for _, v in can], lambda v: v <= 1)))
    for _, e in levels:
        fan = e.get("fanout")
        if _median((fan or {}).get("fanout")) is not None:
            rows.append((f"notice fan-out to every unit below the top ≤ {FANOUT_MS:g} ms",
                         f"{fan['targets']:,} units in {_ms(fan['fanout']['median'])} ms", fan["fanout"]["median"] <= FANOUT_MS))
            tracking = [_median(fan.get("tracking_counts")), _median(fan.get("tracking_page"))]
            if all(v is not None for v in tracking):
                rows.append((f"its tracking counts and first page ≤ {TRACKING_MS:g} ms each",
                             f"counts {_ms(tracking[0])} ms, first page {_ms(tracking[1])} ms",
                             all(v <= TRACKING_MS for v in tracking)))
    citizen = report.get("citizen") or {}
    if citizen.get("public_page", {}).get("cpu_median") is not None:
        page = citizen["public_page"]
        rows.append(("the public column page ≤ 5 ms server CPU", f"{page['cpu_median']} ms CPU ({_ms(page['median'])} ms "
                     f"wall), {POSTS_NOTE}", page["cpu_median"] <= 5))
    if citizen.get("ticket_list", {}).get("median") is not None:
        listed = citizen["ticket_list"]
        rows.append((f"a department's ticket list at {citizen.get('tickets', 0):,} tickets ≤ 10 ms",
                     f"{_ms(listed['median'])} ms ({listed['cpu_median']} ms CPU), total {listed.get('total', 0):,}",
                     listed["median"] <= 10))
    usage = (report.get("usage") or {}).get("page") or {}
    if usage.get("median") is not None:
        rebuild = report["usage"].get("rebuild", {})
        rows.append(("usage statistics page at the top level ≤ 50 ms (from the monthly rollups)",
                     f"{_ms(usage['median'])} ms ({usage['cpu_median']} ms CPU) for {usage['children']:,} children over "
                     f"{usage['months']} months; rollups of 2 months over {rebuild.get('units', 0):,} units rebuilt in "
                     f"{rebuild.get('seconds', 0)} s", usage["median"] <= 50))
    league = report.get("league") or {}
    listed = [(label, league.get(f"list_{label}") or {}) for label in ("root", "branch")]
    if all(entry.get("cpu_median") is not None for _, entry in listed):
        rows.append(("League member list (first page, count capped) ≤ 5 ms CPU at the root and at a branch",
                     "; ".join(f"{label} {_ms(e['median'])} ms ({e['cpu_median']} ms CPU), {e['total']} members"
                               for label, e in listed), all(e["cpu_median"] <= 5 for _, e in listed)))
    bills = league.get("bills") or {}
    if bills.get("seconds") is not None:
        rows.append((f"a month's League dues bills for every member ≤ {bills['target_seconds']} s",
                     f"{bills['rows']:,} bills in {bills['seconds']} s ({bills['per_second']:,}/s; members entered "
                     f"in {league['members']['seconds']} s)", bills["seconds"] <= bills["target_seconds"]))
    rows += _module_list_targets(report.get("module_lists") or {})
    imported = (report.get("import") or {}).get("import") or {}
    if imported.get("rows_per_s") is not None:
        parse = report["import"].get("parse", {})
        rows.append(("Excel import with validation ≥ 30,000 rows/s end to end",
                     f"{imported['rows']:,} rows at {imported['rows_per_s']:,.0f} rows/s (reading the file alone "
                     f"{parse.get('rows_per_s') or 0:,.0f} rows/s)", imported["rows_per_s"] >= 30000))
    if imported.get("peak_rss_growth_mb") is not None:
        rows.append(("import memory ≤ 300 MB (streamed, not loaded whole)",
                     f"peak RSS grew {imported['peak_rss_growth_mb']:.0f} MB over {imported['rows']:,} rows "
                     f"(process peak {imported.get('peak_rss_mb', 0):.0f} MB)",
                     # ru_maxrss only grows: under an earlier case's higher peak the growth reads 0 and proves nothing
                     imported.get("peak_rss_mb", 0) <= 300 or (None if imported["peak_rss_growth_mb"] < 1 else False)))
    rss = [h.get("server_rss_mb") for _, h in http if isinstance(h, dict) and h.get("server_rss_mb")]
    if rss:
        rows.append((f"app worker ≤ {WORKER_RSS_MB} MB resident after the list benchmark",
                     f"{max(rss):.0f} MB (largest worker)", max(rss) <= WORKER_RSS_MB))
    if dataset == "peer" and vendor == "sqlite":
        pages = [(label, _median(e.get("list", {}).get("app_page"))) for label, e in levels]
        rows.append(("`peer` on SQLite: scoped list median ≤ 10 ms at root, mid and leaf",
                     ", ".join(f"{label} {_ms(v)} ms" for label, v in pages), _all([v for _, v in pages], lambda v: v <= 10)))
    load = report.get("load") or {}
    if dataset == "province" and load.get("seconds") and load.get("scale", 1.0) == 1.0:
        total = load["seconds"] + load.get("tally_seconds", 0)  # ready means its dashboard counts too
        rows.append(("`province` loads in < 15 min (with its rollups)", f"{total / 60:.1f} min", total < 900))
    return rows


MODULE_LISTS = (("league_members", "League members"), ("discipline_petitions", "discipline petitions"),
                ("tickets", "citizen tickets"), ("veterans_records", "veterans service records"))


def _measured_lists(lists: dict) -> list[tuple[str, dict]]:
    return [(title, lists[name]) for name, title in MODULE_LISTS
            if isinstance(lists.get(name), dict) and lists[name]
            and all("console_cpu_ms" in r for r in lists[name].values())]


def _module_list_targets(lists: dict) -> list[tuple[str, str, bool | None]]:
    """Each module's hot list: the console page ≤ 5 ms and the API ≤ 3 ms server CPU at every level."""
    from .module_lists_case import API_TARGET_MS, CONSOLE_TARGET_MS

    rows = []
    for title, levels in _measured_lists(lists):
        for kind, key, target in (("console page", "console_cpu_ms", CONSOLE_TARGET_MS),
                                  ("API", "api_cpu_ms", API_TARGET_MS)):
            rows.append((f"{title} list, {kind} ≤ {target:g} ms server CPU (in process, full middleware)",
                         ", ".join(f"{label} {r[key]} ms" for label, r in levels.items()),
                         all(r[key] <= target for r in levels.values())))
    return rows


def _module_list_lines(lists: dict) -> list[str]:
    measured = _measured_lists(lists)
    if not measured:
        return ["", f"Module hot lists: skipped ({lists['skipped']})."] if "skipped" in lists else []
    rows = lists.get("rows", {})
    lines = ["", "Module hot lists, in process, full middleware, a reader at each level, CPU ms per request (median) "
             "and queries; rows entered for the run: " + ", ".join(f"{title} {rows.get(name, 0):,}"
                                                                    for name, title in MODULE_LISTS) + ".", "",
             "| list | level | rows in scope | console ms (queries) | API ms (queries) |", "|---|---|---|---|---|"]
    for title, levels in measured:
        lines += [f"| {title} | {label} | {r.get('in_scope', '–')} | {r['console_cpu_ms']} ({r['console_queries']}) | "
                  f"{r['api_cpu_ms']} ({r['api_queries']}) |" for label, r in levels.items()]
    return lines


def markdown(report: dict) -> str:
    machine = report.get("machine", {})
    lines = [
        f"Run {report.get('finished_at', '?')}: {machine.get('platform', '?')}, {machine.get('cpus', '?')} CPUs, "
        f"Python {machine.get('python', '?')}, {' '.join(machine.get('db_version', '?').split()[:2])}; host load average "
        f"{report.get('loadavg', '?')} at the start. {report.get('units', 0):,} units.",
        "",
    ]
    load = report.get("load")
    if load:
        lines += [f"Load: {load.get('units', 0):,} units and {load.get('accounts', 0):,} accounts in "
                  f"{load.get('seconds', 0):,.0f} s (loader CPU {load.get('cpu_seconds', 0):,.0f} s), then the rollups in "
                  f"{load.get('tally_seconds', 0):,.1f} s.", ""]
    lines += [
        "| level | accounts | page ms (CPU) | page SQL ms | raw floor ms | RuoYi ms | subtree count ms | per-child ms "
        "| `can` µs | HTTP p50 / p95 ms | req/s | server CPU ms/req | API p50 ms | API req/s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label, e in _levels(report):
        lst, counts, http, api = e.get("list", {}), e.get("counts", {}), e.get("http", {}), e.get("http_api", {})
        page = lst.get("app_page", {})
        lines.append(
            f"| {label} | {counts.get('subtree_accounts', '–'):,} | {_ms(_median(page))} ({_ms(page.get('cpu_median'))}) | "
            f"{_ms(_median(lst.get('app_sql')))} | {_ms(_median(lst.get('floor')))} | {_ms(_median(e.get('ruoyi')))} | "
            f"{_ms(_median(counts.get('subtree')))} | {_ms(_median(counts.get('children')))} | "
            f"{e.get('can', {}).get('us_per_call', '–')} | {_ms(_median(http))} / {_ms(http.get('p95'))} | "
            f"{http.get('rps', '–')} | {http.get('server_cpu_ms', '–')} | {_ms(_median(api))} | {api.get('rps', '–')} |"
        )
    skips = sorted({f"{name}: {case['skipped']}" for _, e in _levels(report) for name, case in e.items()
                    if isinstance(case, dict) and "skipped" in case})
    if skips:
        lines += ["", "Skipped: " + "; ".join(skips) + "."]
    requests = report.get("requests") or {}
    if requests and "skipped" not in requests:
        lines += ["", "In process, full middleware, the viewer signed in (`request_case`), CPU ms per request (median):", "",
                  "| level | console list (queries) | API list (queries) | identity |", "|---|---|---|---|"]
        lines += [f"| {label} | {r['console_cpu_ms']} ({r['console_queries']}) | {r['api_cpu_ms']} ({r['api_queries']}) "
                  f"| {r['identity_cpu_ms']} |" for label, r in requests.items()]
        shares = next((r["middleware_cpu_ms"] for r in requests.values() if "middleware_cpu_ms" in r), {})
        if shares:
            lines += ["", "Each middleware's own CPU ms on a console list request: "
                      + ", ".join(f"{name} {ms}" for name, ms in shares.items()) + "."]
    lines += _module_list_lines(report.get("module_lists") or {})
    lines += ["", "| target | measured | |", "|---|---|---|"]
    lines += [f"| {target} | {measured} | {_verdict(ok)} |" for target, measured, ok in targets(report)]
    return "\n".join(lines)


def write_section(doc: Path, key: str, title: str, body: str) -> None:
    """Replace the section between ``<!-- bench:key -->`` markers, or append it under the results heading."""
    start, end = f"<!-- bench:{key} -->", f"<!-- /bench:{key} -->"
    block = f"{start}\n### {title}\n\n{body}\n{end}"
    text = doc.read_text() if doc.exists() else "# Benchmarks\n"
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        heading = "## Latest results (written by `fenji bench`)"
        if heading not in text:
            text = text.rstrip("\n") + f"\n\n{heading}\n"
        at = text.index(heading) + len(heading)
        text = text[:at] + "\n\n" + block + text[at:]
    doc.write_text(text)


def stamp() -> str:
    return datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
