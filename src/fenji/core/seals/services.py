"""Making, withdrawing and applying unit seals; checking a stamp and exporting a sealed package."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.audit.services import audit_record
from fenji.core.audit.signing import sm2_key_pair
from fenji.core.audit.transactions import service
from fenji.core.kernel.errors import AccessDenied, DomainError
from fenji.core.org.models import Unit

from . import permissions as perms
from . import stamps
from .models import SealKey
from .stamps import SealStamp, VerifyResult


def _keys(reason: str):
    return SealKey.objects.unscoped(reason=reason)


def live_key(unit) -> SealKey | None:
    return _keys("the unit's own live seal").filter(unit_id=unit.pk, revoked_at__isnull=True).first()


@service
def seal_key_create(*, actor, unit) -> SealKey:
    """Make ``unit``'s seal: a new SM2 key pair (the private key sealed with the data key) and its image."""
    policy.require(actor, perms.KEY_MANAGE, unit.path)
    if getattr(unit, "status", "active") != "active":
        raise DomainError("该单位已撤销，不能制发电子印章")
    # Two administrators making the unit's seal at once: the unit's row lock puts the second one after
    # the first (PostgreSQL; SQLite's IMMEDIATE transaction already serializes writers), so it sees the
    # first key below. The partial unique constraint stays the last word, answered with the same refusal.
    Unit.objects.select_for_update().filter(pk=unit.pk).values_list("pk", flat=True).first()
    in_use = DomainError(f"“{unit.name}”已有在用的电子印章：请先停用再制发新印章")
    if _keys("one live seal per unit").filter(unit_id=unit.pk, revoked_at__isnull=True).exists():
        raise in_use
    from .image import seal_png  # Pillow only where a seal is drawn, not in every server process

    private, public = sm2_key_pair()
    try:
        with transaction.atomic():
            key = SealKey.objects.create(unit=unit, unit_path=unit.path, private_key=private,
                                         public_key=public, image=seal_png(unit.name),
                                         created_by_id=getattr(actor, "account_id", None))
    except IntegrityError:
        raise in_use from None
    audit_record(actor=actor, action=perms.KEY_MANAGE, target=key,
                 details={"op": "create", "unit": unit.name, "public_key": key.public_key})
    return key


@service
def seal_key_revoke(*, actor, key: SealKey, reason: str = "") -> SealKey:
    """Withdraw a seal: it signs nothing more; stamps made before stay checkable."""
    key = _keys("revoking a seal found in scope").select_for_update().get(pk=key.pk)
    policy.require(actor, perms.KEY_MANAGE, key.unit_path)
    if key.revoked_at is not None:
        raise DomainError("该印章已停用")
    key.revoked_at = timezone.now()
    key.revoked_by_id = getattr(actor, "account_id", None)
    key.revoke_reason = (reason or "").strip()[:200]
    key.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit_record(actor=actor, action=perms.KEY_MANAGE, target=key,
                 details={"op": "revoke", "reason": key.revoke_reason})
    return key


def may_apply(actor, unit) -> bool:
    """A unit's seal is applied by that unit's own head only: an account whose own unit is ``unit``
    and who holds ``seals.seal.apply`` there. A superior's grant reaches down for reading and
    overseeing, never for sealing in a subordinate unit's name."""
    return (actor is not policy.SYSTEM and actor.unit_id == unit.pk
            and policy.can(actor, perms.SEAL_APPLY, unit.path))


def require_apply(actor, unit) -> None:
    """Raise ``AccessDenied`` unless ``may_apply``: no grant or out of scope as ``policy.require``
    says it; in scope but of another unit with the rule ``not_own_unit``."""
    if may_apply(actor, unit):
        return
    policy.require(actor, perms.SEAL_APPLY, unit.path)
    raise AccessDenied(f"只有“{unit.name}”本单位的负责人可以加盖本单位电子印章", rule="not_own_unit",
                       action=perms.SEAL_APPLY)


@service
def seal_apply(*, actor, unit, content: bytes, attachments) -> SealStamp:
    """Seal ``content`` and ``attachments`` (objects with ``pk``, ``original_name``, ``size`` and
    ``sm3``, e.g. ``files.Attachment``) with ``unit``'s live seal, for the unit's own head."""
    require_apply(actor, unit)
    key = live_key(unit)
    if key is None:
        raise DomainError(f"“{unit.name}”尚未制发电子印章，请联系安全保密管理员")
    statement = {
        "format": stamps.FORMAT,
        "unit": {"id": unit.pk, "code": unit.code or "", "name": unit.name, "path": unit.path},
        "key_id": key.pk,
        "sealed_at": timezone.now().isoformat(),
        "sealed_by": {"id": getattr(actor, "account_id", None), "name": str(getattr(actor, "label", ""))},
        "content_sm3": stamps.sm3_hex(content),
        "attachments": [{"id": a.pk, "name": a.original_name, "size": a.size, "sm3": a.sm3} for a in attachments],
    }
    signature = stamps.sign(key.private_key, key.public_key, stamps.canonical(statement))
    stamp = SealStamp(statement=statement, signature=signature, public_key=key.public_key, key_id=key.pk)
    audit_record(actor=actor, action=perms.SEAL_APPLY, target=key,
                 details={"content_sm3": statement["content_sm3"],
                          "attachments": [a["sm3"] for a in statement["attachments"]]})
    return stamp


def _issued_key(stamp: SealStamp) -> str | None:
    """The platform's record of the key: issued here, same public key, same unit, live when used."""
    key = _keys("checking a stamp against the issued keys").filter(pk=stamp.key_id).first()
    if key is None:
        return "印章不是本平台制发的（找不到制发记录）"
    if key.public_key != stamp.public_key:
        return "印章公钥与制发记录不符"
    if stamp.statement.get("unit", {}).get("id") != key.unit_id:
        return "印章与盖章单位不符"
    if key.revoked_at is not None:
        try:
            sealed_at = datetime.datetime.fromisoformat(stamp.sealed_at)
        except ValueError:
            return "签章时间格式不符"
        if key.revoked_at <= sealed_at:
            return "盖章时该印章已停用"
    return None


def seal_verify(stamp: SealStamp, content: bytes, attachment_bytes_list) -> VerifyResult:
    """Green only if the signature holds, the key is one this platform issued, and every byte of the
    content and of each attachment (in the stamp's order; ``None`` for a missing file) is unchanged."""
    return stamps.check(stamp, content, attachment_bytes_list, key_check=_issued_key)


def seal_export(stamp: SealStamp, content: bytes, files) -> bytes:
    """The portable sealed package (zip): content, attachments ((name, bytes) pairs), stamp, public key."""
    return stamps.export(stamp, content, files)


def package_verify(data: bytes) -> VerifyResult:
    try:
        stamp, content, attachments = stamps.read_package(data)
    except stamps.PackageInvalid as error:
        return VerifyResult(False, str(error))
    return seal_verify(stamp, content, attachments)
