"""The two annexes of 业务需求运维管理暂行办法 as PDF — 附件1 业务需求申请表 and 附件2 业务需求程序发布确认单, with the
names and dates of every signature (the steps) — and the information centre's ledger as Excel; each checked and
audited."""

from django.utils import timezone

from fenji.core.access import policy
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.web.excel import ExcelSheet

from . import module as perms
from .models import SignSide
from .selectors import ledger_rows, ticket_basis, ticket_get

FORMS = {"application": "业务需求申请表", "release": "业务需求程序发布确认单"}
EXPORT_LIMIT = 100_000


def _last(steps, action: str):
    """The step that last did ``action`` forward (a return is not a signature)."""
    found = None
    for step in steps:
        if step.action == action and step.to_state != "draft":
            found = step
    return found


@service
def ticket_pdf_export(*, actor, ticket, form: str) -> bytes:
    """One annex of ``ticket`` as a PDF, for whoever may see the ticket. Raises ``PdfUnavailable`` when the machine
    cannot render PDF."""
    from fenji.core.web.pdf import render_pdf

    ticket = ticket_get(actor=actor, pk=ticket.pk)
    steps = list(ticket.steps.all())
    signatures = {action: _last(steps, action) for action in ("submit", "sign", "review", "intake", "assess",
                                                               "schedule", "develop", "internal_test", "plan",
                                                               "release")}
    tests = list(ticket.tests.filter(round=ticket.test_round))
    context = {"ticket": ticket, "signatures": signatures, "steps": steps, "basis": list(ticket_basis(ticket)),
               "centre_test": next((t for t in tests if t.side == SignSide.CENTRE), None),
               "business_test": next((t for t in tests if t.side == SignSide.BUSINESS), None),
               "generated_at": timezone.now()}
    pdf = render_pdf(f"labor/{form}_pdf.html", context)
    audit_record(actor=actor, action="labor.ticket.print", target=ticket, details={"form": FORMS[form]})
    return pdf


@service
def ledger_export(*, actor, rows, filters: dict) -> ExcelSheet:
    """需求台账: every ticket with its dates, state and the days each stage took."""
    policy.require(actor, perms.TICKET_DISPATCH)
    sheet = ExcelSheet("业务需求台账", ["需求编号", "需求名称", "子系统", "类型", "紧急程度", "申请单位", "运维公司", "状态", "提交时间",
                                  "受理时间", "评估时间", "开发期限", "开发完成", "业务测试通过", "发布完成", "送达信息中心（天）",
                                  "开发（天）", "测试（天）", "全程（天）", "逾期"], {1: 28, 5: 24, 6: 20})
    for row in ledger_rows(rows.order_by("-id")[:EXPORT_LIMIT]):
        t = row["ticket"]
        sheet.add([t.number or "", t.title, t.get_subsystem_display(), t.get_kind_display(), t.get_urgency_display(),
                   t.unit.name, t.vendor_unit.name if t.vendor_unit_id else "", t.get_state_display(),
                   t.submitted_at or "", t.accepted_at or "", t.assessed_at or "", t.dev_due or "", t.developed_at or "",
                   t.business_passed_at or "", t.released_at or "", _n(row["to_centre"]), _n(row["development"]),
                   _n(row["testing"]), _n(row["total"]), "是" if row["overdue"] else "否"])
    audit_record(actor=actor, action="labor.ticket.export", details={"rows": sheet.rows, **filters})
    return sheet


def _n(value):
    return "" if value is None else value
