"""Exports of the dispatch ranking (通报): each checks, builds the file and audits the export."""

import datetime

from django.utils.translation import gettext as _

from fenji.core.access import policy
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.web.excel import ExcelSheet, Rate

from . import permissions as perms


@service
def bulletin_export(*, actor, unit, start: datetime.date, end: datetime.date, rows) -> ExcelSheet:
    """The ranking of ``unit``'s subtree as a workbook; the export is audited."""
    policy.require(actor, perms.DISPATCH_SEND, unit.path)
    sheet = ExcelSheet(_("收文通报"), [_("排名"), _("单位"), _("收文数"), _("按时签收"), _("按时签收率"), _("需答复"),
                                   _("按时答复"), _("按时答复率"), _("超期件数")],
                       {0: 8, 1: 30, **{column: 14 for column in range(2, 9)}},
                       heading=_("%(unit)s 收文办理情况通报（%(start)s 至 %(end)s）") % {
                           "unit": unit.name, "start": start.isoformat(), "end": end.isoformat()})
    for row in rows:
        sheet.add([row.rank, row.unit_name, row.received, row.signed_on_time, Rate(row.sign_rate), row.replies_due,
                   row.replied_on_time, Rate(row.reply_rate), row.overdue])
    audit_record(actor=actor, action=perms.DISPATCH_SEND, target=unit, details={
        "export": "bulletin.xlsx", "start": start.isoformat(), "end": end.isoformat(), "rows": len(rows)})
    return sheet


@service
def bulletin_pdf_export(*, actor, unit, start: datetime.date, end: datetime.date, rows, context: dict) -> bytes:
    """The ranking as a PDF (``context``: the page's, for ``dispatch/bulletin_pdf.html``); audited.
    Raises ``PdfUnavailable`` when the machine cannot render PDF."""
    from fenji.core.web.pdf import render_pdf

    policy.require(actor, perms.DISPATCH_SEND, unit.path)
    pdf = render_pdf("dispatch/bulletin_pdf.html", context)
    audit_record(actor=actor, action=perms.DISPATCH_SEND, target=unit, details={
        "export": "bulletin.pdf", "start": start.isoformat(), "end": end.isoformat(), "rows": len(rows)})
    return pdf
