"""``kill -9`` of the server in the middle of a write (issue 22): what the client saw acknowledged is there, the write
it never saw acknowledged is not there at all — not its rows, not half of them — and the audit chain verifies.

A real ``fenji run`` serves the PostgreSQL test database. A dispatch to two towns is sent through the API; its
transaction writes the dispatch and its deliveries, then waits for the audit chain's head, which this test holds
locked. While the server waits there, its whole process group is killed (SIGKILL). The lock is released: the
database finishes the statement, finds its client gone and rolls the transaction back.
"""

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command

from fenji.core.access import policy
from fenji.core.access.roles import DEPT_HEAD
from fenji.core.audit.services import audit_record
from fenji.core.dispatch.models import Delivery, Dispatch
from fenji.testing import make_account
from test_api import token_for
from tests.test_identity_across_processes import wait_healthy
from tests.test_serve import database_url, free_port

pytestmark = pytest.mark.skipif(not os.environ.get("FENJI_DATABASE_URL", "").startswith("postgres"),
                                reason="a second connection holds a row lock while the server writes: PostgreSQL")


def post(port, token, path, body, answers):
    """POST ``body`` as JSON with the bearer ``token``; append (status, body), or (None, error) if the server died
    under the request (nothing acknowledged)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("POST", path, body=json.dumps(body),
                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        response = conn.getresponse()
        answers.append((response.status, response.read()))
    except OSError as error:
        answers.append((None, str(error).encode()))
    finally:
        conn.close()


def _send(port, token, title, units, answers):
    post(port, token, "/api/v1/dispatch", {"kind": "notice", "title": title, "body": "正文", "units": units}, answers)


def _waiting_on_a_lock(conninfo) -> bool:
    with psycopg.connect(conninfo, autocommit=True) as probe:
        return probe.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                             "AND wait_event_type = 'Lock'").fetchone()[0] > 0


def test_a_server_killed_in_the_middle_of_a_fan_out_leaves_none_of_it(transactional_db, tree, tmp_path):
    sender = make_account(tree.city, name="市办主任", role=DEPT_HEAD)
    token = token_for(sender)
    audit_record(actor=policy.SYSTEM, action="test.chain_head", target=None)  # the chain's head row exists
    url = database_url(tmp_path)
    conninfo = url.replace("postgres://", "postgresql://", 1)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FENJI_", "DJANGO_"))}
    env.update(FENJI_DATABASE_URL=url, FENJI_VAR_DIR=str(settings.VAR_DIR), FENJI_ALLOWED_HOSTS="127.0.0.1")
    port, log = free_port(), tmp_path / "server.log"
    server = subprocess.Popen([sys.executable, "-m", "fenji.cli", "run", "--port", str(port), "--workers", "1"],
                              env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True)
    towns = [tree.town.pk, tree.other_town.pk]
    answers: list = []
    try:
        wait_healthy(port, server, log)
        _send(port, token, "送达确认的通知", towns, answers)
        assert answers[0][0] == 201, answers[0][1]
        with psycopg.connect(conninfo) as holder:  # holds the audit chain's head until the server is dead
            holder.execute("SELECT 1 FROM audit_chainhead WHERE id = 1 FOR UPDATE")
            request = threading.Thread(target=_send, args=(port, token, "写到一半的通知", towns, answers))
            request.start()
            wait_until_waiting(conninfo, log)
            # the waiting transaction has written the deliveries already (it holds their table's insert lock)
            assert _writing(conninfo, Delivery._meta.db_table)
            kill(server)
            holder.rollback()
        request.join(30)
    finally:
        if server.poll() is None:
            kill(server)
    assert answers[1][0] is None  # never acknowledged
    wait_until_ended(conninfo)
    sent = Dispatch.objects.unscoped(reason="test")
    assert list(sent.values_list("title", flat=True)) == ["送达确认的通知"]  # the acknowledged one, whole
    assert Delivery.objects.unscoped(reason="test").filter(dispatch__in=sent).count() == 2
    assert not Delivery.objects.unscoped(reason="test").exclude(dispatch__in=sent).exists()  # none of the other
    call_command("audit", "verify", stdout=open(os.devnull, "w"))  # exits non-zero when the chain is broken


def wait_until_waiting(conninfo, log) -> None:
    """Until the served write waits for the lock this test holds."""
    deadline = time.monotonic() + 30
    while not _waiting_on_a_lock(conninfo):
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.05)


def kill(process) -> None:
    """SIGKILL to the process's whole group (granian's workers, an import's forked helpers)."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(10)


def wait_until_ended(conninfo) -> None:
    """Until the killed process's transaction is over (the database finds its client gone and rolls back)."""
    deadline = time.monotonic() + 30
    while _waiting_on_a_lock(conninfo) or _open_transactions(conninfo):
        assert time.monotonic() < deadline, "the killed process's transaction did not end"
        time.sleep(0.05)


def _open_transactions(conninfo) -> int:
    with psycopg.connect(conninfo, autocommit=True) as probe:
        return probe.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                             "AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()").fetchone()[0]


def _writing(conninfo, table: str) -> bool:
    with psycopg.connect(conninfo, autocommit=True) as probe:
        return probe.execute("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                             "WHERE c.relname = %s AND l.mode = 'RowExclusiveLock' AND l.granted "
                             "AND l.pid <> pg_backend_pid()", [table]).fetchone()[0] > 0
