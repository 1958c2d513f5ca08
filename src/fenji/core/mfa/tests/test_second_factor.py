"""等保 第三级 8.1.4.1 d: administrators pass a TOTP after the password; members and plain staff do not.

Time is frozen (``time_machine``, tick=False) wherever a code is computed and then submitted, so a
30-second step cannot turn in between.
"""

import datetime
import re

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.access.models import Grant
from fenji.core.access.roles import ACCOUNT_ADMIN, AUDITOR, PERMISSION_ADMIN, SECURITY_ADMIN, STAFF, SYSTEM_ADMIN
from fenji.core.access.services import grant_create
from fenji.core.audit.models import AuditEvent
from fenji.core.mfa import services as mfa
from fenji.core.mfa.models import RecoveryCode, TotpDevice
from fenji.testing import PASSWORD, make_account

ADMIN_ROLES = [SYSTEM_ADMIN, SECURITY_ADMIN, AUDITOR, ACCOUNT_ADMIN, PERMISSION_ADMIN]
VERIFY = "/login/verify/"


def frozen(at=None):
    return time_machine.travel(at or timezone.now(), tick=False)


def password_step(client, account, path="/login/"):
    return client.post(path, {"mobile": account.mobile, "password": PASSWORD})


def now_code(secret):
    return mfa.code_at(secret, mfa.current_step())


def wrong_code(secret):
    return f"{(int(now_code(secret)) + 1) % 10**6:06d}"


def signed_in(client, account=None):
    user_id = client.session.get("_auth_user_id")
    return user_id is not None and (account is None or user_id == str(account.pk))


# --- who needs it -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ADMIN_ROLES, ids=[r.code for r in ADMIN_ROLES])
def test_each_administrator_duty_gets_no_session_before_the_totp(client, tree, role):
    admin = make_account(tree.city, name=f"{role.label}甲", role=role)
    secret = mfa.device_enrol(admin)
    assert mfa.needs_second_factor(admin)

    response = password_step(client, admin)
    assert response.status_code == 302 and response["Location"] == VERIFY
    assert not signed_in(client)
    assert client.get("/")["Location"].startswith("/login/")  # no session: the console asks for a login
    assert AuditEvent.objects.filter(action="people.login.password", actor_id=admin.pk, outcome="ok").exists()
    assert not AuditEvent.objects.filter(action="people.login", actor_id=admin.pk).exists()

    with frozen():
        response = client.post(VERIFY, {"code": now_code(secret)})
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in(client, admin)
    assert client.get("/").status_code == 200
    event = AuditEvent.objects.get(action="people.login", outcome="ok", actor_id=admin.pk)
    assert event.details == {"channel": "console", "second_factor": "totp"}


@pytest.mark.parametrize("role", ADMIN_ROLES, ids=[r.code for r in ADMIN_ROLES])
def test_an_administrator_without_a_second_factor_gets_no_session(client, tree, role):
    admin = make_account(tree.city, name=f"{role.label}乙", role=role)
    assert password_step(client, admin)["Location"] == VERIFY
    page = client.get(VERIFY).content.decode()
    assert "绑定动态口令验证器" in page  # no device yet: the page enrols one
    for code in ("", "123", "abcdef"):
        client.post(VERIFY, {"code": code})
    assert not signed_in(client)
    assert client.get("/people/accounts/")["Location"].startswith("/login/")
    assert not mfa.has_confirmed_device(admin)


def test_members_and_plain_staff_sign_in_with_the_password_alone(client, tree, city_clerk, town_member):
    business = make_account(tree.city, name="操作员", role=None)
    grant_create(actor=policy.SYSTEM, account=business, role="operator", unit=tree.city)
    for account, path, home in ((city_clerk, "/login/", "/"), (business, "/login/", "/"),
                                (town_member, "/m/login/", "/m/")):
        assert not mfa.needs_second_factor(account)
        client = Client()
        response = password_step(client, account, path)
        assert response.status_code == 302 and response["Location"] == home
        assert signed_in(client, account)
        assert client.get(home).status_code == 200
        assert AuditEvent.objects.get(action="people.login", actor_id=account.pk).details == {
            "channel": "console" if path == "/login/" else "mobile"}
    assert not TotpDevice.objects.exists()


def test_only_live_administrator_grants_count(tree, city_clerk):
    assert not mfa.needs_second_factor(city_clerk)
    grant = grant_create(actor=policy.SYSTEM, account=city_clerk, role=AUDITOR.code, unit=tree.city)
    assert mfa.needs_second_factor(city_clerk)
    Grant.objects.unscoped(reason="test").filter(pk=grant.pk).update(revoked_at=timezone.now())
    assert not mfa.needs_second_factor(city_clerk)
    assert STAFF.is_admin is False


# --- the codes ----------------------------------------------------------------------------------


def test_codes_follow_rfc_6238():
    # RFC 6238 appendix B, SHA-1 key "12345678901234567890": T = 59 s gives 94287082 (8 digits).
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    assert mfa.code_at(secret, 59 // 30) == "287082"
    assert mfa.code_at(secret, 1111111109 // 30) == "081804"


def test_a_replayed_code_is_refused(client, tree, city_admin):
    secret = mfa.device_enrol(city_admin)
    with frozen():
        code = now_code(secret)
        password_step(client, city_admin)
        assert client.post(VERIFY, {"code": code})["Location"] == "/"
        client.post("/logout/")
        assert not signed_in(client)

        # The same code again (someone who watched it typed, or the same browser): refused.
        thief = Client()
        assert password_step(thief, city_admin)["Location"] == VERIFY
        response = thief.post(VERIFY, {"code": code})
        assert response.status_code == 200 and "动态口令不正确或已使用过" in response.content.decode()
        assert not signed_in(thief)
    failed = AuditEvent.objects.filter(action="people.login.second_factor", outcome="failed", actor_id=city_admin.pk)
    assert failed.count() == 1


def test_a_code_older_than_thirty_seconds_is_refused(client, tree, city_admin):
    secret = mfa.device_enrol(city_admin)
    start = timezone.now()
    with frozen(start):
        code = now_code(secret)
        previous = mfa.code_at(secret, mfa.current_step() - 1)
    with frozen(start + datetime.timedelta(seconds=30)):
        password_step(client, city_admin)
        for stale in (code, previous):
            response = client.post(VERIFY, {"code": stale})
            assert response.status_code == 200 and "动态口令不正确" in response.content.decode()
            assert not signed_in(client)
        assert client.post(VERIFY, {"code": now_code(secret)})["Location"] == "/"
    assert signed_in(client, city_admin)


def test_the_secret_is_sealed_at_rest_and_bound_to_its_account(tree, city_admin, city_clerk):
    secret = mfa.device_enrol(city_admin)
    row = TotpDevice.objects.get(account=city_admin)
    assert secret not in row.secret_encrypted and row.secret_encrypted.startswith("sm4gcm1:")
    # The ciphertext copied onto another account's row does not open there.
    TotpDevice.objects.create(account=city_clerk, secret_encrypted=row.secret_encrypted,
                              confirmed_at=timezone.now())
    assert mfa.device_secret(city_clerk) is None
    with frozen():
        assert not mfa.totp_verify(city_clerk, now_code(secret))
        assert mfa.totp_verify(city_admin, now_code(secret))


# --- enrolment and recovery codes -----------------------------------------------------------------


def enrol_through_the_page(client, account):
    """Password, then the enrolment page; returns the recovery codes it shows."""
    assert password_step(client, account)["Location"] == VERIFY
    client.get(VERIFY)
    secret = mfa.enrolment_secret(account)
    with frozen():
        response = client.post(VERIFY, {"code": now_code(secret)})
    assert response.status_code == 200
    return re.findall(r"<code>([2-9A-Z]{5}-[2-9A-Z]{5})</code>", response.content.decode())


def test_enrolment_shows_a_locally_rendered_qr_code_and_the_first_code_confirms(client, tree):
    admin = make_account(tree.province, name="省保密员", role=SECURITY_ADMIN)
    assert password_step(client, admin)["Location"] == VERIFY
    page = client.get(VERIFY).content.decode()
    assert "<svg" in page and 'class="qr-code"' in page
    assert re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page) is None  # no remote image or service
    assert "<img" not in page and "http://" not in page and "https://" not in page
    secret = mfa.enrolment_secret(admin)
    grouped = " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
    assert grouped in page
    assert grouped in client.get(VERIFY).content.decode()  # a reload shows the same secret
    assert not mfa.has_confirmed_device(admin) and not signed_in(client)

    with frozen():
        wrong = client.post(VERIFY, {"code": wrong_code(secret)})
        assert "动态口令不正确" in wrong.content.decode() and "<svg" in wrong.content.decode()
        response = client.post(VERIFY, {"code": now_code(secret)})
    assert response.status_code == 200
    assert response.headers["Cache-Control"].startswith("max-age=0") or "no-store" in response.headers["Cache-Control"]
    codes = re.findall(r"<code>([2-9A-Z]{5}-[2-9A-Z]{5})</code>", response.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "恢复码只显示这一次" in response.content.decode()
    assert signed_in(client, admin) and mfa.has_confirmed_device(admin)
    stored = set(RecoveryCode.objects.filter(account=admin).values_list("code_hash", flat=True))
    assert len(stored) == 10 and not stored & {c.replace("-", "") for c in codes} and not stored & set(codes)
    assert AuditEvent.objects.filter(action="mfa.device.confirm", actor_id=admin.pk).count() == 1
    assert AuditEvent.objects.get(action="people.login", actor_id=admin.pk).details["second_factor"] == "totp"

    # A new login starts a fresh enrolment no more: the confirmed device is asked for its code.
    client.post("/logout/")
    password_step(client, admin)
    assert "绑定动态口令验证器" not in client.get(VERIFY).content.decode()


def test_a_recovery_code_works_once(client, tree, city_admin):
    codes = enrol_through_the_page(client, city_admin)
    client.post("/logout/")

    password_step(client, city_admin)
    response = client.post(VERIFY, {"recovery_code": codes[0]})
    assert response.status_code == 302 and signed_in(client, city_admin)
    assert AuditEvent.objects.filter(action="people.login", actor_id=city_admin.pk).latest("at").details == {
        "channel": "console", "second_factor": "recovery"}
    assert "还剩 9 个" in client.get("/").content.decode()
    client.post("/logout/")

    password_step(client, city_admin)
    response = client.post(VERIFY, {"recovery_code": codes[0]})
    assert response.status_code == 200 and "恢复码不正确或已使用过" in response.content.decode()
    assert not signed_in(client)
    # Case, spaces and the dash do not matter.
    assert client.post(VERIFY, {"recovery_code": f" {codes[1].lower().replace('-', ' ')} "}).status_code == 302
    assert signed_in(client, city_admin)
    assert mfa.recovery_codes_left(city_admin) == 8


# --- the pending login ----------------------------------------------------------------------------


def test_the_pending_login_expires_after_five_minutes(client, tree, city_admin):
    secret = mfa.device_enrol(city_admin)
    start = timezone.now()
    with frozen(start):
        password_step(client, city_admin)
    with frozen(start + datetime.timedelta(minutes=5, seconds=1)):
        response = client.post(VERIFY, {"code": now_code(secret)})
        assert response.status_code == 200 and "超时" in response.content.decode()
        assert not signed_in(client)
        assert "请先输入手机号码和密码" in client.get(VERIFY).content.decode()
    with frozen(start + datetime.timedelta(minutes=4, seconds=59)):
        password_step(client, city_admin)
    with frozen(start + datetime.timedelta(minutes=9, seconds=58)):  # 4:59 after the second password
        assert client.post(VERIFY, {"code": now_code(secret)})["Location"] == "/"


def test_five_wrong_codes_void_the_login_and_lock_the_account(client, tree, city_admin):
    secret = mfa.device_enrol(city_admin)
    with frozen():
        password_step(client, city_admin)
        for attempt in range(1, 5):
            response = client.post(VERIFY, {"code": wrong_code(secret)})
            assert f"还可尝试 {5 - attempt} 次" in response.content.decode()
        response = client.post(VERIFY, {"code": wrong_code(secret)})
        assert response.status_code == 403 and "已锁定" in response.content.decode()
        # The pending login is gone: even the right code does nothing now.
        assert "请先输入手机号码和密码" in client.post(VERIFY, {"code": now_code(secret)}).content.decode()
        assert not signed_in(client)
        # Wrong codes are login failures: the account is locked, the right password included.
        response = password_step(client, city_admin)
        assert response.status_code == 403 and "已锁定" in response.content.decode()
    assert AuditEvent.objects.filter(action="people.login.second_factor", outcome="failed").count() == 5
    assert AuditEvent.objects.filter(action="people.login.second_factor", outcome="denied").count() == 1


def test_the_mobile_pages_ask_for_the_totp_too(client, tree, city_admin):
    secret = mfa.device_enrol(city_admin)
    response = password_step(client, city_admin, "/m/login/")
    assert response["Location"] == "/m/login/verify/" and not signed_in(client)
    assert "动态口令" in client.get("/m/login/verify/").content.decode()
    with frozen():
        assert client.post("/m/login/verify/", {"code": now_code(secret)})["Location"] == "/m/"
    assert signed_in(client, city_admin)
    assert AuditEvent.objects.get(action="people.login", actor_id=city_admin.pk).details == {
        "channel": "mobile", "second_factor": "totp"}


def test_a_password_only_session_ends_when_the_account_becomes_an_administrator(login, tree):
    city_clerk = make_account(tree.city, name="新任管理员")  # staff without a business role: 账户/操作员 apart
    client = login(city_clerk)
    assert client.get("/").status_code == 200
    grant_create(actor=policy.SYSTEM, account=city_clerk, role=SYSTEM_ADMIN.code, unit=tree.city)
    response = client.get("/org/units/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert not signed_in(client)
    assert AuditEvent.objects.filter(action="people.session.end", actor_id=city_clerk.pk, outcome="denied").exists()
    # Signing in again now goes through the second factor.
    client = login(city_clerk)
    assert client.session[mfa.SESSION_SECOND_FACTOR] == "totp"
    assert client.get("/org/units/").status_code == 200


def test_the_login_fixture_signs_the_same_administrator_in_twice(login, city_admin):
    assert login(city_admin).get("/").status_code == 200
    login(city_admin).post("/logout/")
    assert login(city_admin).get("/").status_code == 200


# --- the demo -----------------------------------------------------------------------------------


def test_demo_code_refuses_a_database_that_is_not_a_demo(tree, city_admin):
    mfa.device_enrol(city_admin, secret=mfa.demo_secret(city_admin.mobile))
    with pytest.raises(CommandError, match="不是演示数据库"):
        call_command("demo_code", mobile=city_admin.mobile)


def test_the_demo_enrols_its_administrators_and_demo_code_prints_their_code(db, client, capsys):
    call_command("demo", password="Demo#2026totp")
    out = capsys.readouterr().out
    admin_mobile, clerk_mobile, member_mobile = "13800000001", "13800000002", "13800000051"
    assert f"动态口令密钥：{mfa.demo_secret(admin_mobile)}" in out
    assert "fenji demo_code --mobile" in out
    assert TotpDevice.objects.filter(confirmed_at__isnull=False).count() == 9  # the demo's 9 administrators
    assert mfa.is_demo_database()

    with frozen():
        call_command("demo_code", mobile=admin_mobile)
        code = capsys.readouterr().out.strip()
        assert code == mfa.code_at(mfa.demo_secret(admin_mobile), mfa.current_step())
        response = client.post("/login/", {"mobile": admin_mobile, "password": "Demo#2026totp"})
        assert response["Location"] == VERIFY
        assert client.post(VERIFY, {"code": code})["Location"] == "/"
    assert client.session.get("_auth_user_id")

    for mobile in (clerk_mobile, member_mobile):
        with pytest.raises(CommandError, match="没有绑定动态口令"):
            call_command("demo_code", mobile=mobile)
    # Re-running the demo keeps the same secrets.
    call_command("demo", password="Demo#2026totp")
    assert f"动态口令密钥：{mfa.demo_secret(admin_mobile)}" in capsys.readouterr().out


def test_mfa_reset_makes_the_account_enrol_again(tree, city_admin, client):
    mfa.device_enrol(city_admin)
    mfa.recovery_codes_issue(city_admin)
    call_command("mfa_reset", mobile=city_admin.mobile)
    assert not TotpDevice.objects.filter(account=city_admin).exists()
    assert not RecoveryCode.objects.filter(account=city_admin).exists()
    assert AuditEvent.objects.filter(action="mfa.device.reset", target_id=str(city_admin.pk)).exists()
    password_step(client, city_admin)
    assert "绑定动态口令验证器" in client.get(VERIFY).content.decode()
