"""The database out of reach — a restart, a failover, a cut connection, SQLite busy past its timeout — answered
503 with ``Retry-After`` and a Chinese message instead of a 500 (issue 22): the console and the phone pages by
``web.errors.server_error`` (Django's ``handler500``, which also sees what fails inside a middleware, e.g. the
session's load), the API by its exception handler, as its JSON envelope. Nothing was half written: each write is one
transaction, rolled back with the connection. The broken connection is closed at once, so the next request opens a
new one (Django would otherwise close it only at the end of the request)."""

from django.db import connections
from django.db.utils import InterfaceError, OperationalError
from pydantic import ValidationError

RETRY_AFTER = 5  # seconds: a restart or a failover's promotion is over in a few (Patroni: ~20 s at worst)
MESSAGE = "数据库暂时无法连接（可能正在重启或切换），请稍后重试"
_OUTAGE_NAMES = (OperationalError.__name__, InterfaceError.__name__)  # as pydantic names a hidden one


def is_outage(exc: BaseException | None) -> bool:
    """``exc`` is the database out of reach, or was raised by code that met it and reported it as something else.
    pydantic, reading a lazy relation while it builds an API answer, turns the database's error into a
    ``ValidationError`` that names it only in a string (``get_attribute_error``, "OperationalError: …"). Where an
    error passes through other hands, what tells is a connection that met an error and is broken (psycopg marks
    it so; nothing is asked of the server)."""
    if isinstance(exc, (OperationalError, InterfaceError)) or _hidden_by_pydantic(exc):
        return True
    return exc is not None and any(_broken(conn) for conn in connections.all(initialized_only=True))


def _hidden_by_pydantic(exc) -> bool:
    if not isinstance(exc, ValidationError):
        return False
    return any(error.get("type") == "get_attribute_error"
               and str((error.get("ctx") or {}).get("error", "")).startswith(_OUTAGE_NAMES)
               for error in exc.errors())


def _broken(conn) -> bool:
    raw = conn.connection
    return conn.errors_occurred and raw is not None and bool(getattr(raw, "broken", False))


def discard_broken_connections() -> None:
    """Close every connection that met an error and no longer answers (not one inside a transaction block: its
    owner rolls it back)."""
    for conn in connections.all(initialized_only=True):
        if conn.connection is None or conn.in_atomic_block:
            continue
        if conn.errors_occurred and not conn.is_usable():
            conn.close()
