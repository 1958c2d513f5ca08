"""Background work through Django's task API (django-tasks): SMS, and the periodic ``tick``.

Which backend runs them is the ``TASKS`` setting: the database queue (``django_tasks_db``) worked by
``fenji worker``, or, with ``FENJI_TASKS_IMMEDIATE=1``, in-process at enqueue time (tests, the demo).

Task arguments are stored in the queue table until the finished results are pruned. An SMS carries a
mobile number and sometimes an initial password, so its arguments are sealed with the data key
(SM4-GCM, ``kernel.crypto``) like every other mobile number at rest (ADR 0008).
"""

import json

from django.db import transaction
from django_tasks import task

from fenji.core.kernel import crypto

from . import periodic
from .sms import sms_send


@task()
def send_sms(sealed: str) -> None:
    """Send one SMS; ``sealed`` is what ``seal_sms`` made of the number and the text."""
    data = json.loads(crypto.decrypt(sealed))
    sms_send(mobile=data["mobile"], text=data["text"])


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
