"""Signers for audit checkpoints, behind one small interface so a certified cryptographic module can
replace the software one before a 密评. The default signs with SM2 (gmssl) and keeps its private key
in a file outside the database (FENJI_AUDIT_KEY_FILE, default var/audit-sm2.key, mode 0600)."""

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string
from gmssl import sm2

CURVE = sm2.default_ecc_table


def _random_scalar() -> str:
    """A uniformly random scalar in [1, n-1] from the OS CSPRNG (gmssl's own helper uses ``random``)."""
    n = int(CURVE["n"], 16)
    while True:
        k = int.from_bytes(secrets.token_bytes(32), "big")
        if 1 <= k < n:
            return f"{k:064x}"


def sm2_crypt(private_key: str, public_key: str) -> sm2.CryptSM2:
    """gmssl's signer with ``public_key`` exactly as given. Its constructor drops a leading "04" with
    ``lstrip("04")``, which strips every leading 0 and 4: a public key whose x coordinate begins with
    04 (one in 256) was cut short, so its signatures never verified or raised "Odd-length string"."""
    crypt = sm2.CryptSM2(private_key=private_key, public_key="")
    crypt.public_key = public_key
    return crypt


def sm2_public_key(private_key: str) -> str:
    return sm2.CryptSM2(private_key=private_key, public_key="")._kg(int(private_key, 16), CURVE["g"])


def sm2_key_pair(draw=None) -> tuple[str, str]:
    """A fresh (private, public) pair that signs and verifies (checked once before it is stored, so a key
    that could not sign would be drawn again rather than break every later checkpoint or seal)."""
    while True:
        private = (draw or _random_scalar)()
        public = sm2_public_key(private)
        try:
            sm2_sign(private, public, b"fenji key check")
        except RuntimeError:
            continue
        return private, public


def sm2_sign(private_key: str, public_key: str, data: bytes) -> str:
    """SM2 signature (r||s, hex) over ``data`` with SM3 and the default user id.

    gmssl's pure-Python arithmetic fails on about one signature in a hundred (verification raises on
    some (r, s) values; a nonce can also give ``None``). Verification is deterministic, so a signature
    that verifies once always does: sign again with a fresh nonce until it verifies."""
    crypt = sm2_crypt(private_key, public_key)
    for _attempt in range(32):
        signature = crypt.sign_with_sm3(data, _random_scalar())
        if signature and Sm2Signer.verify(public_key, data, signature):
            return signature
    raise RuntimeError("SM2 签名失败：请检查签名密钥")


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
        private = self._private_key()
        return sm2.CryptSM2(private_key=private, public_key="")._kg(int(private, 16), CURVE["g"])

    def sign(self, data: bytes) -> str:
        return sm2_sign(self._private_key(), self.public_key(), data)

    @staticmethod
    def verify(public_key: str, data: bytes, signature: str) -> bool:
        try:
            return bool(sm2_crypt("", public_key).verify_with_sm3(signature, data))
        except (ValueError, TypeError, IndexError):
            return False


def get_signer():
    path = getattr(settings, "FENJI_AUDIT_SIGNER", "") or "fenji.core.audit.signing.Sm2Signer"
    return import_string(path)()
