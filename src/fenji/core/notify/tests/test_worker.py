"""The database queue: what ``sms_enqueue`` stores, and ``fenji worker`` running it.

The worker closes stale connections between tasks as a long-running process must, which ends the
connection of a test wrapped in a transaction; so these tests commit for real (``transactional_db``).
"""

import datetime
import json

import pytest
import time_machine
from django.core.management import call_command
from django_tasks import TaskResultStatus, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from fenji.core.notify import periodic
from fenji.core.notify.sms import read_outbox
from fenji.core.notify.tasks import prune_task_results, sms_enqueue
from fenji.testing import DATABASE_TASKS

MOBILE = "13912345678"


@pytest.fixture
def queue(settings):
    settings.TASKS = DATABASE_TASKS  # django-tasks drops its cached backend on setting_changed
    assert isinstance(task_backends["default"], DatabaseBackend)


def test_an_sms_waits_in_the_queue_sealed_until_the_worker_sends_it(transactional_db, queue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sms_enqueue(mobile=MOBILE, text="【分级管理平台】初始密码 Abc#12345678")
    assert read_outbox() == []
    [queued] = DBTaskResult.objects.all()
    assert queued.status == TaskResultStatus.READY and queued.task_path == "fenji.core.notify.tasks.send_sms"
    stored = json.dumps(queued.args_kwargs, ensure_ascii=False)
    assert MOBILE not in stored and "初始密码" not in stored  # sealed like every mobile number at rest

    call_command("worker", "--once", verbosity=0)

    [sms] = read_outbox()
    assert (sms.mobile, sms.text) == (MOBILE, "【分级管理平台】初始密码 Abc#12345678")
    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.SUCCESSFUL


def test_nothing_is_queued_when_the_transaction_rolls_back(transactional_db, queue, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            sms_enqueue(mobile=MOBILE, text="不应发送")
            raise RuntimeError
    assert not DBTaskResult.objects.exists()


def test_a_failed_send_is_recorded_on_its_task_and_the_worker_goes_on(transactional_db, queue, settings,
                                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sms_enqueue(mobile=MOBILE, text="第一条")
        sms_enqueue(mobile="13900000000", text="第二条")
    settings.SMS_BACKEND = "fenji.core.notify.tests.test_worker.FailsFor"
    call_command("worker", "--once", verbosity=0)
    statuses = sorted(DBTaskResult.objects.values_list("status", flat=True))
    assert statuses == [TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL]
    assert [sms.text for sms in read_outbox()] == ["第二条"]


class FailsFor:
    """An SMS gateway that refuses MOBILE and writes the others to the outbox."""

    def send(self, sms):
        from fenji.core.notify.sms import FileBackend

        if sms.mobile == MOBILE:
            raise ConnectionError("gateway refused")
        FileBackend().send(sms)


def test_the_worker_runs_the_due_periodic_jobs(transactional_db, queue, monkeypatch):
    ran = []
    monkeypatch.setattr(periodic, "_jobs", {})
    periodic.register("count", lambda: ran.append(1), every_seconds=60)
    call_command("worker", "--once", verbosity=0)
    call_command("worker", "--once", verbosity=0)  # within the interval: not again
    assert ran == [1]


def test_the_worker_with_the_immediate_backend_only_ticks(transactional_db, monkeypatch, capsys):
    ran = []
    monkeypatch.setattr(periodic, "_jobs", {})
    periodic.register("count", lambda: ran.append(1), every_seconds=60)
    call_command("worker", "--once")
    assert ran == [1] and "不处理队列" in capsys.readouterr().out


def test_finished_task_results_are_pruned(transactional_db, queue, django_capture_on_commit_callbacks):
    now = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(now - datetime.timedelta(days=8), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            sms_enqueue(mobile=MOBILE, text="旧的")
        call_command("worker", "--once", verbosity=0)
    with django_capture_on_commit_callbacks(execute=True):
        sms_enqueue(mobile=MOBILE, text="还在排队")
    with time_machine.travel(now, tick=False):
        assert prune_task_results() == 1
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == [TaskResultStatus.READY]
