"""Scoped reads of attachments.

The generic download serves only the actor's own uploads: an attachment belongs to an owning object
(a submission draft, a dispatch reply) whose own visibility rules decide who else may read it, so
those objects serve their attachments through their own views (``files.views.attachment_response``).
"""

from fenji.core.kernel.errors import NotVisible

from . import permissions as perms
from .models import Attachment


def attachment_get(*, actor, pk: int, action: str = perms.ATTACHMENT_VIEW) -> Attachment:
    """One attachment the actor uploaded itself (and whose unit is still in its scope); anything else,
    a colleague's or a subordinate's included, answers ``NotVisible`` like a missing row."""
    account_id = getattr(actor, "account_id", None)
    if account_id is None:
        raise NotVisible()
    attachment = (Attachment.objects.visible_to(actor, action)
                  .filter(pk=pk, uploaded_by_id=account_id).first())
    if attachment is None:
        raise NotVisible(target_type=Attachment._meta.label_lower, target_id=pk)
    return attachment


def attachment_list_unchecked(pks) -> list[Attachment]:
    """Attachments already reached through an owning object the caller has shown the actor."""
    rows = Attachment.objects.unscoped(reason="reached through an owning object already in scope")
    by_pk = {a.pk: a for a in rows.filter(pk__in=list(pks))}
    return [by_pk[pk] for pk in pks if pk in by_pk]
