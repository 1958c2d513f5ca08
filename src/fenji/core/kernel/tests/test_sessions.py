"""The session table holds no key that works as a cookie (issue 12, finding 4).

With Django's plain database engine the ``session_key`` column held the cookie value itself: copying it
out of the database file and replaying it as the cookie gave a security administrator's session with the
second factor already passed.
"""

import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from fenji.core.access.roles import SECURITY_ADMIN
from fenji.core.kernel.sessions import stored_key
from fenji.core.mfa import services as mfa
from fenji.testing import PASSWORD, make_account


def sign_in_with_second_factor(client, account):
    secret = mfa.device_enrol(account)
    assert client.post("/login/", {"mobile": account.mobile, "password": PASSWORD})["Location"] == "/login/verify/"
    with time_machine.travel(timezone.now(), tick=False):
        code = mfa.code_at(secret, mfa.current_step())
        assert client.post("/login/verify/", {"code": code})["Location"] == "/"
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def test_a_session_key_read_from_the_database_does_not_work_as_the_cookie(client, tree):
    admin = make_account(tree.city, name="安全管理员甲", role=SECURITY_ADMIN)
    cookie = sign_in_with_second_factor(client, admin)
    assert client.get("/").status_code == 200  # the administrator's own cookie opens the console

    (row,) = Session.objects.all()  # the pending login's session was replaced at the second factor
    assert row.session_key != cookie and cookie not in row.session_key
    assert row.session_key == stored_key(cookie)

    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = row.session_key
    response = thief.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert thief.get("/api/v1/me").status_code == 401
    assert client.get("/").status_code == 200  # the replay did not disturb the real session


def test_login_logout_and_clearsessions_work_on_hashed_keys(client, tree):
    admin = make_account(tree.city, name="安全管理员乙", role=SECURITY_ADMIN)
    first = sign_in_with_second_factor(client, admin)
    assert client.post("/logout/").status_code == 302
    assert not Session.objects.exists()  # logout deleted the row

    second = sign_in_with_second_factor(client, admin)
    assert second != first and client.get("/").status_code == 200
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=31)):
        assert client.get("/")["Location"].startswith("/login/")  # idle past SESSION_COOKIE_AGE: ended
        call_command("clearsessions")
    assert not Session.objects.exists()
