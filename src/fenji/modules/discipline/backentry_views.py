"""补录导入's pages: the upload (the sheet's template, the back-entered petitions go to the user's own unit), the
job's progress and result, its error report. A job is shown to the account that started it only."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from fenji.core.access import policy
from fenji.core.audit.services import audit_record
from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.xlsx import jobs
from fenji.core.org.selectors import unit_own
from fenji.core.web.excel import stamp
from fenji.core.web.forms import add_domain_error
from fenji.core.web.import_pages import import_errors_response, import_job, import_shown, import_template_response
from fenji.core.web.routes import requires

from . import module as perms
from . import petition_import as import_petitions
from .forms import PetitionImportForm
from .petition_import import PETITIONS

IMPORT_MAX_ROWS = 5_000  # an outage's paper, not a migration


@requires(perms.PETITION_REGISTER)
@require_http_methods(["GET", "POST"])
@never_cache
def petition_import(request):
    actor = request.actor
    own = unit_own(actor=actor)
    policy.require(actor, perms.PETITION_REGISTER, own.path)
    form = PetitionImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = import_petitions.petition_import_start(actor=actor, unit=own, file=upload, file_name=upload.name,
                                                          max_rows=IMPORT_MAX_ROWS)
        except DomainError as error:
            add_domain_error(form, error)
        else:  # Post/Redirect/Get: reloading the progress page does not import again
            return redirect(f"{reverse('discipline:petition_import')}?job={job.pk}")
    shown = import_shown(request, PETITIONS)
    return render(request, "discipline/petition_import.html", {
        "form": form, **shown, "own": own, "titles": PETITIONS.titles, "max_rows": IMPORT_MAX_ROWS,
        "recent": jobs.job_list(account_id=request.user.pk, spec=PETITIONS)})


@requires(perms.PETITION_REGISTER)
@require_GET
@never_cache
def petition_import_job(request, pk):
    """The progress of one import and, once done, its result: the piece the page polls."""
    return render(request, "discipline/_petition_import_job.html", import_job(request, pk, PETITIONS))


@requires(perms.PETITION_REGISTER)
@require_GET
@never_cache
def petition_import_errors(request, pk):
    """The refused rows of an import this account ran (petitioners included, as uploaded): the download is audited."""
    job = import_job(request, pk, PETITIONS)["job"]
    response = import_errors_response(job, _("信访件补录失败的行-%(stamp)s.xlsx") % {"stamp": stamp()})
    audit_record(actor=request.actor, action="discipline.petition.export",
                 details={"list": "petition_import_errors", "rows": job.rejected})
    return response


@requires(perms.PETITION_REGISTER)
@require_GET
def petition_import_template(request):
    return import_template_response(PETITIONS, _("信访件补录模板.xlsx"))
