"""Tasks a dead ``fenji worker`` left running (ADR 0030).

django-tasks-db marks a task RUNNING when a worker claims it and SUCCESSFUL or FAILED when it ends; a worker killed
in between (``kill -9``, a machine lost) leaves it RUNNING for ever, so it would never run. Each worker therefore
says it is alive every ``FENJI_WORKER_BEAT_SECONDS`` from a thread of its own, and every worker, on starting and on
each tick, puts back in the queue the tasks whose worker has not said so for ``FENJI_WORKER_DEAD_SECONDS``.

A requeued task runs again: delivery is at least once. The SMS task sends under an idempotency key fixed when it was
queued (its task id), so a message the dead worker had already handed over is not sent twice.
"""

import logging
import threading
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models.functions import Now
from django.db.utils import InterfaceError, OperationalError
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .models import WorkerBeat

log = logging.getLogger("fenji.worker")
FORGET_AFTER = timedelta(days=1)  # beats of workers gone this long are deleted


def worker_beat(worker_id: str) -> None:
    # the database's clock, not the machine's: workers on several machines are compared on one clock
    WorkerBeat.objects.update_or_create(worker_id=worker_id, defaults={"beat_at": Now()})


def worker_gone(worker_id: str) -> None:
    """A worker stopping cleanly: it runs nothing any more, its beat goes."""
    WorkerBeat.objects.filter(worker_id=worker_id).delete()


def orphaned_tasks_requeue() -> int:
    """Put back in the queue every task left RUNNING by a worker that stopped saying it is alive; how many."""
    now = timezone.now()
    dead_before = now - timedelta(seconds=settings.FENJI_WORKER_DEAD_SECONDS)
    silent = timedelta(seconds=settings.FENJI_WORKER_DEAD_SECONDS)
    alive = set(WorkerBeat.objects.filter(beat_at__gte=Now() - silent).values_list("worker_id", flat=True))
    requeued = 0
    with transaction.atomic():
        # claimed before the threshold: a task claimed since then has a live worker whatever its beat says
        for result in DBTaskResult.objects.running().filter(started_at__lt=dead_before).select_for_update(
                skip_locked=True):
            if result.worker_ids and result.worker_ids[-1] in alive:
                continue
            result.status = TaskResultStatus.READY
            result.save(update_fields=["status"])
            requeued += 1
            log.warning("requeued task %s (%s): its worker %s stopped without finishing it", result.id,
                        result.task_path, result.worker_ids[-1] if result.worker_ids else "?")
        WorkerBeat.objects.filter(beat_at__lt=Now() - FORGET_AFTER).delete()
    return requeued


class Heartbeat(threading.Thread):
    """Says ``worker_id`` is alive every ``FENJI_WORKER_BEAT_SECONDS``, even while a long task runs (the worker
    says it once itself on starting)."""

    def __init__(self, worker_id: str):
        super().__init__(name="fenji-worker-beat", daemon=True)
        self.worker_id = worker_id
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopping.wait(settings.FENJI_WORKER_BEAT_SECONDS):
                try:
                    worker_beat(self.worker_id)
                except (OperationalError, InterfaceError) as error:  # the database away: beat again later
                    log.warning("worker beat: database unavailable: %s", error)
                    close_old_connections()
                except Exception:  # never stop beating: a silent worker's running task would be requeued
                    log.exception("worker beat failed")
                    close_old_connections()
        finally:
            connection.close()  # this thread's own connection

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=10)
