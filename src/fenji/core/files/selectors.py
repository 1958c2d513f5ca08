"""Scoped reads of attachments: one attachment, if the actor may see its unit's attachments."""

from fenji.core.kernel.errors import NotVisible

from . import permissions as perms
from .models import Attachment


def attachment_for(actor, pk: int) -> Attachment:
    attachment = Attachment.objects.visible_to(actor, perms.ATTACHMENT_VIEW).filter(pk=pk).first()
    if attachment is None:
        raise NotVisible()
    return attachment


def attachments_unchecked(pks) -> list[Attachment]:
    """Attachments already reached through an owning object the caller has shown the actor."""
    rows = Attachment.objects.unscoped(reason="reached through an owning object already in scope")
    by_pk = {a.pk: a for a in rows.filter(pk__in=list(pks))}
    return [by_pk[pk] for pk in pks if pk in by_pk]
