"""Refusals a scan repeats thousands of times are on record, yet cannot flood the audit log.

Issue 12, findings 7 and 8: ~11,000 out-of-scope probes answered 404 left no event at all, while 320
junk bearer tokens in 1.7 s wrote 320 events (which the 180-day floor forbids purging). Both are now
counted per actor (or client address) and minute: the first of a minute is an event at once, the rest
one aggregated event whose ``count`` says how many — and an address that keeps failing gets 429.
"""

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.access.roles import SYSTEM_ADMIN
from fenji.core.api import services as token_services
from fenji.core.audit.models import AuditEvent, RefusalCount
from fenji.core.audit.refusals import minute_of
from fenji.core.notify import periodic
from fenji.core.org.models import Unit
from fenji.testing import PASSWORD, complete_second_factor, make_account

SCOPE_MISS = "access.scope.miss"
TOKEN_FAILED = "api.token.authenticate"


@pytest.fixture
def frozen():
    """Time stands still 5 s into the next minute; ``frozen.shift(seconds)`` moves it."""
    start = minute_of(timezone.now()) + datetime.timedelta(minutes=1, seconds=5)
    with time_machine.travel(start, tick=False) as traveller:
        yield traveller


def api_client(account, **extra) -> Client:
    _, plain = token_services.token_create(actor=policy.SYSTEM, account=account, name="探测")
    return Client(headers={"Authorization": f"Bearer {plain}"}, **extra)


def console_client(account) -> Client:
    client = Client()
    response = client.post("/login/", {"mobile": account.mobile, "password": PASSWORD})
    complete_second_factor(client, account, response)
    return client


def events(action, *, after=0):
    return list(AuditEvent.objects.filter(action=action, seq__gt=after).order_by("seq"))


def last_seq():
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def run_flush_job():
    report = periodic.run_due(run_all=True, names=["audit.refusal_counts"])
    assert report.ran == ["audit.refusal_counts"]


def missing_unit_id():
    return Unit._base_manager.order_by("-pk").values_list("pk", flat=True).first() + 1000


# --- finding 7: out-of-scope lookups --------------------------------------------------------------------


def test_a_scan_of_other_subtrees_is_on_record_in_a_handful_of_events(tree, frozen):
    prober = make_account(tree.sibling_city, name="苏州管理员", role=SYSTEM_ADMIN)
    api = api_client(prober)
    console = console_client(prober)
    before = last_seq()
    out_of_scope = [tree.city, tree.county, tree.town, tree.other_town]
    missing = missing_unit_id()
    for i in range(150):
        unit_id = missing if i % 3 == 2 else out_of_scope[i % 4].pk
        assert api.get(f"/api/v1/units/{unit_id}").status_code == 404
    for i in range(50):
        assert console.get(f"/org/units/{out_of_scope[i % 4].pk}/").status_code == 404

    # At once: the first probe of the minute, which says what it was and where it pointed.
    (first,) = events(SCOPE_MISS, after=before)
    assert first.outcome == "denied" and first.actor_id == prober.pk
    assert first.actor_unit_path == tree.sibling_city.path  # the prober's own auditor sees it
    assert first.target_unit_path == tree.city.path  # and so does the auditor of the probed unit
    assert first.details["count"] == 1 and first.details["reason"] == "out_of_scope"
    assert (first.target_type, first.target_id) == ("org.unit", str(tree.city.pk))

    # The minute over, the periodic job writes the rest as one event: nothing is lost.
    frozen.shift(60)
    run_flush_job()
    written = events(SCOPE_MISS, after=before)
    assert len(written) == 2
    aggregate = written[1]
    assert aggregate.actor_id == prober.pk and aggregate.details["aggregated"] is True
    assert sum(e.details["count"] for e in written) == 200
    assert aggregate.details["reasons"] == {"out_of_scope": 149, "missing": 50}
    assert f"GET /api/v1/units/{missing}" in aggregate.details["samples"]
    assert aggregate.client_ip == "127.0.0.1" and aggregate.target_type == "org.unit"
    assert not RefusalCount.objects.exists()

    run_flush_job()  # a second run writes nothing twice
    assert len(events(SCOPE_MISS, after=before)) == 2


def test_the_next_probe_after_the_minute_writes_the_count_of_the_last_one(tree, frozen):
    prober = make_account(tree.sibling_city, name="苏州管理员", role=SYSTEM_ADMIN)
    api = api_client(prober)
    before = last_seq()
    for _ in range(30):
        api.get(f"/api/v1/units/{tree.city.pk}")
    frozen.shift(60)
    api.get(f"/api/v1/units/{tree.town.pk}")
    counts = [(e.details["count"], e.details.get("aggregated", False)) for e in events(SCOPE_MISS, after=before)]
    assert counts == [(1, False), (29, True), (1, False)]


def test_each_actor_is_counted_apart(tree, frozen):
    one = make_account(tree.sibling_city, name="苏州管理员", role=SYSTEM_ADMIN)
    other = make_account(tree.town, name="街道管理员", role=SYSTEM_ADMIN)
    before = last_seq()
    for client, unit in ((api_client(one), tree.city), (api_client(other), tree.sibling_city)):
        for _ in range(10):
            client.get(f"/api/v1/units/{unit.pk}")
    frozen.shift(60)
    run_flush_job()
    by_actor = {}
    for event in events(SCOPE_MISS, after=before):
        by_actor[event.actor_id] = by_actor.get(event.actor_id, 0) + event.details["count"]
    assert by_actor == {one.pk: 10, other.pk: 10}


def _page(response, path: str) -> bytes:
    """The page without what differs on every page anyway: the masked CSRF token and the page's own path
    (the language switch returns to it)."""
    content = re.sub(rb'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', rb"\1", response.content)
    return content.replace(path.encode(), b"PATH")


def test_out_of_scope_and_missing_answer_byte_for_byte_alike(tree, frozen):
    prober = make_account(tree.sibling_city, name="苏州管理员", role=SYSTEM_ADMIN)
    api = api_client(prober)
    before = last_seq()
    hidden, missing = api.get(f"/api/v1/units/{tree.town.pk}"), api.get(f"/api/v1/units/{missing_unit_id()}")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    assert hidden["Content-Type"] == missing["Content-Type"]

    console = console_client(prober)
    hidden_path, missing_path = f"/org/units/{tree.town.pk}/", f"/org/units/{missing_unit_id()}/"
    hidden, missing = console.get(hidden_path), console.get(missing_path)
    assert hidden.status_code == missing.status_code == 404
    assert _page(hidden, hidden_path) == _page(missing, missing_path)

    frozen.shift(60)
    run_flush_job()
    reasons = [e.details.get("reason") or e.details["reasons"] for e in events(SCOPE_MISS, after=before)]
    assert reasons == ["out_of_scope", {"missing": 2, "out_of_scope": 1}]


# --- finding 8: junk bearer tokens ----------------------------------------------------------------------


def junk(i: int) -> str:
    return f"fj_{i:08x}_" + "x" * 43


def test_a_junk_token_flood_writes_a_handful_of_events_and_is_throttled(tree, city_admin, settings, frozen):
    settings.AUTH_FAILURES_PER_MINUTE = 20
    before = last_seq()
    statuses = []
    for i in range(320):
        response = Client(REMOTE_ADDR="203.0.113.9").get("/api/v1/me", headers={"Authorization": f"Bearer {junk(i)}"})
        statuses.append(response.status_code)
        if response.status_code == 429:
            body = response.json()["error"]
            assert body["code"] == "throttled" and body["message"] == "请求过于频繁，请稍后再试"
            assert response["Retry-After"] == "55"  # until the minute is over
    assert statuses == [401] * 20 + [429] * 300

    # Another address is unaffected, and so is a valid token from the throttled address.
    other = Client(REMOTE_ADDR="198.51.100.4").get("/api/v1/me", headers={"Authorization": f"Bearer {junk(1)}"})
    assert other.status_code == 401
    _, plain = token_services.token_create(actor=policy.SYSTEM, account=city_admin, name="脚本")
    valid = Client(REMOTE_ADDR="203.0.113.9").get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"})
    assert valid.status_code == 200

    assert len(events(TOKEN_FAILED, after=before)) == 2  # the first of each address
    frozen.shift(60)
    again = Client(REMOTE_ADDR="203.0.113.9").get("/api/v1/me", headers={"Authorization": f"Bearer {junk(0)}"})
    assert again.status_code == 401  # a new minute, a new allowance
    run_flush_job()
    written = [e for e in events(TOKEN_FAILED, after=before) if e.client_ip == "203.0.113.9"]
    assert len(written) <= 3
    assert sum(e.details["count"] for e in written) == 321
    aggregate = next(e for e in written if e.details.get("aggregated"))
    assert aggregate.details["reasons"] == {"unknown": 319}
    assert all(e.outcome == "failed" and e.actor_id is None for e in written)


# --- failed logins --------------------------------------------------------------------------------------


def test_a_login_spray_from_one_address_writes_a_handful_of_events_and_is_refused(tree, settings, frozen):
    settings.AUTH_FAILURES_PER_MINUTE = 20
    victim = make_account(tree.town, name="街道人员")
    before = last_seq()
    sprayer = Client(REMOTE_ADDR="203.0.113.9")
    statuses = []
    for i in range(100):
        mobile = victim.mobile if i == 3 else f"1380000{i:04d}"  # numbers without an account, and one with
        response = sprayer.post("/login/", {"mobile": mobile, "password": "Wrong#Guess1"})
        statuses.append(response.status_code)
    assert statuses == [200] * 20 + [429] * 80
    assert "本机登录失败次数过多，请 55 秒后再试" in response.content.decode() and response["Retry-After"] == "55"
    # The throttle refuses even the right password from that address; another address signs in.
    throttled = sprayer.post("/login/", {"mobile": victim.mobile, "password": PASSWORD})
    assert throttled.status_code == 429 and "_auth_user_id" not in sprayer.session
    assert Client(REMOTE_ADDR="198.51.100.4").post("/login/", {"mobile": victim.mobile,
                                                               "password": PASSWORD}).status_code == 302

    failed = [e for e in events("people.login", after=before) if e.outcome == "failed"]
    # The wrong password for an existing account stays an event of its own, seen by its unit's auditor.
    assert [(e.target_id, e.target_unit_path) for e in failed if e.target_type == "people.account"
            and e.target_unit_path] == [(str(victim.pk), victim.unit_path)]
    assert len(failed) == 2
    frozen.shift(60)
    run_flush_job()
    failed = [e for e in events("people.login", after=before) if e.outcome == "failed"]
    assert len(failed) == 3
    assert sum(e.details.get("count", 1) for e in failed) == 101
    aggregate = failed[-1]
    assert aggregate.details["reasons"] == {"unknown_number": 18, "throttled": 81}
    assert all("*" in sample for sample in aggregate.details["samples"])  # masked numbers only
    assert aggregate.client_ip == "203.0.113.9"
