"""The HTTP API (/api/v1/): tokens, session auth with CSRF, the error envelope, endpoints, docs, CLI.

    江苏省 ── 南京市 ── 玄武区 ── 新街口街道 / 梅园新村街道
          └─ 苏州市
"""

import datetime
import hashlib
import ipaddress
import re

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.access.models import Grant
from fenji.core.access.roles import SECURITY_ADMIN, STAFF, SYSTEM_ADMIN
from fenji.core.access.services import grant_create
from fenji.core.access.tests.test_grant_rules import EXCLUSIVE_PAIRS
from fenji.core.api import services as token_services
from fenji.core.api.models import ApiToken
from fenji.core.audit.models import AuditEvent, Outcome
from fenji.core.notify.sms import read_outbox
from fenji.core.org.models import Unit
from fenji.core.org.tally import tally_rebuild
from fenji.core.people.models import Account, AccountStatus, Person
from fenji.testing import PASSWORD, complete_second_factor, make_account


def token_for(account, name="测试脚本", days=None) -> str:
    _, plain = token_services.token_create(actor=policy.SYSTEM, account=account, name=name, days=days)
    return plain


def bearer(plain: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {plain}"})


def api(account) -> Client:
    """A client that calls the API with a fresh personal token of ``account``."""
    return bearer(token_for(account))


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.content.decode()[:1000]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert {"code", "message", "field"} <= set(body["error"])
    assert re.search(r"[\u4e00-\u9fff]", body["error"]["message"]), "error messages are in Chinese"
    return body["error"]


def denied_events(account):
    return AuditEvent.objects.filter(outcome=Outcome.DENIED, actor_id=account.pk)


# --- personal tokens ----------------------------------------------------------------------------


def test_a_token_authenticates_as_its_account(tree, city_admin):
    response = api(city_admin).get("/api/v1/me")
    assert response.status_code == 200, response.content
    me = response.json()
    assert me["id"] == city_admin.pk and me["real_name"] == "南京管理员"
    assert me["unit"] == {"id": tree.city.pk, "name": "南京市"}
    assert [(g["role"], g["role_label"], g["unit"]["id"]) for g in me["grants"]] == [
        ("system_admin", "系统管理员", tree.city.pk)]
    assert "org.unit.create" in me["actions"]


def test_the_token_is_hashed_at_rest_and_shown_once(tree, city_admin):
    token, plain = token_services.token_create(actor=policy.SYSTEM, account=city_admin, name="同步")
    assert re.fullmatch(r"fj_[0-9a-f]{8}_[A-Za-z0-9_-]{43}", plain)
    row = ApiToken.objects.values().get(pk=token.pk)
    assert row["hash"] == hashlib.sha256(plain.encode()).hexdigest()
    assert row["prefix"] == plain[3:11]
    secret = plain[12:]
    for value in row.values():
        assert plain not in str(value) and secret not in str(value)
    # Listing shows the prefix only.
    listed = api(city_admin).get("/api/v1/tokens").json()
    assert plain not in str(listed) and row["hash"] not in str(listed)
    assert {t["display"] for t in listed} >= {f"fj_{plain[3:11]}_…"}
    # The creation is audited without the token.
    event = AuditEvent.objects.filter(action="api.token.create", target_id=str(token.pk)).get()
    assert plain not in str(event.details) and event.target_unit_path == tree.city.path


@pytest.mark.parametrize("case", ["revoked", "expired", "wrong_secret", "malformed", "unknown_prefix",
                                  "disabled_account"])
def test_a_bad_token_is_401_with_the_envelope(case, tree, city_admin):
    token, plain = token_services.token_create(actor=policy.SYSTEM, account=city_admin, name="x", days=1)
    if case == "revoked":
        token_services.token_revoke(actor=policy.SYSTEM, token=token)
    elif case == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    elif case == "wrong_secret":
        plain = plain[:12] + ("A" if plain[12] != "A" else "B") + plain[13:]
    elif case == "malformed":
        plain = "not-a-token"
    elif case == "unknown_prefix":
        plain = "fj_00000000_" + plain[12:]
    elif case == "disabled_account":
        Account.objects.unscoped(reason="test").filter(pk=city_admin.pk).update(status=AccountStatus.DISABLED)
    response = bearer(plain).get("/api/v1/me")
    error = error_of(response, 401)
    assert error["code"] == "unauthenticated" and error["message"] == "请先登录或提供有效的接口令牌"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert AuditEvent.objects.filter(action="api.token.authenticate", outcome=Outcome.FAILED).exists()


def test_a_token_expires_after_its_days(tree, city_admin):
    plain = token_for(city_admin, days=30)
    client = bearer(plain)
    assert client.get("/api/v1/me").status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(days=30, seconds=1)):
        error_of(client.get("/api/v1/me"), 401)


def test_a_token_created_without_days_expires_after_the_default(tree, city_admin, settings):
    client = bearer(token_for(city_admin))  # no days: it used to live for ever
    assert client.get("/api/v1/me").status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(days=89, hours=23)):
        assert client.get("/api/v1/me").status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(days=90, seconds=1)):
        error_of(client.get("/api/v1/me"), 401)
    settings.API_TOKEN_DAYS = 7  # FENJI_TOKEN_DAYS
    token, _ = token_services.token_create(actor=policy.SYSTEM, account=city_admin, name="短期")
    assert token.expires_at - token.created_at < datetime.timedelta(days=7, seconds=5)
    # Asked-for days override the default, within a year.
    longer, _ = token_services.token_create(actor=policy.SYSTEM, account=city_admin, name="长期", days=365)
    assert longer.expires_at - longer.created_at > datetime.timedelta(days=364)


def test_token_days_beyond_a_year_are_refused(tree, city_admin, login):
    client = login(city_admin)
    error = error_of(client.post("/api/v1/tokens", {"name": "十年", "days": 3650}, content_type="application/json"),
                     422)
    assert "days" in str(error)
    with pytest.raises(CommandError, match="1 到 365"):
        call_command("token", "create", "--account", city_admin.mobile, "--name", "十年", "--days", "3650")
    assert not ApiToken.objects.exists()


def test_a_token_name_with_a_control_character_is_refused(tree, city_admin, login):
    client = login(city_admin)
    error = error_of(client.post("/api/v1/tokens", {"name": "同步\x1b[2J"}, content_type="application/json"), 422)
    assert (error["field"], error["message"]) == ("name", "“name”含有不允许的控制字符")
    with pytest.raises(CommandError, match="“令牌名称”含有不允许的控制字符"):
        call_command("token", "create", "--account", city_admin.mobile, "--name", "同步\x00脚本")
    assert not ApiToken.objects.exists()


def test_an_administrators_token_needs_the_second_factor(tree, city_admin, city_clerk):
    with pytest.raises(Exception, match="动态口令") as refused:
        token_services.token_create(actor=policy.actor_for(city_admin), account=city_admin, name="脚本")
    assert refused.value.rule == "second_factor_required"
    assert denied_events(city_admin).get().details["rule"] == "second_factor_required"
    token, _ = token_services.token_create(actor=policy.actor_for(city_admin), account=city_admin, name="脚本",
                                           second_factor="totp")
    created = AuditEvent.objects.get(action="api.token.create", target_id=str(token.pk))
    assert created.details["administrator"] and created.details["second_factor"] == "totp"
    # Staff sign in with the password alone; so do their tokens.
    token_services.token_create(actor=policy.actor_for(city_clerk), account=city_clerk, name="脚本")


def test_a_password_only_session_cannot_create_an_administrators_token(tree):
    newcomer = make_account(tree.city, name="新任管理员")  # no business grant: it may take a security duty
    client = Client()
    assert client.post("/login/", {"mobile": newcomer.mobile, "password": PASSWORD})["Location"] == "/"
    # Granted a security duty while signed in with the password alone: no token, the session ends.
    grant_create(actor=policy.SYSTEM, account=newcomer, role=SECURITY_ADMIN.code, unit=tree.city)
    error_of(client.post("/api/v1/tokens", {"name": "脚本"}, content_type="application/json"), 401)
    assert not ApiToken.objects.exists()


def test_only_administrators_tokens_are_bound_to_the_admin_networks(tree, city_admin, city_clerk, settings):
    admin_plain, clerk_plain = token_for(city_admin), token_for(city_clerk)
    settings.ADMIN_NETWORKS = [ipaddress.ip_network("10.20.0.0/16")]
    refused = error_of(bearer(admin_plain).get("/api/v1/me"), 403)
    assert refused["rule"] == "admin_terminal"
    inside = Client(headers={"Authorization": f"Bearer {admin_plain}"}, REMOTE_ADDR="10.20.3.4")
    assert inside.get("/api/v1/me").status_code == 200
    assert bearer(clerk_plain).get("/api/v1/me").status_code == 200


def test_a_bad_token_does_not_fall_back_to_the_session(tree, city_admin, login):
    client = login(city_admin)
    assert client.get("/api/v1/me").status_code == 200
    error_of(client.get("/api/v1/me", headers={"Authorization": "Bearer fj_00000000_" + "x" * 43}), 401)


def test_last_used_is_written_at_most_once_a_minute(tree, city_admin):
    token, plain = token_services.token_create(actor=policy.SYSTEM, account=city_admin, name="x")
    client = bearer(plain)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.get("/api/v1/me")
        first = ApiToken.objects.get(pk=token.pk).last_used_at
        assert first == start
    with time_machine.travel(start + datetime.timedelta(seconds=30), tick=False):
        client.get("/api/v1/me")
        assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
        client.get("/api/v1/me")
        assert ApiToken.objects.get(pk=token.pk).last_used_at == start + datetime.timedelta(seconds=61)


def test_members_cannot_have_tokens(tree, town_member):
    with pytest.raises(Exception, match="移动端"):
        token_services.token_create(actor=policy.actor_for(town_member), account=town_member, name="x")
    assert not ApiToken.objects.exists()
    # Even a token written straight into the table is refused.
    from fenji.core.api import tokens

    new = tokens.generate()
    ApiToken.objects.create(account=town_member, name="x", prefix=new.prefix, hash=new.hash)
    error_of(bearer(new.plain).get("/api/v1/me"), 401)


def test_creating_a_token_for_another_account_needs_token_manage(tree, city_admin, province_admin):
    with pytest.raises(Exception, match="管理接口令牌"):
        token_services.token_create(actor=policy.actor_for(province_admin), account=city_admin, name="x")
    assert not ApiToken.objects.exists()
    event = denied_events(province_admin).get()
    assert event.action == "access.token.manage"


# --- tokens over the API ------------------------------------------------------------------------


def test_tokens_are_created_listed_and_revoked_over_the_api(tree, city_admin, login):
    client = login(city_admin)
    response = client.post("/api/v1/tokens", {"name": "数据同步", "days": 90}, content_type="application/json")
    assert response.status_code == 201, response.content
    created = response.json()
    plain = created["token"]
    assert created["info"]["status"] == "active" and created["info"]["expires_at"]
    machine = bearer(plain)
    assert machine.get("/api/v1/me").json()["id"] == city_admin.pk
    # A token cannot mint tokens: a leaked one must not breed.
    error = error_of(machine.post("/api/v1/tokens", {"name": "再生"}, content_type="application/json"), 403)
    assert error["rule"] == "token_via_token"
    listed = client.get("/api/v1/tokens").json()
    assert [t["name"] for t in listed] == ["数据同步"]
    response = client.post(f"/api/v1/tokens/{created['info']['id']}/revoke")
    assert response.status_code == 200 and response.json()["status"] == "revoked"
    error_of(machine.get("/api/v1/me"), 401)
    error = error_of(client.post(f"/api/v1/tokens/{created['info']['id']}/revoke"), 400)
    assert error["message"] == "该令牌已撤销"


def test_someone_elses_token_is_404(tree, city_admin, province_admin):
    token, _ = token_services.token_create(actor=policy.SYSTEM, account=city_admin, name="x")
    error = error_of(api(province_admin).post(f"/api/v1/tokens/{token.pk}/revoke"), 404)
    assert error["message"] == "令牌不存在或不在您的管理范围内"
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


# --- session auth -------------------------------------------------------------------------------


def csrf_login(account, path="/login/") -> Client:
    """A browser: CSRF enforced, signed in through the real login form."""
    client = Client(enforce_csrf_checks=True)
    client.get(path)
    token = client.cookies["csrftoken"].value
    response = client.post(path, {"mobile": account.mobile, "password": PASSWORD, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    complete_second_factor(client, account, response)
    return client


def test_session_auth_needs_csrf_for_writes(tree, city_admin):
    client = csrf_login(city_admin)
    assert client.get("/api/v1/me").status_code == 200  # reads need no CSRF token
    body = {"name": "浏览器创建"}
    error = error_of(client.post("/api/v1/tokens", body, content_type="application/json"), 403)
    assert error["code"] == "csrf_failed"
    assert not ApiToken.objects.exists()
    response = client.post("/api/v1/tokens", body, content_type="application/json",
                           headers={"X-CSRFToken": client.cookies["csrftoken"].value})
    assert response.status_code == 201, response.content
    assert ApiToken.objects.count() == 1


def test_a_token_needs_no_csrf(tree, city_admin):
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {token_for(city_admin)}"})
    response = client.post("/api/v1/units", {"parent_id": tree.county.pk, "name": "新设街道", "kind": "town"},
                           content_type="application/json")
    assert response.status_code == 201, response.content


def test_members_reach_only_their_own_profile(tree, town_member):
    client = Client()
    response = client.post("/m/login/", {"mobile": town_member.mobile, "password": PASSWORD})
    assert response.status_code == 302
    me = client.get("/api/v1/me")
    assert me.status_code == 200 and me.json()["kind"] == "member"
    error = error_of(client.get(f"/api/v1/units/{tree.town.pk}"), 403)
    assert error["rule"] == "mobile_only"
    error = error_of(client.post("/api/v1/tokens", {"name": "x"}, content_type="application/json"), 403)
    assert error["rule"] == "mobile_only"


def test_a_member_with_a_business_grant_still_cannot_use_management_routes(tree, town_member):
    Grant.objects.create(account=town_member, role=STAFF.code, unit=tree.town, unit_path=tree.town.path)
    client = Client()
    client.post("/m/login/", {"mobile": town_member.mobile, "password": PASSWORD})
    assert error_of(client.get(f"/api/v1/units/{tree.town.pk}"), 403)["rule"] == "mobile_only"


def test_an_expired_session_is_401_not_a_redirect(tree, city_admin, login):
    client = login(city_admin)
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=12, minutes=1)):
        error_of(client.get("/api/v1/me"), 401)


def test_a_session_that_must_change_its_password_is_told_in_json(tree, city_admin, login):
    client = login(city_admin)
    Account.objects.unscoped(reason="test").filter(pk=city_admin.pk).update(must_change_password=True)
    error = error_of(client.get("/api/v1/me"), 403)
    assert error["code"] == "password_change_required"


# --- the error envelope -------------------------------------------------------------------------


def test_anonymous_is_401(db):
    error = error_of(Client().get("/api/v1/me"), 401)
    assert error == {"code": "unauthenticated", "message": "请先登录或提供有效的接口令牌", "field": None}


def test_no_grant_is_403_and_audited_once(tree, outsider):
    response = api(outsider).get(f"/api/v1/units/{tree.town.pk}")
    error = error_of(response, 403)
    assert error["code"] == "denied" and error["rule"] == "no_grant"
    assert error["message"] == "您没有“查看组织机构”的权限"
    event = denied_events(outsider).get()
    assert event.action == "org.unit.view" and event.details["path"] == f"/api/v1/units/{tree.town.pk}"
    assert event.details["method"] == "GET" and event.channel == "api"


def test_out_of_scope_is_404_like_missing(tree, sibling_admin):
    client = api(sibling_admin)
    out_of_scope = error_of(client.get(f"/api/v1/units/{tree.town.pk}"), 404)
    missing = error_of(client.get("/api/v1/units/999999"), 404)
    assert out_of_scope == missing == {"code": "not_found", "message": "单位不存在或不在您的管理范围内", "field": None}


def test_invalid_parameters_are_422_in_chinese(tree, city_admin):
    error = error_of(api(city_admin).get("/api/v1/accounts", {"limit": 1000}), 422)
    assert error["code"] == "invalid_request" and error["message"] == "请求参数不正确"
    assert error["field"] == "limit"
    assert error["details"][0]["loc"][-1] == "limit"
    error = error_of(api(city_admin).post("/api/v1/units", {"name": "缺上级"}, content_type="application/json"), 422)
    assert {d["loc"][-1] for d in error["details"]} == {"parent_id", "kind"}


def test_a_domain_error_is_400_with_its_field(tree, city_admin):
    error = error_of(api(city_admin).patch(f"/api/v1/units/{tree.town.pk}", {"name": "  "},
                                           content_type="application/json"), 400)
    assert error == {"code": "invalid", "message": "请填写单位名称", "field": "name"}


def test_a_bad_cursor_is_400(tree, city_admin):
    error = error_of(api(city_admin).get("/api/v1/accounts", {"after": "x'; drop"}), 400)
    assert error["code"] == "invalid_cursor" and error["field"] == "after"


def test_an_unexpected_error_is_500_without_internals(tree, city_admin, monkeypatch):
    from fenji.core.org import selectors

    def broken(**kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(selectors, "unit_get", broken)
    response = api(city_admin).get(f"/api/v1/units/{tree.town.pk}")
    error = error_of(response, 500)
    assert error["code"] == "server_error" and error["message"] == "服务器内部错误，请稍后重试"
    assert error["request_id"] == response["X-Request-Id"]
    assert "secret" not in response.content.decode() and "Traceback" not in response.content.decode()


def test_unknown_api_paths_and_the_root_are_404_envelopes(db):
    for path in ("/api/", "/api/v1/", "/api/v1/nothing/here", "/api/v1/me/"):
        assert error_of(Client().get(path), 404)["code"] == "not_found", path


def test_a_wrong_method_is_405_envelope(tree, city_admin):
    response = api(city_admin).delete(f"/api/v1/units/{tree.town.pk}")
    error = error_of(response, 405)
    assert error["code"] == "method_not_allowed"
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "PATCH"}


# --- accounts -----------------------------------------------------------------------------------


def _open(client, tree, **overrides):
    body = {"unit_id": tree.town.pk, "real_name": "接口开户", "mobile": "13700001111", "kind": "staff",
            "id_number": "11010519491231002X", "title": "干事", **overrides}
    return client.post("/api/v1/accounts", body, content_type="application/json")


def test_opening_an_account_with_a_bad_id_number_is_400_and_creates_nothing(tree, city_admin,
                                                                             django_capture_on_commit_callbacks):
    before = (Account.objects.unscoped(reason="test").count(), Person.objects.count())
    with django_capture_on_commit_callbacks(execute=True):
        response = _open(api(city_admin), tree, id_number="110105194912310021")
    error = error_of(response, 400)
    assert error == {"code": "invalid", "message": "身份证号码校验位错误，请核对后重新输入", "field": "id_number"}
    assert (Account.objects.unscoped(reason="test").count(), Person.objects.count()) == before
    assert read_outbox("13700001111") == []


def test_opening_an_account_over_the_api(tree, city_admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _open(api(city_admin), tree)
    assert response.status_code == 201, response.content
    opened = response.json()
    assert opened["mobile"] == "137****1111" and opened["id_number"] == "1101**********002X"
    assert opened["unit"] == {"id": tree.town.pk, "name": "新街口街道"} and opened["must_change_password"]
    [sms] = read_outbox("13700001111")
    initial_password = re.search(r"初始密码：(\S+?)。", sms.text).group(1)
    assert initial_password not in response.content.decode()  # it travels only by SMS


def test_the_account_list_is_masked_and_keyset_paged(tree, city_admin):
    for n in range(5):
        make_account(tree.town, name=f"分页{n}")
    client = api(city_admin)
    first = client.get("/api/v1/accounts", {"limit": 4}).json()
    assert first["total"] == 6 and len(first["items"]) == 4 and first["next"]
    second = client.get("/api/v1/accounts", {"limit": 4, "after": first["next"]}).json()
    assert len(second["items"]) == 2 and second["next"] is None
    ids = [a["id"] for a in first["items"] + second["items"]]
    assert len(set(ids)) == 6
    for item in first["items"]:
        assert re.fullmatch(r"1\d\d\*{4}\d{4}", item["mobile"])
        assert "*" * 10 in item["id_number"]
    named = client.get("/api/v1/accounts", {"q": "分页3"}).json()
    assert [a["real_name"] for a in named["items"]] == ["分页3"]
    assert client.get("/api/v1/accounts", {"unit": tree.sibling_city.pk}).status_code == 404


def test_disable_and_enable_over_the_api(tree, city_admin):
    target = make_account(tree.town, name="停用对象")
    client = api(city_admin)
    error = error_of(client.post(f"/api/v1/accounts/{target.pk}/disable", {"reason": " "},
                                 content_type="application/json"), 400)
    assert error["field"] == "reason"
    response = client.post(f"/api/v1/accounts/{target.pk}/disable", {"reason": "调离"},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "disabled"
    response = client.post(f"/api/v1/accounts/{target.pk}/enable")
    assert response.status_code == 200 and response.json()["status"] == "active"


# --- units --------------------------------------------------------------------------------------


def test_the_unit_lifecycle_over_the_api(tree, city_admin):
    client = api(city_admin)
    response = client.post("/api/v1/units", {"parent_id": tree.county.pk, "name": "测试街道", "kind": "town",
                                              "code": "320102999"}, content_type="application/json")
    assert response.status_code == 201, response.content
    unit = response.json()
    assert unit["parent_id"] == tree.county.pk and unit["kind_label"] == "乡镇（街道）"
    response = client.patch(f"/api/v1/units/{unit['id']}", {"leader": "王主任"}, content_type="application/json")
    assert response.json()["leader"] == "王主任" and response.json()["name"] == "测试街道"
    tally_rebuild()  # the counts come from the rollup snapshot
    children = client.get(f"/api/v1/units/{tree.county.pk}/children").json()
    counts = {c["name"]: c["counts"] for c in children}["新街口街道"]
    # the rows that keep a unit from being revoked (accounts, and the modules' own: League members…), none here
    assert "account" in counts and not any(counts.values())
    response = client.post(f"/api/v1/units/{unit['id']}/move", {"new_parent_id": tree.city.pk},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["parent_id"] == tree.city.pk
    response = client.post(f"/api/v1/units/{unit['id']}/revoke", {"revoked_on": "2026-01-05", "reference": "宁〔2026〕1号"},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "revoked"
    actions = list(AuditEvent.objects.filter(target_type="org.unit", target_id=str(unit["id"]))
                   .values_list("action", "channel"))
    assert actions == [("org.unit.create", "api"), ("org.unit.update", "api"), ("org.unit.move", "api"),
                       ("org.unit.revoke", "api")]


def test_a_move_into_another_subtree_is_404_like_a_missing_destination(tree, city_admin):
    client = api(city_admin)
    path = f"/api/v1/units/{tree.other_town.pk}/move"
    out_of_scope = error_of(client.post(path, {"new_parent_id": tree.sibling_city.pk},
                                        content_type="application/json"), 404)
    missing = error_of(client.post(path, {"new_parent_id": 999999}, content_type="application/json"), 404)
    assert out_of_scope == missing
    assert Unit.objects.get(pk=tree.other_town.pk).parent_id == tree.county.pk


# --- grants, roles, registry --------------------------------------------------------------------


@pytest.fixture
def city_security(tree):
    return make_account(tree.city, name="南京安全员", role=SECURITY_ADMIN)


def test_a_duty_rule_refusal_is_403_with_the_rule(tree, city_security):
    for name in ("系统甲", "系统乙"):
        make_account(tree.county, name=name, role=SYSTEM_ADMIN)
    third = make_account(tree.county, name="系统丙")
    before = Grant.objects.unscoped(reason="test").count()
    response = api(city_security).post("/api/v1/grants", {"account_id": third.pk, "role": "system_admin",
                                                          "unit_id": tree.county.pk},
                                       content_type="application/json")
    error = error_of(response, 403)
    assert error["code"] == "denied" and error["rule"] == "per_unit_limit"
    assert error["message"] == "“玄武区”已有 2 名系统管理员，每个单位最多 2 名（seed 000 §7）"
    assert Grant.objects.unscoped(reason="test").count() == before
    event = denied_events(city_security).get()  # recorded once, by the service
    assert event.details["rule"] == "per_unit_limit"


@pytest.mark.parametrize("held, asked, rule, why", EXCLUSIVE_PAIRS,
                         ids=[f"{held.code}-{asked.code}" for held, asked, *_ in EXCLUSIVE_PAIRS])
def test_one_person_never_carries_two_exclusive_duties(tree, city_security, held, asked, rule, why):
    person = make_account(tree.county, name="玄武管理员", role=held)
    before = Grant.objects.unscoped(reason="test").count()
    response = api(city_security).post("/api/v1/grants", {"account_id": person.pk, "role": asked.code,
                                                          "unit_id": tree.county.pk}, content_type="application/json")
    error = error_of(response, 403)
    assert error["code"] == "denied" and error["rule"] == f"exclusive:{rule}"
    assert error["message"] == f"玄武管理员{why}"
    assert Grant.objects.unscoped(reason="test").count() == before
    event = denied_events(city_security).get()  # recorded once, by the service
    assert event.details["rule"] == f"exclusive:{rule}" and event.action == "access.grant.create"


def test_granting_and_revoking_over_the_api(tree, city_security):
    clerk = make_account(tree.town, name="新科员")
    client = api(city_security)
    response = client.post("/api/v1/grants", {"account_id": clerk.pk, "role": "staff", "unit_id": tree.town.pk},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    grant = response.json()
    assert grant["role_label"] == "工作人员" and grant["account"]["mobile"].count("*") == 4
    listed = client.get("/api/v1/grants", {"q": "新科员"}).json()
    assert [g["id"] for g in listed["items"]] == [grant["id"]] and listed["total"] == 1
    error = error_of(client.post(f"/api/v1/grants/{grant['id']}/revoke", {"reason": " "},
                                 content_type="application/json"), 400)
    assert error["field"] == "reason"
    response = client.post(f"/api/v1/grants/{grant['id']}/revoke", {"reason": "调岗"},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["revoked_at"]


def test_roles_and_the_registry(tree, city_security, city_admin):
    client = api(city_security)
    roles = {r["code"]: r for r in client.get("/api/v1/roles").json()}
    assert roles["system_admin"]["label"] == "系统管理员" and roles["system_admin"]["duty"] == "system"
    assert "system_admin" in roles["security_admin"]["delegates"]
    registry = client.get("/api/v1/registry").json()
    assert {(g["account"]["id"], g["role"]) for g in registry["items"]} == {
        (city_admin.pk, "system_admin"), (city_security.pk, "security_admin")}


# --- docs and schema ----------------------------------------------------------------------------


def test_the_docs_are_served_from_local_files_only(tree, city_admin, login):
    client = login(city_admin)
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html and "/static/ninja/swagger-ui.css" in html
    assert not re.search(r"(src|href)\s*=\s*[\"'](https?:)?//", html, re.I)
    assert "http://" not in html and "https://" not in html
    assert '"validatorUrl": null' in html  # no badge fetched from validator.swagger.io
    assert "/api/openapi.json" in html


def test_the_schema_needs_a_session_or_a_token(tree, city_admin):
    error_of(Client().get("/api/openapi.json"), 401)
    anonymous = Client().get("/api/docs")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/?next=")
    schema = api(city_admin).get("/api/openapi.json").json()
    assert "/api/v1/units/{id}" in schema["paths"] and "/api/v1/accounts" in schema["paths"]
    assert set(schema["components"]["securitySchemes"]) == {"TokenAuth", "SessionAuth"}


# --- the CLI ------------------------------------------------------------------------------------


def test_the_token_command(tree, city_admin, capsys):
    call_command("token", "create", "--account", city_admin.mobile, "--name", "夜间同步", "--days", "30")
    out = capsys.readouterr().out
    plain = re.search(r"fj_[0-9a-f]{8}_\S+", out).group(0)
    token = ApiToken.objects.get()
    assert token.account_id == city_admin.pk and token.expires_at and token.name == "夜间同步"
    assert bearer(plain).get("/api/v1/me").status_code == 200
    # An administrator's token made on the host needs no second factor; the audit says so.
    created = AuditEvent.objects.get(action="api.token.create")
    assert created.details["administrator"] and created.details["second_factor"] == "host_operator"
    call_command("token", "list", "--account", city_admin.mobile)
    listing = capsys.readouterr().out
    assert "夜间同步" in listing and plain not in listing and f"fj_{token.prefix}_…" in listing
    assert "最近使用" in listing and timezone.localtime(ApiToken.objects.get().last_used_at).strftime(
        "%Y-%m-%d %H:%M") in listing
    call_command("token", "revoke", "--id", str(token.pk))
    assert ApiToken.objects.get().revoked_at is not None
    call_command("token", "list", "--account", city_admin.mobile)
    assert "手动撤销" in capsys.readouterr().out
    error_of(bearer(plain).get("/api/v1/me"), 401)
    assert AuditEvent.objects.filter(action__in=["api.token.create", "api.token.revoke"]).count() == 2
    with pytest.raises(CommandError, match="已撤销"):
        call_command("token", "revoke", "--id", str(token.pk))
    with pytest.raises(CommandError, match="没有手机号码"):
        call_command("token", "create", "--account", "13000000000", "--name", "x")
    with pytest.raises(CommandError, match="令牌不存在"):
        call_command("token", "revoke", "--id", "99999")
