"""Sealing the second factor's secrets at rest: SM4-GCM, and HMAC-SM3 for the recovery codes.

Keys are derived with HKDF-SM3 from ``settings.SECRET_KEY``, one per purpose, so the database alone
reveals nothing: a copy of it without the key yields neither the TOTP secrets nor a way to test
guesses of the recovery codes. Rotating ``SECRET_KEY`` therefore invalidates every enrolled device
(the holders re-enrol, ``fenji mfa_reset``).

A small private helper on purpose: when ``fenji.core.kernel.crypto`` (SM4-GCM for PII) lands, these
functions should delegate to it.
"""

import base64
import functools
import hmac
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

PREFIX = "sm4gcm1:"
NONCE_BYTES = 12
TAG_BYTES = 16


class SealError(ValueError):
    """The sealed value was tampered with, or sealed under another key or for another record."""


@functools.lru_cache(maxsize=16)
def _derive(secret_key: str, purpose: str, length: int) -> bytes:
    return HKDF(algorithm=hashes.SM3(), length=length, salt=b"fenji.mfa",
                info=f"fenji/mfa/{purpose}".encode()).derive(secret_key.encode())


def _key(purpose: str, length: int = 16) -> bytes:
    return _derive(settings.SECRET_KEY, purpose, length)


def seal(plaintext: str, *, context: str) -> str:
    """SM4-GCM under the ``totp`` key; ``context`` (e.g. the account id) is bound as associated data."""
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(_key("totp")), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(context.encode())
    body = encryptor.update(plaintext.encode()) + encryptor.finalize()
    return PREFIX + base64.urlsafe_b64encode(nonce + body + encryptor.tag).decode()


def unseal(sealed: str, *, context: str) -> str:
    if not sealed.startswith(PREFIX):
        raise SealError("unknown sealing format")
    raw = base64.urlsafe_b64decode(sealed[len(PREFIX):].encode())
    nonce, body, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(_key("totp")), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(context.encode())
    try:
        return (decryptor.update(body) + decryptor.finalize()).decode()
    except Exception as error:  # cryptography's InvalidTag
        raise SealError("the sealed value does not authenticate") from error


def keyed_hash(value: str, *, context: str) -> str:
    """HMAC-SM3 of ``value`` for ``context``, hex (64 characters)."""
    return hmac.new(_key("recovery", 32), f"{context}\x00{value}".encode(), "sm3").hexdigest()
