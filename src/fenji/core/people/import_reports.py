"""The error report of a member import, kept a day for the account that ran it.

The report repeats the rejected rows — names, ID and mobile numbers — so it is not left readable on
disk: each report is sealed with SM4-GCM under a fresh random key that only the uploader's session
holds (the session row stores it; the file holds only ciphertext), with the token and the account
bound as associated data. Signing out deletes the session and with it the only key; files older than
``KEEP_HOURS`` are swept on the next import.
"""

import base64
import binascii
import os
import re
import secrets
import tempfile
import time
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings

from fenji.core.kernel.errors import NotVisible

KEEP_HOURS = 24
CHUNK = 1024 * 1024
NONCE_BYTES, TAG_BYTES = 12, 16
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{24}$")
SUFFIX = ".xlsx.sm4"
GONE = "导入错误报告不存在或已过期（报告保留 24 小时，退出登录后失效），请重新导入"


def reports_dir() -> Path:
    folder = Path(getattr(settings, "FENJI_IMPORT_DIR", "") or settings.VAR_DIR / "imports")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _bound(token: str, account_id) -> bytes:
    return f"fenji/member-import-report/{token}/{account_id}".encode()


def store(handle, *, account_id) -> tuple[str, str]:
    """Seal the workbook in ``handle`` (read from its current position); returns (token, key)."""
    token = secrets.token_urlsafe(18)
    key, nonce = secrets.token_bytes(16), secrets.token_bytes(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(_bound(token, account_id))
    folder = reports_dir()
    path = folder / f"{token}{SUFFIX}"
    temp = folder / f".{token}.tmp"
    descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(nonce)
        while chunk := handle.read(CHUNK):
            out.write(encryptor.update(chunk))
        out.write(encryptor.finalize())
        out.write(encryptor.tag)
    os.replace(temp, path)
    return token, base64.urlsafe_b64encode(key).decode()


def load(token: str, key: str, *, account_id):
    """The workbook as a temporary file at 0, or ``NotVisible`` (unknown, expired, another account's, altered)."""
    if not TOKEN_RE.match(token or ""):
        raise NotVisible(GONE)
    path = reports_dir() / f"{token}{SUFFIX}"
    try:
        raw_key = base64.urlsafe_b64decode(key.encode())
        size = path.stat().st_size
        if time.time() - path.stat().st_mtime > KEEP_HOURS * 3600 or size < NONCE_BYTES + TAG_BYTES:
            raise NotVisible(GONE)
        with path.open("rb") as sealed:
            nonce = sealed.read(NONCE_BYTES)
            sealed.seek(size - TAG_BYTES)
            tag = sealed.read(TAG_BYTES)
            sealed.seek(NONCE_BYTES)
            decryptor = Cipher(algorithms.SM4(raw_key), modes.GCM(nonce, tag)).decryptor()
            decryptor.authenticate_additional_data(_bound(token, account_id))
            out = tempfile.TemporaryFile()
            left = size - NONCE_BYTES - TAG_BYTES
            while left > 0:
                chunk = sealed.read(min(CHUNK, left))
                left -= len(chunk)
                out.write(decryptor.update(chunk))
            out.write(decryptor.finalize())
    except (OSError, ValueError, binascii.Error, InvalidTag):
        raise NotVisible(GONE) from None
    out.seek(0)
    return out


def sweep(*, older_than_hours: float = KEEP_HOURS) -> int:
    """Delete reports (and interrupted writes) older than ``older_than_hours``; returns how many."""
    cutoff = time.time() - older_than_hours * 3600
    removed = 0
    for path in reports_dir().iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except OSError:
            continue
    return removed
