"""Events that end every session and revoke every API token of an account: disabling it, a password
change, an investigation (issue 12, finding 5), a reset of its second factor (``fenji mfa_reset``). Re-enabling brings none of them back."""

import datetime

from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.test import Client

from fenji.core.access import policy
from fenji.core.access.roles import STAFF
from fenji.core.api import services as token_services
from fenji.core.api.models import ApiToken
from fenji.core.audit.models import AuditEvent
from fenji.core.people.models import DutyStatus
from fenji.core.people.services import account_duty_status_set, account_set_status
from fenji.testing import PASSWORD, actor, make_account

NEW_PASSWORD = "Qinhuai#River9"


def signed_in(account, path="/login/") -> Client:
    """A browser signed in as ``account`` (staff: the password alone) through the real login page."""
    client = Client()
    response = client.post(path, {"mobile": account.mobile, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/", response.content.decode()[:300]
    return client


def is_signed_in(client) -> bool:
    """The console home answers the account, not the login page; and the API knows who is calling."""
    return client.get("/").status_code == 200 and client.get("/api/v1/me").status_code == 200


def token_works(plain: str) -> bool:
    return Client(headers={"Authorization": f"Bearer {plain}"}).get("/api/v1/me").status_code == 200


def new_token(account) -> tuple[ApiToken, str]:
    return token_services.token_create(actor=policy.SYSTEM, account=account, name="数据同步", days=30)


def test_disabling_ends_sessions_and_tokens_and_reenabling_brings_none_back(tree, city_admin, login):
    clerk = make_account(tree.town, name="被停用人", role=STAFF)
    browser = signed_in(clerk)
    cookie = browser.cookies["sessionid"].value
    token, plain = new_token(clerk)
    assert is_signed_in(browser) and token_works(plain)

    admin = login(city_admin)
    response = admin.post(f"/people/accounts/{clerk.pk}/disable/", {"reason": "调离本单位"})
    assert response.status_code == 302
    assert not is_signed_in(browser) and not token_works(plain)

    assert admin.post(f"/people/accounts/{clerk.pk}/enable/").status_code == 302
    # The attack: the cookie and the token kept from before the disabling are replayed after re-enabling.
    replay = Client()
    replay.cookies["sessionid"] = cookie
    assert not is_signed_in(replay) and not is_signed_in(browser)
    assert not token_works(plain)
    token.refresh_from_db()
    assert token.status == "revoked" and token.revoke_reason == "账号停用：调离本单位"
    revoked = AuditEvent.objects.get(action="api.token.revoke", target_id=str(token.pk))
    assert revoked.actor_id == city_admin.pk and revoked.details["reason"] == "账号停用：调离本单位"
    disabled = AuditEvent.objects.get(action="people.account.disable", details__status="disabled")
    assert disabled.details["sessions_ended"] and disabled.details["tokens_revoked"] == [token.pk]
    # The person signs in again, with the password: a new session.
    again = signed_in(clerk)
    assert is_signed_in(again) and again.cookies["sessionid"].value != cookie


def test_the_session_row_of_a_disabled_account_is_flushed_when_it_comes_back(tree, city_admin):
    clerk = make_account(tree.town, role=STAFF)
    browser = signed_in(clerk)
    account_set_status(actor=actor(city_admin), account=clerk, active=False, reason="借调")
    account_set_status(actor=actor(city_admin), account=clerk, active=True)
    browser.get("/")
    assert SESSION_KEY not in browser.session


def test_a_password_change_ends_the_other_sessions_and_revokes_the_tokens(tree):
    clerk = make_account(tree.town, role=STAFF)
    here, elsewhere = signed_in(clerk), signed_in(clerk)
    token, plain = new_token(clerk)
    response = here.post("/password/", {"old_password": PASSWORD, "new_password": NEW_PASSWORD,
                                        "new_password2": NEW_PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    assert is_signed_in(here)  # the session that changed it goes on
    assert not is_signed_in(elsewhere)
    assert not token_works(plain)
    token.refresh_from_db()
    assert token.revoke_reason == "修改密码"
    assert AuditEvent.objects.get(action="api.token.revoke", target_id=str(token.pk)).actor_id == clerk.pk


def test_an_investigation_ends_the_sessions_and_revokes_the_tokens(tree, city_admin):
    subject = make_account(tree.county, name="被调查人", role=STAFF)
    browser = signed_in(subject)
    token, plain = new_token(subject)
    other = make_account(tree.county, role=STAFF)
    other_browser, (_, other_plain) = signed_in(other), new_token(other)
    change = account_duty_status_set(actor=actor(city_admin), account=subject, status=DutyStatus.INVESTIGATION,
                                     since=datetime.date(2026, 5, 1), note="纪委立案调查")
    assert not is_signed_in(browser) and not token_works(plain)
    assert change.tokens_revoked == [token] and "撤销其接口令牌" in change.message
    token.refresh_from_db()
    assert token.revoke_reason == "接受调查"
    # Nobody else is touched.
    assert is_signed_in(other_browser) and token_works(other_plain)



def test_resetting_the_second_factor_ends_the_sessions_and_revokes_the_tokens(tree, city_admin, login):
    browser = login(city_admin)  # the password and the authenticator's code
    token, plain = new_token(city_admin)
    assert is_signed_in(browser) and token_works(plain)
    # The phone is lost: whoever finds it must not keep the session or the token made with it.
    call_command("mfa_reset", mobile=city_admin.mobile)
    assert not is_signed_in(browser) and not token_works(plain)
    token.refresh_from_db()
    assert token.status == "revoked" and token.revoke_reason == "重置动态口令"
    reset = AuditEvent.objects.get(action="mfa.device.reset", target_id=str(city_admin.pk))
    assert reset.details == {"sessions_ended": True, "tokens_revoked": [token.pk]}
