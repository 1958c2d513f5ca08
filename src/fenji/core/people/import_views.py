"""批量导入会员: the upload page, the import's progress and result (a background job, polled by the page), its
error report and the template to fill in."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fenji.core.audit.services import audit_record
from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.inputs import parse_id
from fenji.core.kernel.xlsx import jobs
from fenji.core.org.selectors import unit_get, unit_list_roots
from fenji.core.org.widgets import pick_units_for
from fenji.core.web.excel import stamp
from fenji.core.web.forms import add_domain_error
from fenji.core.web.import_pages import import_errors_response, import_job, import_template_response
from fenji.core.web.routes import requires

from . import permissions as perms
from . import recovery, services
from .import_forms import MemberImportForm
from .member_import import MEMBERS

# A file is imported in the background: 200,000 rows take about half a minute on the reference host.
PAGE_MAX_ROWS = 200_000


def _default_unit(actor, chosen=None):
    """The default offered: the unit chosen from the account list (?unit=), else the top of the actor's reach."""
    if chosen is not None:
        return chosen
    roots = [u for u in unit_list_roots(actor=actor, action=perms.ACCOUNT_OPEN) if u.is_active]
    return roots[0] if roots else None


def _chosen_unit(request):
    pk = parse_id(request.GET.get("unit"))
    if pk is None:
        return None
    return unit_get(actor=request.actor, pk=pk, action=perms.ACCOUNT_OPEN)


def _job(request, pk):
    return import_job(request, pk, MEMBERS)


@requires(perms.ACCOUNT_OPEN)
@require_http_methods(["GET", "POST"])
@never_cache
def member_import(request):
    chosen = _chosen_unit(request)
    default = _default_unit(request.actor, chosen)
    initial = {"unit": default.pk} if default is not None else {}
    form = MemberImportForm(request.POST or None, request.FILES or None, initial=initial)
    pick_units_for(form, request.actor, perms.ACCOUNT_OPEN)
    if request.method == "POST" and form.is_valid():
        unit = unit_get(actor=request.actor, pk=form.cleaned_data["unit"], action=perms.ACCOUNT_OPEN)
        upload = form.cleaned_data["file"]
        try:
            job = services.member_import_start(actor=request.actor, unit=unit, file=upload, file_name=upload.name,
                                               max_rows=PAGE_MAX_ROWS)
        except DomainError as error:
            add_domain_error(form, error)
        else:  # Post/Redirect/Get: reloading the progress page does not import again
            return redirect(f"{reverse('people:member_import')}?unit={unit.pk}&job={job.pk}")
    shown = _job(request, request.GET["job"]) if request.GET.get("job") else {}
    return render(request, "people/member_import.html", {
        "form": form, **shown, "titles": MEMBERS.titles, "max_rows": PAGE_MAX_ROWS,
        "recent": jobs.job_list(account_id=request.user.pk, spec=MEMBERS),
    })


@requires(perms.ACCOUNT_OPEN)
@require_GET
@never_cache
def member_import_job(request, pk):
    """The progress of one import (已处理 N / 共 M 行) and, once done, its result: the piece the page polls."""
    return render(request, "people/_member_import_job.html", _job(request, pk))


@requires(perms.ACCOUNT_OPEN)
@require_GET
@never_cache
def member_import_errors(request, pk):
    """The rejected rows of an import this account ran, as Excel; the download is audited (C5.4)."""
    job = _job(request, pk)["job"]
    response = import_errors_response(job, _("导入失败的行-%(stamp)s.xlsx") % {"stamp": stamp()})
    audit_record(actor=request.actor, action="people.account.export",
                 details={"list": "member_import_errors", "rows": job.rejected})
    return response


@requires(perms.ACCOUNT_OPEN)
@require_GET
def member_import_template(request):
    """导入模板.xlsx: the header row and one example row (skipped if left in); every column is text."""
    return import_template_response(MEMBERS, _("导入模板.xlsx"))


@requires(perms.ACCOUNT_UPDATE)
@require_POST
def member_import_activate(request, pk):
    """发送激活短信 to the members of one finished import (the SMS leave through the task queue)."""
    job = _job(request, pk)["job"]
    try:
        count = recovery.import_activation_invite(actor=request.actor, job=job)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已为 %(n)d 个账号发送激活短信（由后台任务发出）") % {"n": count} if count
                         else _("0 条短信：本次导入的账号都已激活或不在您的管理范围内"))
    return redirect(f"{reverse('people:member_import')}?job={job.pk}")
