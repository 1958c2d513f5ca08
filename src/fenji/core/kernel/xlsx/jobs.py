"""Imports run in the background: a page queues the upload as an ``ImportJob`` and shows its progress
(已处理 N / 共 M 行) until the result and the error report are there.

An app declares its import once::

    MEMBERS = jobs.register(ImportSpec("people.members", ...))

    @jobs.runs(MEMBERS)
    def run_job(job, stream, progress) -> ImportResult:   # in the worker, as job.account_id
        return member_import(actor=..., unit=..., file=stream, progress=progress)

and its page calls ``job_start(spec, upload, account_id=…)`` after checking the actor's right. The task
(django-tasks, the queue of ``fenji worker``; at once with ``FENJI_TASKS_IMMEDIATE``) unseals the upload,
runs the declared function and keeps the counts, the first reasons and the sealed error report on the job.
Whatever the file does, the job ends ``done`` or ``failed`` with a Chinese message: a worker stopped mid-way
leaves whole chunks written, and its job shows as stalled once it has not moved for ``STALL_MINUTES``.
"""

import base64
import logging
import secrets
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import TaskContext, task

from .. import crypto
from ..errors import AccessDenied, DomainError, NotVisible
from ..models import ImportJob
from . import sealed
from .run import ImportResult, ImportStopped, read_header
from .spec import ImportSpec

logger = logging.getLogger(__name__)

KEEP_HOURS = 24  # the error report, then the job's key
PAGE_ERRORS = 100  # reasons kept on the job for the page; the report has them all
STALL_MINUTES = 30
UPLOAD, REPORT = "upload", "report"
GONE = gettext_lazy("导入错误报告不存在或已过期（报告保留 24 小时），请重新导入")

_specs: dict[str, ImportSpec] = {}
_runners: dict[str, Callable] = {}


def register(spec: ImportSpec) -> ImportSpec:
    """Make ``spec`` known by its name; a name declared twice is an error."""
    if _specs.get(spec.name, spec) is not spec:
        raise ValueError(f"import {spec.name} is declared twice")
    _specs[spec.name] = spec
    return spec


def runs(spec: ImportSpec):
    """Declare the function that runs ``spec``'s queued jobs: ``run(job, stream, progress) -> ImportResult``."""
    def declare(function):
        _runners[register(spec).name] = function
        return function
    return declare


def spec_get(name: str) -> ImportSpec:
    return _specs[name]


def _key(job: ImportJob) -> bytes:
    if not job.key:
        raise sealed.Gone(job.token)
    return base64.urlsafe_b64decode(crypto.decrypt(job.key))


def job_start(spec: ImportSpec, file, *, account_id: int, file_name: str, unit_id: int | None = None,
              unit_name: str = "", options: dict | None = None) -> ImportJob:
    """Check the file's header (``DomainError`` at once: nothing queued), seal it and queue its import."""
    options = dict(options or {})
    # The worker speaks no language of its own: the job's reasons are written in the uploader's.
    options.setdefault("language", translation.get_language() or settings.LANGUAGE_CODE)
    _header, total = read_header(spec, file, max_rows=options.get("max_rows"))
    sweep()
    key = sealed.new_key()
    job = ImportJob(spec=spec.name, account_id=account_id, unit_id=unit_id, unit_name=unit_name[:200],
                    file_name=(file_name or "")[:200], size=getattr(file, "size", 0) or 0, options=options,
                    token=secrets.token_urlsafe(18), total=total,
                    key=crypto.encrypt(base64.urlsafe_b64encode(key).decode()))
    file.seek(0)
    sealed.seal(file, token=job.token, role=UPLOAD, key=key)
    job.save()
    run_import.enqueue(job.pk)
    job.refresh_from_db()
    return job


def _progress(job: ImportJob):
    def told(result: ImportResult) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed=result.read, total=result.total,
                                                   updated_at=timezone.now())
    return told


@task(takes_context=True)
def run_import(context: TaskContext, job_id: int) -> str:
    """Run one queued import (``job_start``); the job records what became of it."""
    claimed = ImportJob.objects.filter(pk=job_id, state=ImportJob.State.QUEUED).update(
        state=ImportJob.State.RUNNING, updated_at=timezone.now())
    if not claimed:
        if context.attempt > 1:  # requeued after its worker died mid-way (ADR 0030): say so now, not when it stalls
            job = ImportJob.objects.filter(pk=job_id, state=ImportJob.State.RUNNING).first()
            if job is not None:
                with translation.override(job.options.get("language") or settings.LANGUAGE_CODE):
                    _finish(job, None, _("导入在后台被中断（工作进程停止），已处理的 %(n)s 行中写入的整块已保存；"
                                         "请重新导入该文件，已导入的行会作为重复号码列出") % {"n": job.processed})
                return job.state
        return "not queued"
    job = ImportJob.objects.get(pk=job_id)
    with translation.override(job.options.get("language") or settings.LANGUAGE_CODE):
        _run(job)
    return job.state


def _run(job: ImportJob) -> None:
    result, message = None, ""
    try:
        stream = sealed.unseal(token=job.token, role=UPLOAD, key=_key(job))
        with stream:
            result = _runners[job.spec](job, stream, _progress(job))
    except ImportStopped as stopped:
        result, message = stopped.result, stopped.message
    except (AccessDenied, NotVisible):
        message = _("您已没有在该单位办理此项导入的权限，未导入")
    except DomainError as error:
        message = error.message
    except sealed.Gone:
        message = _("上传的文件已不存在（超过 24 小时未处理），请重新导入")
    except Exception:
        logger.exception("import job %s failed", job.pk)
        message = _("导入时发生系统错误，已导入的行已保存；请稍后重试，或联系系统管理员")
    finally:
        sealed.remove(job.token, UPLOAD)
    _finish(job, result, message)


def _finish(job: ImportJob, result: ImportResult | None, message: str) -> None:
    job.state = ImportJob.State.FAILED if message else ImportJob.State.DONE
    job.message = message
    job.finished_at = timezone.now()
    if result is not None:
        job.processed, job.created, job.rejected = result.read, result.created, result.rejected
        job.total = result.total if message and result.total is not None else result.read
        job.ignored = result.ignored_columns
        job.errors = [[e.row, e.column, e.reason] for e in result.errors[:PAGE_ERRORS]]
        if result.report is not None:
            with result.report:
                sealed.seal(result.report, token=job.token, role=REPORT, key=_key(job))
            job.has_report = True
    with transaction.atomic():
        job.save()


def job_get(*, account_id: int, pk, spec: ImportSpec) -> ImportJob:
    """The job ``pk`` of ``spec`` started by ``account_id``; anyone else's (or none) is ``NotVisible``."""
    job = ImportJob.objects.filter(pk=pk, account_id=account_id, spec=spec.name).first()
    if job is None:
        raise NotVisible(target_type="kernel.importjob", target_id=pk)
    return job


def job_list(*, account_id: int, spec: ImportSpec, limit: int = 5) -> list[ImportJob]:
    return list(ImportJob.objects.filter(account_id=account_id, spec=spec.name).order_by("-created_at")[:limit])


def stalled(job: ImportJob) -> bool:
    """A job that has not moved for ``STALL_MINUTES`` (its worker stopped): shown as such, not polled for ever."""
    return not job.finished and job.updated_at < timezone.now() - timedelta(minutes=STALL_MINUTES)


def report_open(job: ImportJob):
    """The job's error report as a temporary file at 0, or ``NotVisible`` (none, expired)."""
    if not job.has_report:
        raise NotVisible(str(GONE))
    try:
        return sealed.unseal(token=job.token, role=REPORT, key=_key(job))
    except sealed.Gone:
        raise NotVisible(str(GONE)) from None


def sweep() -> int:
    """Forget what is older than ``KEEP_HOURS``: the sealed files, and the jobs' keys with them."""
    removed = sealed.sweep(older_than_hours=KEEP_HOURS)
    ImportJob.objects.filter(finished_at__lt=timezone.now() - timedelta(hours=KEEP_HOURS)).exclude(key="").update(
        key="", has_report=False)
    return removed
