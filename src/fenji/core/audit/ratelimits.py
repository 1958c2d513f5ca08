"""Rate limits on actions, counted per account, client address or number in fixed windows.

``hit(action, account=..., ip=..., number=...)`` counts one action for each key given and raises
``RateLimited`` (429 with ``Retry-After``) when a key is over its limit in the current window. The limits
are ``LIMITS`` overridden by the setting ``FENJI_RATE_LIMITS`` (from the environment variable of that
name, JSON: ``{"token.create": {"account": [10, 3600]}}`` — count per window of seconds; ``null`` or 0
switches a limit off).

The counts are rows of ``RateCount`` updated in place (``count = count + 1``, one UPDATE, atomic on SQLite
and PostgreSQL), so every server process sees the same numbers. Called inside the acting service's
transaction: an action that fails for another reason is not counted, and the refused one rolls back its
own increment. Old windows are deleted by ``sweep`` (the refusal-count job calls it).

Logins and SMS codes sent keep their own, older counters, which answer 429 the same way: failed logins per
client address (``refusals``, FENJI_AUTH_FAILURES_PER_MINUTE) and per account (django-axes, ADR 0004),
codes sent per number and address and wrong codes per number (``people.recovery``); the codes checked are
counted here ("sms.code_check", per address and per number)."""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from fenji.core.kernel.errors import RateLimited

from .models import RateCount

HOUR = 3600
LIMITS = {
    "token.create": {"account": (10, HOUR), "ip": (30, HOUR)},
    "upload": {"account": (300, HOUR), "ip": (1000, HOUR)},
    # Excel exports of lists (``?format=xlsx``): each reads a whole scoped list, so a script pulling them in a loop
    # is stopped (web.middleware.ExportLimitMiddleware)
    "export": {"account": (120, HOUR), "ip": (600, HOUR)},
    # 找回密码 and 激活账号: each code typed, right or wrong (the wrong ones also lock the number: people.recovery)
    "sms.code_check": {"ip": (30, HOUR), "number": (10, HOUR)},
}
MESSAGE = "操作过于频繁，请 {wait} 后再试"


def limits() -> dict:
    merged = {action: dict(keys) for action, keys in LIMITS.items()}
    for action, keys in (getattr(settings, "FENJI_RATE_LIMITS", None) or {}).items():
        merged.setdefault(action, {}).update(keys or {})
    return merged


def _wait(seconds: int) -> str:
    return f"{seconds} 秒" if seconds < 120 else f"{(seconds + 59) // 60} 分钟"


def _count(key: str, window: datetime.datetime) -> int:
    with transaction.atomic():
        if not RateCount.objects.filter(key=key, window=window).update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    RateCount.objects.create(key=key, window=window, count=1)
                    return 1
            except IntegrityError:  # another process created it first
                RateCount.objects.filter(key=key, window=window).update(count=F("count") + 1)
        return RateCount.objects.filter(key=key, window=window).values_list("count", flat=True).get()


def hit(action: str, **keys) -> None:
    """Count one ``action`` for each of ``keys`` (account=…, ip=…, number=…; empty ones are skipped)."""
    rules = limits().get(action, {})
    now = timezone.now()
    for kind, value in keys.items():
        rule = rules.get(kind)
        if not value or not rule or not rule[0]:
            continue
        limit, seconds = int(rule[0]), int(rule[1])
        start = int(now.timestamp()) // seconds * seconds
        window = datetime.datetime.fromtimestamp(start, tz=datetime.UTC)
        if _count(f"{action}|{kind}:{value}", window) > limit:
            retry_after = max(1, start + seconds - int(now.timestamp()))
            raise RateLimited(MESSAGE.format(wait=_wait(retry_after)), retry_after=retry_after)


def sweep(now: datetime.datetime | None = None) -> int:
    """Delete the windows that ended (kept a day: no limit window is longer)."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=1)
    return RateCount.objects.filter(window__lt=cutoff).delete()[0]
