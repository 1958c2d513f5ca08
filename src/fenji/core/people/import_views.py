"""批量导入会员: the upload page, its result with the error report, and the template to fill in."""

import secrets

from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from fenji.core.access.models import Reach
from fenji.core.audit.services import audit_record
from fenji.core.kernel.errors import AccessDenied, DomainError, NotVisible
from fenji.core.kernel.inputs import parse_id
from fenji.core.org.models import UnitStatus
from fenji.core.org.selectors import unit_get, unit_list, unit_list_roots
from fenji.core.web.excel import XLSX, ExcelSheet, stamp
from fenji.core.web.forms import add_domain_error
from fenji.core.web.routes import requires

from . import import_reports, services
from . import permissions as perms
from .import_forms import MemberImportForm
from .member_import import COLUMNS, EXAMPLE, TITLES, RowError

# One page request carries the whole import: 200,000 rows take about half a minute on the reference host.
PAGE_MAX_ROWS = 200_000
SESSION_KEY = "fenji_member_imports"  # result id -> what the result page shows, and the report's token and key
SESSION_KEEP = 5
PAGE_ERRORS = 100  # shown on the result page; the report has them all
CHOICE_LIMIT = 300


def _units(actor, chosen=None) -> list:
    """The units offered as the default: the tops of the actor's reach and their children (and ``chosen``)."""
    roots = unit_list_roots(actor=actor, action=perms.ACCOUNT_OPEN)
    single = [g.unit_path for g in actor.grants if perms.ACCOUNT_OPEN in g.actions and g.reach != Reach.SUBTREE]
    units = {u.pk: u for u in roots}
    if single:
        units.update((u.pk, u) for u in unit_list(actor=actor, action=perms.ACCOUNT_OPEN).filter(path__in=single))
    children = (unit_list(actor=actor, action=perms.ACCOUNT_OPEN)
                .filter(parent__in=[u.pk for u in roots], status=UnitStatus.ACTIVE).order_by("path")[:CHOICE_LIMIT])
    units.update((u.pk, u) for u in children)
    if chosen is not None:
        units[chosen.pk] = chosen
    top = min((u.depth for u in units.values()), default=0)
    ordered = sorted(units.values(), key=lambda u: u.path)
    for unit in ordered:
        code = f"（{unit.code}）" if unit.code else ""
        unit.choice_label = "\u3000" * (unit.depth - top) + unit.name + code
    return [u for u in ordered if u.is_active]


def _chosen_unit(request):
    pk = parse_id(request.GET.get("unit"))
    if pk is None:
        return None
    return unit_get(actor=request.actor, pk=pk, action=perms.ACCOUNT_OPEN)


def _remember(request, result, stopped: str) -> str:
    """Keep what the result page shows (no personal data: counts, row numbers, reasons) and the report's key."""
    token = key = ""
    if result.report is not None:
        token, key = import_reports.store(result.report, account_id=request.user.pk)
        result.report.close()
    done = secrets.token_urlsafe(12)
    entries = dict(request.session.get(SESSION_KEY) or {})
    entries[done] = {
        "token": token, "key": key, "stopped": stopped,
        "unit": result.unit.pk, "unit_name": result.unit.name, "file": result.file_name,
        "read": result.read, "created": result.created, "rejected": result.rejected,
        "ignored": result.ignored_columns,
        "errors": [[e.row, e.column, e.reason] for e in result.errors[:PAGE_ERRORS]],
    }
    request.session[SESSION_KEY] = dict(list(entries.items())[-SESSION_KEEP:])
    return done


@requires(perms.ACCOUNT_OPEN)
@require_http_methods(["GET", "POST"])
@never_cache
def member_import(request):
    chosen = _chosen_unit(request)
    units = _units(request.actor, chosen)
    default = chosen or (units[0] if units else None)
    initial = {"unit": default.pk} if default is not None else {}
    form = MemberImportForm(request.POST or None, request.FILES or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        unit = unit_get(actor=request.actor, pk=form.cleaned_data["unit"], action=perms.ACCOUNT_OPEN)
        upload = form.cleaned_data["file"]
        import_reports.sweep()
        result, stopped = None, ""
        try:
            result = services.member_import(actor=request.actor, unit=unit, file=upload, file_name=upload.name,
                                            max_rows=PAGE_MAX_ROWS)
        except AccessDenied:
            raise
        except services.ImportStopped as error:
            result, stopped = error.result, error.message
        except DomainError as error:
            add_domain_error(form, error)
        if result is not None:  # Post/Redirect/Get: reloading the result page does not import again
            done = _remember(request, result, stopped)
            return redirect(f"{reverse('people:member_import')}?unit={unit.pk}&done={done}")
    result = (request.session.get(SESSION_KEY) or {}).get(request.GET.get("done") or "")
    if result is not None:
        result = {**result, "errors": [RowError(*e) for e in result["errors"]]}
    return render(request, "people/member_import.html", {
        "form": form, "result": result, "titles": TITLES, "max_rows": PAGE_MAX_ROWS,
    })


@requires(perms.ACCOUNT_OPEN)
@require_GET
@never_cache
def member_import_errors(request, token):
    """The rejected rows of an import this session ran, as Excel; the download is audited (C5.4)."""
    entry = next((e for e in (request.session.get(SESSION_KEY) or {}).values() if e["token"] == token), None)
    if not token or entry is None:
        raise NotVisible(import_reports.GONE)
    handle = import_reports.load(token, entry["key"], account_id=request.user.pk)
    audit_record(actor=request.actor, action="people.account.export",
                 details={"list": "member_import_errors", "rows": entry["rejected"]})
    return FileResponse(handle, as_attachment=True, filename=_("导入失败的行-%(stamp)s.xlsx") % {"stamp": stamp()},
                        content_type=XLSX)


@requires(perms.ACCOUNT_OPEN)
@require_GET
def member_import_template(request):
    """导入模板.xlsx: the header row and one example row (skipped if left in); the number columns are text."""
    sheet = ExcelSheet(_("会员名单"), TITLES, {0: 14, 3: 16})
    sheet.sheet.set_column(1, 1, 22, sheet.text)
    sheet.sheet.set_column(2, 2, 16, sheet.text)
    sheet.sheet.set_column(3, 3, 16, sheet.text)
    sheet.add([EXAMPLE[c.key] for c in COLUMNS])
    return sheet.response(_("导入模板.xlsx"))
