"""群众注册 on the phone: a number, an SMS code, a name and a password; one account per number; the code rules of
找回密码 (limits, lock after wrong codes, no enumeration); audited."""

import re

import pytest
from django.test import Client

from fenji.core.audit.models import AuditEvent
from fenji.core.kernel.errors import DomainError
from fenji.core.notify.sms import read_outbox
from fenji.core.people.models import Account, AccountKind
from fenji.core.people.recovery import WRONG_LIMIT
from fenji.core.people.signup import TAKEN
from fenji.testing import make_account

NEW = "Xinhua#2026ok"
PAGE = "/m/signup/"


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    def run(client, mobile):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(PAGE, {"step": "send", "mobile": mobile})
    return run


def code_in(mobile) -> str:
    return re.search(r"验证码 (\d{6})", read_outbox(mobile)[-1].text).group(1)


def sign_up(client, mobile, code, *, name="张群众", password=NEW):
    return client.post(PAGE, {"step": "set", "mobile": mobile, "code": code, "real_name": name,
                              "new_password": password, "new_password2": password})


def test_a_citizen_signs_up_with_an_sms_code_and_signs_in_on_the_phone(tree, send):
    client = Client()
    assert "群众注册" in client.get("/m/login/").content.decode()
    sent = send(client, "13912340001")
    assert sent.status_code == 200 and "验证码已通过短信发送" in sent.content.decode()
    response = sign_up(client, "13912340001", code_in("13912340001"))
    assert response.status_code == 302 and response["Location"] == "/m/login/"
    account = Account.objects.get_by_natural_key("13912340001")
    assert account.kind == AccountKind.CITIZEN and account.mobile_only and account.unit_id == tree.province.pk
    assert account.person.real_name == "张群众" and not account.must_change_password
    event = AuditEvent.objects.get(action="people.account.signup")
    assert event.target_id == str(account.pk) and "139****0001" in str(event.details)
    signed_in = client.post("/m/login/", {"mobile": "13912340001", "password": NEW})
    assert signed_in.status_code == 302
    assert client.get("/m/").status_code == 200
    assert client.get("/").status_code in (302, 403)  # the console is not for citizens


def test_one_account_per_number_and_the_answer_never_says_whether_it_is_taken(tree, send):
    staff = make_account(tree.town, name="已有账号")
    free, taken = send(Client(), "13912340002"), send(Client(), staff.mobile)
    assert free.status_code == taken.status_code == 200
    message = re.search(r'role="status">([^<]+)<', free.content.decode()).group(1)
    assert message in taken.content.decode()
    assert "请直接登录" in read_outbox(staff.mobile)[-1].text  # the holder is told, the asker is not
    # no code reached the taken number's holder: any code is wrong, like a guess
    response = sign_up(Client(), staff.mobile, "123456")
    assert "验证码错误" in response.content.decode()
    assert Account.objects.unscoped(reason="test").filter(kind=AccountKind.CITIZEN).count() == 0


def test_a_number_signed_up_twice_gets_one_account(tree, send):
    client = Client()
    send(client, "13912340003")
    assert sign_up(client, "13912340003", code_in("13912340003")).status_code == 302
    again = sign_up(Client(), "13912340003", code_in("13912340003"))
    assert "验证码错误" in again.content.decode()  # the code is used up
    from fenji.core.people import signup
    from fenji.core.people.models import SmsCode

    SmsCode.objects.all().delete()
    send(Client(), "13912340003")
    assert "请直接登录" in read_outbox("13912340003")[-1].text
    with pytest.raises(DomainError) as refused:
        signup.citizen_signup(mobile="13912340003", code="000000", real_name="又一个", password=NEW)
    assert refused.value.message != TAKEN  # a wrong code says nothing about the number
    assert Account.objects.unscoped(reason="test").filter(kind=AccountKind.CITIZEN).count() == 1


def test_wrong_codes_lock_the_number_and_a_bad_password_keeps_the_code(tree, send):
    client = Client()
    send(client, "13912340004")
    code = code_in("13912340004")
    weak = sign_up(client, "13912340004", code, password="short")
    assert weak.status_code == 200 and "验证码错误" not in weak.content.decode()
    for _ in range(WRONG_LIMIT):
        sign_up(client, "13912340004", "000000" if code != "000000" else "111111")
    locked = sign_up(client, "13912340004", code)
    assert locked.status_code == 429 and "锁定" in locked.content.decode()
    assert not Account.objects.unscoped(reason="test").filter(kind=AccountKind.CITIZEN).exists()
    assert AuditEvent.objects.filter(action="people.account.signup", outcome="denied").count() >= WRONG_LIMIT


def test_sending_is_rate_limited(tree, send):
    client = Client()
    assert send(client, "13912340005").status_code == 200
    again = send(client, "13912340005")
    assert again.status_code == 429 and again["Retry-After"]


def test_a_profile_without_citizens_has_no_signup(tree, settings):
    from fenji.core.kernel import profiles

    if "citizen" in (profiles.active().account_kinds or ("citizen",)):
        pytest.skip("the active profile has citizens")
    assert Client().get(PAGE).status_code == 404
