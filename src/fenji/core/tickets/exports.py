"""The per-unit ticket report as a workbook: checks, builds and audits the export."""

import datetime

from django.utils.translation import gettext as _

from fenji.core.access import policy
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.web.excel import ExcelSheet, Rate

from . import permissions as perms


@service
def ticket_report_export(*, actor, title: str, start: datetime.date, end: datetime.date, rows) -> ExcelSheet:
    """``rows`` from ``selectors.ticket_report`` (what the actor sees); ``title`` names whose report it is."""
    policy.require(actor, perms.TICKET_VIEW)
    sheet = ExcelSheet(_("诉求办理统计"), [_("承办单位"), _("诉求数"), _("已签收"), _("平均签收用时（小时）"), _("已答复"),
                                       _("按期答复"), _("按期答复率"), _("超期未办结"), _("已评价"), _("满意"),
                                       _("满意率"), _("不满意重办")],
                       {0: 30, **{column: 14 for column in range(1, 12)}},
                       heading=_("%(unit)s 群众诉求办理情况（%(start)s 至 %(end)s）") % {
                           "unit": title, "start": start.isoformat(), "end": end.isoformat()})
    for row in rows:
        sheet.add([row.unit_name, row.total, row.signed, row.response_hours if row.response_hours is not None else "",
                   row.answered, row.on_time, Rate(row.on_time_rate), row.overdue_open, row.rated, row.satisfied,
                   Rate(row.satisfaction_rate), row.reopened])
    audit_record(actor=actor, action=perms.EXPORT, details={
        "export": "tickets.xlsx", "start": start.isoformat(), "end": end.isoformat(), "rows": len(rows)})
    return sheet
