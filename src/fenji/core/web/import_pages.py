"""What the pages of every Excel import share (``kernel.xlsx.jobs``): the job, shown to the account that started it
only (anyone else's answers 404 like a missing one), for the page and the piece it polls; its error report and the
template, as downloads."""

from django.http import FileResponse

from fenji.core.kernel.inputs import parse_id
from fenji.core.kernel.xlsx import jobs
from fenji.core.kernel.xlsx.report import template

from .excel import XLSX

POLL_SECONDS = 2  # how often the page asks for the job's progress


def import_job(request, pk, spec) -> dict:
    """The template context of the job ``pk`` of ``spec`` started by the signed-in account."""
    job = jobs.job_get(account_id=request.user.pk, pk=parse_id(pk), spec=spec)
    return {"job": job, "stalled": jobs.stalled(job), "poll": POLL_SECONDS}


def import_shown(request, spec) -> dict:
    """The job named by ``?job=`` on the upload page, when there is one (its result shown above the form)."""
    return import_job(request, request.GET["job"], spec) if request.GET.get("job") else {}


def import_errors_response(job, filename: str) -> FileResponse:
    """The job's rows that were refused, as the Excel report (``NotVisible`` once it expired)."""
    return FileResponse(jobs.report_open(job), as_attachment=True, content_type=XLSX, filename=filename)


def import_template_response(spec, filename: str) -> FileResponse:
    """The template to fill in: the header row and an example row, every column as text."""
    return FileResponse(template(spec), as_attachment=True, filename=filename, content_type=XLSX)
