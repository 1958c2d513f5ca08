"""内网导出: the unit's export packages (sequence, time, records, digest, 待确认/已确认, pages with totals), producing
the next one after a confirmation that shows what it will carry, downloading it (a zip of its directory under
FENJI_VAR_DIR, through the scope-checked view only) and the hand-entered confirmation from the internal network's
import receipt."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from fenji.core.access import policy
from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.pagination import newest_first_page
from fenji.core.org.selectors import unit_own
from fenji.core.org.widgets import filter_form
from fenji.core.web.excel import stamp
from fenji.core.web.forms import form_post
from fenji.core.web.query import export_query, filters_shown, paging
from fenji.core.web.routes import requires

from . import export_selectors as selectors
from . import export_services as services
from . import module as perms
from .export_forms import ExportConfirmForm, ExportFilterForm, ImportForm


@requires(perms.EXPORT_MANAGE)
def exports(request):
    actor = request.actor
    filters, data, unit = filter_form(request, ExportFilterForm, perms.EXPORT_MANAGE)
    rows = selectors.export_package_list(actor=actor, unit=unit, state=data.get("state", ""))
    if request.GET.get("format") == "xlsx":
        return services.package_ledger_export(actor=actor, packages=rows, filters=filters_shown(data, unit)).response(
            f"export-packages-{stamp()}.xlsx")
    return render(request, "discipline/exports.html", {
        "filters": filters, "page": newest_first_page(rows, **paging(request)), "unit": unit,
        "counts": selectors.export_package_counts(rows), "export_query": export_query(request),
        "may_export": policy.can(actor, perms.EXPORT_MANAGE, actor.unit_path)})


@requires(perms.EXPORT_MANAGE)
@require_http_methods(["GET", "POST"])
def export_new(request):
    """What the next package will carry, then (POST) the package: the confirmation before it is written."""
    actor = request.actor
    own = unit_own(actor=actor)
    policy.require(actor, perms.EXPORT_MANAGE, own.path)
    error = None
    if request.method == "POST":
        try:
            package = services.discipline_export(actor=actor, unit=own)
        except DomainError as refused:
            error = refused.message
        else:
            messages.success(request, _("已生成第 %(seq)s 包，请下载后经单向导入设备送内网") % {"seq": package.seq})
            return redirect("discipline:export", package.pk)
    pending = selectors.export_pending(unit=own)
    return render(request, "discipline/export_new.html", {
        "unit": own, "pending": pending, "total": sum(pending.values()), "error": error,
        "last": selectors.export_package_list(actor=actor).filter(unit=own).order_by("-seq").first()})


@requires(perms.EXPORT_MANAGE)
@require_http_methods(["GET", "POST"])
def export(request, pk):
    actor = request.actor
    package = selectors.export_package_get(actor=actor, pk=pk)
    here = reverse("discipline:export", args=[package.pk])
    form = ExportConfirmForm(request.POST or None, initial={"confirmed_on": timezone.localdate()})
    if request.method == "POST" and package.confirmed_on is not None:
        policy.require(actor, perms.EXPORT_MANAGE, package.unit_path)
        return redirect(here)
    done = form_post(request, form, lambda d: services.export_package_confirm(actor=actor, package=package, **d),
                     success=here, message=_("已登记内网确认"))
    return done or render(request, "discipline/export.html", {
        "package": package, "form": form, "digest_chars": services.confirm_digest_chars(),
        "on_disk": (services.export_dir() / package.name).is_dir()})


@requires(perms.EXPORT_MANAGE)
def export_file(request, pk):
    """The package as a zip, only through its page's scope (never a static URL); audited."""
    package = selectors.export_package_get(actor=request.actor, pk=pk)
    try:
        name, data = services.export_package_download(actor=request.actor, package=package)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("discipline:export", package.pk)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@requires(perms.IMPORT_MANAGE)
@require_http_methods(["GET", "POST"])
def imports(request):
    """外网数据导入 on the receiving side: upload a package, accepted whole or refused naming the file; the log."""
    actor = request.actor
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["package"]
        try:
            data = upload.read(settings.UPLOAD_MAX_MB * 1024 * 1024 + 1)
            received = services.discipline_import_upload(actor=actor, data=data)
        except DomainError as refused:
            form.add_error("package", _("整包拒绝导入：%(reason)s") % {"reason": refused.message})
        else:
            if received.status == received.Status.QUARANTINED:
                messages.warning(request, _("已隔离：%(reason)s") % {"reason": received.reason})
            else:
                messages.success(request, _("已导入 %(code)s 第 %(seq)s 包，%(n)s 条记录，SM3 %(digest)s") % {
                    "code": received.source_code, "seq": received.seq, "n": received.record_count,
                    "digest": received.digest})
            return redirect("discipline:imports")
    rows = selectors.received_package_list(actor=actor)
    return render(request, "discipline/imports.html", {"form": form, "page": newest_first_page(rows, **paging(request))})
