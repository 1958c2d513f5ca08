"""``kill -9`` of ``fenji worker`` while it sends SMS (issue 22, ADR 0030): every queued message is sent, and none twice.

A real ``fenji worker`` works the PostgreSQL test database's queue with the file SMS backend. Three messages are
queued. The worker is caught in the worst place: it has claimed the first, handed it to the backend (the line is in
the outbox) and waits to mark its task done, on the task's row, which this test holds locked. Its process group is
killed (SIGKILL) and its database session ended. A second worker then finds the task its dead predecessor left running, runs it again — the backend
sees the same idempotency key and sends nothing — and sends the other two.
"""

import fcntl
import json
import os
import signal
import subprocess
import sys
import time

import psycopg
import pytest
from django.core.management import call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from fenji.core.notify.tasks import sms_enqueue
from fenji.testing import DATABASE_TASKS
from tests.test_kill_server import _waiting_on_a_lock
from tests.test_serve import database_url

pytestmark = pytest.mark.skipif(not os.environ.get("FENJI_DATABASE_URL", "").startswith("postgres"),
                                reason="a second connection holds a row lock while the worker writes: PostgreSQL")

TEXTS = ["【分级管理平台】验证码 111111", "【分级管理平台】验证码 222222", "【分级管理平台】验证码 333333"]


def _wait(test, what: str, process=None, log=None, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while not test():
        if process is not None:
            assert process.poll() is None, log.read_text()
        assert time.monotonic() < deadline, what + ("\n" + log.read_text() if log else "")
        time.sleep(0.05)


def _worker(env, log):
    return subprocess.Popen([sys.executable, "-m", "fenji.cli", "worker", "--tick-seconds", "0.3", "--interval", "0.1"],
                            env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)


def _outbox(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line] if path.exists() else []


def _status(pk) -> str:
    return DBTaskResult.objects.get(pk=pk).status


def test_a_worker_killed_mid_send_loses_no_sms_and_duplicates_none(transactional_db, settings, tmp_path):
    settings.TASKS = DATABASE_TASKS
    for text in TEXTS:
        sms_enqueue(mobile="13912345678", text=text)  # autocommit: queued at once
    tasks = list(DBTaskResult.objects.order_by("enqueued_at").values_list("id", flat=True))
    assert len(tasks) == 3
    outbox, log = tmp_path / "outbox.jsonl", tmp_path / "worker.log"
    url = database_url(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FENJI_", "DJANGO_"))}
    env.update(FENJI_DATABASE_URL=url, FENJI_VAR_DIR=str(settings.VAR_DIR), FENJI_SMS_BACKEND="file",
               FENJI_SMS_FILE=str(outbox), FENJI_WORKER_BEAT_SECONDS="0.3", FENJI_WORKER_DEAD_SECONDS="1.5")
    conninfo = url.replace("postgres://", "postgresql://", 1)
    table = DBTaskResult._meta.db_table

    descriptor = os.open(outbox, os.O_RDWR | os.O_CREAT, 0o600)
    first = second = None
    try:
        with open(descriptor, "a+") as held, psycopg.connect(conninfo) as holder:
            fcntl.flock(held, fcntl.LOCK_EX)  # the backend waits here, its task claimed
            first = _worker(env, log)
            def running():
                return [t for t in tasks if _status(t) == TaskResultStatus.RUNNING]

            _wait(running, "the worker claimed nothing", first, log)
            [claimed] = running()
            holder.execute(f"SELECT 1 FROM {table} WHERE id = %s FOR UPDATE", [claimed])  # where it marks it done
            fcntl.flock(held, fcntl.LOCK_UN)
            _wait(lambda: _waiting_on_a_lock(conninfo), "the worker did not reach its task's row", first, log)
            assert [m["key"] for m in _outbox(outbox)] == [str(claimed)]  # handed over, not marked done
            os.killpg(first.pid, signal.SIGKILL)
            first.wait(10)
            # The server would still finish the dead client's UPDATE once the lock is free (nothing reads its socket
            # while it waits), so end its session as a lost machine's would end: the mark never lands.
            holder.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
                           "AND wait_event_type = 'Lock'")
            holder.rollback()
        assert _status(claimed) == TaskResultStatus.RUNNING  # what the dead worker left

        second = _worker(env, log)
        _wait(lambda: all(_status(t) == TaskResultStatus.SUCCESSFUL for t in tasks),
              "the queue was not worked off after the kill", second, log)
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)

    sent = _outbox(outbox)
    assert sorted(m["key"] for m in sent) == sorted(str(t) for t in tasks)  # each message once
    assert sorted(m["text"] for m in sent) == TEXTS
    call_command("audit", "verify", stdout=open(os.devnull, "w"))  # exits non-zero when the chain is broken
