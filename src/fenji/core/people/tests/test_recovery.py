"""找回密码, 激活账号 and the administrator's password reset, through the pages a person uses."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from fenji.core.audit.models import AuditEvent
from fenji.core.kernel.crypto import blind_index
from fenji.core.notify.sms import read_outbox
from fenji.core.people.models import Account, SmsCode
from fenji.core.people.recovery import SENT
from fenji.testing import PASSWORD, make_account

NEW = "Xinjiekou#2026"


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    def run(client, mobile, page="/m/activate/"):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(page, {"step": "send", "mobile": mobile})
    return run


def imported_member(tree, name="导入团员"):
    member = make_account(tree.town, kind="member", name=name)
    member.set_unusable_password()
    member.save(update_fields=["password"])
    return member


def code_in(mobile) -> str:
    return re.search(r"验证码 (\d{6})", read_outbox(mobile)[-1].text).group(1)


def set_password(client, mobile, code, page="/m/activate/", password=NEW):
    return client.post(page, {"step": "set", "mobile": mobile, "code": code, "new_password": password,
                              "new_password2": password})


def test_an_imported_member_activates_by_sms_code_and_signs_in(tree, send):
    member = imported_member(tree)
    client = Client()
    assert not client.post("/m/login/", {"mobile": member.mobile, "password": PASSWORD}).get("Location")
    answer = send(client, member.mobile)
    assert answer.status_code == 200 and SENT in answer.content.decode()
    response = set_password(client, member.mobile, code_in(member.mobile))
    assert response.status_code == 302 and response["Location"] == "/m/login/"
    assert client.post("/m/login/", {"mobile": member.mobile, "password": NEW})["Location"] == "/m/"
    assert AuditEvent.objects.filter(action="people.account.activate", target_id=str(member.pk)).exists()


def test_the_answer_never_tells_whether_a_number_has_an_account(tree, send):
    member = imported_member(tree)
    staff = make_account(tree.town, name="已有密码")
    known = send(Client(), member.mobile)
    unknown = send(Client(), "13900001234")
    has_password = send(Client(), staff.mobile)  # activation is for accounts without a password
    assert known.status_code == unknown.status_code == has_password.status_code == 200
    assert all(SENT in r.content.decode() for r in (known, unknown, has_password))
    assert read_outbox("13900001234") == [] and read_outbox(staff.mobile) == [] and len(read_outbox(member.mobile)) == 1
    assert SmsCode.objects.filter(mobile_hash=blind_index("13900001234"), account=None).count() == 1


def test_wrong_expired_and_reused_codes_are_refused(tree, send):
    staff = make_account(tree.town, name="忘记密码")
    page = "/password/forgot/"
    client = Client()
    send(client, staff.mobile, page)
    code = code_in(staff.mobile)
    wrong = set_password(client, staff.mobile, "000000" if code != "000000" else "111111", page)
    assert "验证码错误或已失效" in wrong.content.decode()
    assert set_password(client, staff.mobile, code, page)["Location"] == "/login/"
    staff.refresh_from_db()
    assert staff.check_password(NEW) and not staff.check_password(PASSWORD)
    reused = set_password(client, staff.mobile, code, page, password="Another#Pass9")
    assert "验证码错误或已失效" in reused.content.decode()

    SmsCode.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=2))
    send(client, staff.mobile, page)
    SmsCode.objects.filter(used_at=None).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    expired = set_password(client, staff.mobile, code_in(staff.mobile), page, password="Another#Pass9")
    assert "验证码错误或已失效" in expired.content.decode()


def test_a_refused_password_keeps_the_code_usable(tree, send):
    member = imported_member(tree)
    client = Client()
    send(client, member.mobile)
    code = code_in(member.mobile)
    weak = set_password(client, member.mobile, code, password="short")
    assert weak.status_code == 200 and "验证码错误" not in weak.content.decode()
    assert set_password(client, member.mobile, code).status_code == 302


def test_five_wrong_codes_lock_the_number_for_fifteen_minutes(tree, send):
    member = imported_member(tree)
    client = Client()
    send(client, member.mobile)
    code = code_in(member.mobile)
    for _ in range(5):
        set_password(client, member.mobile, "999999" if code != "999999" else "888888")
    locked = set_password(client, member.mobile, code)
    assert locked.status_code == 429 and "已锁定" in locked.content.decode() and int(locked["Retry-After"]) > 800
    assert not Account.objects.unscoped(reason="test").get(pk=member.pk).has_usable_password()


def test_codes_checked_are_limited_per_client_address_across_numbers(tree, send, settings):
    """One address trying codes for many numbers: each number stays under its own wrong-code lock, the address
    does not (FENJI_RATE_LIMITS "sms.code_check", shared by every server process through the database)."""
    settings.FENJI_RATE_LIMITS = {"sms.code_check": {"ip": [3, 3600]}}
    members = [imported_member(tree, name=f"导入团员{n}") for n in range(4)]
    client = Client()
    for member in members[:3]:
        answer = set_password(client, member.mobile, "000000")
        assert answer.status_code == 200 and "验证码错误" in answer.content.decode()
    send(client, members[3].mobile)
    refused = set_password(client, members[3].mobile, code_in(members[3].mobile))
    assert refused.status_code == 429 and "操作过于频繁" in refused.content.decode()
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert not Account.objects.unscoped(reason="test").get(pk=members[3].pk).has_usable_password()
    assert set_password(Client(REMOTE_ADDR="10.0.0.9"), members[3].mobile,
                        code_in(members[3].mobile)).status_code == 302  # another address is not held back


def test_sending_is_limited_per_number_and_per_client(tree, send):
    member = imported_member(tree)
    client = Client()
    assert send(client, member.mobile).status_code == 200
    again = send(client, member.mobile)
    assert again.status_code == 429 and "过于频繁" in again.content.decode() and again["Retry-After"]
    assert len(read_outbox(member.mobile)) == 1

    SmsCode.objects.update(created_at=timezone.now() - datetime.timedelta(hours=2))
    hash_ = blind_index(member.mobile)
    SmsCode.objects.bulk_create([SmsCode(mobile_hash=hash_, purpose="activate", code_hash="x$y", client_ip="10.0.0.9",
                                         created_at=timezone.now() - datetime.timedelta(hours=3), expires_at=timezone.now())
                                 for _ in range(10)])
    SmsCode.objects.filter(client_ip="10.0.0.9").update(created_at=timezone.now() - datetime.timedelta(hours=3))
    day = send(Client(), member.mobile)
    assert day.status_code == 429 and "明天再试" in day.content.decode()

    SmsCode.objects.bulk_create([SmsCode(mobile_hash=f"n{i}", purpose="reset", code_hash="x$y", client_ip="127.0.0.1",
                                         created_at=timezone.now() - datetime.timedelta(minutes=5),
                                         expires_at=timezone.now()) for i in range(20)])
    busy = send(Client(), "13900005678", "/password/forgot/")
    assert busy.status_code == 429 and "本机" in busy.content.decode()
    assert AuditEvent.objects.filter(action="people.sms_code.send", outcome="denied").count() == 3


def test_the_administrator_resets_a_password_and_the_change_is_forced(tree, city_admin, login,
                                                                      django_capture_on_commit_callbacks):
    staff = make_account(tree.town, name="被重置者")
    signed_in = Client()
    signed_in.post("/login/", {"mobile": staff.mobile, "password": PASSWORD})
    admin = login(city_admin)
    assert "将为 被重置者" in admin.get(f"/people/accounts/{staff.pk}/password-reset/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(f"/people/accounts/{staff.pk}/password-reset/")
    initial = re.search(r"新的初始密码：(\S+?)。", read_outbox(staff.mobile)[-1].text).group(1)
    staff.refresh_from_db()
    assert staff.must_change_password and staff.check_password(initial) and not staff.check_password(PASSWORD)
    assert signed_in.get("/profile/")["Location"].startswith("/login/")  # its sessions ended
    event = AuditEvent.objects.get(action="people.password.reset")
    assert event.actor_id == city_admin.pk and initial not in str(event.details)
    fresh = Client()
    fresh.post("/login/", {"mobile": staff.mobile, "password": initial})
    assert fresh.get("/profile/")["Location"].startswith("/password/")  # the change comes first


def test_a_reset_outside_scope_answers_like_missing_and_not_on_oneself(tree, city_admin, sibling_admin, login):
    staff = make_account(tree.town, name="范围内")
    assert login(sibling_admin).post(f"/people/accounts/{staff.pk}/password-reset/").status_code == 404
    assert login(city_admin).post(f"/people/accounts/{city_admin.pk}/password-reset/").status_code == 302
    city_admin.refresh_from_db()
    assert city_admin.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action="people.password.reset", outcome="ok").exists()


def test_the_activation_invite_goes_only_to_accounts_without_a_password(tree, city_admin, login,
                                                                        django_capture_on_commit_callbacks):
    member = imported_member(tree)
    admin = login(city_admin)
    page = admin.get(f"/people/accounts/{member.pk}/").content.decode()
    assert "未激活" in page and "发送激活短信" in page
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(f"/people/accounts/{member.pk}/activation/")
    assert "激活账号" in read_outbox(member.mobile)[-1].text
    staff = make_account(tree.town, name="已激活")
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(f"/people/accounts/{staff.pk}/activation/")
    assert read_outbox(staff.mobile) == []


def test_the_import_page_sends_the_activation_sms_to_the_imported_rows_once(tree, city_admin, login,
                                                                            django_capture_on_commit_callbacks):
    import secrets

    from fenji.core.kernel.models import ImportJob

    started = timezone.now()
    imported = [imported_member(tree, name=f"导入{n}") for n in range(2)]
    Account.objects.unscoped(reason="test").filter(pk__in=[a.pk for a in imported]).update(opened_by=city_admin)
    earlier = make_account(tree.town, kind="member", name="早先开户")  # not of this import
    job = ImportJob.objects.create(spec="people.members", account_id=city_admin.pk, file_name="会员.xlsx",
                                   token=secrets.token_hex(8), state="done", created=2, processed=2,
                                   finished_at=timezone.now())
    ImportJob.objects.filter(pk=job.pk).update(created_at=started - datetime.timedelta(seconds=1))
    client = login(city_admin)
    assert "向本次导入的 2 个账号发送激活短信" in client.get(f"/people/accounts/import/{job.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(f"/people/accounts/import/{job.pk}/activate/", follow=True).content.decode()
    assert "已为 2 个账号发送激活短信" in page
    assert all("激活账号" in read_outbox(a.mobile)[-1].text for a in imported)
    assert read_outbox(earlier.mobile) == []
    again = client.post(f"/people/accounts/import/{job.pk}/activate/", follow=True).content.decode()
    assert "已经发送过" in again and len(read_outbox(imported[0].mobile)) == 1
