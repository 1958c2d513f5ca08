"""Exports of the veterans module: the service-record ledger (Excel) and the volunteer certificate (志愿服务证明,
PDF: 谁记录谁证明 — the units that recorded the hours are named on it), checked and audited."""

import datetime

from django.utils import timezone

from fenji.core.access import policy
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.web.excel import ExcelSheet

from . import module as perms
from . import record_fields

EXPORT_LIMIT = 100_000


@service
def record_export(*, actor, records, filters: dict) -> ExcelSheet:
    policy.require(actor, perms.RECORD_VIEW)
    sheet = ExcelSheet("服务记录台账", ["记录类型", "摘要", "服务对象", "录入单位", "活动开始日期", "活动结束日期", "录入日期",
                                  "按时录入", "经办人员", "金额（元）", "服务时长（小时）", "记录内容", "修改次数"])
    for r in records.order_by("-ended_on", "-id")[:EXPORT_LIMIT].iterator(chunk_size=2000):
        sheet.add([r.get_kind_display(), r.title, r.elder.person.real_name if r.elder_id else "", r.unit.name,
                   r.started_on or "", r.ended_on, r.entered_on, "是" if r.on_time else "否（逾期）", r.workers,
                   r.amount if r.amount is not None else "", r.hours if r.hours is not None else "",
                   "；".join(f"{label}：{value}" for label, value in record_fields.shown(r.kind, r.details)), r.revision])
    audit_record(actor=actor, action="veterans.record.export", details={"rows": sheet.rows, **filters})
    return sheet


@service
def certificate_pdf(*, actor, elder, hours: dict, handler: str) -> bytes:
    """志愿服务证明 for ``elder`` (already in the actor's scope), numbered by the elder and the day."""
    from fenji.core.web.pdf import render_pdf

    policy.require(actor, perms.ELDER_VIEW, elder.unit_path)
    today = timezone.localdate()
    number = f"ZYFW-{elder.unit.code}-{elder.pk:06d}-{today:%Y%m%d}"
    units = sorted({record.unit.name for record in hours["records"]})
    pdf = render_pdf("veterans/certificate_pdf.html", {
        "elder": elder, "hours": hours, "number": number, "issued_on": today, "units": units,
        "issuer": elder.unit.name, "handler": handler,
        "generated_at": datetime.datetime.now(tz=timezone.get_current_timezone())})
    audit_record(actor=actor, action="veterans.certificate.print", target=elder,
                 details={"number": number, "hours": str(hours["hours"])})
    return pdf
