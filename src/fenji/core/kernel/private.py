"""Files only fenji's own account may read (files 0600, directories 0700).

New files are private by the process umask (``settings``). A database file made before that rule, or by
another process, is tightened when a process first connects to it: SQLite gives the ``-wal`` and ``-shm``
files it creates later the mode of the database file, and those already there are tightened with it.
"""

import os
from pathlib import Path

FILE_MODE = 0o600
DIRECTORY_MODE = 0o700
SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")

_tightened: set[str] = set()


def make_private(path: Path | str, mode: int = FILE_MODE) -> None:
    """Take group and other permissions away from ``path`` if it exists and this account owns it."""
    try:
        status = os.stat(path)
    except FileNotFoundError:
        return
    if status.st_mode & 0o077 and status.st_uid == os.geteuid():
        os.chmod(path, mode)


def sqlite_file(name: str) -> Path | None:
    """The file of a SQLite database ``NAME``, or ``None`` for an in-memory one."""
    name = str(name)
    if name in ("", ":memory:") or "mode=memory" in name or name.startswith("file:"):
        return None
    return Path(name)


def tighten_sqlite_files(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: the database file and its companions, once per process and file."""
    if connection.vendor != "sqlite":
        return
    path = sqlite_file(connection.settings_dict["NAME"])
    if path is None or str(path) in _tightened:
        return
    for suffix in SQLITE_COMPANIONS:
        make_private(f"{path}{suffix}")
    _tightened.add(str(path))
