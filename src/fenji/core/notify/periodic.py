"""Periodic jobs: a registry, and ``run_due`` which runs each job at most once per interval.

Apps register in ``AppConfig.ready``::

    from fenji.core.notify import periodic
    periodic.register("workflow.reminders", send_due_reminders, every_seconds=300)

A module declares its jobs in its declaration (``kernel.modules.PeriodicJob``); they join the registered
ones here and run only while the module is live under the active profile.

``fenji worker`` calls ``run_due`` about once a minute (``--tick-seconds``); ``fenji tick`` runs it
once (cron, tests; ``--all`` ignores the intervals). A job is claimed before it runs: its
``TickRun`` row is locked (``select_for_update``; on SQLite the IMMEDIATE transaction holds the write
lock), checked and stamped in one short transaction, so two workers never both start it within one
interval. The job then runs outside that transaction, in its own. A job that fails is logged and
runs again at its next interval (not sooner), so jobs must be idempotent: reminders use
``message_send(dedupe_key=…)``.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from fenji.core.kernel import modules

log = logging.getLogger(__name__)

# A tick that comes a moment early (clock adjustments, scheduling jitter) still runs a job that is due.
GRACE = timedelta(seconds=1)


@dataclass(frozen=True)
class Job:
    name: str
    function: Callable[[], object]
    every: timedelta
    module: str = ""  # the declaring module (``kernel.modules``): runs only while it is live


@dataclass
class TickReport:
    ran: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    not_due: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"ran": self.ran, "failed": self.failed, "not_due": self.not_due}


_jobs: dict[str, Job] = {}


def _qualified(function) -> str:
    return f"{getattr(function, '__module__', '')}.{getattr(function, '__qualname__', repr(function))}"


def register(name: str, function: Callable[[], object], every_seconds: int | float) -> None:
    """Run ``function()`` (no arguments) every ``every_seconds`` seconds, give or take one worker tick.

    Registering the same function under the same name again is a no-op; another function under a
    name already taken is a programming error.
    """
    if not name or len(name) > 100:
        raise ValueError("a periodic job needs a name of 1 to 100 characters")
    if every_seconds <= 0:
        raise ValueError(f"periodic job {name}: every_seconds must be positive")
    existing = _jobs.get(name)
    if existing is not None and _qualified(existing.function) != _qualified(function):
        raise ValueError(f"periodic job {name} is already registered for {_qualified(existing.function)}")
    _jobs[name] = Job(name=name, function=function, every=timedelta(seconds=every_seconds))


def jobs(*, live_only: bool = True) -> list[Job]:
    """The registered jobs and those the declarations bring (of live modules only, unless ``live_only=False``)."""
    found = dict(_jobs)
    for module in (modules.live() if live_only else modules.all_modules()):
        for job in module.periodic_jobs:
            found.setdefault(job.name, Job(job.name, job.function, timedelta(seconds=job.every_seconds), module.name))
    return sorted(found.values(), key=lambda job: job.name)


def _claim(job: Job, now: datetime, run_all: bool) -> bool:
    from .models import TickRun

    with transaction.atomic():
        run = TickRun.objects.select_for_update().get(name=job.name)
        if not run_all and run.last_run_at is not None and run.last_run_at + job.every > now + GRACE:
            return False
        run.last_run_at = now
        run.save(update_fields=["last_run_at"])
    return True


def run_due(*, run_all: bool = False, names: list[str] | None = None) -> TickReport:
    """Run the registered jobs that are due (all of them with ``run_all``), each once, in name order."""
    from .models import TickRun

    selected = [job for job in jobs() if names is None or job.name in names]
    report = TickReport()
    if not selected:
        return report
    TickRun.objects.bulk_create([TickRun(name=job.name) for job in selected], ignore_conflicts=True)
    now = timezone.now()
    for job in selected:
        if not _claim(job, now, run_all):
            report.not_due.append(job.name)
            continue
        try:
            job.function()
        except Exception:
            log.exception("periodic job %s failed", job.name)
            report.failed.append(job.name)
        else:
            report.ran.append(job.name)
    return report
