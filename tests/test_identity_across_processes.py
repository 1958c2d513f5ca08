"""A revoked grant and a disabled account hold on the very next request in every server process (issue 21, ADR 0019).

Two ``fenji run`` servers share one database, as two machines behind a load balancer would; one browser session
is used on both. The grant is revoked, then the account disabled, behind both servers' backs (straight in the
database): the next request to either server is refused. No server keeps identity between requests, and nothing
has to tell it. (The services' own paths — session ending, token revocation, audit — are tested in process.)
"""

import http.client
import os
import re
import sqlite3
import subprocess
import sys
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.access.services import grant_create, role_create
from fenji.core.people import permissions as people_perms
from fenji.core.people.models import Account
from fenji.testing import PASSWORD, make_account
from tests.test_serve import database_url, free_port, get

ROLE = "process_viewer"


def start(env, log):
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "fenji.cli", "run", "--port", str(port), "--workers", "1"],
                               env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    return port, process


def wait_healthy(port, process, log):
    deadline = time.monotonic() + 90
    while True:
        assert process.poll() is None, log.read_text()
        assert time.monotonic() < deadline, "the server did not answer /healthz:\n" + log.read_text()
        try:
            sock, head = get(port, "/healthz", timeout=2)
            sock.close()
            if head.startswith(b"HTTP/1.1 200"):
                return
        except OSError:
            pass
        time.sleep(0.2)


def request(port, method, path, cookies, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    text = response.read().decode()
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        cookies[name.strip()] = rest.split(";", 1)[0]
    conn.close()
    return response.status, text, response.headers.get("Location", "")


def write_behind(db_url, sql, params):
    """A change made by neither server: straight into the shared database (a third writer)."""
    if db_url.startswith("sqlite:///"):
        with sqlite3.connect(db_url.removeprefix("sqlite:///")) as db:
            db.execute(sql.replace("%s", "?"), params)
        return
    with connection.cursor() as cursor:  # PostgreSQL: the servers use the test database itself
        cursor.execute(sql, params)


def test_a_revoked_grant_and_a_disabled_account_hold_on_the_next_request_to_every_server(transactional_db, tree,
                                                                                          tmp_path):
    role_create(actor=policy.SYSTEM, code=ROLE, label="账号查看", actions=[people_perms.ACCOUNT_VIEW])
    account = make_account(tree.county, name="两进程")
    grant = grant_create(actor=policy.SYSTEM, account=account, role=ROLE, unit=tree.county)
    hasher = PBKDF2PasswordHasher()  # the servers know the product's hashers, not the tests' fast one
    Account.objects.unscoped(reason="test").filter(pk=account.pk).update(password=hasher.encode(PASSWORD,
                                                                                                hasher.salt()))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FENJI_", "DJANGO_"))}
    url = database_url(tmp_path)
    env.update(FENJI_DATABASE_URL=url, FENJI_VAR_DIR=str(settings.VAR_DIR),  # the same keys
               FENJI_ALLOWED_HOSTS="127.0.0.1")
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    servers = [start(env, log) for log in logs]
    try:
        for (port, process), log in zip(servers, logs, strict=True):
            wait_healthy(port, process, log)
        (a, _), (b, _) = servers
        cookies: dict = {}
        _, page, _ = request(a, "GET", "/login/", cookies)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = urlencode({"csrfmiddlewaretoken": token, "mobile": account.mobile, "password": PASSWORD})
        assert request(a, "POST", "/login/", cookies, form)[0] == 302
        page = f"/people/accounts/?unit={tree.county.pk}"
        assert [request(port, "GET", page, cookies)[0] for port in (a, b)] == [200, 200]
        assert [request(port, "GET", "/", cookies)[0] for port in (a, b)] == [200, 200]

        write_behind(url, "UPDATE access_grant SET revoked_at = %s WHERE id = %s",
                     [connection.ops.adapt_datetimefield_value(timezone.now()), grant.pk])
        assert [request(port, "GET", page, cookies)[0] for port in (a, b)] == [403, 403]

        write_behind(url, "UPDATE people_account SET status = 'disabled' WHERE id = %s", [account.pk])
        assert [request(port, "GET", "/", cookies)[::2] for port in (b, a)] == [(302, "/login/?next=/")] * 2
    finally:
        for _, process in servers:
            process.terminate()
        for _, process in servers:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
