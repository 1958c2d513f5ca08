"""CPU per request in process, with the full middleware: the account list on the console and through the API (the
fast read path, ADR 0029), the identity step alone (docs/benchmarks.md, "Identity in one query"), and each
middleware's own share of a console request.

``fenji bench run`` records ``case_requests`` per level; on a loaded benchmark database (``fenji bench load tiny``
or larger) the same numbers print with::

    fenji shell -c "from fenji.bench.request_case import main; main()"
"""

import statistics
import time
from functools import partial

from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from fenji.core.access import policy
from fenji.core.kernel.crypto import blind_index
from fenji.core.people.authentication import SESSION_LOGIN_AT
from fenji.core.people.models import Account
from fenji.core.people.signed_in import signed_in_account

from . import runner


def cpu_ms(fn, repeat: int, warmup: int | None = None, budget: float = 15.0) -> float:
    """Median CPU ms of ``repeat`` calls after a warm-up — fewer (at least 3) once ``budget`` seconds are spent,
    as ``runner.timed``: a page taking seconds on SQLite at the province's root (an exact count over 500,000
    rows) must not hold the run for hours."""
    deadline = time.perf_counter() + budget / 3
    for _ in range(min(20, repeat) if warmup is None else warmup):
        fn()
        if time.perf_counter() > deadline:
            break
    samples = []
    deadline = time.perf_counter() + budget
    for _ in range(repeat):
        start = time.process_time()
        fn()
        samples.append(time.process_time() - start)
        if len(samples) >= 3 and time.perf_counter() > deadline:
            break
    return statistics.median(samples) * 1000


def queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def _identity(pk):
    return policy.actor_for(signed_in_account(pk))


# Each middleware sits between two stopwatches: its own time is what passes between the outer one and the inner one
# on the way in, plus between the inner one and the outer one on the way out.
_marks: list[tuple[int, str, float]] = []


def stopwatch(n: int):
    def factory(get_response):
        def watched(request):
            _marks.append((n, "in", time.process_time()))
            response = get_response(request)
            _marks.append((n, "out", time.process_time()))
            return response

        return watched

    return factory


def _stopwatches() -> list[str]:
    chain = []
    for n, path in enumerate(settings.MIDDLEWARE):
        chain += [f"{__name__}.STOPWATCH_{n}", path]
    return [*chain, f"{__name__}.STOPWATCH_{len(settings.MIDDLEWARE)}"]


def middleware_ms(account, page: str, repeat: int) -> dict[str, float]:
    """Median CPU ms of each middleware's own work (in and out) on a console request for ``page``."""
    for n in range(len(settings.MIDDLEWARE) + 1):
        globals()[f"STOPWATCH_{n}"] = stopwatch(n)
    own: dict[str, list[float]] = {path: [] for path in settings.MIDDLEWARE}
    with override_settings(MIDDLEWARE=_stopwatches()):
        browser = _browser(account)
        warmup = min(20, repeat)
        for i in range(repeat + warmup):
            _marks.clear()
            browser.get(page)
            at = {(n, way): t for n, way, t in _marks}
            if i < warmup:
                continue
            for n, path in enumerate(own):
                own[path].append((at[(n + 1, "in")] - at[(n, "in")]) + (at[(n, "out")] - at[(n + 1, "out")]))
    return {path.rsplit(".", 1)[-1]: round(statistics.median(samples) * 1000, 3) for path, samples in own.items()}


def _browser(account) -> Client:
    browser = Client()
    browser.force_login(account)
    session = browser.session
    session[SESSION_LOGIN_AT] = time.time()
    session.save()
    return browser


def case_requests(levels, actors, repeat: int) -> dict:
    """Per level, the viewer signed in: console and API CPU ms per request (median), their query counts, the identity
    step alone; at the first level, each middleware's own share."""
    with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
        return {label: _level(label, unit, actors, repeat, shares=i == 0) for i, (label, unit) in enumerate(levels)}


def _level(label, unit, actors, repeat: int, *, shares: bool) -> dict:
    mobile = actors[label]["viewer_mobile"]
    account = Account.objects.unscoped(reason="bench").get(mobile_hash=blind_index(mobile))
    browser = _browser(account)
    _, plain = runner.api_token(mobile)
    machine = Client(headers={"Authorization": f"Bearer {plain}"})
    page, api = f"/people/accounts/?unit={unit.pk}", f"/api/v1/accounts?unit={unit.pk}"
    assert browser.get(page).status_code == 200 and machine.get(api).status_code == 200
    console, machine_call = partial(browser.get, page), partial(machine.get, api)
    out = {"console_cpu_ms": round(cpu_ms(console, repeat), 3), "console_queries": queries(console),
           "api_cpu_ms": round(cpu_ms(machine_call, repeat), 3), "api_queries": queries(machine_call),
           "identity_cpu_ms": round(cpu_ms(partial(_identity, account.pk), repeat * 5), 3)}
    if shares:
        out["middleware_cpu_ms"] = middleware_ms(account, page, repeat)
    return out


def main(repeat: int = 300) -> None:
    levels = runner.pick_levels(None)
    results = case_requests(levels, runner.prepare_actors(levels), repeat)
    for label, r in results.items():
        print(f"{label}: console {r['console_cpu_ms']:.2f} ms ({r['console_queries']} queries), "
              f"API {r['api_cpu_ms']:.2f} ms ({r['api_queries']} queries), identity {r['identity_cpu_ms']:.3f} ms")
        for name, ms in r.get("middleware_cpu_ms", {}).items():
            print(f"    {name}: {ms:.3f} ms")
