"""``kill -9`` in the middle of a member import (issue 22): the chunks the job reported done are there whole, the chunk
in flight left nothing, the audit chain verifies, and the job says it was interrupted once another worker is up.

The page queues the import; ``fenji worker`` writes it, chunk by chunk (1,000 rows each, one transaction each; the
last chunk's transaction also records the import in the audit log). A real worker imports 2,500 rows into the
PostgreSQL test database while this test holds the audit chain's head: the first two chunks commit and the job says
2,000 rows are done, the third waits with its rows written. The worker's process group is killed (SIGKILL). A second
worker requeues the dead one's task (ADR 0030), which marks the job failed with the reason. Importing the same file
again opens the 500 missing accounts and lists the 2,000 others as already there: every row once.
"""

import os
import subprocess
import sys
import time

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from fenji.core.kernel.models import ImportJob
from fenji.core.notify import periodic
from fenji.core.notify.models import TickRun
from fenji.core.people.member_import import member_import_start
from fenji.core.people.models import Account, Person
from fenji.core.people.services import member_import
from fenji.core.people.tests.test_member_import import id_number, workbook
from fenji.testing import DATABASE_TASKS, actor
from tests.test_kill_server import _waiting_on_a_lock, _writing, kill, wait_until_ended
from tests.test_serve import database_url

pytestmark = pytest.mark.skipif(not os.environ.get("FENJI_DATABASE_URL", "").startswith("postgres"),
                                reason="a second connection holds a row lock while the worker writes: PostgreSQL")

ROWS = 2500


def _wait(test, what: str, process, log, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while not test():
        assert process.poll() is None, log.read_text()
        assert time.monotonic() < deadline, what + "\n" + log.read_text()
        time.sleep(0.05)


def _worker(env, log):
    return subprocess.Popen([sys.executable, "-m", "fenji.cli", "worker", "--tick-seconds", "0.3", "--interval", "0.1"],
                            env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)


def _hanzi(n: int) -> str:
    """A name may not hold digits: ``n`` in Chinese numerals."""
    return "".join("零一二三四五六七八九"[int(d)] for d in str(n))


def _imported():
    return Account.objects.unscoped(reason="test").filter(mobile_hash__isnull=False, person__real_name__startswith="导入")


def test_a_worker_killed_mid_import_keeps_whole_chunks_and_the_rest_imports_once(transactional_db, settings, tree,
                                                                                 city_admin, tmp_path):
    settings.TASKS = DATABASE_TASKS
    rows = [[f"导入{_hanzi(n)}", id_number(n), f"1397{n:07d}", None] for n in range(ROWS)]
    upload = workbook(rows).getvalue()
    job = member_import_start(actor=actor(city_admin), unit=tree.town, file=SimpleUploadedFile("名单.xlsx", upload),
                              file_name="名单.xlsx", max_rows=10_000)
    for periodic_job in periodic.jobs(live_only=False):  # just run: the worker's first tick leaves the chain alone
        TickRun.objects.update_or_create(name=periodic_job.name, defaults={"last_run_at": timezone.now()})
    log = tmp_path / "worker.log"
    url = database_url(tmp_path)
    conninfo = url.replace("postgres://", "postgresql://", 1)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FENJI_", "DJANGO_"))}
    env.update(FENJI_DATABASE_URL=url, FENJI_VAR_DIR=str(settings.VAR_DIR), FENJI_WORKER_BEAT_SECONDS="0.3",
               FENJI_WORKER_DEAD_SECONDS="1.5")
    first = second = None
    try:
        with psycopg.connect(conninfo) as holder:  # holds the audit chain's head: the last chunk waits there
            holder.execute("SELECT 1 FROM audit_chainhead WHERE id = 1 FOR UPDATE")
            first = _worker(env, log)
            _wait(lambda: _waiting_on_a_lock(conninfo), "the import did not reach its last chunk", first, log)
            assert _writing(conninfo, Account._meta.db_table)  # the last chunk's rows are written, not committed
            job.refresh_from_db()
            assert (job.state, job.processed) == (ImportJob.State.RUNNING, 2000)  # what the page has shown
            kill(first)
            holder.rollback()
        wait_until_ended(conninfo)

        assert _imported().count() == 2000  # the two chunks reported done, whole; nothing of the third
        assert Person.objects.filter(real_name__startswith="导入").count() == 2000  # no person without its account
        call_command("audit", "verify", stdout=open(os.devnull, "w"))

        second = _worker(env, log)
        _wait(lambda: ImportJob.objects.get(pk=job.pk).finished, "the interrupted job was not ended", second, log)
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                kill(process)
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED and "中断" in job.message and "2000" in job.message

    again = member_import(actor=actor(city_admin), unit=tree.town, file=workbook(rows), file_name="名单.xlsx")
    assert (again.created, again.rejected) == (500, 2000)  # the rest once; the others named as already there
    assert _imported().count() == ROWS
    call_command("audit", "verify", stdout=open(os.devnull, "w"))
