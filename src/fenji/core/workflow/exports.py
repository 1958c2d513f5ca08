"""Exports of the workflow's tables: each checks, builds the workbook and audits the export."""

import datetime

from django.utils.translation import gettext as _

from fenji.core.access import policy
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.web.excel import ExcelSheet, Rate

from . import permissions as perms


@service
def timeliness_export(*, actor, unit, start: datetime.date, end: datetime.date, table, total) -> ExcelSheet:
    """The timeliness table of ``unit``'s subtree as a workbook; the export is audited."""
    policy.require(actor, perms.REQUEST_VIEW, unit.path)
    sheet = ExcelSheet(_("及时率"), [_("单位"), _("已办理环节"), _("按时办理"), _("及时率"), _("超期未办")],
                       {0: 30, 1: 12, 2: 12, 3: 12, 4: 12},
                       heading=_("%(unit)s 审批办理及时率（%(start)s 至 %(end)s）") % {
                           "unit": unit.name, "start": start.isoformat(), "end": end.isoformat()})
    for item in table:
        row = item["row"]
        sheet.add([row.unit_name, row.decided, row.on_time, Rate(row.rate), row.overdue_open])
    sheet.add([_("合计"), total["decided"], total["on_time"],
               Rate(total["on_time"] / total["decided"] if total["decided"] else None), total["overdue_open"]])
    audit_record(actor=actor, action=perms.REQUEST_VIEW, target=unit, details={
        "export": "timeliness", "start": start.isoformat(), "end": end.isoformat(), "rows": len(table)})
    return sheet
