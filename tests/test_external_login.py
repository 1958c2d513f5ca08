"""Signing in through an external OpenID Connect provider (电子社保卡扫码登录), against a real one.

The provider is django-oauth-toolkit with OpenID Connect on (``tests/idp``), served by the live server beside
fenji and reached over HTTP as ``127.0.0.1`` while fenji is ``localhost``: every step below is real HTTP,
with the provider's own sign-in, its RSA-signed ID tokens and its one-use authorization codes.

Two active accounts of one person cannot exist: ``Person.id_number_hash`` is unique and ``Account.person`` is
one-to-one, so the database refuses the second (``test_the_database_keeps_one_person_per_id_number``); the
code refuses "several" all the same, and an account that exists but may not sign in (disabled, locked) is
refused like one that does not exist.
"""

import re
import socket
from html import unescape
from urllib.parse import urlencode, urlsplit, urlunsplit

import pytest
import requests
from django.db import IntegrityError, transaction
from django.test import Client

from fenji.core.access import registry
from fenji.core.access.roles import SYSTEM_ADMIN
from fenji.core.audit.models import AuditEvent, Outcome
from fenji.core.people import external, oidc
from fenji.core.people.identity import check_char
from fenji.core.people.models import AccountStatus, Person
from fenji.testing import make_account
from fenji.testing.people import second_factor_code
from tests.idp.kit import query

pytestmark = pytest.mark.usefixtures("transactional_db")


def _replace(url: str, **params) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(query=urlencode({**query(url), **params})))


def _page_text(response) -> str:
    return unescape(response.text)


def _signed_in_as(session: requests.Session, idp, name: str) -> bool:
    home = session.get(f"{idp.rp}/", allow_redirects=False)
    return home.status_code == 200 and name in home.text


def _events(action: str):
    return AuditEvent.objects.filter(action=action).order_by("id")


@pytest.fixture
def staff(tree):
    return make_account(tree.city, name="南京科员")


def test_a_staff_member_signs_in_with_the_verified_id_number(idp, staff):
    username, password = idp.user(staff.person.id_number)
    session = requests.Session()
    callback = idp.sign_in_flow(session, username, password, start="/login/external/?next=/org/units/")
    assert set(query(callback)) >= {"code", "state"}

    answer = session.get(callback, allow_redirects=False)
    assert answer.status_code == 302 and answer.headers["Location"] == "/org/units/"
    assert _signed_in_as(session, idp, "南京科员")
    event = _events("people.login").get(target_id=str(staff.pk))
    assert event.outcome == Outcome.OK and event.details == {"channel": "console", "via": "oidc"}


def test_the_number_is_read_from_userinfo_when_the_id_token_leaves_it_out(idp, staff, monkeypatch):
    asked = []
    real = oidc._from_userinfo
    monkeypatch.setattr(oidc, "_from_userinfo", lambda *a, **k: asked.append(k) or real(*a, **k))
    username, password = idp.user(staff.person.id_number, userinfo_only=True)
    session = requests.Session()
    answer = session.get(idp.sign_in_flow(session, username, password), allow_redirects=False)
    assert answer.status_code == 302
    assert _signed_in_as(session, idp, "南京科员")
    assert len(asked) == 1  # the provider's userinfo answer, for the ID token's subject


def test_the_authorization_request_uses_pkce_and_a_nonce(idp, staff):
    answer = requests.Session().get(f"{idp.rp}/login/external/", allow_redirects=False)
    sent = query(answer.headers["Location"])
    assert sent["code_challenge_method"] == "S256" and len(sent["code_challenge"]) == 43
    assert sent["nonce"] and sent["state"] and sent["response_type"] == "code" and "openid" in sent["scope"]
    assert sent["redirect_uri"] == f"{idp.rp}/login/external/callback/"


def test_no_account_for_the_id_number_is_refused_without_saying_more(idp, staff):
    first17 = "11010519491231002"
    unknown = first17 + check_char(first17)
    username, password = idp.user(unknown)
    session = requests.Session()
    answer = session.get(idp.sign_in_flow(session, username, password), allow_redirects=False)
    assert answer.status_code == 403
    assert str(external.NO_ACCOUNT_MESSAGE) in _page_text(answer)
    assert not _signed_in_as(session, idp, "南京科员")
    event = _events("people.login.external.no_match").get()
    assert event.outcome == Outcome.DENIED and event.target_id == "1101**********" + unknown[-4:]
    assert event.details["reason"] == "no_match"


@pytest.mark.parametrize("how", ["disabled", "locked"])
def test_an_account_that_may_not_sign_in_is_refused_like_a_missing_one(idp, staff, how, settings):
    username, password = idp.user(staff.person.id_number)
    if how == "disabled":
        staff.status = AccountStatus.DISABLED
        staff.save(update_fields=["status"])
    else:
        client = Client()
        for _ in range(settings.AXES_FAILURE_LIMIT):
            client.post("/login/", {"mobile": staff.mobile, "password": "wrong-Password-1!"})
    session = requests.Session()
    answer = session.get(idp.sign_in_flow(session, username, password), allow_redirects=False)
    assert answer.status_code == 403
    assert not _signed_in_as(session, idp, "南京科员")
    action = "people.login.external.inactive" if how == "disabled" else "people.login.external.locked"
    event = _events(action).get()
    assert event.target_id == str(staff.pk) and event.outcome == Outcome.DENIED
    if how == "disabled":
        assert str(external.NO_ACCOUNT_MESSAGE) in _page_text(answer)
    else:
        assert "锁定" in _page_text(answer)


def test_the_database_keeps_one_person_per_id_number(staff):
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(real_name="同号者", id_number=staff.person.id_number)


def test_a_wrong_state_is_refused_and_the_right_one_is_used_once(idp, staff):
    username, password = idp.user(staff.person.id_number)
    session = requests.Session()
    callback = idp.sign_in_flow(session, username, password)

    forged = session.get(_replace(callback, state="forged-state"), allow_redirects=False)
    assert forged.status_code == 403 and str(external.RETRY_MESSAGE) in _page_text(forged)
    assert _events("people.login.external.bad_state").count() == 1

    assert session.get(callback, allow_redirects=False).status_code == 302
    again = session.get(callback, allow_redirects=False)
    assert again.status_code == 403 and str(external.RETRY_MESSAGE) in _page_text(again)
    assert _events("people.login").filter(target_id=str(staff.pk)).count() == 1


def test_a_state_from_another_session_is_refused(idp, staff):
    username, password = idp.user(staff.person.id_number)
    victim, attacker = requests.Session(), requests.Session()
    callback = idp.sign_in_flow(attacker, username, password)
    answer = victim.get(callback, allow_redirects=False)
    assert answer.status_code == 403 and not _signed_in_as(victim, idp, "南京科员")


def test_an_id_token_for_another_nonce_is_refused(idp, staff):
    username, password = idp.user(staff.person.id_number)
    session = requests.Session()
    started = session.get(f"{idp.rp}/login/external/", allow_redirects=False).headers["Location"]
    # The provider signs whatever nonce the request carries: one swapped in transit is not this login's.
    callback = idp.at_provider(session, _replace(started, nonce="another-nonce"), username, password)
    answer = session.get(callback, allow_redirects=False)
    assert answer.status_code == 403 and str(external.TOKEN_MESSAGE) in _page_text(answer)
    assert not _signed_in_as(session, idp, "南京科员")
    event = _events("people.login.external.bad_nonce").get()
    assert event.details["detail"] == "nonce" and event.outcome == Outcome.FAILED


def test_a_replayed_code_is_refused_by_the_provider_and_said_clearly(idp, staff):
    username, password = idp.user(staff.person.id_number)
    owner, replayer = requests.Session(), requests.Session()
    callback = idp.sign_in_flow(owner, username, password)
    assert owner.get(callback, allow_redirects=False).status_code == 302

    # The replayer holds a state of their own session, and the code already redeemed.
    started = replayer.get(f"{idp.rp}/login/external/", allow_redirects=False).headers["Location"]
    replayed = _replace(callback, state=query(started)["state"])
    answer = replayer.get(replayed, allow_redirects=False)
    assert answer.status_code == 403 and str(external.CODE_MESSAGE) in _page_text(answer)
    assert _events("people.login.external.code_rejected").get().details["detail"] == "invalid_grant"
    assert not _signed_in_as(replayer, idp, "南京科员")


def test_a_refusal_at_the_provider_comes_back_as_a_clear_message(idp, staff):
    from oauth2_provider.models import get_application_model

    get_application_model().objects.filter(client_id=idp.client_id).update(skip_authorization=False)
    username, password = idp.user(staff.person.id_number)
    session = requests.Session()
    started = session.get(f"{idp.rp}/login/external/", allow_redirects=False).headers["Location"]
    idp.at_provider_login_only(session, started, username, password)
    consent = session.get(started)
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', consent.text))
    denied = session.post(started, data={k: unescape(v) for k, v in fields.items()},
                          headers={"Referer": started}, allow_redirects=False)  # 取消: no "allow"
    callback = denied.headers["Location"]
    assert query(callback)["error"] == "access_denied"
    answer = session.get(callback, allow_redirects=False)
    assert answer.status_code == 403 and str(external.IDP_ERROR_MESSAGE) in _page_text(answer)
    assert _events("people.login.external.idp_error").get().details["detail"] == "access_denied"


def test_an_administrator_still_gives_the_totp_after_the_provider(idp, tree):
    admin = make_account(tree.city, name="南京管理员", role=SYSTEM_ADMIN)
    username, password = idp.user(admin.person.id_number)
    session = requests.Session()
    answer = session.get(idp.sign_in_flow(session, username, password), allow_redirects=False)
    assert answer.status_code == 302 and answer.headers["Location"] == "/login/verify/"
    assert not _signed_in_as(session, idp, "南京管理员")
    assert _events("people.login.external").get().details["second_factor"] == "required"

    page = session.get(f"{idp.rp}/login/verify/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(f"{idp.rp}/login/verify/", data={"csrfmiddlewaretoken": token,
                                                           "code": second_factor_code(admin, margin=3)},
                          headers={"Referer": f"{idp.rp}/login/verify/"}, allow_redirects=False)
    assert answer.status_code == 302
    assert _signed_in_as(session, idp, "南京管理员")
    event = _events("people.login").get(target_id=str(admin.pk))
    assert event.details == {"channel": "console", "via": "oidc", "second_factor": "totp"}


def test_an_unreachable_provider_is_a_message_not_an_error_page(settings, db, client):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.OIDC_ISSUER, settings.OIDC_CLIENT_ID = f"http://127.0.0.1:{port}/idp", "fenji"
    settings.OIDC_TIMEOUT_SECONDS = 2
    oidc._client.cache_clear()
    try:
        answer = client.get("/login/external/")
    finally:
        oidc._client.cache_clear()
    assert answer.status_code == 503
    assert str(external.UNREACHABLE_MESSAGE) in answer.content.decode()
    assert _events("people.login.external.unreachable").get().outcome == Outcome.FAILED


def test_the_button_shows_only_when_a_provider_is_configured(settings, db, client):
    settings.OIDC_ISSUER = settings.OIDC_CLIENT_ID = ""
    assert "电子社保卡扫码登录" not in client.get("/login/").content.decode()
    assert client.get("/login/external/").status_code == 404
    assert client.get("/login/external/callback/?code=x&state=y").status_code == 404
    settings.OIDC_ISSUER, settings.OIDC_CLIENT_ID = "https://idp.example.invalid", "fenji"
    assert 'href="/login/external/"' in client.get("/login/").content.decode()
    assert "电子社保卡扫码登录" in client.get("/login/").content.decode()
    settings.OIDC_BUTTON_LABEL = "统一身份认证登录"
    assert "统一身份认证登录" in client.get("/login/").content.decode()


def test_every_outcome_has_a_chinese_label_and_is_a_login_event():
    from fenji.core.console.audit_selectors import LOGIN_ACTIONS

    for action in external.ACTIONS:
        label = str(registry.audit_label(action))
        assert label != action and re.search(r"[\u4e00-\u9fff]", label), action
        assert action in LOGIN_ACTIONS
    assert set(external.MESSAGES) | {"locked"} == set(external.REFUSALS)


def test_a_crafted_error_from_the_provider_is_kept_as_a_plain_word(idp, staff):
    session = requests.Session()
    started = session.get(f"{idp.rp}/login/external/", allow_redirects=False).headers["Location"]
    callback = f"{idp.rp}/login/external/callback/?" + urlencode(
        {"state": query(started)["state"], "error": "access_denied\x00\n<b>伪造</b>"})
    answer = session.get(callback, allow_redirects=False)
    assert answer.status_code == 403 and str(external.IDP_ERROR_MESSAGE) in _page_text(answer)
    assert _events("people.login.external.idp_error").get().details["detail"] == "access_deniedbb"
