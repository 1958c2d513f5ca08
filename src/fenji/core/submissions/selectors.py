"""Scoped reads: my unit's outgoing items, those awaiting the head, the incoming ones from below,
one item; and the seal check of a submitted item against the files as they are now."""

from django.db.models import Q

from fenji.core.access import policy
from fenji.core.files.selectors import attachment_list_unchecked
from fenji.core.kernel.errors import NotVisible
from fenji.core.seals import permissions as seal_perms
from fenji.core.seals.models import SealKey
from fenji.core.seals.selectors import image_data_uri
from fenji.core.seals.services import seal_export, seal_verify
from fenji.core.seals.stamps import SealStamp, VerifyResult

from . import permissions as perms
from .models import EDITABLE, SENT, Submission, SubmissionState
from .services import content_bytes

LISTED = ("unit", "target_unit", "drafted_by__person")  # what every list and the detail show


def _rows(reason: str):
    return Submission.objects.unscoped(reason=reason).select_related(*LISTED)


def submission_list_outgoing(*, actor):
    """Items of the units where the actor drafts: drafts only the actor's own, the rest of the unit's."""
    return (Submission.objects.visible_to(actor, perms.SUBMISSION_DRAFT)
            .filter(~Q(state__in=EDITABLE) | Q(drafted_by_id=actor.account_id))
            .select_related(*LISTED).order_by("-id"))


def submission_list_awaiting_review(*, actor):
    """Items of the actor's own unit waiting for its head's review and seal, not the actor's own drafts
    (a superior's head does not seal for a unit below: ``seals.services.may_apply``)."""
    return (Submission.objects.visible_to(actor, seal_perms.SEAL_APPLY)
            .filter(state=SubmissionState.REVIEWING, unit_id=actor.unit_id)
            .exclude(drafted_by_id=actor.account_id)
            .select_related(*LISTED).order_by("id"))


def submission_list_incoming(*, actor):
    """Items submitted to units the actor handles for (sent from the units just below them)."""
    return (_rows("filtered by the handler's scope over the target unit")
            .filter(policy.scope_q(actor, perms.SUBMISSION_HANDLE, field="target_unit__path"), state__in=SENT)
            .order_by("-submitted_at", "-id"))


def submission_is_visible(*, actor, submission: Submission) -> bool:
    if submission.drafted_by_id == actor.account_id:
        return True
    if submission.state in EDITABLE:
        return False
    if policy.can(actor, perms.SUBMISSION_DRAFT, submission.unit_path) or policy.can(
            actor, seal_perms.SEAL_APPLY, submission.unit_path):
        return True
    return submission.state in SENT and policy.can(actor, perms.SUBMISSION_HANDLE, submission.target_unit.path)


def submission_get(*, actor, pk: int) -> Submission:
    submission = _rows("visibility decided below").filter(pk=pk).first()
    if submission is None or not submission_is_visible(actor=actor, submission=submission):
        raise NotVisible(target_type=Submission._meta.label_lower, target_id=pk, exists=submission is not None)
    return submission


def submission_attachments(submission: Submission) -> list:
    """The item's attachments, reached through the item the caller has shown the actor."""
    return list(submission.attachments.unscoped(reason="attachments of a submission already in scope")
                .order_by("pk"))


def submission_stamp(submission: Submission) -> SealStamp | None:
    return SealStamp.from_json(submission.stamp_json) if submission.stamp_json else None


def _stamped_files(stamp: SealStamp) -> list[tuple[str, bytes | None]]:
    rows = {a.pk: a for a in attachment_list_unchecked([entry.get("id") for entry in stamp.attachments])}
    files = []
    for entry in stamp.attachments:
        attachment = rows.get(entry.get("id"))
        try:
            data = attachment.read_bytes() if attachment is not None else None
        except OSError:
            data = None
        files.append((entry.get("name", ""), data))
    return files


def submission_seal_verify(submission: Submission) -> VerifyResult | None:
    """Check the stored stamp now: the row's content and the stored files' bytes (None when unsealed)."""
    stamp = submission_stamp(submission)
    if stamp is None:
        return None
    return seal_verify(stamp, content_bytes(submission), [data for _name, data in _stamped_files(stamp)])


def submission_package(submission: Submission) -> bytes:
    stamp = submission_stamp(submission)
    if stamp is None:
        raise NotVisible("该事项尚未盖章")
    files = [(name, data if data is not None else b"") for name, data in _stamped_files(stamp)]
    return seal_export(stamp, content_bytes(submission), files)


def submission_seal_image(submission: Submission) -> str:
    """The seal the submission was stamped with, as a data URI for the page ("" before sealing)."""
    if submission.seal_key_id is None:
        return ""
    key = SealKey.objects.unscoped(reason="the seal of a submission the reader already sees").filter(
        pk=submission.seal_key_id).first()
    return image_data_uri(key) if key is not None and key.image else ""
