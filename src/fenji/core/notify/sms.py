"""Outgoing SMS through a pluggable backend chosen by FENJI_SMS_BACKEND.

``console`` prints the message (the embedded demo, FENJI_DEBUG), ``file`` appends one JSON line per
message to FENJI_SMS_FILE, readable by its owner only (tests and offline pilots read it back; the
production default, since messages carry initial passwords). A real gateway is a class with ``send``.
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


class ConsoleBackend:
    def send(self, sms: Sms) -> None:
        print(f"[短信] {sms.mobile}: {sms.text}", file=sys.stdout, flush=True)


class FileBackend:
    def send(self, sms: Sms) -> None:
        path = settings.SMS_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        os.fchmod(descriptor, 0o600)  # also an outbox written before it was created owner-only
        with open(descriptor, "a", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)  # several app processes may append at once
            handle.write(json.dumps(asdict(sms), ensure_ascii=False) + "\n")


BACKENDS = {"console": ConsoleBackend, "file": FileBackend}


def get_backend():
    name = settings.SMS_BACKEND
    return BACKENDS[name]() if name in BACKENDS else import_string(name)()


def sms_send(*, mobile: str, text: str) -> Sms:
    """Send now. Callers inside a transaction use ``transaction.on_commit`` so a rollback sends nothing."""
    sms = Sms(mobile=mobile, text=text, sent_at=timezone.now().isoformat())
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
