"""The bytes on disk: ``FILES_DIR/<aa>/<bb>/<sha256>``, written once and never changed in place.

A file is written to ``FILES_DIR/tmp/`` first, fsynced, then renamed to its content-addressed name
(and the directory fsynced), all before the row that names it is inserted. A crash or a rollback
therefore never leaves a row without its file — at worst a file without a row, which ``sweep``
removes once it is older than an hour (``fenji files sweep``).
"""

import datetime
import errno
import hashlib
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from django.conf import settings

CHUNK = 64 * 1024
SWEEP_AGE = datetime.timedelta(hours=1)


def root() -> Path:
    return Path(settings.FILES_DIR)


def path_for(storage_key: str) -> Path:
    return root() / storage_key


def key_for(sha256: str) -> str:
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


class TooLarge(Exception):
    pass


class Unavailable(Exception):
    """The file system refused the bytes for want of room (``ENOSPC``, ``EDQUOT``) or cannot be written (read-only,
    an I/O error): nothing is kept of the upload, and the caller refuses it with a clear message."""


# what a full or failing disk answers; anything else (a permission, a missing directory) is a fault of the setup
NO_ROOM = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO, errno.EFBIG})


def _refused_for_room(error: OSError) -> bool:
    return error.errno in NO_ROOM


@dataclass
class Written:
    temp: Path
    size: int
    sha256: str
    sm3: str


def sm3_hex(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def write_temp(chunks, *, limit: int) -> Written:
    """Stream ``chunks`` into a new temporary file (0600), hashing as it goes; ``TooLarge`` past ``limit``."""
    tmp_dir = root() / "tmp"
    try:
        tmp_dir.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=tmp_dir, prefix="upload-")
    except OSError as error:
        if _refused_for_room(error):
            raise Unavailable(str(error)) from error
        raise
    temp = Path(name)
    sha, sm3, size = hashlib.sha256(), hashes.Hash(hashes.SM3()), 0
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise TooLarge()
                sha.update(chunk)
                sm3.update(chunk)
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as error:
        temp.unlink(missing_ok=True)
        if _refused_for_room(error):
            raise Unavailable(str(error)) from error
        raise
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return Written(temp, size, sha.hexdigest(), sm3.finalize().hex())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def commit_file(written: Written) -> str:
    """Rename the temporary file to its content-addressed name; returns the storage key."""
    key = key_for(written.sha256)
    final = path_for(key)
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(written.temp, 0o600)
        os.replace(written.temp, final)  # identical content may already be there: replacing it is harmless
        _fsync_dir(final.parent)
    except OSError as error:
        written.temp.unlink(missing_ok=True)
        if _refused_for_room(error):
            raise Unavailable(str(error)) from error
        raise
    return key


def sweep(referenced, *, older_than: datetime.timedelta = SWEEP_AGE, now: float | None = None) -> list[Path]:
    """Delete stored files no row names (``referenced(keys) -> set of keys still named``) and
    leftover temporary files, both only when older than ``older_than``. Returns what was removed."""
    base = root()
    if not base.exists():
        return []
    cutoff = (now if now is not None else time.time()) - older_than.total_seconds()
    removed = []
    candidates: dict[str, Path] = {}
    for path in base.rglob("*"):
        if not path.is_file() or path.stat().st_mtime > cutoff:
            continue
        relative = path.relative_to(base).as_posix()
        if relative.startswith("tmp/"):
            path.unlink(missing_ok=True)
            removed.append(path)
        else:
            candidates[relative] = path
    if candidates:
        keep = referenced(set(candidates))
        for key, path in candidates.items():
            # re-read the time: a new upload of the same content renames a fresh file over this one
            if key not in keep and path.exists() and path.stat().st_mtime <= cutoff:
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed
