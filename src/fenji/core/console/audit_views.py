"""The security auditor's console (C5.1): search, read and export the audit log of the subtree.

Every read the auditor makes is itself recorded, and so is every export (seed 003 §13; C5.4).
"""

import datetime

from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from fenji.core.access import permissions as access_perms
from fenji.core.access import registry
from fenji.core.audit.chain import HASHED_FIELDS, event_hash
from fenji.core.audit.services import audit_record
from fenji.core.console import audit_display
from fenji.core.console.audit_selectors import LOG_KINDS, audit_event_list, audit_event_page
from fenji.core.kernel.errors import NotVisible
from fenji.core.kernel.inputs import parse_id
from fenji.core.kernel.replicas import replica_reads
from fenji.core.org import selectors as org_selectors
from fenji.core.org.widgets import pick_units_for
from fenji.core.web.excel import stamp
from fenji.core.web.query import paging
from fenji.core.web.routes import requires

from . import exports
from .audit_forms import AuditSearchForm

LOGS = {"login": _("登录日志"), "operation": _("操作日志"), "": _("全部日志")}


def _form(request) -> AuditSearchForm:
    """The search form, its modules and actions by Chinese label (actions grouped under their module)."""
    grouped: dict[str, list] = {}
    for code, label in sorted(registry.audit_actions().items()):
        grouped.setdefault(audit_display.module_label(code), []).append((code, str(label)))
    form = AuditSearchForm(request.GET or None, modules=audit_display.module_choices(),
                           actions=sorted(grouped.items()))
    pick_units_for(form, request.actor, access_perms.AUDIT_VIEW)
    return form


def _log(request) -> str:
    log = request.GET.get("log", "")
    return log if log in LOG_KINDS else ""


def _filters(request, form):
    data = form.cleaned_data if form.is_valid() else {}
    tz = timezone.get_current_timezone()

    def day(value, extra=0):
        return datetime.datetime.combine(value, datetime.time.min, tzinfo=tz) + datetime.timedelta(days=extra)

    unit = None
    if data.get("unit"):
        unit = org_selectors.unit_get(actor=request.actor, pk=data["unit"], action=access_perms.AUDIT_VIEW)
    return dict(
        start=day(data["start"]) if data.get("start") else None,
        end=day(data["end"], 1) if data.get("end") else None,
        actor_text=(data.get("who") or "").strip(),
        action=(data.get("action") or "").strip(),
        outcome=data.get("outcome") or "",
        unit=unit,
        text=(data.get("text") or "").strip(),
        module=data.get("module") or "",
        log=_log(request),
    )


def _described(filters) -> dict:
    return {k: (v.name if k == "unit" else str(v)) for k, v in filters.items() if v}


def _tabs(request) -> list[dict]:
    current = _log(request)
    return [{"log": log, "label": label, "active": log == current,
             "query": urlencode({**{k: v for k, v in request.GET.items() if k not in ("log", "after", "page")},
                                 **({"log": log} if log else {})})} for log, label in LOGS.items()]


@requires(access_perms.AUDIT_VIEW)
@replica_reads
def audit_list(request):
    form = _form(request)
    filters = _filters(request, form)
    events = audit_event_list(actor=request.actor, **filters)
    paged = paging(request)
    page = audit_event_page(events, before=parse_id(paged["after"]), size=paged["size"], page=paged["page"])
    rows, total = page.rows, page.total
    audit_record(actor=request.actor, action="audit.event.search", details={"filters": _described(filters),
                                                                           "results": total})
    return render(request, "auditlog/list.html", {
        "form": form, "rows": audit_display.shown(rows), "total": total, "page": page,
        "tabs": _tabs(request), "log_label": LOGS[_log(request)],
        "unit": filters["unit"], "export_query": urlencode({k: v for k, v in request.GET.items() if k not in ("after", "page", "size")}),
    })


@requires(access_perms.AUDIT_VIEW)
def audit_detail(request, seq):
    event = audit_event_list(actor=request.actor).filter(seq=seq).first()
    if event is None:
        raise NotVisible("审计事件不存在或不在您的审计范围内")
    intact = event_hash({name: getattr(event, name) for name in HASHED_FIELDS}, event.prev_hash) == event.hash
    audit_record(actor=request.actor, action="audit.event.read", target_type="audit.auditevent",
                 target_id=str(event.seq), target_unit_path=event.target_unit_path)
    return render(request, "auditlog/detail.html", {"event": event, "intact": intact,
                                                    "shown": audit_display.shown([event])[0],
                                                    "details": audit_display.detail_rows(event.details)})


@requires(access_perms.AUDIT_VIEW)
def audit_export(request):
    """The filtered events as an Excel workbook (streamed from a temporary file; the export is audited)."""
    form = _form(request)
    filters = _filters(request, form)
    sheet = exports.audit_event_export(actor=request.actor, filters=filters, described=_described(filters))
    return sheet.response(f"audit-{stamp()}.xlsx")
