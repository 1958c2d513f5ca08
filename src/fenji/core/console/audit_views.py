"""The security auditor's console (C5.1): search, read and export the audit log of the subtree.

Every read the auditor makes is itself recorded, and so is every export (seed 003 §13; C5.4).
"""

import datetime

from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode

from fenji.core.access import permissions as access_perms
from fenji.core.access import registry
from fenji.core.audit.chain import HASHED_FIELDS, event_hash
from fenji.core.audit.services import audit_record
from fenji.core.console.audit_selectors import audit_event_list, audit_event_page
from fenji.core.kernel.errors import NotVisible
from fenji.core.kernel.inputs import parse_id
from fenji.core.org import selectors as org_selectors
from fenji.core.web.excel import stamp
from fenji.core.web.query import query_without
from fenji.core.web.routes import requires

from . import exports
from .audit_forms import AuditSearchForm

LOGIN_ACTIONS = ["people.login", "people.login.locked", "people.login.password", "people.login.second_factor",
                 "people.logout", "people.session.end", "people.password.change", "mfa.device.confirm",
                 "mfa.device.reset"]


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
    )


def _described(filters) -> dict:
    return {k: (v.name if k == "unit" else str(v)) for k, v in filters.items() if v}


@requires(access_perms.AUDIT_VIEW)
def audit_list(request):
    form = AuditSearchForm(request.GET or None)
    filters = _filters(request, form)
    events = audit_event_list(actor=request.actor, **filters)
    before = request.GET.get("before", "")
    rows, next_before, total = audit_event_page(events, before=parse_id(before))
    audit_record(actor=request.actor, action="audit.event.search", details={"filters": _described(filters),
                                                                           "results": total})
    query = query_without(request, "before")
    return render(request, "auditlog/list.html", {
        "form": form, "rows": rows, "total": total, "next_before": next_before, "query": query,
        "first_page": not before, "actions": sorted([a.code for a in registry.all_actions()] + LOGIN_ACTIONS),
        "unit": filters["unit"], "export_query": urlencode({k: v for k, v in request.GET.items() if k != "before"}),
    })


@requires(access_perms.AUDIT_VIEW)
def audit_detail(request, seq):
    event = audit_event_list(actor=request.actor).filter(seq=seq).first()
    if event is None:
        raise NotVisible("审计事件不存在或不在您的审计范围内")
    intact = event_hash({name: getattr(event, name) for name in HASHED_FIELDS}, event.prev_hash) == event.hash
    audit_record(actor=request.actor, action="audit.event.read", target_type="audit.auditevent",
                 target_id=str(event.seq), target_unit_path=event.target_unit_path)
    return render(request, "auditlog/detail.html", {"event": event, "intact": intact})


@requires(access_perms.AUDIT_VIEW)
def audit_export(request):
    """The filtered events as an Excel workbook (streamed from a temporary file; the export is audited)."""
    form = AuditSearchForm(request.GET or None)
    filters = _filters(request, form)
    sheet = exports.audit_event_export(actor=request.actor, filters=filters, described=_described(filters))
    return sheet.response(f"audit-{stamp()}.xlsx")
