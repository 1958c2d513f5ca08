"""Deny by default at routing, checked over the whole URL resolver.

The walk is generic (``fenji.testing.routing``): a route added anywhere is covered by these tests
without being listed here — console and mobile pages, and every operation of the HTTP API.
"""

import uuid

import pytest
from django.urls.converters import PathConverter, SlugConverter, StringConverter, UUIDConverter

from fenji.core.api.auth import SessionAuth, TokenAuth
from fenji.core.audit.models import AuditEvent, Outcome
from fenji.testing import Tree, make_account, shared_world
from fenji.testing.routing import all_routes, api_routes, is_int

ROUTES = all_routes()
PROTECTED = [r for r in ROUTES if r.rule is not None and not r.rule.public]
WITH_ACTION = [r for r in ROUTES if r.rule is not None and r.rule.action is not None]
PUBLIC = [r for r in ROUTES if r.rule is not None and r.rule.public]
LOGIN_PAGES = {"console": "/login/", "mobile": "/m/login/"}

API_ROUTES = api_routes()
OPERATIONS = [r for r in API_ROUTES if r.operation is not None]
API_PROTECTED = [r for r in OPERATIONS if r.rule is not None and not r.rule.public]
API_WITH_ACTION = [r for r in OPERATIONS if r.rule is not None and r.rule.action is not None]
API_PAGES = [r for r in API_ROUTES if r.operation is None]  # the schema, the docs and /api/ itself


def _ids(routes):
    return [r.label for r in routes]


class World:
    pass


def build():
    """The tree, a sample account and the account without grants, made once for the ~850 walks of this file."""
    w = World()
    w.tree = Tree()
    w.sample = make_account(w.tree.town, name="路由样本")
    w.outsider = make_account(w.tree.sibling_city, name="无授权人员")
    return w


_world, w = shared_world(build)  # each test in a savepoint: its audit events and session are undone after it


@pytest.fixture
def tree(w):
    return w.tree


@pytest.fixture
def outsider(w):
    return w.outsider


@pytest.fixture
def fill(w):
    """Real rows for path parameters: ``units/<pk>`` or ``unit_pk`` a unit, ``accounts/<pk>`` an account."""
    tree = w.tree
    by_word = {"unit": tree.town.pk, "account": w.sample.pk}

    def value(route, parameter):
        if not is_int(parameter):
            converter = parameter.converter
            if isinstance(converter, UUIDConverter):
                return uuid.UUID(int=0)
            if isinstance(converter, (SlugConverter, StringConverter, PathConverter)):
                return "x"
            raise AssertionError(f"{route.label}: no sample value for converter {type(converter).__name__}")
        word = parameter.name.removesuffix("_pk").removesuffix("_id")
        if word in ("pk", "id"):
            word = parameter.before.rstrip("/").rsplit("/", 1)[-1]  # "org/units/" → "units"
        word = word.removesuffix("s")
        return by_word.get(word, tree.town.pk)  # any real row: the guard answers before the lookup

    return value


def test_the_walk_finds_the_known_routes():
    names = {r.name for r in ROUTES}
    assert {"healthz", "home:home", "org:unit", "org:create", "people:login", "people:disable", "people:open",
            "people:mobile_home"} <= names
    disable = next(r for r in ROUTES if r.name == "people:disable")
    assert disable.pattern == "people/accounts/<int:pk>/disable/"
    assert [p.name for p in disable.parameters] == ["pk"]


def test_every_route_declares_its_rule():
    undeclared = [r.label for r in ROUTES if r.rule is None]
    assert not undeclared, (
        "routes without @public / @signed_in / @requires(action) (deny by default):\n  " + "\n  ".join(undeclared)
    )


def test_every_api_operation_declares_its_rule():
    assert {"GET api:me", "GET api:unit_detail", "POST api:account_open", "POST api:grant_create",
            "POST api:token_revoke"} <= {f"{r.method} {r.name}" for r in OPERATIONS}
    undeclared = [r.label for r in API_ROUTES if r.rule is None]
    assert not undeclared, (
        "API operations without @api_route(action=…) / @api_route() / @api_route(public=True) below their "
        "@router.<method>(…) (deny by default):\n  " + "\n  ".join(undeclared)
    )


@pytest.mark.parametrize("route", OPERATIONS, ids=_ids(OPERATIONS))
def test_every_api_operation_enforces_what_it_declares(route):
    """The declaration is the enforcement: its authentication carries exactly the declared rule."""
    callbacks = route.operation.auth_callbacks
    if route.rule.public:
        assert not callbacks
    else:
        assert [type(c) for c in callbacks] == [TokenAuth, SessionAuth]
        assert all(c.rule == route.rule for c in callbacks)


def test_declared_actions_are_registered():
    from fenji.core.access import registry

    unknown = []
    for route in WITH_ACTION + API_WITH_ACTION:
        try:
            registry.get(route.rule.action)
        except KeyError:
            unknown.append(f"{route.label}: {route.rule.action}")
    assert not unknown, "routes requiring undeclared action codes:\n  " + "\n  ".join(unknown)


@pytest.mark.parametrize("route", PROTECTED, ids=_ids(PROTECTED))
def test_anonymous_get_is_sent_to_the_login_page(route, client, fill):
    path = route.url(fill)
    response = client.get(path)
    assert response.status_code == 302, f"anonymous GET {path} answered {response.status_code}"
    login_page = LOGIN_PAGES["mobile" if route.rule.channel == "mobile" else "console"]
    location = response["Location"]
    assert location.split("?")[0] == login_page, f"anonymous GET {path} went to {location}"
    assert "next=" in location


@pytest.mark.parametrize("route", PUBLIC, ids=_ids(PUBLIC))
def test_public_routes_do_not_ask_to_sign_in(route, client, fill):
    response = client.get(route.url(fill))
    assert response.status_code != 302 or response["Location"].split("?")[0] not in LOGIN_PAGES.values()
    assert response.status_code < 500


@pytest.mark.parametrize("route", WITH_ACTION, ids=_ids(WITH_ACTION))
def test_a_signed_in_account_without_grants_is_refused_and_audited(route, outsider, login, fill):
    client = login(outsider, path=LOGIN_PAGES["mobile" if route.rule.channel == "mobile" else "console"])
    path = route.url(fill)
    before = AuditEvent.objects.count()
    response = client.get(path)
    assert response.status_code == 403, f"GET {path} by an account without grants answered {response.status_code}"
    denied = AuditEvent.objects.filter(outcome=Outcome.DENIED, actor_id=outsider.pk).order_by("-id")
    assert AuditEvent.objects.count() > before
    event = denied.first()
    assert event is not None, f"no denied audit event for GET {path}"
    assert event.action == route.rule.action
    assert event.details["path"] == path
    assert event.details["method"] == "GET"
    assert event.details["rule"] == "no_grant"


# --- the HTTP API -------------------------------------------------------------------------------


def _api_call(client, route, path):
    return client.generic(route.method, path, "{}", content_type="application/json")


@pytest.mark.parametrize("route", API_PROTECTED, ids=_ids(API_PROTECTED))
def test_an_anonymous_api_call_is_401_with_the_envelope(route, client, fill):
    path = route.url(fill)
    response = _api_call(client, route, path)
    assert response.status_code == 401, f"anonymous {route.method} {path} answered {response.status_code}"
    assert response.json()["error"]["code"] == "unauthenticated"


@pytest.mark.parametrize("route", API_WITH_ACTION, ids=_ids(API_WITH_ACTION))
def test_an_api_call_without_grants_is_refused_and_audited(route, outsider, login, fill):
    client = login(outsider)
    path = route.url(fill)
    before = AuditEvent.objects.count()
    response = _api_call(client, route, path)
    assert response.status_code == 403, f"{route.method} {path} without grants answered {response.status_code}"
    assert response.json()["error"]["rule"] == "no_grant"
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.filter(outcome=Outcome.DENIED, actor_id=outsider.pk).get()
    assert event.action == route.rule.action
    assert event.details["path"] == path
    assert event.details["method"] == route.method
    assert event.details["rule"] == "no_grant"


@pytest.mark.parametrize("route", API_PAGES, ids=_ids(API_PAGES))
def test_the_api_pages_are_declared_and_answer_anonymous_visitors(route, client):
    response = client.get(route.url(lambda *_: "no/such/path"))
    if route.rule.public:
        assert response.status_code < 500
    elif route.name == "api:openapi-view":
        assert response.status_code == 302 and response["Location"].startswith(LOGIN_PAGES["console"])
    else:
        assert response.status_code == 401 and response.json()["error"]["code"] == "unauthenticated"
