"""Storing an upload: check who may, check what it is, write the bytes durably, then insert the row.

The bytes reach their final, content-addressed file (fsynced, renamed) before the row is inserted
in the caller's transaction. A rollback drops the row and leaves the file, which ``fenji files
sweep`` removes after an hour; no order of crashes leaves a row naming a missing file.
"""

import logging

from django.conf import settings

from fenji.core.access import policy
from fenji.core.audit import ratelimits
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.kernel import context
from fenji.core.kernel.errors import DomainError

from . import permissions as perms
from . import storage
from .detect import UploadRefused, check_extension, detect, sanitize_name
from .models import Attachment

logger = logging.getLogger(__name__)


STORAGE_FULL = "服务器存储空间不足，文件未保存：请稍后再试，或联系系统管理员"


class StorageFull(UploadRefused):
    """The disk refused the bytes (full, over quota, read-only): nothing kept, the page and the API say so."""

    def __init__(self):
        super().__init__(STORAGE_FULL, code="storage_full")


class FileTooLarge(UploadRefused):
    """Larger than ``settings.UPLOAD_MAX_MB``: the page answers 413."""

    def __init__(self):
        super().__init__(f"文件超过 {settings.UPLOAD_MAX_MB} MB 的上限", code="too_large")


def max_bytes() -> int:
    return int(settings.UPLOAD_MAX_MB) * 1024 * 1024


def _chunks(upload):
    if hasattr(upload, "chunks"):
        if hasattr(upload, "seek"):
            upload.seek(0)
        yield from upload.chunks()
    else:
        while chunk := upload.read(storage.CHUNK):
            yield chunk


def _checked(upload, name: str, kinds, kinds_label: str):
    """The upload written to a temporary file and checked (size, content, extension, ``kinds``): the
    written temp and what it is, or the refusal with the temp removed."""
    declared = getattr(upload, "size", None)
    if declared is not None and declared > max_bytes():
        raise FileTooLarge()
    try:
        written = storage.write_temp(_chunks(upload), limit=max_bytes())
    except storage.TooLarge:
        raise FileTooLarge() from None
    except storage.Unavailable:
        logger.error("upload refused: the file store is full or cannot be written", exc_info=True)
        raise StorageFull() from None
    if written.size == 0:
        written.temp.unlink(missing_ok=True)
        raise UploadRefused("文件是空的")
    try:
        detected = detect(written.temp)
        check_extension(name, detected.kind)
        if kinds is not None and detected.kind not in kinds:
            raise UploadRefused(f"此处仅接受 {kinds_label or '、'.join(str(k.label) for k in kinds)} 文件，"
                                f"“{name}”是 {detected.kind.label}", code="kind_not_allowed")
    except DomainError:
        written.temp.unlink(missing_ok=True)
        raise
    return written, detected


def attachment_check(*, upload, kinds=None, kinds_label: str = "") -> None:
    """Every check of ``attachment_store`` and nothing stored: callers storing several files check them all
    first, so that one refusal leaves no bytes of the others behind."""
    written, _detected = _checked(upload, sanitize_name(getattr(upload, "name", "") or ""), kinds, kinds_label)
    written.temp.unlink(missing_ok=True)


@service
def attachment_store(*, actor, unit, upload, kinds=None, kinds_label: str = "") -> Attachment:
    """Store ``upload`` (a Django ``UploadedFile`` or any object with ``name`` and ``read``) for ``unit``.
    ``kinds`` narrows the whitelist for one use (e.g. a 公文 is PDF, OFD or Word only), checked on the
    content before anything is stored; ``kinds_label`` names them in the refusal."""
    policy.require(actor, perms.ATTACHMENT_UPLOAD, unit.path)
    return attachment_write(actor=actor, unit=unit, upload=upload, kinds=kinds, kinds_label=kinds_label)


def attachment_write(*, actor, unit, upload, kinds=None, kinds_label: str = "") -> Attachment:
    """The checked upload itself, inside the caller's transaction, for a caller that has already decided the
    actor may attach a file here (a citizen's photo to their own ticket: citizens hold no upload grant).
    ``kinds`` narrows the whitelist (``{FileKind.JPG, FileKind.PNG}`` for photos). Counted towards the
    upload rate limits of the actor's account and client address (``audit.ratelimits``)."""
    if actor is not policy.SYSTEM:
        ratelimits.hit("upload", account=getattr(actor, "account_id", None), ip=context.current().client_ip)
    name = sanitize_name(getattr(upload, "name", "") or "")
    written, detected = _checked(upload, name, kinds, kinds_label)
    try:
        key = storage.commit_file(written)
    except storage.Unavailable:
        logger.error("upload refused: the file store is full or cannot be written", exc_info=True)
        raise StorageFull() from None
    attachment = Attachment.objects.create(
        unit=unit, unit_path=unit.path, original_name=name, size=written.size, sha256=written.sha256,
        sm3=written.sm3, kind=detected.kind, content_type=detected.content_type, storage_key=key,
        uploaded_by_id=getattr(actor, "account_id", None),
    )
    audit_record(actor=actor, action=perms.ATTACHMENT_UPLOAD, target=attachment,
                 details={"name": name, "size": written.size, "sm3": written.sm3, "kind": detected.kind})
    return attachment


def attachment_intact(attachment: Attachment) -> bool:
    """Do the stored bytes still have the digest recorded at upload?"""
    try:
        return storage.sm3_hex(attachment.read_bytes()) == attachment.sm3
    except OSError:
        return False


def files_sweep(*, older_than=storage.SWEEP_AGE) -> list:
    """Remove stored files that no attachment row names (rolled-back uploads), older than ``older_than``."""

    def referenced(keys):
        rows = Attachment.objects.unscoped(reason="the sweep keeps every file a row still names")
        return set(rows.filter(storage_key__in=keys).values_list("storage_key", flat=True))

    return storage.sweep(referenced, older_than=older_than)
