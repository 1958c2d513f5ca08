"""Every API operation fuzzed from its OpenAPI schema (schemathesis), as a city administrator.

Each operation of ``/api/openapi.json`` gets generated requests — valid ones, and in the negative mode ones that
break the schema (wrong types, missing or extra fields, numbers out of range, odd characters in the path) —
sent in-process through Django's whole stack, with a personal API token. Every answer must be no server error,
have a status the operation declares, the content type it declares and a body that matches the declared
schema (the error envelope for every 4xx, ``fenji.core.api.errors``).

Who calls: the city's system administrator (南京市) for the operations its role holds. An operation whose
action a system administrator never holds (三员: security and audit duties, the modules' business roles) is
called by an account of the same city holding the first role that has the action, so that the request gets
past the 403 and its input reaches validation and the services; the 403 itself is walked by
``tests/test_routes.py``. Path ids are generated too, so an operation on one row mostly meets no such row (404):
this proves the edges (parsing, validation, the envelope, the declared answers), the rows' behaviour is in the
apps' own tests.

Bounded and deterministic: a fixed seed, a few examples per operation and mode, no shrinking, no example database
and no coverage or stateful phase; the same ~800 requests every run (measured: 36 s on PostgreSQL
on the shared 2-CPU machine under a load of 5 to 10; about 25 s when it is quiet). The rate
limits stay as configured: 429 is a documented answer of every operation (a token that keeps failing, token
creation past its hourly count), in the envelope with ``Retry-After``.

Run in the PostgreSQL pass only: the schema, the validation and the envelope are the same on both databases, and
PostgreSQL is the one that also refuses a value longer than its column; the SQLite pass would repeat the 800
requests for nothing new.
"""

import os
import re

import pytest
import schemathesis
from django.test.client import ClientHandler
from hypothesis import HealthCheck, settings
from schemathesis import checks

from fenji.api import api
from fenji.core.access.roles import BUILTIN_ROLES, SYSTEM_ADMIN
from fenji.testing import Tree, make_account, shared_world
from fenji.testing.routing import api_routes
from test_api import token_for

pytestmark = pytest.mark.skipif(not os.environ.get("FENJI_DATABASE_URL", "").startswith("postgres"),
                                reason="fuzzed in the PostgreSQL pass (the same schema; PostgreSQL checks lengths)")

CONFIG = schemathesis.Config.from_dict({
    "seed": 22,
    "generation": {"mode": "all", "max-examples": 4, "no-shrink": True, "deterministic": True,
                   "database": "none", "with-security-parameters": False},
    "phases": {"examples": {"enabled": False}, "coverage": {"enabled": False}, "stateful": {"enabled": False}},
})
CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_schema_conformance]


def django_app(environ, start_response):
    """Django as a WSGI application the way its test client calls it: the request runs on the test's database
    connection, inside its transaction (the plain WSGI handler would close that connection first)."""
    response = ClientHandler(enforce_csrf_checks=True)(environ)
    headers = [*response.items(), *(("Set-Cookie", c.output(header="")) for c in response.cookies.values())]
    start_response(f"{response.status_code} {response.reason_phrase}", headers)
    return [response.content]


schema = schemathesis.openapi.from_dict(api.get_openapi_schema(), config=CONFIG)
schema.app = django_app

# "POST /api/v1/units/{id}/children" → the action the operation needs (None: any signed-in account)
ACTIONS = {(r.method, "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", r.pattern)): r.rule.action
           for r in api_routes() if r.operation is not None}


def _role_for(action: str | None):
    if action is None or action in SYSTEM_ADMIN.actions:
        return SYSTEM_ADMIN
    return next(role for role in BUILTIN_ROLES.values() if action in role.actions)


class World:
    pass


def build():
    w = World()
    w.tree = Tree()
    w.tokens = {}
    for role in dict.fromkeys(_role_for(action) for action in ACTIONS.values()):
        name = "南京管理员" if role is SYSTEM_ADMIN else f"南京{role.label}"
        w.tokens[role.code] = token_for(make_account(w.tree.city, name=name, role=role), name="接口模糊测试")
    return w


_world, w = shared_world(build)


@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])  # `w` is the file's shared world
def test_every_operation_answers_as_its_schema_says_whatever_the_input(case, w):
    token = w.tokens[_role_for(ACTIONS[case.method.upper(), case.operation.path]).code]
    case.call_and_validate(headers={"Authorization": f"Bearer {token}", "Host": "testserver"}, checks=CHECKS)
