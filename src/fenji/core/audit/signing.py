"""Signers for audit checkpoints, behind one small interface so a certified cryptographic module can
replace the software one before a 密评. The default signs with SM2 (Tongsuo, through ``tongsuopy``) and
keeps its private key in a file outside the database (FENJI_AUDIT_KEY_FILE, default var/audit-sm2.key,
mode 0600).

Formats are those fenji has always stored: a private key is 64 hex digits, a public key is x||y (128 hex
digits, no 04 prefix), a signature is r||s (128 hex digits); SM3 with the Z value of the default user id
1234567812345678 (GB/T 32918), so signatures made before the move to Tongsuo still verify."""

import os
import re
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from django.conf import settings
from django.utils.module_loading import import_string
from tongsuopy.crypto import hashes
from tongsuopy.crypto.asymciphers import ec
from tongsuopy.crypto.exceptions import InvalidSignature

# The order of the SM2 curve: a private key d must lie in [1, n-2] ((1+d) is inverted mod n).
N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123
_HEX64 = re.compile(r"[0-9a-fA-F]{64}")
_HEX128 = re.compile(r"[0-9a-fA-F]{128}")
_ALGORITHM = ec.ECDSA(hashes.SM3())


class Sm2KeyError(RuntimeError):
    pass


def _private(private_key: str):
    """The Tongsuo key for ``private_key`` (``Sm2KeyError`` unless it is a scalar in [1, n-2]: Tongsuo
    never returns from signing with n-1)."""
    if not isinstance(private_key, str) or not _HEX64.fullmatch(private_key):
        raise Sm2KeyError("SM2 签名失败：请检查签名密钥")
    value = int(private_key, 16)
    if not 1 <= value <= N - 2:
        raise Sm2KeyError("SM2 签名失败：请检查签名密钥")
    return ec.derive_private_key(value, ec.SM2())


def _public_hex(key) -> str:
    numbers = key.public_numbers()
    return f"{numbers.x:064x}{numbers.y:064x}"


def sm2_public_key(private_key: str) -> str:
    return _public_hex(_private(private_key).public_key())


def sm2_key_pair() -> tuple[str, str]:
    """A fresh (private, public) pair drawn by Tongsuo from the OS CSPRNG."""
    key = ec.generate_private_key(ec.SM2())
    return f"{key.private_numbers().private_value:064x}", _public_hex(key.public_key())


def sm2_sign(private_key: str, public_key: str, data: bytes) -> str:
    """SM2 signature (r||s, hex) over ``data`` with SM3 and the default user id. ``public_key`` must be
    the private key's own (the Z value is computed from it): a mismatch is refused, not signed."""
    key = _private(private_key)
    if _public_hex(key.public_key()) != (public_key or "").lower():
        raise Sm2KeyError("SM2 签名失败：公钥与私钥不匹配")
    r, s = decode_dss_signature(key.sign(data, _ALGORITHM))
    return f"{r:064x}{s:064x}"


def sm2_verify(public_key: str, data: bytes, signature: str) -> bool:
    """Whether ``signature`` (r||s, hex) is ``public_key``'s SM2-SM3 signature of ``data``; anything
    malformed is simply not a valid signature."""
    if not isinstance(public_key, str) or not isinstance(signature, str):
        return False
    if not _HEX128.fullmatch(public_key) or not _HEX128.fullmatch(signature):
        return False
    r, s = int(signature[:64], 16), int(signature[64:], 16)
    if not (1 <= r < N and 1 <= s < N):
        return False
    try:
        key = ec.EllipticCurvePublicNumbers(int(public_key[:64], 16), int(public_key[64:], 16),
                                            ec.SM2()).public_key()
        key.verify(encode_dss_signature(r, s), data, _ALGORITHM)
    except (InvalidSignature, ValueError):
        return False
    return True


class Sm2Signer:
    name = "SM2-SM3"

    def __init__(self, key_file: Path | None = None):
        self.key_file = Path(key_file or os.environ.get("FENJI_AUDIT_KEY_FILE") or settings.VAR_DIR / "audit-sm2.key")

    def _private_key(self) -> str:
        if not self.key_file.exists():
            self.key_file.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(sm2_key_pair()[0])
        return self.key_file.read_text().strip()

    def public_key(self) -> str:
        return sm2_public_key(self._private_key())

    def sign(self, data: bytes) -> str:
        return sm2_sign(self._private_key(), self.public_key(), data)

    @staticmethod
    def verify(public_key: str, data: bytes, signature: str) -> bool:
        return sm2_verify(public_key, data, signature)


def get_signer():
    path = getattr(settings, "FENJI_AUDIT_SIGNER", "") or "fenji.core.audit.signing.Sm2Signer"
    return import_string(path)()
