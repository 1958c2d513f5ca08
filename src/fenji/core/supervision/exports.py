"""Exports of supervision, checked and audited: the accuracy table as a workbook, an inspection's record (its
targets, findings, samples and timeline) as a printable PDF."""

import datetime

from django.utils.translation import gettext as _

from fenji.core.access import policy
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.web.excel import ExcelSheet, Rate

from . import permissions as perms


@service
def accuracy_export(*, actor, title: str, start: datetime.date, end: datetime.date, rows) -> ExcelSheet:
    """``rows`` from ``selectors.accuracy_by_unit`` (what the actor sees)."""
    policy.require(actor, perms.INSPECTION_VIEW)
    sheet = ExcelSheet(_("信息准确性"), [_("被抽查单位"), _("抽查次数"), _("抽取记录"), _("已核查"), _("有误"),
                                      _("信息准确性")], {0: 30, **{column: 14 for column in range(1, 6)}},
                       heading=_("%(unit)s 抽查信息准确性（%(start)s 至 %(end)s）") % {
                           "unit": title, "start": start.isoformat(), "end": end.isoformat()})
    for row in rows:
        sheet.add([row.unit_name, row.samples, row.drawn, row.checked, row.wrong, Rate(row.accuracy)])
    audit_record(actor=actor, action=perms.EXPORT, details={
        "export": "accuracy.xlsx", "start": start.isoformat(), "end": end.isoformat(), "rows": len(rows)})
    return sheet


@service
def inspection_pdf_export(*, actor, inspection, context: dict) -> bytes:
    """The inspection's record as the actor sees it (``context`` from the selectors), as a PDF to print."""
    from fenji.core.web.pdf import render_pdf

    policy.require(actor, perms.INSPECTION_VIEW)
    pdf = render_pdf("supervision/inspection_pdf.html", {"inspection": inspection, **context})
    audit_record(actor=actor, action=perms.EXPORT, target=inspection, details={"export": "inspection.pdf"})
    return pdf
