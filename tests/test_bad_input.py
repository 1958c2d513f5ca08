"""Bad input never makes a server error: every route, walked with malformed values.

The walk is generic, like ``tests/test_routes.py``: the routes come from the URL resolver
(``fenji.testing.routing``), and the names each route may read come from the code itself — the fields of
every form in the platform, the names views read from ``request.GET`` / ``request.POST``, and for the
API its OpenAPI schema (query parameters and JSON bodies). A route or a field added later is walked
without being listed here.

Each route is called as an account holding its action (or anonymously), with every path id replaced by
0 and a number beyond 64 bits, and with its query string and body poisoned one kind at a time: huge,
negative and zero ids, dates out of range, control characters, overlong text. The answer may be a
redirect, a form error, 400, 404 or 422 — anything but 5xx. SQLite and PostgreSQL fail differently on
out-of-range numbers, so this runs on both (``scripts/with-postgres.sh``).
"""

import datetime
import functools
import json
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django import forms
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.utils import timezone

import fenji
from fenji.core.access import policy
from fenji.core.access.roles import AUDITOR, BUILTIN_ROLES, DEPT_HEAD, SECURITY_ADMIN, SYSTEM_ADMIN, UNIT_LEADER
from fenji.core.access.services import grant_create
from fenji.testing import PASSWORD, Tree, complete_second_factor, make_account, shared_world
from fenji.testing.routing import all_routes, api_routes, is_int

HUGE = "99999999999999999999999"
CONTROL = "a\x00b\x1b[31m\x7f\x85c"
# Longer than most fields take (≤ 1000), yet small enough that a form carrying it in every field (~150 of them)
# stays under DATA_UPLOAD_MAX_MEMORY_SIZE: the POST reaches the forms' own validation instead of the size guard
# (a longer body is answered 400 before any form reads it: that guard is walked by the "huge" text in the API).
OVERLONG = "长" * 1000
# In a query string each "长" is three percent escapes, and decoding ~150 fields of them (urllib's unquote, one
# escape at a time) was 40 % of the walk's time: there the value is as long, with one multi-byte character.
OVERLONG_QUERY = "长" + "x" * 1000

ROUTES = [r for r in all_routes() if r.rule is not None]
OPERATIONS = [r for r in api_routes() if r.operation is not None]


def _ids(routes):
    return [r.label for r in routes]


# --- what a route may read -------------------------------------------------------------------------

DATE_NAME = re.compile(r"(^|_)(start|end|since|until|from|date|day|on|at)$|^period_")


def _form_classes():
    seen, todo = [], list(forms.Form.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("fenji.") and cls not in seen:
            seen.append(cls)
    return seen


def _kind(field) -> str:
    if isinstance(field, (forms.DateTimeField, forms.SplitDateTimeField)):
        return "datetime"
    if isinstance(field, forms.DateField):
        return "date"
    if isinstance(field, forms.FileField):
        return "file"
    return "value"


def _field_names() -> dict[str, str]:
    """Every input name the console reads, and whether it is a date: form fields, and the names views
    read from the query string or the body directly (``request.GET.get("unit")``, ``data.getlist(…)``)."""
    names: dict[str, str] = {}
    for cls in _form_classes():
        for name, field in cls.base_fields.items():
            names.setdefault(name, _kind(field))
    read = re.compile(r"""(?:GET|POST|data)(?:\.get|\.getlist|)\(?\[?\s*["']([A-Za-z_][\w-]*)["']""")
    for source in Path(fenji.__file__).parent.rglob("*.py"):
        if "tests" in source.parts or "migrations" in source.parts:
            continue
        for name in read.findall(source.read_text(encoding="utf-8")):
            names.setdefault(name, "date" if DATE_NAME.search(name) else "value")
    names.pop("csrfmiddlewaretoken", None)
    return {name: kind for name, kind in names.items() if kind != "file"}


FIELDS = _field_names()

# One poisoning at a time: which kinds of input it replaces, and with what. The others keep a plausible
# value (a real unit's id, today), so that a bad date is reached behind a valid unit and the other way round.
POISONS = {
    "huge": ({"value"}, HUGE),
    "negative": ({"value"}, "-1"),
    "zero": ({"value"}, "0"),
    "superscript": ({"value"}, "²"),  # str.isdigit() says yes, int() says no
    "far_date": ({"date", "datetime"}, "9999-12-31"),
    "zero_date": ({"date", "datetime"}, "0000-00-00"),
    "control": ({"value", "date", "datetime"}, CONTROL),
    "overlong": ({"value", "date", "datetime"}, OVERLONG),
}


def _baseline(kind: str, row_id: int) -> str:
    today = timezone.localdate()
    return {"date": today.isoformat(), "datetime": f"{today.isoformat()} 10:00"}.get(kind, str(row_id))


def _form_data(poison: str, row_id: int, *, query: bool = False) -> dict[str, str]:
    kinds, bad = POISONS[poison]
    bad = OVERLONG_QUERY if query and bad == OVERLONG else bad
    return {name: bad if kind in kinds else _baseline(kind, row_id) for name, kind in FIELDS.items()}


# Encoded once per poison, not once per request: the overlong query string alone is ~2.5 MB, and quoting it for
# each of ~240 routes cost a third of the walk's time.
@functools.cache
def _query_string(poison: str, row_id: int) -> str:
    return urlencode(_form_data(poison, row_id, query=True))


@functools.cache
def _multipart_body(poison: str, row_id: int) -> bytes:
    return encode_multipart(BOUNDARY, _form_data(poison, row_id))


# --- the API's inputs, from its schema ------------------------------------------------------------


@functools.cache
def _api_schema():
    from fenji.api import api

    return api.get_openapi_schema()


def _resolve(schema: dict, components: dict) -> dict:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _api_kind(schema: dict, components: dict) -> str:
    schema = _resolve(schema, components)
    options = [_resolve(s, components) for s in schema.get("anyOf", [schema])]
    for option in options:
        if option.get("format") == "date-time":
            return "datetime"
        if option.get("format") == "date":
            return "date"
        if option.get("type") in ("integer", "number"):
            return "integer"
        if option.get("type") == "boolean":
            return "boolean"
        if option.get("type") == "array":
            return "array"
    return "string"


API_POISONS = {
    "huge": ({"integer"}, int(HUGE)),
    "huge_text": ({"integer", "string"}, HUGE),
    "negative": ({"integer"}, -1),
    "zero": ({"integer"}, 0),
    "far_date": ({"date"}, "9999-12-31"),
    "zero_date": ({"date", "datetime"}, "0000-00-00"),
    "naive_datetime": ({"datetime"}, "2099-01-01T10:00:00"),
    "far_datetime": ({"datetime"}, "9999-12-31T23:59:59"),
    "far_datetime_aware": ({"datetime"}, "9999-12-31T23:59:59+14:00"),
    "control": ({"string", "date", "datetime"}, CONTROL),
    "overlong": ({"string"}, OVERLONG),
}


def _api_value(kind: str, poison: str, row_id: int):
    kinds, bad = API_POISONS[poison]
    if kind in kinds:
        return bad
    if kind == "array":
        return [row_id]
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    return {"integer": row_id, "boolean": True, "date": tomorrow.isoformat(),
            "datetime": f"{tomorrow.isoformat()}T10:00:00+08:00"}.get(kind, "测试")


def _api_request(route, poison: str, row_id: int) -> tuple[dict, dict | None]:
    """The query parameters and the JSON body of one API operation, poisoned."""
    schema = _api_schema()
    components = schema["components"]["schemas"]
    path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route.pattern)
    operation = schema["paths"][path][route.method.lower()]
    query = {p["name"]: _api_value(_api_kind(p["schema"], components), poison, row_id)
             for p in operation.get("parameters", []) if p["in"] == "query"}
    body = None
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if content is not None:
        body_schema = _resolve(content["schema"], components)
        body = {name: _api_value(_api_kind(field, components), poison, row_id)
                for name, field in body_schema.get("properties", {}).items()}
    return query, body


# --- who calls -------------------------------------------------------------------------------------

# The accounts the walk signs in as: between them they hold every action (三员 keeps the duties apart), the
# modules' business roles after the administrators.
PERSONAS = [("system", (SYSTEM_ADMIN,)), ("security", (SECURITY_ADMIN,)), ("audit", (AUDITOR,)),
            ("business", (DEPT_HEAD, UNIT_LEADER)), ("office", (BUILTIN_ROLES["office_network_admin"],)),
            ("veterans", (BUILTIN_ROLES["veterans_worker"],)),
            ("discipline", (BUILTIN_ROLES["petition_officer"], BUILTIN_ROLES["case_officer"],
                            BUILTIN_ROLES["conduct_officer"], BUILTIN_ROLES["export_officer"],
                            BUILTIN_ROLES["import_officer"])),
            ("league", (BUILTIN_ROLES["league_cadre"],)),
            ("labor", (BUILTIN_ROLES["labor_requester"], BUILTIN_ROLES["labor_centre"]))]


def _persona(rule) -> tuple[str, str]:
    """Who walks a route (the first persona holding its action) and through which login page."""
    name = next((name for name, roles in PERSONAS
                 if rule.action is None or any(rule.action in role.actions for role in roles)), None)
    assert name is not None, f"no persona holds {rule.action}"
    return name, "/m/login/" if rule.channel == "mobile" else "/login/"


class World:
    pass


def build():
    """The tree, and each persona signed in once through each login page its routes need: ~800 walks then pay
    for a fresh client with the session's cookies, not for a tree, an account and a sign-in each."""
    w = World()
    w.tree = Tree()
    w.accounts, w.cookies = {}, {}
    for name, roles in PERSONAS:
        w.accounts[name] = account = make_account(w.tree.province, name=f"遍历{name}")
        for role in roles:
            grant_create(actor=policy.SYSTEM, account=account, role=role.code, unit=w.tree.province)
    for name, login_page in {_persona(r.rule) for r in ROUTES + OPERATIONS if not r.rule.public}:
        client, account = Client(), w.accounts[name]
        response = client.post(login_page, {"mobile": account.mobile, "password": PASSWORD})
        assert response.status_code == 302, response.content.decode()[:500]
        complete_second_factor(client, account, response)
        w.cookies[name, login_page] = {key: morsel.value for key, morsel in client.cookies.items()}
    return w


_world, w = shared_world(build)  # each test in a savepoint: what a walk changes (even its own account) is undone


@pytest.fixture
def tree(w):
    return w.tree


@pytest.fixture
def caller(w):
    """``caller(route)``: a client signed in as an account holding the route's action at the top of the tree
    (any account for a route without an action); a client without a session for a public route. Server
    errors come back as 500 responses instead of being raised."""

    def sign_in(route):
        client = Client(raise_request_exception=False)
        if route.rule.public:
            return client, None
        name, login_page = _persona(route.rule)
        account = w.accounts[name]
        assert route.rule.action is None or policy.can(policy.actor_for(account), route.rule.action), route.label
        for key, value in w.cookies[name, login_page].items():
            client.cookies[key] = value
        return client, account

    return sign_in


def _row_ids(tree, account, route) -> dict[str, int]:
    """Real rows for the route's path ids, made by ``account`` where it may (its dispatch, its draft…),
    keyed by the word before the parameter (``dispatch/<pk>/`` → "dispatch")."""
    from fenji.core.access.models import Grant
    from fenji.core.audit.models import AuditEvent
    from fenji.core.dispatch.models import Delivery, DispatchKind
    from fenji.core.dispatch.services import Targets, dispatch_send
    from fenji.core.ops.services import maintenance_schedule
    from fenji.core.workflow.models import Request

    words = {_word(p) for p in route.parameters if is_int(p)}
    rows = {"unit": tree.province.pk}
    if account is None:
        return rows
    actor = policy.actor_for(account)
    rows["account"] = account.pk
    if "grant" in words:
        rows["grant"] = Grant.objects.unscoped(reason="test").filter(account=account).first().pk
    if "event" in words:
        rows["event"] = AuditEvent.objects.order_by("-seq").first().seq
    if "maintenance" in words:
        starts = timezone.now() + datetime.timedelta(days=2)
        rows["maintenance"] = maintenance_schedule(actor=policy.SYSTEM, unit=tree.province, title="遍历维护",
                                                   starts_at=starts, ends_at=starts + datetime.timedelta(hours=2)).pk
    if {"dispatch", "delivery"} & words and policy.can(actor, "dispatch.dispatch.send"):
        dispatch = dispatch_send(actor=actor, kind=DispatchKind.NOTICE, title="遍历通知",
                                 targets=Targets(units=[tree.city]))
        rows["dispatch"] = dispatch.pk
        rows["delivery"] = Delivery.objects.unscoped(reason="test").get(dispatch=dispatch).pk
    if "submission" in words:  # drafted by a clerk of the city (the province reports to no one), sent up to it
        from fenji.core.access.roles import STAFF
        from fenji.core.submissions.models import SubmissionKind
        from fenji.core.submissions.services import submission_draft

        clerk = make_account(tree.city, name="遍历报送人", role=STAFF)
        rows["submission"] = submission_draft(actor=policy.actor_for(clerk), kind=SubmissionKind.values[0],
                                              title="遍历报送", body="内容", contact="联系人").pk
    if "request" in words:
        rows["request"] = Request.objects.create(unit=account.unit, unit_path=account.unit_path, kind="walk.sample",
                                                 title="遍历申请", payload_json="{}", requester=account).pk
    return rows


def _word(parameter) -> str:
    """``dispatch/deliveries/<int:pk>/`` → "delivery", ``org/units/<int:unit_pk>/…`` → "unit"."""
    word = parameter.name.removesuffix("_pk").removesuffix("_id")
    if parameter.before.endswith("m/dispatch/"):  # the mobile page of a delivery
        return "delivery"
    if word in ("pk", "id", "seq"):
        word = parameter.before.rstrip("/").rsplit("/", 1)[-1]
    word = {"deliveries": "delivery", "events": "event"}.get(word, word)
    return word.removesuffix("s")


def _path_fills(route, rows: dict[str, int]):
    """The route's path with real ids, then with 0 and a number beyond 64 bits in every int parameter."""
    def real(parameter):
        return rows.get(_word(parameter), rows["unit"])

    yield route.url(lambda _route, p: real(p) if is_int(p) else "x")
    for value in ([0, int(HUGE)] if any(is_int(p) for p in route.parameters) else []):
        yield route.url(lambda _route, p, value=value: value if is_int(p) else "x")
    if any(not is_int(p) for p in route.parameters):
        yield route.url(lambda _route, p: real(p) if is_int(p) else _odd_text(p.converter))


def _odd_text(converter) -> str:
    """Control characters and length, as far as the path converter lets them through."""
    return next(text for text in (CONTROL + "x" * 300, "x" * 300) if re.fullmatch(converter.regex, text))


def _assert_no_server_error(response, what: str):
    assert response.status_code < 500, f"{what} answered {response.status_code}"


def _fill_paths(route, signed_in, caller, tree, send):
    """``send(client, path)`` for every fill of the route's path; then (client, path, row id) for the poisoned
    inputs, or ``None`` when the sign-in guard answers before any input is read."""
    client, account = caller(route) if signed_in else (Client(raise_request_exception=False), None)
    rows = _row_ids(tree, account, route)
    for path in _path_fills(route, rows):
        send(client, path)
    if not signed_in and not route.rule.public:
        return None
    return client, next(_path_fills(route, rows)), rows["unit"]


@pytest.mark.parametrize("signed_in", [True, False], ids=["signed_in", "anonymous"])
@pytest.mark.parametrize("route", ROUTES, ids=_ids(ROUTES))
def test_no_page_answers_bad_input_with_a_server_error(route, signed_in, caller, tree):
    poisoned = _fill_paths(route, signed_in, caller, tree,
                           lambda client, path: _assert_no_server_error(client.get(path), f"GET {path}"))
    if poisoned is None:
        return
    client, path, row_id = poisoned
    for poison in POISONS:
        _assert_no_server_error(client.get(f"{path}?{_query_string(poison, row_id)}"), f"GET {path} ({poison})")
        response = client.generic("POST", path, _multipart_body(poison, row_id), content_type=MULTIPART_CONTENT)
        _assert_no_server_error(response, f"POST {path} ({poison})")


def _call(client, route, target, body, what: str):
    response = client.generic(route.method, target, json.dumps(body), content_type="application/json")
    _assert_no_server_error(response, what)
    assert response["Content-Type"].startswith("application/json"), what


@pytest.mark.parametrize("signed_in", [True, False], ids=["signed_in", "anonymous"])
@pytest.mark.parametrize("route", OPERATIONS, ids=_ids(OPERATIONS))
def test_no_api_operation_answers_bad_input_with_a_server_error(route, signed_in, caller, tree):
    poisoned = _fill_paths(route, signed_in, caller, tree,
                           lambda client, path: _call(client, route, path, {}, f"{route.method} {path}"))
    if poisoned is None:
        return
    client, path, row_id = poisoned
    for poison in API_POISONS:
        query, body = _api_request(route, poison, row_id)
        target = path + ("?" + urlencode(query) if query else "")
        _call(client, route, target, body if body is not None else {}, f"{route.method} {target[:200]} ({poison})")


def test_a_refusal_of_a_malformed_path_is_recorded_not_a_server_error(tree, outsider):
    """An account without grants is refused on every route; the refusal is audited with the path, which
    may hold a NUL (PostgreSQL stores none in text or jsonb)."""
    from fenji.core.audit.models import AuditEvent, Outcome

    client = Client(raise_request_exception=False)
    response = client.post("/login/", {"mobile": outsider.mobile, "password": PASSWORD})
    assert response.status_code == 302
    rows = {"unit": tree.province.pk}
    for route in ROUTES + OPERATIONS:
        for path in _path_fills(route, rows):
            response = client.generic(route.method or "GET", path)
            _assert_no_server_error(response, f"{route.method or 'GET'} {path} without grants")
    event = AuditEvent.objects.filter(actor_id=outsider.pk, outcome=Outcome.DENIED,
                                      details__path__startswith="/requests/new/a\\x00b").first()
    assert event is not None, "the refusal of the path with a NUL is recorded"


# --- the reproductions of issue 12, finding 11 ----------------------------------------------------------


def _signed_in(tree, *roles) -> Client:
    account = make_account(tree.province, name="省级人员")
    for role in roles:
        grant_create(actor=policy.SYSTEM, account=account, role=role.code, unit=tree.province)
    client = Client(raise_request_exception=False)
    response = client.post("/login/", {"mobile": account.mobile, "password": PASSWORD})
    complete_second_factor(client, account, response)
    return client


@pytest.mark.parametrize("query", [{"units": HUGE}, {"subtrees": HUGE}, {"units": [HUGE, "²", "-1", "0"]}])
@pytest.mark.parametrize("path", ["/dispatch/new/", "/dispatch/units/"])
def test_a_huge_unit_id_in_the_dispatch_picker_is_ignored(path, query, tree):
    client = _signed_in(tree, DEPT_HEAD)
    response = client.get(path, query)
    assert response.status_code == 200
    assert tree.city.name in response.content.decode()  # the picker still offers the units below


def test_a_bulletin_at_the_end_of_the_calendar_is_a_form_error(tree):
    client = _signed_in(tree, DEPT_HEAD)
    response = client.get("/dispatch/bulletin/", {"unit": tree.province.pk, "start": "9999-12-31",
                                                  "end": "9999-12-31"})
    assert response.status_code == 200
    assert "确保该值小于或等于2999-12-31" in response.content.decode()


def test_a_review_of_a_period_ending_in_the_future_is_a_form_error(tree):
    from fenji.core.access.models import GrantReview

    client = _signed_in(tree, SECURITY_ADMIN)
    today = timezone.localdate()
    response = client.post("/ledgers/reviews/new/", {
        "unit": tree.province.pk, "period_start": today.isoformat(),
        "period_end": (today + datetime.timedelta(days=2)).isoformat(), "findings": "未发现问题"})
    assert response.status_code == 200
    assert "审查期间不能晚于今天" in response.content.decode()
    assert not GrantReview.objects.unscoped(reason="test").exists()


@pytest.mark.parametrize("next_url", ["99999999999999999999999", "people:login", "javascript:alert(1)"])
def test_signing_out_with_a_next_that_is_no_path_goes_to_the_login_page(next_url, tree):
    client = _signed_in(tree, DEPT_HEAD)
    response = client.post("/logout/", {"next": next_url})
    assert response.status_code == 302 and response["Location"] == "/login/"
