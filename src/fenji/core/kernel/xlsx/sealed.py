"""Files an import keeps for a while — the upload until its job has run, the error report for a day — sealed
with SM4-GCM under the job's own random key, with the job's token and the file's role bound as associated
data. Both repeat names, ID and mobile numbers, so neither is left readable on disk; the key is kept in the
job's row sealed with the data key (``kernel.crypto``), like every number at rest.
"""

import os
import secrets
import tempfile
import time
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings

CHUNK = 1024 * 1024
NONCE_BYTES, TAG_BYTES = 12, 16
SUFFIX = ".sm4"


class Gone(Exception):
    """The file is not there any more, or does not open with this key."""


def folder() -> Path:
    path = Path(getattr(settings, "FENJI_IMPORT_DIR", "") or settings.VAR_DIR / "imports")
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def path_of(token: str, role: str) -> Path:
    return folder() / f"{token}.{role}{SUFFIX}"


def _bound(token: str, role: str) -> bytes:
    return f"fenji/import/{token}/{role}".encode()


def new_key() -> bytes:
    return secrets.token_bytes(16)


def seal(handle, *, token: str, role: str, key: bytes) -> Path:
    """Write the file in ``handle`` (read from its current position) sealed; returns its path."""
    nonce = secrets.token_bytes(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(_bound(token, role))
    path = path_of(token, role)
    temp = path.with_name(f".{path.name}.tmp")
    descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(nonce)
        while chunk := handle.read(CHUNK):
            out.write(encryptor.update(chunk))
        out.write(encryptor.finalize())
        out.write(encryptor.tag)
    os.replace(temp, path)
    return path


def unseal(*, token: str, role: str, key: bytes):
    """The file as a temporary file at 0, or ``Gone`` (missing, another key, altered)."""
    path = path_of(token, role)
    try:
        size = path.stat().st_size
        if size < NONCE_BYTES + TAG_BYTES:
            raise Gone(token)
        with path.open("rb") as sealed:
            nonce = sealed.read(NONCE_BYTES)
            sealed.seek(size - TAG_BYTES)
            tag = sealed.read(TAG_BYTES)
            sealed.seek(NONCE_BYTES)
            decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
            decryptor.authenticate_additional_data(_bound(token, role))
            out = tempfile.TemporaryFile()
            left = size - NONCE_BYTES - TAG_BYTES
            while left > 0:
                chunk = sealed.read(min(CHUNK, left))
                left -= len(chunk)
                out.write(decryptor.update(chunk))
            out.write(decryptor.finalize())
    except (OSError, ValueError, InvalidTag):
        raise Gone(token) from None
    out.seek(0)
    return out


def remove(token: str, role: str) -> None:
    path_of(token, role).unlink(missing_ok=True)


def sweep(*, older_than_hours: float) -> int:
    """Delete sealed files (and interrupted writes) older than ``older_than_hours``; returns how many."""
    cutoff = time.time() - older_than_hours * 3600
    removed = 0
    for path in folder().iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except OSError:
            continue
    return removed
