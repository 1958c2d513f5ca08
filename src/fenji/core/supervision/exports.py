"""Exports of supervision, checked and audited: the accuracy table as a workbook, an inspection's record (its
targets, findings, samples and timeline) as a printable PDF."""

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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


def _usage_cells(row) -> list:
    return [row.unit_name, row.figures.get("accounts_opened", 0),
            row.figures.get("staff_active", 0), row.figures.get("logins", 0), row.signed_in_mean,
            Rate(row.usage_rate), row.figures.get("notices_due", 0), Rate(row.notice_rate),
            row.figures.get("feedback_due", 0), Rate(row.feedback_rate), row.figures.get("steps_due", 0),
            Rate(row.step_rate), row.figures.get("tickets_due", 0), Rate(row.ticket_rate),
            *(cell for record in row.records for cell in (record["entered"], Rate(record["rate"])))]


USAGE_COLUMNS = (gettext_lazy("单位"), gettext_lazy("新开账号"), gettext_lazy("有效工作人员账号"), gettext_lazy("登录次数"),
                 gettext_lazy("月均登录人数"), gettext_lazy("系统使用率"), gettext_lazy("应签收公文"),
                 gettext_lazy("按期签收率"), gettext_lazy("应答复意见"), gettext_lazy("按期答复率"),
                 gettext_lazy("应办理审批"), gettext_lazy("按期办理率"), gettext_lazy("应答复诉求"),
                 gettext_lazy("诉求按期答复率"))


@service
def usage_export(*, actor, top, rows, start: datetime.date, end: datetime.date) -> ExcelSheet:
    """The usage table (``selectors.usage_report``: the unit, then its children) as a workbook."""
    policy.require(actor, perms.INSPECTION_VIEW)
    columns = [str(c) for c in USAGE_COLUMNS] + [
        label for record in top.records for label in (record["label"], _("%(label)s按时录入率") % {"label": record["label"]})]
    sheet = ExcelSheet(_("使用情况统计"), columns, {0: 30, **{column: 12 for column in range(1, len(columns))}},
                       heading=_("%(unit)s 系统使用情况（%(start)s 至 %(end)s）") % {
                           "unit": top.unit_name, "start": f"{start:%Y-%m}", "end": f"{end:%Y-%m}"})
    for row in [*rows, top]:
        sheet.add(_usage_cells(row))
    audit_record(actor=actor, action=perms.EXPORT, details={
        "export": "usage.xlsx", "unit": top.unit_name, "start": f"{start:%Y-%m}", "end": f"{end:%Y-%m}",
        "rows": len(rows)})
    return sheet


@service
def usage_pdf_export(*, actor, top, rows, start: datetime.date, end: datetime.date, generated_at) -> bytes:
    from fenji.core.web.pdf import render_pdf

    policy.require(actor, perms.INSPECTION_VIEW)
    pdf = render_pdf("supervision/usage_pdf.html", {"top": top, "rows": rows, "start": start, "end": end,
                                                    "generated_at": generated_at})
    audit_record(actor=actor, action=perms.EXPORT, details={
        "export": "usage.pdf", "unit": top.unit_name, "start": f"{start:%Y-%m}", "end": f"{end:%Y-%m}",
        "rows": len(rows)})
    return pdf


def usage_text(top, rows, start: datetime.date, end: datetime.date) -> str:
    """The statistics as the plain-text body of a 通报 issued down."""
    from fenji.core.org.periods import percent

    lines = [_("%(unit)s %(start)s 至 %(end)s 系统使用情况如下：") % {
        "unit": top.unit_name, "start": f"{start:%Y-%m}", "end": f"{end:%Y-%m}"}, ""]
    ranked = sorted(rows, key=lambda r: -(r.usage_rate or 0))
    for n, row in enumerate(ranked, start=1):
        lines.append(_("%(n)s. %(unit)s：系统使用率 %(usage)s，登录 %(logins)s 次，公文按期签收率 %(notice)s，"
                       "意见按期答复率 %(feedback)s，审批按期办理率 %(step)s，诉求按期答复率 %(ticket)s") % {
            "n": n, "unit": row.unit_name, "usage": percent(row.usage_rate), "logins": row.figures.get("logins", 0),
            "notice": percent(row.notice_rate), "feedback": percent(row.feedback_rate),
            "step": percent(row.step_rate), "ticket": percent(row.ticket_rate)})
    if not rows:
        lines.append(_("本单位没有下级单位。"))
    lines += ["", _("请各单位对照通报，提高系统使用率和办理时效。")]
    return "\n".join(lines)


@service
def assessment_export(*, actor, unit, period: str, indicators, scores) -> ExcelSheet:
    """The assessment table (``assessment.assess``) as a workbook: rank, unit, each indicator, score."""
    from .assessment import period_label

    policy.require(actor, perms.INSPECTION_VIEW)
    labels = [f"{indicator.label}（{weight:g}）" for indicator, weight in indicators]
    sheet = ExcelSheet(_("考核评价"), [_("名次"), _("单位"), *labels, _("综合得分")],
                       {1: 30, **{column: 14 for column in range(2, len(labels) + 3)}},
                       heading=_("%(unit)s %(period)s考核评价") % {"unit": unit.name, "period": period_label(period)})
    for score in scores:
        sheet.add([score.rank or "", score.unit_name, *[Rate(value) for _i, _w, value, _e in score.values],
                   score.score if score.score is not None else ""])
    audit_record(actor=actor, action=perms.EXPORT, details={
        "export": "assessment.xlsx", "unit": unit.name, "period": period, "rows": len(scores)})
    return sheet


def assessment_text(unit_name: str, period: str, indicators, scores) -> str:
    """The ranking as the plain-text body of a 通报 issued down."""
    from fenji.core.org.periods import percent

    from .assessment import period_label

    weights = "、".join(f"{indicator.label}（权重 {weight:g}）" for indicator, weight in indicators)
    lines = [_("%(unit)s对下级单位%(period)s的考核评价结果如下（考核指标：%(weights)s）：") % {
        "unit": unit_name, "period": period_label(period), "weights": weights}, ""]
    for score in scores:
        parts = "，".join(f"{indicator.label} {percent(value)}" for indicator, _w, value, _e in score.values)
        lines.append(_("第 %(rank)s 名 %(unit)s：综合得分 %(score)s（%(parts)s）") % {
            "rank": score.rank or "—", "unit": score.unit_name,
            "score": score.score if score.score is not None else "—", "parts": parts})
    if not scores:
        lines.append(_("本单位没有下级单位。"))
    lines += ["", _("请各单位对照考核结果查找不足，认真整改。")]
    return "\n".join(lines)
