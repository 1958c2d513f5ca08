"""Refusals that a scan repeats thousands of times, counted per actor or client address and minute.

Out-of-scope lookups (``access.scope.miss``), bad bearer tokens (``api.token.authenticate``) and failed
logins would each write an event; a scan would flood the log with rows the 180-day floor forbids purging.
So each refusal is *noted* under a key (``account:42``, ``ip:10.0.0.7``) in that key's
``RefusalCount`` row for the current minute:

- the first refusal of a key in a minute is an audit event at once, with ``count`` 1 and what was tried;
- the others only increment the row (their reasons, and a sample of what was tried, are kept with it);
- once the minute is over, one aggregated event carries their number (``count``), reasons and sample.

A key therefore writes at most two events a minute, and the ``count`` of its events sums to the refusals
made. The aggregated event is written by the key's next refusal (``note`` flushes the key's finished
minutes first) or by the periodic job ``audit.refusal_counts`` (``flush``), whichever comes first. The
row is deleted in the transaction that writes its event, so no count is written twice or lost.

The rows live in the database, not in Django's cache: the server runs several worker processes, and the
counts (and the limits read from them, see ``count``) must be the same in all of them. Rows are locked
while counted (``select_for_update``; on SQLite the IMMEDIATE transaction holds the write lock).

Call these after the refused request's own work has rolled back — the adapters' error handlers do, as
for ``transactions.record_denial`` (ADR 0007): each note runs in its own short transaction.
"""

import datetime
from types import SimpleNamespace

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from fenji.core.kernel import context
from fenji.core.kernel.errors import NotVisible

from .models import Outcome, RefusalCount
from .services import audit_record, storable

SAMPLES = 10  # distinct paths (or token prefixes, numbers) kept per aggregated event
SCOPE_MISS = "access.scope.miss"


def minute_of(moment: datetime.datetime) -> datetime.datetime:
    return moment.replace(second=0, microsecond=0)


def retry_after(now: datetime.datetime | None = None) -> int:
    """Seconds until the current minute's count no longer applies (for ``Retry-After``)."""
    now = now or timezone.now()
    return max(1, 60 - now.second)


def count(key: str) -> int:
    """How many refusals ``key`` has had in the current minute, in every worker process."""
    row = RefusalCount.objects.filter(key=key, minute=minute_of(timezone.now())).values_list("count", flat=True)
    return row.first() or 0


def _who(actor) -> dict:
    ctx = context.current()
    return {
        "actor_id": getattr(actor, "account_id", None) or getattr(actor, "pk", None),
        "actor_label": str(getattr(actor, "label", "") or "")[:100],
        "actor_unit_path": getattr(actor, "unit_path", "") or "",
        "client_ip": ctx.client_ip,
        "channel": ctx.channel,
    }


def _summarize(summary: dict, *, reason: str, sample: str, target_type: str) -> None:
    if reason:
        reasons = summary.setdefault("reasons", {})
        reasons[reason] = reasons.get(reason, 0) + 1
    samples = summary.setdefault("samples", [])
    sample = storable(sample)  # a NUL in a probed path cannot go into PostgreSQL's jsonb
    if sample and sample not in samples and len(samples) < SAMPLES:
        samples.append(sample)
    if target_type:
        objects = summary.setdefault("objects", [])
        if target_type not in objects and len(objects) < SAMPLES:
            objects.append(target_type)


def note(*, key: str, action: str, actor, outcome: str = Outcome.DENIED, reason: str = "", sample: str = "",
         target_type: str = "", target_id: str = "", target_unit_path: str = "",
         details: dict | None = None, written: bool = False) -> int:
    """Count one refusal of ``key``; the first of its minute becomes an event now. Returns the minute's count.

    ``written``: the caller has recorded this refusal with its own event; it is only counted (towards
    the limits that read ``count``), not written again."""
    minute = minute_of(timezone.now())
    flush(key=key, before=minute)
    with transaction.atomic():
        row, _ = RefusalCount.objects.get_or_create(
            key=key, minute=minute, defaults={"action": action, "outcome": outcome, "who": _who(actor)})
        row = RefusalCount.objects.select_for_update().get(pk=row.pk)
        row.count += 1
        if written:
            row.recorded += 1
        elif row.recorded == 0:
            audit_record(actor=actor, action=action, outcome=outcome, target_type=target_type,
                         target_id=target_id, target_unit_path=target_unit_path,
                         details={**(details or {}), "reason": reason, "count": 1, "minute": minute.isoformat()})
            row.recorded = 1
        else:
            _summarize(row.summary, reason=reason, sample=sample, target_type=target_type)
        row.save(update_fields=["count", "recorded", "summary"])
    return row.count


def _write_aggregate(row: RefusalCount) -> None:
    who = row.who
    actor = SimpleNamespace(account_id=who.get("actor_id"), label=who.get("actor_label", ""),
                            unit_path=who.get("actor_unit_path", ""))
    objects = row.summary.get("objects", [])
    token = context.activate(context.RequestContext(client_ip=who.get("client_ip", ""),
                                                    channel=who.get("channel", "")))
    try:
        audit_record(actor=actor, action=row.action, outcome=row.outcome,
                     target_type=objects[0] if len(objects) == 1 else "",
                     details={"count": row.count - row.recorded, "aggregated": True,
                              "minute": row.minute.isoformat(), **row.summary})
    finally:
        context.deactivate(token)


def flush(*, key: str | None = None, before: datetime.datetime | None = None) -> int:
    """Write the aggregated events of the minutes before ``before`` (default: every finished minute),
    of ``key`` or of every key, and drop their rows. Returns how many events were written."""
    before = before or minute_of(timezone.now())
    rows = RefusalCount.objects.filter(minute__lt=before)
    if key is not None:
        rows = rows.filter(key=key)
    written = 0
    for pk in list(rows.order_by("minute", "pk").values_list("pk", flat=True)):
        with transaction.atomic():
            row = RefusalCount.objects.select_for_update().filter(pk=pk).first()
            if row is None:  # another process flushed it
                continue
            if row.count > row.recorded:
                _write_aggregate(row)
                written += 1
            row.delete()
    return written


# --- out-of-scope lookups ------------------------------------------------------------------------------


def _what_was_missed(miss: NotVisible) -> tuple[str, str]:
    """("out_of_scope" | "missing" | "unknown", the unit path of the row when it exists)."""
    if miss.exists is False:
        return "missing", ""
    if not miss.target_type:
        return ("unknown" if miss.exists is None else "out_of_scope" if miss.exists else "missing"), ""
    try:
        model = apps.get_model(miss.target_type)
        row = model._base_manager.filter(pk=miss.target_id).first()
    except (LookupError, ValueError, TypeError, ValidationError):
        row = None
    unit_path = (getattr(row, "unit_path", "") or getattr(row, "path", "") or "") if row is not None else ""
    if miss.exists:
        return "out_of_scope", unit_path
    return ("out_of_scope" if row is not None else "missing"), unit_path


def scope_miss(*, actor, miss: NotVisible, path: str, method: str) -> None:
    """Record a lookup answered 404 (``NotVisible``), counted per actor and minute.

    The user's answer is the same whether the row exists outside the actor's scope or does not exist;
    the event says which (``reason``), so the auditor sees an account probing other subtrees."""
    account_id = getattr(actor, "account_id", None)
    key = f"account:{account_id}" if account_id is not None else f"ip:{context.current().client_ip}"
    reason, unit_path = _what_was_missed(miss)
    note(key=f"{SCOPE_MISS}:{key}", action=SCOPE_MISS, actor=actor, reason=reason, sample=f"{method} {path}"[:200],
         target_type=miss.target_type, target_id=miss.target_id, target_unit_path=unit_path,
         details={"path": path[:200], "method": method})
