"""PostgreSQL restarted (``pg_ctl restart -m fast``) while a real ``fenji run`` serves reads and writes (issue 22).

Three clients keep a served fenji busy: a signed-in browser reading its home page, a machine client reading a
dispatch's tracking through the API, and one sending dispatches to two towns through the API. The database server
is restarted in the middle. Every answer is a success or a 503 with ``Retry-After`` and the Chinese message (never a
500); each client is served again by itself once the server is back; every acknowledged dispatch is there with
both its deliveries, no dispatch is half written, each has its audit event, and the audit chain verifies.
"""

import http.client
import json
import os
import re
import subprocess
import sys
import threading
import time
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.management import call_command
from django.db import connection

from fenji.core.access.roles import DEPT_HEAD
from fenji.core.audit.models import AuditEvent
from fenji.core.dispatch.models import Delivery, Dispatch
from fenji.core.kernel.outage import MESSAGE
from fenji.core.people.models import Account
from fenji.testing import PASSWORD, make_account, pgcluster
from test_api import token_for
from tests.test_identity_across_processes import request, wait_healthy
from tests.test_serve import database_url, free_port

pytestmark = [pytest.mark.cluster, pytest.mark.django_db(transaction=True)]


class Load:
    """Clients that loop until stopped, keeping every answer: (client, status, Retry-After, body, monotonic time)."""

    def __init__(self, port: int, token: str, cookies: dict, towns: list[int], tracked: int):
        self.port, self.token, self.cookies, self.towns, self.tracked = port, token, cookies, towns, tracked
        self.answers: list[tuple] = []
        self.acked: list[int] = []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._loop, args=(kind,)) for kind in ("page", "read", "write")]

    def _call(self, kind: str, sent: int):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        try:
            if kind == "page":
                headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
                conn.request("GET", "/", headers=headers)
            elif kind == "read":
                conn.request("GET", f"/api/v1/dispatch/{self.tracked}", headers=headers)
            else:
                conn.request("POST", "/api/v1/dispatch", headers=headers, body=json.dumps(
                    {"kind": "notice", "title": f"重启中的通知{sent}", "body": "正文", "units": self.towns}))
            response = conn.getresponse()
            return response.status, response.headers.get("Retry-After"), response.read().decode()
        finally:
            conn.close()

    def _loop(self, kind: str):
        sent = 0
        while not self.stop.is_set():
            sent += 1
            status, retry_after, body = self._call(kind, sent)
            if kind == "write" and status == 201:
                self.acked.append(json.loads(body)["id"])
            self.answers.append((kind, status, retry_after, body, time.monotonic()))
            time.sleep(0.01)

    def served(self, kind: str, since: float = 0.0) -> int:
        return sum(1 for k, status, _, _, at in self.answers if k == kind and status in (200, 201) and at > since)

    def wait(self, test, what: str, timeout: float = 60):
        deadline = time.monotonic() + timeout
        while not test():
            assert all(t.is_alive() for t in self.threads), "a client stopped on an error"
            assert time.monotonic() < deadline, what
            time.sleep(0.05)


def _signed_in(port: int, mobile: str) -> dict:
    cookies: dict = {}
    _, page, _ = request(port, "GET", "/login/", cookies)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urlencode({"csrfmiddlewaretoken": csrf, "mobile": mobile, "password": PASSWORD})
    assert request(port, "POST", "/login/", cookies, form)[0] == 302
    return cookies


def test_a_restart_under_load_fails_cleanly_then_serves_again_with_nothing_lost(tree, tmp_path):
    sender = make_account(tree.city, name="市办主任", role=DEPT_HEAD)
    hasher = PBKDF2PasswordHasher()  # the server knows the product's hashers, not the tests' fast one
    Account.objects.unscoped(reason="test").filter(pk=sender.pk).update(password=hasher.encode(PASSWORD, hasher.salt()))
    token = token_for(sender)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FENJI_", "DJANGO_"))}
    env.update(FENJI_DATABASE_URL=database_url(tmp_path), FENJI_VAR_DIR=str(settings.VAR_DIR),
               FENJI_ALLOWED_HOSTS="127.0.0.1")
    port, log = free_port(), tmp_path / "server.log"
    server = subprocess.Popen([sys.executable, "-m", "fenji.cli", "run", "--port", str(port), "--workers", "1"],
                              env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True)
    towns = [tree.town.pk, tree.other_town.pk]
    try:
        wait_healthy(port, server, log)
        load = Load(port, token, _signed_in(port, sender.mobile), towns, tracked=0)
        status, _, body = load._call("write", 0)
        assert status == 201, body
        load.tracked = json.loads(body)["id"]
        load.acked.append(load.tracked)
        for thread in load.threads:
            thread.start()
        try:
            load.wait(lambda: all(load.served(kind) >= 3 for kind in ("page", "read", "write")), "no load before")
            pgcluster.restart()
            back = time.monotonic()
            load.wait(lambda: all(load.served(kind, since=back) >= 2 for kind in ("page", "read", "write")),
                      "a client was not served again after the restart:\n" + log.read_text()[-3000:])
        finally:
            load.stop.set()
            for thread in load.threads:
                thread.join(60)
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()

    statuses = {(kind, status) for kind, status, _, _, _ in load.answers}
    odd = [(kind, status, body[:2000]) for kind, status, _, body, _ in load.answers if status not in (200, 201, 503)]
    assert not odd, (sorted(statuses), odd[:3], log.read_text()[-6000:])
    refused = [(kind, retry_after, body) for kind, status, retry_after, body, _ in load.answers if status == 503]
    print(f"{len(load.answers)} answers, {len(refused)} answered 503, {len(load.acked)} dispatches acknowledged")
    assert refused, "no request met the restart"
    assert all(retry_after == "5" and MESSAGE in body for _, retry_after, body in refused), refused[:3]

    connection.close()  # this process's own connection was cut by the restart too
    dispatches = Dispatch.objects.unscoped(reason="test")
    present = set(dispatches.values_list("id", flat=True))
    assert set(load.acked) <= present  # every acknowledged write is there
    deliveries = Delivery.objects.unscoped(reason="test")
    assert all(deliveries.filter(dispatch_id=pk).count() == 2 for pk in present)  # none half written
    assert AuditEvent.objects.filter(action="dispatch.dispatch.send").count() == len(present)
    call_command("audit", "verify", stdout=open(os.devnull, "w"))  # exits non-zero when the chain is broken
