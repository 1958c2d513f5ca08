"""The second factor (等保 第三级 8.1.4.1 d; GB/T 39786 §8.4 a): a TOTP (RFC 6238) after the password for
every account holding an administrator duty — system, security or audit (系统管理员, 安全保密管理员,
安全审计员, 账户管理员, 权限管理员: ``Role.is_admin``).

- Codes: 6 digits, 30-second steps, HMAC-SHA1 (what authenticator apps implement). Only the code of the
  *current* step is accepted — a code older than 30 s is refused — and a step is accepted once per
  device (``last_used_step``, compared and set in one conditional UPDATE, so two racing requests cannot
  both win).
- Time is ``django.utils.timezone.now()``, so tests can travel.
- Secrets are sealed at rest (``sealing``: SM4-GCM bound to the account); recovery codes are kept as
  HMAC-SM3 digests and work once each.

The login flow itself (pending state in the session, the verify page) lives in ``people``; this module
knows nothing about requests.
"""

import base64
import hashlib
import hmac
import secrets

import pyotp
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.safestring import mark_safe

from fenji.core.access.policy import actor_for
from fenji.core.audit.services import audit_record
from fenji.core.kernel.errors import DomainError

from .models import DemoMarker, RecoveryCode, TotpDevice
from .sealing import SealError, keyed_hash, seal, unseal

ISSUER = "分级管理平台"
STEP_SECONDS = 30
DIGITS = 6
RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_LENGTH = 10
RECOVERY_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, no 1/I: read off paper without doubt

# The session key set on a session that passed the second factor: "totp" or "recovery".
SESSION_SECOND_FACTOR = "fenji_second_factor"


# --- who ----------------------------------------------------------------------------------------


def actor_needs_second_factor(actor) -> bool:
    """True when any live grant of ``actor`` carries a system, security or audit duty."""
    return any(grant.role.is_admin for grant in actor.grants)


def needs_second_factor(account) -> bool:
    return actor_needs_second_factor(actor_for(account))


# --- time and codes -----------------------------------------------------------------------------


def current_step(at=None) -> int:
    return int((at or timezone.now()).timestamp()) // STEP_SECONDS


def seconds_left_in_step(at=None) -> float:
    return STEP_SECONDS - (at or timezone.now()).timestamp() % STEP_SECONDS


def code_at(secret: str, step: int) -> str:
    """The code of ``secret`` for one 30-second step."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).generate_otp(step)


def _clean_code(code: str) -> str:
    return "".join((code or "").split())


def _context(account_id) -> str:
    return f"totp:{account_id}"


def _secret_of(device: TotpDevice) -> str | None:
    try:
        return unseal(device.secret_encrypted, context=_context(device.account_id))
    except SealError:
        return None  # sealed under another key (SECRET_KEY rotated) or tampered with: the device is unusable


def _current_step_matches(secret: str | None, code: str) -> int | None:
    """The current step when ``code`` is its code; None otherwise (a previous step's code included)."""
    code = _clean_code(code)
    if secret is None or len(code) != DIGITS or not code.isdigit():
        return None
    step = current_step()
    return step if hmac.compare_digest(code_at(secret, step), code) else None


def _claim_step(device: TotpDevice, step: int, **changes) -> bool:
    """Mark ``step`` used on ``device``, unless it (or a later one) already was: the replay guard.

    One conditional UPDATE, so of two requests racing with the same code only one wins; it also
    fails if the secret was replaced meanwhile (a second enrolment started in another session).
    """
    unused = Q(last_used_step__isnull=True) | Q(last_used_step__lt=step)
    rows = TotpDevice.objects.filter(pk=device.pk, secret_encrypted=device.secret_encrypted).filter(unused)
    return rows.update(last_used_step=step, **changes) == 1


# --- devices ------------------------------------------------------------------------------------


def device_of(account) -> TotpDevice | None:
    return TotpDevice.objects.filter(account_id=account.pk).first()


def has_confirmed_device(account) -> bool:
    return TotpDevice.objects.filter(account_id=account.pk, confirmed_at__isnull=False).exists()


def device_secret(account) -> str | None:
    """The account's secret in clear (the enrolment page, the demo, tests), or None."""
    device = device_of(account)
    return _secret_of(device) if device is not None else None


def enrolment_begin(account) -> str:
    """A fresh secret on an unconfirmed device (replacing an earlier unconfirmed one). Returns the secret."""
    secret = pyotp.random_base32()
    with transaction.atomic():
        device = TotpDevice.objects.select_for_update().filter(account_id=account.pk).first()
        if device is not None and device.confirmed_at is not None:
            raise DomainError("该账号已绑定动态口令验证器")
        if device is None:
            device = TotpDevice(account_id=account.pk)
        device.secret_encrypted = seal(secret, context=_context(account.pk))
        device.last_used_step = None
        device.save()
    return secret


def enrolment_secret(account) -> str | None:
    """The secret of the account's unconfirmed device, to show the same QR code again; None otherwise."""
    device = TotpDevice.objects.filter(account_id=account.pk, confirmed_at__isnull=True).first()
    return _secret_of(device) if device is not None else None


def provisioning_uri(account, secret: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads; the account is named by its masked mobile."""
    name = getattr(account, "mobile_masked", "") or str(account.pk)
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(name=name, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The QR code of ``uri`` as inline SVG, rendered here (no remote image service, no data leaves)."""
    import segno  # ~9 MB, needed on the enrolment page only: not loaded by every server process

    svg = segno.make(uri, error="m").svg_inline(scale=4, border=4, light="#fff", svgclass="qr-code")
    # Safe: segno writes only the <svg>/<path> elements with numeric sizes and path data; the URI
    # itself is not embedded (no title or description is passed).
    return mark_safe(svg)


def enrolment_confirm(account, code: str) -> list[str] | None:
    """The first valid code confirms the unconfirmed device; returns the 10 new recovery codes (shown once)."""
    device = TotpDevice.objects.filter(account_id=account.pk, confirmed_at__isnull=True).first()
    if device is None:
        return None
    step = _current_step_matches(_secret_of(device), code)
    if step is None:
        return None
    with transaction.atomic():
        if not _claim_step(device, step, confirmed_at=timezone.now()):
            return None
        codes = recovery_codes_issue(account)
        audit_record(actor=actor_for(account), action="mfa.device.confirm", target=account,
                     details={"recovery_codes": len(codes)})
    return codes


def totp_verify(account, code: str) -> bool:
    """True once for a code of the current step from the account's confirmed device."""
    device = TotpDevice.objects.filter(account_id=account.pk, confirmed_at__isnull=False).first()
    if device is None:
        return False
    step = _current_step_matches(_secret_of(device), code)
    return step is not None and _claim_step(device, step)


def device_enrol(account, *, secret: str | None = None) -> str:
    """A confirmed device at once, without the enrolment page (the demo; tests). Returns the secret.

    Idempotent for the same ``secret``: an existing device with it is kept as it is.
    """
    secret = secret or pyotp.random_base32()
    device = device_of(account)
    if device is not None and device.confirmed_at is not None and _secret_of(device) == secret:
        return secret
    if device is None:
        device = TotpDevice(account_id=account.pk)
    device.secret_encrypted = seal(secret, context=_context(account.pk))
    device.confirmed_at = timezone.now()
    device.last_used_step = None
    device.save()
    return secret


@transaction.atomic
def second_factor_reset(*, actor, account, details: dict | None = None) -> None:
    """Forget the account's authenticator and recovery codes: it enrols again at its next login.

    ``people.services.account_second_factor_reset`` calls it and also ends the account's sessions and
    tokens (which this layer cannot reach); ``details`` goes into the audit event.
    """
    TotpDevice.objects.filter(account_id=account.pk).delete()
    RecoveryCode.objects.filter(account_id=account.pk).delete()
    audit_record(actor=actor, action="mfa.device.reset", target=account, details=details)


# --- recovery codes -----------------------------------------------------------------------------


def _recovery_hash(account_id, code: str) -> str:
    return keyed_hash(code, context=f"recovery:{account_id}")


def _clean_recovery(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch not in " -")


def recovery_codes_issue(account) -> list[str]:
    """Ten new one-time codes (``XXXXX-XXXXX``) replacing the old ones; only their digests are kept."""
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
             for _ in range(RECOVERY_CODE_COUNT)]
    with transaction.atomic():
        RecoveryCode.objects.filter(account_id=account.pk).delete()
        RecoveryCode.objects.bulk_create(
            RecoveryCode(account_id=account.pk, code_hash=_recovery_hash(account.pk, code)) for code in codes)
    half = RECOVERY_CODE_LENGTH // 2
    return [f"{code[:half]}-{code[half:]}" for code in codes]


def recovery_use(account, code: str) -> bool:
    """True once per recovery code (spaces, dashes and case do not matter)."""
    code = _clean_recovery(code)
    if len(code) != RECOVERY_CODE_LENGTH or any(ch not in RECOVERY_ALPHABET for ch in code):
        return False
    if not has_confirmed_device(account):
        return False
    unused = RecoveryCode.objects.filter(account_id=account.pk, code_hash=_recovery_hash(account.pk, code),
                                         used_at__isnull=True)
    return unused.update(used_at=timezone.now()) == 1


def recovery_codes_left(account) -> int:
    return RecoveryCode.objects.filter(account_id=account.pk, used_at__isnull=True).count()


# --- the demo -----------------------------------------------------------------------------------


def demo_secret(mobile: str) -> str:
    """The fixed, public secret of a demo account: the same on every run, printed by ``fenji demo``."""
    return base64.b32encode(hashlib.sha256(f"fenji-demo-{mobile}".encode()).digest()[:20]).decode()


def demo_mark() -> None:
    DemoMarker.objects.get_or_create(pk=1)


def is_demo_database() -> bool:
    return DemoMarker.objects.exists()


def current_code(account) -> str | None:
    """The code the account's authenticator shows now (demo only: ``fenji demo_code``), or None."""
    secret = device_secret(account)
    return code_at(secret, current_step()) if secret else None
