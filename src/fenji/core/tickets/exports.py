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


@service
def ticket_report_pdf_export(*, actor, title: str, start: datetime.date, end: datetime.date, rows,
                             generated_at) -> bytes:
    """The same report as a PDF (通报 layout); audited. Raises ``PdfUnavailable`` when the machine cannot
    render PDF."""
    from fenji.core.web.pdf import render_pdf

    policy.require(actor, perms.TICKET_VIEW)
    pdf = render_pdf("tickets/report_pdf.html", {"title": title, "start": start, "end": end, "rows": rows,
                                                 "generated_at": generated_at})
    audit_record(actor=actor, action=perms.EXPORT, details={
        "export": "tickets.pdf", "start": start.isoformat(), "end": end.isoformat(), "rows": len(rows)})
    return pdf


def ticket_report_text(title: str, start: datetime.date, end: datetime.date, rows) -> str:
    """The report as the plain-text body of a notice (通报 issued down)."""
    from fenji.core.org.periods import percent

    lines = [_("%(unit)s %(start)s 至 %(end)s 群众诉求办理情况如下：") % {
        "unit": title, "start": start.isoformat(), "end": end.isoformat()}, ""]
    for n, row in enumerate(rows, start=1):
        lines.append(_("%(n)s. %(unit)s：诉求 %(total)s 件，按期答复率 %(on_time)s，超期未办结 %(overdue)s 件，满意率 "
                       "%(satisfied)s，不满意重办 %(reopened)s 件") % {
            "n": n, "unit": row.unit_name, "total": row.total, "on_time": percent(row.on_time_rate),
            "overdue": row.overdue_open, "satisfied": percent(row.satisfaction_rate), "reopened": row.reopened})
    if not rows:
        lines.append(_("统计期内没有群众诉求。"))
    lines += ["", _("请各单位对照通报，及时签收、按期答复，提高群众满意度。")]
    return "\n".join(lines)
