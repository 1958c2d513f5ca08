"""批量导入团员: the upload page (the branch and the file), the import's progress and result (a background job, polled
by the page), its error report and the template with the League's columns."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from fenji.core.access import policy
from fenji.core.audit.services import audit_record
from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.xlsx import jobs
from fenji.core.org.models import Unit, UnitStatus
from fenji.core.org.selectors import unit_get
from fenji.core.web.excel import stamp
from fenji.core.web.forms import add_domain_error
from fenji.core.web.import_pages import import_errors_response, import_job, import_shown, import_template_response
from fenji.core.web.routes import requires

from . import member_import, services
from . import module as perms
from .import_forms import LeagueImportForm
from .member_import import LEAGUE_MEMBERS


def _branches(actor):
    rows = Unit.objects.filter(policy.scope_q(actor, perms.MEMBER_MANAGE, field="path"),
                               kind__in=services.BRANCH_KINDS, status=UnitStatus.ACTIVE).order_by("path")
    return list(rows[:2000])


def _job(request, pk):
    return import_job(request, pk, LEAGUE_MEMBERS)


@requires(perms.MEMBER_MANAGE)
@require_http_methods(["GET", "POST"])
@never_cache
def member_import_page(request):
    actor = request.actor
    branches = _branches(actor)
    initial = {"branch": branches[0].pk} if len(branches) == 1 else {}
    form = LeagueImportForm(request.POST or None, request.FILES or None, branches=branches, initial=initial)
    if request.method == "POST" and form.is_valid():
        branch = unit_get(actor=actor, pk=form.cleaned_data["branch"], action=perms.MEMBER_MANAGE)
        upload = form.cleaned_data["file"]
        try:
            job = member_import.league_member_import_start(actor=actor, branch=branch, file=upload,
                                                           file_name=upload.name, max_rows=member_import.MAX_ROWS)
        except DomainError as error:
            add_domain_error(form, error)
        else:  # Post/Redirect/Get: reloading the progress page does not import again
            return redirect(f"{reverse('league:member_import')}?job={job.pk}")
    shown = import_shown(request, LEAGUE_MEMBERS)
    return render(request, "league/member_import.html", {
        "form": form, **shown, "titles": LEAGUE_MEMBERS.titles, "max_rows": member_import.MAX_ROWS,
        "entry_days": member_import.ENTRY_DAYS, "recent": jobs.job_list(account_id=request.user.pk, spec=LEAGUE_MEMBERS)})


@requires(perms.MEMBER_MANAGE)
@require_GET
@never_cache
def member_import_job(request, pk):
    """The progress of one import and, once done, its result: the piece the page polls."""
    return render(request, "league/_member_import_job.html", _job(request, pk))


@requires(perms.MEMBER_MANAGE)
@require_GET
@never_cache
def member_import_errors(request, pk):
    """The refused rows of an import this account ran, as Excel; the download is audited."""
    job = _job(request, pk)["job"]
    response = import_errors_response(job, _("团员导入失败的行-%(stamp)s.xlsx") % {"stamp": stamp()})
    audit_record(actor=request.actor, action="league.member.export",
                 details={"list": "member_import_errors", "rows": job.rejected})
    return response


@requires(perms.MEMBER_MANAGE)
@require_GET
def member_import_template(request):
    """团员导入模板.xlsx: the League's column headers and one example row (skipped if left in); every column is text."""
    return import_template_response(LEAGUE_MEMBERS, _("团员导入模板.xlsx"))
