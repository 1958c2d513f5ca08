import time

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fenji.core.audit.models import AuditEvent
from fenji.core.kernel.sessions import stored_key
from fenji.core.people.authentication import MOBILE_ONLY_MESSAGE
from fenji.testing import PASSWORD, make_account


@pytest.fixture
def clerk(tree, city_clerk):
    # Plain staff: the password alone signs in. Administrators also pass a TOTP (fenji/core/mfa/tests).
    return city_clerk


def post_login(client, account, password, path="/login/"):
    return client.post(path, {"mobile": account.mobile, "password": password})


def test_login_with_mobile_and_password(client, clerk):
    response = post_login(client, clerk, PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="people.login", outcome="ok", actor_id=clerk.pk).exists()


def test_wrong_password_is_explained_in_chinese(client, clerk):
    response = post_login(client, clerk, "wrong-password")
    assert "手机号码或密码错误" in response.content.decode()
    assert AuditEvent.objects.filter(action="people.login", outcome="failed").exists()


def test_five_failures_lock_the_account_even_for_the_right_password(client, clerk):
    for _ in range(5):
        post_login(client, clerk, "wrong-password")
    response = post_login(client, clerk, PASSWORD)
    assert response.status_code == 403
    assert "已锁定 15 分钟" in response.content.decode()
    assert "_auth_user_id" not in client.session
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=16)):
        assert post_login(client, clerk, PASSWORD).status_code == 302


def test_members_and_elders_use_the_mobile_pages_only(client, tree):
    member = make_account(tree.town, kind="member")
    response = post_login(client, member, PASSWORD)
    assert '<a class="btn btn-small" id="to-mobile" href="/m/login/">' in response.content.decode()  # a link, not a path
    assert "/m/" not in MOBILE_ONLY_MESSAGE
    assert "_auth_user_id" not in client.session
    assert post_login(client, member, PASSWORD, path="/m/login/").status_code == 302
    assert client.get("/").status_code == 302  # a console page sends the member back to /m/
    assert client.get("/m/").status_code == 200


def test_disabled_account_cannot_log_in(client, tree):
    member = make_account(tree.town, kind="member")
    member.status = "disabled"
    member.save()
    response = post_login(client, member, PASSWORD, path="/m/login/")
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_forced_password_change_at_first_login(client, tree):
    member = make_account(tree.town, kind="member")
    member.must_change_password = True
    member.save()
    post_login(client, member, PASSWORD, path="/m/login/")
    assert client.get("/m/")["Location"] == "/m/password/"
    response = client.post("/m/password/", {"old_password": PASSWORD, "new_password": "Qinhuai#River9",
                                            "new_password2": "Qinhuai#River9"})
    assert response["Location"] == "/m/"
    assert client.get("/m/").status_code == 200


def test_expired_password_forces_a_change(client, clerk, settings):
    post_login(client, clerk, PASSWORD)
    with time_machine.travel(timezone.now() + timezone.timedelta(days=settings.PASSWORD_MAX_AGE_DAYS + 1)):
        clerk.refresh_from_db()
        # a fresh login after 91 days lands on the password page
        client.logout()
        post_login(client, clerk, PASSWORD)
        assert client.get("/")["Location"] == "/password/"


def test_idle_timeout_and_absolute_lifetime(client, clerk, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and not settings.SESSION_SAVE_EVERY_REQUEST  # see renewal below
    post_login(client, clerk, PASSWORD)
    session = client.session
    session["fenji_login_at"] = time.time() - settings.SESSION_ABSOLUTE_SECONDS - 1
    session.save()
    assert client.get("/")["Location"].startswith("/login/")


def test_idle_session_expires_after_thirty_minutes(client, clerk):
    post_login(client, clerk, PASSWORD)
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=31)):
        assert client.get("/")["Location"].startswith("/login/")


def _session_writes(client, path="/") -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return sum(1 for q in captured.captured_queries
               if q["sql"].startswith(("UPDATE", "INSERT")) and "django_session" in q["sql"])


def _expires(client):
    return Session.objects.get(session_key=stored_key(client.session.session_key)).expire_date


def test_the_idle_timeout_slides_with_at_most_one_session_write_a_minute(client, clerk):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        post_login(client, clerk, PASSWORD)  # the login writes the session: it expires 30 minutes from now
        assert _expires(client) == start + timezone.timedelta(minutes=30)
        clock.shift(20)
        assert _session_writes(client) == 0  # two requests within the minute: no write
        clock.shift(30)
        assert _session_writes(client) == 0
        assert _expires(client) == start + timezone.timedelta(minutes=30)
        clock.shift(11)  # 61 s after the last write: renewed
        assert _session_writes(client) == 1
        assert _expires(client) == start + timezone.timedelta(seconds=61, minutes=30)
        clock.shift(1)
        assert _session_writes(client) == 0  # and then once a minute again


def test_a_renewed_session_lives_on_and_expires_at_most_a_minute_early(client, clerk):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        post_login(client, clerk, PASSWORD)
        for _ in range(41):  # 41 requests 50 s apart: 34 minutes of activity, the session lives on
            clock.shift(50)
            assert client.get("/").status_code == 200
        last_request, expires = timezone.now(), _expires(client)
        exact = last_request + timezone.timedelta(minutes=30)  # 30 minutes idle after the last request
        assert exact - timezone.timedelta(seconds=60) <= expires < exact  # earlier by under a minute, never later
        clock.move_to(expires - timezone.timedelta(seconds=1))
        assert client.get("/").status_code == 200  # idle 29 min 9 s: still signed in (and renewed)
        clock.move_to(timezone.now() + timezone.timedelta(minutes=30))
        assert client.get("/")["Location"].startswith("/login/")  # idle 30 minutes: ended


def test_an_anonymous_request_writes_no_session(client, db):
    assert _session_writes(client, "/login/") == 0
    assert not Session.objects.exists()


def test_logout_deletes_the_session_row(client, clerk):
    post_login(client, clerk, PASSWORD)
    key = client.session.session_key
    assert Session.objects.filter(session_key=stored_key(key)).exists()
    response = client.post("/logout/")
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=stored_key(key)).exists()
    assert AuditEvent.objects.filter(action="people.logout").exists()


def test_open_redirect_is_refused(client, clerk):
    response = client.post("/login/?next=https://example.com/", {"mobile": clerk.mobile, "password": PASSWORD,
                                                                  "next": "https://example.com/"})
    assert response["Location"] == "/"


def test_a_one_minute_idle_timeout_still_slides(client, clerk, settings):
    settings.SESSION_COOKIE_AGE = 60
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        post_login(client, clerk, PASSWORD)
        for _ in range(5):  # a request every 40 s for over three minutes: never idle for a minute
            clock.shift(40)
            assert client.get("/").status_code == 200
        clock.shift(61)
        assert client.get("/")["Location"].startswith("/login/")
