"""With the real demo data: the Nanjing personas (clerk, system administrator, security administrator)
try every page and API route against the rows of the sibling city 苏州市, by path and by query
parameter. Nothing of 苏州 is shown, and nothing of 苏州 changes. The province's 安全审计员 tries every
write and changes nothing anywhere."""

import hashlib
import json

import pytest
from django.test import Client

from fenji.core.access import policy, registry
from fenji.core.access.models import Grant
from fenji.core.api import services as token_services
from fenji.core.kernel.paths import subtree_q
from fenji.core.org.models import Unit
from fenji.core.people.bootstrap import build_demo
from fenji.core.people.models import Account
from fenji.testing import complete_second_factor, shared_world
from fenji.testing.routing import api_routes, every_route

PASSWORD = "Demo#2026sweep"
NANJING = {"clerk": "13800000012", "system_admin": "13800000011", "security_admin": "13800000013"}
AUDITOR = "13800000004"
SUZHOU_NAMES = ("苏州", "陈静", "何莉", "姑苏")
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def build():
    build_demo(password=PASSWORD)
    suzhou = Unit.objects.get(code="320500")
    return {
        "suzhou": suzhou,
        "unit": Unit.objects.filter(parent=suzhou).order_by("path").first(),
        "account": Account.objects.unscoped(reason="test").get(mobile="13800000022"),
        "grant": Grant.objects.unscoped(reason="test").filter(unit=suzhou).first(),
    }


_world, w = shared_world(build)  # the demo built once for the file; each test in a savepoint of its own


@pytest.fixture
def demo(w):
    return w


def account(mobile):
    return Account.objects.unscoped(reason="test").get(mobile=mobile)


def snapshot(root: Unit | None = None) -> str:
    """A digest of every unit, account and grant row (in ``root``'s subtree when given)."""
    units = Unit.objects.all() if root is None else Unit.objects.filter(root.subtree_q())
    accounts = Account.objects.unscoped(reason="test")
    grants = Grant.objects.unscoped(reason="test")
    if root is not None:
        accounts = accounts.filter(subtree_q("unit_path", root.path))
        grants = grants.filter(subtree_q("unit_path", root.path))
    rows = [list(units.order_by("pk").values()), list(accounts.order_by("pk").values()),
            list(grants.order_by("pk").values())]
    return hashlib.sha256(json.dumps(rows, default=str, sort_keys=True).encode()).hexdigest()


# The id given to a row the sweep cannot name (a dispatch, a member, a petition…): no row has it. A 苏州 unit's id
# there would be a row of that other table or none depending on the order the ids were handed out (on PostgreSQL
# they are not reset between tests): a 南京 row with that id is rightly shown. Those routes meet 苏州's rows of
# their own table in the scope matrix (tests/test_scope.py), which makes them per table.
MISSING = 2**31 - 1


def sibling_value(demo, route, parameter):
    before = parameter.before
    if "token" in before:
        token, _ = token_services.token_create(actor=policy.SYSTEM, account=demo["account"], name="苏州令牌")
        return token.pk
    if "grant" in before:
        return demo["grant"].pk
    if "account" in before or "online" in before:  # 在线用户: the sign-out page takes the account's id
        return demo["account"].pk
    if "unit" in before:
        return demo["unit"].pk
    return MISSING


def console_client(mobile):
    client = Client()
    response = client.post("/login/", {"mobile": mobile, "password": PASSWORD})
    assert response.status_code == 302
    complete_second_factor(client, account(mobile), response)  # the demo's administrators pass a TOTP
    return client


def api_client(mobile):
    _, plain = token_services.token_create(actor=policy.SYSTEM, account=account(mobile), name="扫描")
    return Client(headers={"Authorization": f"Bearer {plain}"})


def shows_nothing_of_suzhou(response, label):
    if response.status_code in (301, 302):
        return
    body = response.content.decode()
    assert 200 <= response.status_code < 300 or response.status_code in (400, 403, 404, 405, 422), label
    for name in SUZHOU_NAMES:
        assert name not in body, f"{label} shows {name}"


@pytest.mark.parametrize("persona", sorted(NANJING))
def test_nanjing_sees_and_changes_nothing_of_suzhou(demo, persona):
    console, api = console_client(NANJING[persona]), api_client(NANJING[persona])
    before = snapshot(demo["suzhou"])
    for route in every_route():
        if not route.parameters or route.rule is None or route.rule.public:
            continue
        client = api if route.api else console
        path = route.url(lambda r, p: sibling_value(demo, r, p))
        methods = [route.method] if route.method else ["GET", "POST"]
        for method in methods:
            body = json.dumps({"reason": "越权", "name": "越权", "new_parent_id": demo["suzhou"].pk})
            if route.api:
                response = client.generic(method, path, body, content_type="application/json")
            else:
                response = client.generic(method, path, "reason=越权&name=越权&revoked_on=2026-11-23&reference=x",
                                          content_type="application/x-www-form-urlencoded")
            assert response.status_code not in (200, 201, 204), f"{persona}: {method} {path} → {response.status_code}"
            shows_nothing_of_suzhou(response, f"{persona}: {method} {path}")
    # list pages and list endpoints filtered to 苏州 by query parameter
    for path in ("/people/accounts/", "/access/grants/", "/access/registry/"):
        response = console.get(path, {"unit": demo["suzhou"].pk})
        assert response.status_code in (403, 404), path
    for route in api_routes():
        if route.method == "GET" and not route.parameters and route.rule and not route.rule.public:
            response = api.get(route.url(lambda r, p: None), {"unit": demo["suzhou"].pk})
            shows_nothing_of_suzhou(response, f"{persona}: GET {route.pattern}?unit=苏州")
    assert snapshot(demo["suzhou"]) == before


def test_the_auditor_changes_nothing(demo):
    auditor = account(AUDITOR)
    console, api = console_client(AUDITOR), api_client(AUDITOR)
    nanjing = Unit.objects.get(code="320100")
    targets = {
        "unit": nanjing.pk,
        "account": account(NANJING["clerk"]).pk,
        "grant": Grant.objects.unscoped(reason="test").filter(unit=nanjing).first().pk,
    }

    def own_value(route, parameter):
        if "token" in parameter.before:
            token, _ = token_services.token_create(actor=policy.SYSTEM, account=account(NANJING["clerk"]), name="t")
            return token.pk
        for key in ("grant", "account"):
            if key in parameter.before:
                return targets[key]
        return targets["unit"]

    before = snapshot()
    tried = 0
    for route in every_route():
        if route.rule is None or route.rule.action is None or registry.get(route.rule.action).read_only:
            continue  # public pages and the auditor's own session, password and tokens are not administration
        path = route.url(own_value)
        methods = [route.method] if route.method else ["POST"]
        client = api if route.api else console
        for method in methods:
            if method not in WRITE_METHODS:
                continue
            response = client.generic(method, path, json.dumps({"reason": "审计员操作", "name": "x"}) if route.api
                                      else "reason=x&name=x", content_type="application/json" if route.api
                                      else "application/x-www-form-urlencoded")
            assert response.status_code in (403, 404), f"auditor: {method} {path} → {response.status_code}"
            tried += 1
    assert tried >= 20, f"only {tried} write routes were tried"
    assert snapshot() == before
    assert policy.can(policy.actor_for(auditor), "audit.event.view", nanjing.path)
