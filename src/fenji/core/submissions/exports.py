"""The printable copy of a sealed submission: its content, attachments list, the seal image and the seal's
verification facts as a PDF, for whoever sees the item. The download is audited."""

from django.utils import timezone

from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.kernel.errors import NotVisible

from . import selectors
from .models import Submission

EXPORT = "submissions.submission.export"


def submission_pdf_export(*, actor, submission: Submission) -> bytes:
    """The sealed ``submission`` as a PDF, the seal checked now; audited. NotVisible when the actor does not see
    it or it is not sealed; ``PdfUnavailable`` when the machine cannot render PDF. The PDF is rendered before the
    audit's transaction, not inside it: WeasyPrint takes seconds with CJK fonts, and on SQLite a write
    transaction holds the database's write lock."""
    from fenji.core.web.pdf import render_pdf

    if not selectors.submission_is_visible(actor=actor, submission=submission):
        raise NotVisible(target_type=Submission._meta.label_lower, target_id=submission.pk, exists=True)
    stamp = selectors.submission_stamp(submission)
    if stamp is None:
        raise NotVisible("该事项尚未盖章")
    check = selectors.submission_seal_verify(submission)
    pdf = render_pdf("submissions/pdf.html", {
        "s": submission, "stamp": stamp, "check": check, "attachments": selectors.submission_attachments(submission),
        "seal_image": selectors.submission_seal_image(submission), "generated_at": timezone.now()})
    submission_export_record(actor=actor, submission=submission, seal_ok=check.ok)
    return pdf


@service
def submission_export_record(*, actor, submission: Submission, seal_ok: bool) -> None:
    """One audit event for a printed copy of ``submission`` (written by ``submission_pdf_export``)."""
    audit_record(actor=actor, action=EXPORT, target=submission, details={"export": "submission.pdf",
                                                                         "seal_ok": seal_ok})
