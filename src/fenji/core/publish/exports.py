"""The approval sheet (发布审批单) of a post: every review decision, printable and retrievable afterwards."""

from django.utils import timezone
from django.utils.translation import gettext as _

from fenji.core.access import policy
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.web.excel import ExcelSheet

from . import permissions as perms
from .selectors import approval_list, post_get


@service
def approval_pdf_export(*, actor, post) -> bytes:
    """The post's approval sheet as a PDF, for whoever may see the post; audited. Raises ``PdfUnavailable``
    when the machine cannot render PDF."""
    from fenji.core.web.pdf import render_pdf

    post = post_get(actor=actor, pk=post.pk)
    approvals = list(approval_list(post))
    pdf = render_pdf("publish/approval_pdf.html", {"post": post, "approvals": approvals,
                                                    "generated_at": timezone.now()})
    audit_record(actor=actor, action="publish.approval.export", target=post, details={"approvals": len(approvals)})
    return pdf


@service
def column_health_export(*, actor, unit, rows) -> ExcelSheet:
    """The health of the columns in ``unit``'s subtree as a workbook; audited."""
    policy.require(actor, perms.COLUMN_MANAGE, unit.path)
    sheet = ExcelSheet(_("栏目健康"), [_("栏目"), _("类别"), _("归属单位"), _("公开"), _("已发布条数"), _("最近发布"),
                                   _("未更新天数"), _("更新时限（天）"), _("状态"), _("最早未答复公开诉求（天）"),
                                   _("近一年答复"), _("按期答复"), _("按期答复率")],
                       {0: 24, 2: 24, 5: 18, 8: 14, 9: 16, 12: 12},
                       heading=_("%(unit)s 栏目健康情况") % {"unit": unit.name})
    for row in rows:
        replies = [""] * 4
        if row.interaction:
            replies = [row.unanswered_days or 0, row.answered, row.answered_on_time,
                       "" if row.on_time_rate is None else f"{row.on_time_rate:.0%}"]
        sheet.add([row.column.name, row.column.get_kind_display(), row.column.unit.name,
                   _("是") if row.column.public else _("否"), row.published, row.last_published_at,
                   "" if row.idle_days is None else row.idle_days, row.limit_days, _(row.status_label), *replies])
    audit_record(actor=actor, action="publish.health.export", target=unit, details={"rows": len(rows)})
    return sheet
