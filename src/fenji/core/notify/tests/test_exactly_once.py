"""An SMS is sent once even when the worker that ran its task died (ADR 0030): the task's id is the message's
idempotency key, the file backend sends a key once, and a task left RUNNING by a worker that stopped saying it is
alive goes back to the queue. (The same with a real worker killed with SIGKILL: ``tests/test_kill_worker.py``.)
"""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from fenji.core.notify.models import WorkerBeat
from fenji.core.notify.orphans import orphaned_tasks_requeue, worker_beat
from fenji.core.notify.sms import FileBackend, Sms, read_outbox, sms_send
from fenji.core.notify.tasks import sms_enqueue
from fenji.core.notify.tests.test_worker import MOBILE, queue  # noqa: F401 (a fixture)


def _sms(key: str, text: str = "验证码 123456") -> Sms:
    return Sms(mobile=MOBILE, text=text, sent_at=timezone.now().isoformat(), key=key)


def test_the_file_backend_sends_a_key_once(settings, tmp_path):
    settings.SMS_FILE = tmp_path / "outbox.jsonl"
    FileBackend().send(_sms("k1"))
    FileBackend().send(_sms("k1", "再发一次"))
    FileBackend().send(_sms("k2"))
    FileBackend().send(_sms(""))
    FileBackend().send(_sms(""))  # no key: nothing to dedupe on
    assert [(m.key, m.text) for m in read_outbox()] == [("k1", "验证码 123456"), ("k2", "验证码 123456"),
                                                        ("", "验证码 123456"), ("", "验证码 123456")]


def test_an_outbox_written_before_keys_is_still_read(settings, tmp_path):
    settings.SMS_FILE = outbox = tmp_path / "outbox.jsonl"
    outbox.write_text('{"mobile": "13912345678", "text": "旧的", "sent_at": "2026-01-01T00:00:00+00:00"}\n')
    sms_send(mobile=MOBILE, text="新的", key="k")
    assert [(m.text, m.key) for m in read_outbox()] == [("旧的", ""), ("新的", "k")]


def _queued(django_capture_on_commit_callbacks, text: str) -> DBTaskResult:
    with django_capture_on_commit_callbacks(execute=True):
        sms_enqueue(mobile=MOBILE, text=text)
    return DBTaskResult.objects.order_by("-enqueued_at").first()


def _left_running(result: DBTaskResult, worker_id: str, minutes_ago: float) -> None:
    result.status = TaskResultStatus.RUNNING
    result.started_at = timezone.now() - timedelta(minutes=minutes_ago)
    result.worker_ids = [worker_id]
    result.save(update_fields=["status", "started_at", "worker_ids"])


def test_the_queued_task_sends_under_its_own_id(transactional_db, queue, django_capture_on_commit_callbacks):  # noqa: F811
    result = _queued(django_capture_on_commit_callbacks, "你的初始密码")
    call_command("worker", "--once", verbosity=0)
    [sms] = read_outbox()
    assert sms.key == str(result.id) and sms.text == "你的初始密码"


def test_a_task_sent_but_not_marked_when_its_worker_died_runs_again_and_sends_nothing_twice(
        transactional_db, queue, django_capture_on_commit_callbacks):  # noqa: F811
    handed_over = _queued(django_capture_on_commit_callbacks, "已交给网关")
    never_sent = _queued(django_capture_on_commit_callbacks, "未及发送")
    # the dead worker's state: it claimed both, handed the first to the gateway, then was killed
    sms_send(mobile=MOBILE, text="已交给网关", key=str(handed_over.id))
    for result in (handed_over, never_sent):
        _left_running(result, "dead-worker", minutes_ago=5)
    worker_beat("dead-worker")
    WorkerBeat.objects.filter(worker_id="dead-worker").update(beat_at=timezone.now() - timedelta(minutes=5))

    call_command("worker", "--once", verbosity=0)  # another worker starts: it requeues and runs them

    assert sorted(m.text for m in read_outbox()) == ["已交给网关", "未及发送"]  # each once
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {TaskResultStatus.SUCCESSFUL}


@pytest.mark.parametrize("case", ["its worker is alive", "claimed just now"])
def test_a_running_task_of_a_live_worker_is_left_alone(transactional_db, queue, django_capture_on_commit_callbacks,  # noqa: F811
                                                       case):
    result = _queued(django_capture_on_commit_callbacks, "在发")
    if case == "its worker is alive":
        _left_running(result, "busy-worker", minutes_ago=30)  # a long task: the worker's beats say it is alive
        worker_beat("busy-worker")
    else:
        _left_running(result, "silent-worker", minutes_ago=0)
    assert orphaned_tasks_requeue() == 0
    result.refresh_from_db()
    assert result.status == TaskResultStatus.RUNNING


def test_a_running_task_of_a_worker_never_seen_is_requeued(transactional_db, queue, django_capture_on_commit_callbacks):  # noqa: F811
    """A worker from before the beats (or whose beats were forgotten) counts as gone."""
    result = _queued(django_capture_on_commit_callbacks, "无人认领")
    _left_running(result, "unknown-worker", minutes_ago=5)
    assert orphaned_tasks_requeue() == 1
    result.refresh_from_db()
    assert result.status == TaskResultStatus.READY and result.worker_ids == ["unknown-worker"]
