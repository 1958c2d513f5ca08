"""The approval sheet (发布审批单) of a post: every review decision, printable and retrievable afterwards."""

from django.utils import timezone

from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service

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
