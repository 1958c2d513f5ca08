"""Background work through Django's task API (django-tasks): SMS, and the periodic ``tick``.

Which backend runs them is the ``TASKS`` setting: the database queue (``django_tasks_db``) worked by
``fenji worker``, or, with ``FENJI_TASKS_IMMEDIATE=1``, in-process at enqueue time (tests, the demo).

Task arguments are stored in the queue table until the finished results are pruned. An SMS carries a
mobile number and sometimes an initial password, so its arguments are sealed with the data key
(SM4-GCM, ``kernel.crypto``) like every other mobile number at rest (ADR 0008).
"""

import json
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import TaskContext, TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from fenji.core.kernel import crypto

from . import periodic
from .sms import sms_send


@task(takes_context=True)
def send_sms(context: TaskContext, sealed: str) -> None:
    """Send one SMS; ``sealed`` is what ``seal_sms`` made of the number and the text. The task's id, fixed when it
    was queued, is the message's idempotency key: a run again after a worker died sends nothing twice (ADR 0030)."""
    data = json.loads(crypto.decrypt(sealed))
    sms_send(mobile=data["mobile"], text=data["text"], key=str(context.task_result.id))


def seal_sms(*, mobile: str, text: str) -> str:
    return crypto.encrypt(json.dumps({"mobile": mobile, "text": text}, ensure_ascii=False))


def sms_enqueue(*, mobile: str, text: str) -> None:
    """Queue an SMS once the current transaction commits (at once outside a transaction).

    A rolled-back transaction sends nothing. The SMS itself is sent by the worker; a failure is
    recorded on the task result there and never reaches the caller.
    """
    sealed = seal_sms(mobile=mobile, text=text)
    transaction.on_commit(lambda: send_sms.enqueue(sealed))


@task(priority=10)
def tick(run_all: bool = False) -> dict:
    """Run every registered periodic job whose interval has elapsed (``periodic.run_due``)."""
    return periodic.run_due(run_all=run_all).as_dict()


SUCCESSFUL_KEEP_DAYS = 7
FAILED_KEEP_DAYS = 30


def prune_task_results() -> int:
    """Forget finished task results (their sealed arguments with them): successful ones after 7 days,
    failed ones after 30 (kept longer to look into)."""
    now = timezone.now()
    deleted, _ = DBTaskResult.objects.filter(
        Q(status=TaskResultStatus.SUCCESSFUL, finished_at__lte=now - timedelta(days=SUCCESSFUL_KEEP_DAYS))
        | Q(status=TaskResultStatus.FAILED, finished_at__lte=now - timedelta(days=FAILED_KEEP_DAYS))
    ).delete()
    return deleted
