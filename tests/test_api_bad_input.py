"""The API's edges: malformed paths, ids and dates answer in the JSON envelope with a 4xx, never HTML or 500;
members and retired cadres get no API map. (``tests/test_bad_input.py`` walks every operation; these are
the reproductions of issue 12, finding 11 and its tightenings.)"""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from fenji.core.access.models import Grant
from fenji.core.access.roles import SECURITY_ADMIN, STAFF
from fenji.core.api import tokens
from fenji.core.api.models import ApiToken
from fenji.core.audit.models import AuditEvent, Outcome
from fenji.testing import PASSWORD, make_account
from test_api import api, csrf_login, error_of

HUGE = "99999999999999999999999"


@pytest.mark.parametrize("path", ["/api/v1/nope", f"/api/v1/accounts/{HUGE}", "/api/v1/accounts/abc",
                                  "/api/v1/accounts/-1", "/api/v1/units/1/nope", f"/api/v1/units/{HUGE}/children",
                                  "/api/v1/%00", "/api/v2/units/1", "/api/v1/me%0A", "/api/v1/units/1%0A/children"])
def test_malformed_api_paths_are_404_envelopes(path, tree, city_admin):
    assert error_of(api(city_admin).get(path), 404)["code"] == "not_found"
    anonymous = Client(raise_request_exception=False).get(path)  # 401 where an operation matched, else 404
    assert error_of(anonymous, anonymous.status_code)["code"] in ("unauthenticated", "not_found")
    assert anonymous.status_code in (401, 404)


def test_a_huge_id_in_a_body_or_query_is_422_not_a_server_error(tree, city_admin):
    client = api(city_admin)
    error = error_of(client.get("/api/v1/accounts", {"unit": HUGE}), 422)
    assert error["field"] == "unit"
    response = client.post("/api/v1/units", {"parent_id": int(HUGE), "name": "新设街道", "kind": "town"},
                           content_type="application/json")
    assert error_of(response, 422)["field"] == "parent_id"
    response = client.post("/api/v1/units", {"parent_id": tree.county.pk, "name": "新设街道", "kind": "town",
                                             "sort_order": int(HUGE)}, content_type="application/json")
    assert error_of(response, 422)["field"] == "sort_order"


def test_posting_to_an_unknown_api_path_without_csrf_is_a_404_envelope(tree, city_admin):
    client = csrf_login(city_admin)
    for path in ("/api/v1/nope", "/api/", "/api/v1/accounts/abc/disable"):
        assert error_of(client.post(path, {}, content_type="application/json"), 404)["code"] == "not_found"


def test_a_csrf_failure_under_the_api_is_an_envelope(tree, city_admin):
    client = csrf_login(city_admin)
    # the docs are a known path outside ninja's operations: Django's CSRF check answers, in the envelope
    error = error_of(client.post("/api/openapi.json", {}, content_type="application/json"), 403)
    assert error["code"] == "csrf_failed"
    page = client.post("/profile/", {})  # the console keeps Django's page
    assert page.status_code == 403 and page["Content-Type"].startswith("text/html")


def test_a_wrong_method_on_an_operation_is_a_405_envelope_even_without_csrf(tree, city_admin):
    client = csrf_login(city_admin)
    assert error_of(client.put("/api/v1/me", {}, content_type="application/json"), 405)["code"] == \
        "method_not_allowed"


@pytest.fixture
def city_security(tree):
    return make_account(tree.city, name="南京保密管理员", role=SECURITY_ADMIN)


@pytest.mark.parametrize("valid_until", ["2099-01-01T10:00:00", "2099-01-01"])
def test_a_grant_with_a_naive_valid_until_is_read_in_the_platforms_time_zone(valid_until, tree, city_security):
    account = make_account(tree.town, name="临时授权")
    response = api(city_security).post("/api/v1/grants", {
        "account_id": account.pk, "role": STAFF.code, "unit_id": tree.town.pk, "valid_until": valid_until},
        content_type="application/json")
    assert response.status_code == 201, response.content
    grant = Grant.objects.unscoped(reason="test").get(pk=response.json()["id"])
    expected = timezone.make_aware(datetime.datetime.fromisoformat(valid_until))
    assert grant.valid_until == expected


@pytest.mark.parametrize("valid_until", ["9999-12-31T23:59:59", "9999-12-31T23:59:59+14:00", "0001-01-01T00:00:00",
                                         "2000-01-01T00:00:00"])
def test_a_grant_with_an_out_of_range_or_past_valid_until_is_refused_clearly(valid_until, tree, city_security):
    account = make_account(tree.town, name="临时授权")
    response = api(city_security).post("/api/v1/grants", {
        "account_id": account.pk, "role": STAFF.code, "unit_id": tree.town.pk, "valid_until": valid_until},
        content_type="application/json")
    error = error_of(response, 400 if valid_until.startswith("2000") else 422)
    assert error["field"] == "valid_until"
    assert not Grant.objects.unscoped(reason="test").filter(account=account).exists()


@pytest.mark.parametrize("path", ["/api/openapi.json", "/api/docs"])
@pytest.mark.parametrize("kind", ["member", "elder"])
def test_members_and_elders_get_no_api_docs(path, kind, tree):
    account = make_account(tree.town, name="移动端用户", kind=kind)
    client = Client()
    assert client.post("/m/login/", {"mobile": account.mobile, "password": PASSWORD}).status_code == 302
    error = error_of(client.get(path), 403)
    assert error["rule"] == "mobile_only"
    event = AuditEvent.objects.filter(actor_id=account.pk, outcome=Outcome.DENIED).get()
    assert event.details["rule"] == "mobile_only" and event.details["path"] == path
    # a token left over from before (members cannot create one) does not open the map either
    new = tokens.generate()
    ApiToken.objects.create(account=account, name="旧令牌", prefix=new.prefix, hash=new.hash)
    response = Client(headers={"Authorization": f"Bearer {new.plain}"}).get(path)
    assert response.status_code in (401, 403) and response["Content-Type"].startswith("application/json")


def test_staff_still_read_the_docs(tree, city_admin):
    staff = make_account(tree.town, name="街道工作人员", role=STAFF)
    client = Client()
    assert client.post("/login/", {"mobile": staff.mobile, "password": PASSWORD}).status_code == 302
    assert client.get("/api/openapi.json").status_code == 200
    assert client.get("/api/docs").status_code == 200
    assert api(city_admin).get("/api/openapi.json").status_code == 200
