"""``/api/v1/discipline/petitions/import``: 补录导入 over HTTP (a sub-router of ``api.router``) — the sheet queued as the
page queues it (the petitions go to the caller's own unit), then its job polled for progress and the row errors.
A job is its starter's only: anyone else's answers 404 like a missing one."""

import datetime

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import File, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from fenji.core.api.routes import api_route
from fenji.core.api.schemas import ERRORS
from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.xlsx import jobs
from fenji.core.org.selectors import unit_own

from . import module as perms
from .backentry_views import IMPORT_MAX_ROWS
from .petition_import import PETITIONS, petition_import_start

router = Router(tags=["检举举报"])


class RowErrorOut(Schema):
    row: int
    column: str
    reason: str


class ImportJobOut(Schema):
    id: int
    file_name: str
    unit: str
    state: str
    finished: bool
    total: int | None
    processed: int
    created: int
    rejected: int
    message: str
    errors: list[RowErrorOut]
    created_at: datetime.datetime
    finished_at: datetime.datetime | None

    @staticmethod
    def resolve_unit(job):
        return job.unit_name

    @staticmethod
    def resolve_errors(job):
        return [{"row": row, "column": column or "", "reason": reason} for row, column, reason in job.errors]


@router.post("/discipline/petitions/import", response={202: ImportJobOut, **ERRORS},
             summary="批量补录信访件（Excel，按补录模板；在后台导入，返回导入任务）")
@api_route(action=perms.PETITION_REGISTER)
def petition_import(request, file: File[UploadedFile]):
    if not (file.name or "").lower().endswith(".xlsx"):
        raise DomainError(_("请上传 .xlsx 格式的 Excel 文件"), field="file")
    if file.size > int(settings.UPLOAD_MAX_MB) * 1024 * 1024:
        raise DomainError(_("文件超过 %(limit)s MB 的上限：请分成多个文件导入") % {"limit": settings.UPLOAD_MAX_MB},
                          field="file")
    job = petition_import_start(actor=request.actor, unit=unit_own(actor=request.actor), file=file,
                                file_name=file.name, max_rows=IMPORT_MAX_ROWS)
    return Status(202, job)


@router.get("/discipline/petitions/imports/{int:id}", response={200: ImportJobOut, **ERRORS},
            summary="补录导入任务的进度和结果（只限提交人）")
@api_route(action=perms.PETITION_REGISTER)
def petition_import_job(request, id: int):
    return jobs.job_get(account_id=request.actor.account_id, pk=id, spec=PETITIONS)
