"""The API conventions on their own: token format, route declarations, the envelope."""

import pytest
from ninja import Router
from ninja.errors import ConfigError

from fenji.core.api import tokens
from fenji.core.api.auth import SessionAuth, TokenAuth
from fenji.core.api.errors import envelope
from fenji.core.api.routes import api_route
from fenji.core.kernel.routes import RouteRule, rule_of

pytestmark = pytest.mark.no_database  # token functions, route declarations, the schema


def test_tokens_are_random_prefixed_and_only_their_digest_is_compared():
    first, second = tokens.generate(), tokens.generate()
    assert first.plain != second.plain and first.hash != second.hash
    assert tokens.prefix_of(first.plain) == first.prefix and len(first.prefix) == tokens.PREFIX_LENGTH
    assert len(first.hash) == 64 and first.plain not in first.hash
    assert tokens.matches(first.plain, first.hash)
    assert not tokens.matches(second.plain, first.hash)
    for bad in ("", "fj_", "fj_xyz_abc", "Bearer " + first.plain, first.plain + " ", "fj_ABCDEF12_" + "x" * 43):
        assert tokens.prefix_of(bad) is None, bad


def test_api_route_stores_the_rule_and_sets_the_operation_auth():
    router = Router()

    @router.get("/x")
    @api_route(action="org.unit.view")
    def with_action(request):
        return {}

    @router.get("/y")
    @api_route(public=True)
    def open_to_all(request):
        return {}

    assert rule_of(with_action) == RouteRule(action="org.unit.view", channel="api")
    operation = with_action._ninja_operation
    assert [type(a) for a in operation.auth_callbacks] == [TokenAuth, SessionAuth]
    assert {a.rule.action for a in operation.auth_callbacks} == {"org.unit.view"}
    assert rule_of(open_to_all).public and open_to_all._ninja_operation.auth_callbacks == []


def test_api_route_refuses_to_be_misplaced_or_bypassed():
    router = Router()
    with pytest.raises(ConfigError, match="below"):
        @api_route(action="org.unit.view")
        @router.get("/x")
        def above(request):
            return {}

    with pytest.raises(ConfigError, match="auth="):
        @router.get("/y", auth=None)
        @api_route()
        def explicit_auth(request):
            return {}

    with pytest.raises(ConfigError, match="public"):
        api_route(action="org.unit.view", public=True)


def test_the_envelope_shape():
    assert envelope("denied", "无权", rule="no_grant") == {
        "error": {"code": "denied", "message": "无权", "field": None, "rule": "no_grant"}}


def test_every_schema_in_the_api_document_has_a_name_of_its_own():
    """ninja names a component after its class and the last class of a name wins: the league's and the discipline
    office's ``StatsOut`` made the document describe one operation's answer with the other's schema (found by
    ``tests/test_api_fuzz.py``). A class shown in the document has a name no other schema class has."""
    import ninja

    from fenji.api import api

    components = api.get_openapi_schema()["components"]["schemas"]
    classes, todo = {}, [ninja.Schema]
    while todo:
        for cls in todo.pop().__subclasses__():
            todo.append(cls)
            if cls.__module__.startswith("fenji.") and cls.__name__ in components:
                classes.setdefault(cls.__name__, set()).add(f"{cls.__module__}.{cls.__qualname__}")
    assert {name: places for name, places in classes.items() if len(places) > 1} == {}


def test_every_operation_documents_the_envelope_for_its_refusals_and_429():
    from fenji.api import api

    for path, operations in api.get_openapi_schema()["paths"].items():
        for method, operation in operations.items():
            for status in (400, 401, 403, 404, 422, 429):  # keys as ninja builds them (ints; strings in the JSON)
                schema = operation["responses"][status]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (method, path, status)
