"""Outgoing SMS through a pluggable backend chosen by FENJI_SMS_BACKEND.

``console`` prints the message (the embedded demo, FENJI_DEBUG), ``file`` appends one JSON line per
message to FENJI_SMS_FILE, readable by its owner only (tests and offline pilots read it back; the
production default, since messages carry initial passwords). A real gateway is a class with ``send``.

Each message carries a ``key`` chosen when it was queued (ADR 0030). The queue delivers at least once: a worker
killed after sending but before marking the task done sends it again when the task is recovered. A backend
therefore sends a key once: the file backend skips a key already in its file, and a gateway passes the key as its
idempotency field (the out-id or session context the gateway's API dedupes on).
"""

import fcntl
import json
import os
import sys
from dataclasses import asdict, dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Sms:
    mobile: str
    text: str
    sent_at: str
    key: str = ""  # the idempotency key: one message per key (empty: no dedupe, e.g. an outbox line before keys)


class ConsoleBackend:
    def send(self, sms: Sms) -> None:
        print(f"[短信] {sms.mobile}: {sms.text}", file=sys.stdout, flush=True)


class FileBackend:
    def send(self, sms: Sms) -> None:
        path = settings.SMS_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        os.fchmod(descriptor, 0o600)  # also an outbox written before it was created owner-only
        with open(descriptor, "a+", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)  # several app processes may append at once
            if sms.key and _holds_key(handle, sms.key):
                return  # sent before the worker could mark its task done: once is enough
            handle.write(json.dumps(asdict(sms), ensure_ascii=False) + "\n")


def _holds_key(handle, key: str) -> bool:
    handle.seek(0)
    marker = f'"key": {json.dumps(key)}'
    return any(marker in line for line in handle)


BACKENDS = {"console": ConsoleBackend, "file": FileBackend}


def get_backend():
    name = settings.SMS_BACKEND
    return BACKENDS[name]() if name in BACKENDS else import_string(name)()


def sms_send(*, mobile: str, text: str, key: str = "") -> Sms:
    """Send now; a backend sends one message per non-empty ``key``. Callers inside a transaction use
    ``transaction.on_commit`` so a rollback sends nothing."""
    sms = Sms(mobile=mobile, text=text, sent_at=timezone.now().isoformat(), key=key)
    get_backend().send(sms)
    return sms


def read_outbox(mobile: str | None = None) -> list[Sms]:
    """Messages written by the file backend, oldest first (for pilots and tests)."""
    path = settings.SMS_FILE
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as handle:
        messages = [Sms(**json.loads(line)) for line in handle if line.strip()]
    return [m for m in messages if mobile is None or m.mobile == mobile]
