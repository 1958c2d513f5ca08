"""The audit interface every service calls: one event per change, in the change's transaction."""

from types import SimpleNamespace

from django.utils import timezone

from fenji.core.kernel import context

from .chain import append
from .models import AuditEvent, Outcome

# The platform acting for itself from the command line (retention purges and the like).
PLATFORM = SimpleNamespace(account_id=None, label="系统", unit_path="")

SECRET_KEYS = {"password", "password1", "password2", "old_password", "new_password", "initial_password"}


def storable(value):
    """NUL cannot be stored in PostgreSQL text or jsonb (a refused path such as ``/x%00/`` would fail the
    request): it is written as the four characters ``\\x00``, so the auditor still sees it was sent."""
    if isinstance(value, str):
        return value.replace("\x00", "\\x00")
    if isinstance(value, dict):
        return {storable(k): storable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [storable(v) for v in value]
    return value


def _clean(details: dict | None) -> dict:
    # Passwords never reach the log, whatever a caller passes.
    return storable({k: ("***" if k in SECRET_KEYS else v) for k, v in (details or {}).items()})


def audit_record(
    *,
    actor,
    action: str,
    target=None,
    target_type: str = "",
    target_id: str = "",
    target_unit_path: str = "",
    outcome: str = Outcome.OK,
    details: dict | None = None,
) -> AuditEvent:
    """Append one event. Call it inside the transaction of the change it records."""
    ctx = context.current()
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
        target_unit_path = target_unit_path or getattr(target, "unit_path", "") or getattr(target, "path", "")
    return append(dict(
        at=timezone.now(),
        actor_id=getattr(actor, "account_id", None) or getattr(actor, "pk", None),
        actor_label=str(getattr(actor, "label", "") or getattr(actor, "display_label", "") or "")[:100],
        actor_unit_path=getattr(actor, "unit_path", "") or "",
        action=action,
        target_type=target_type,
        target_id=storable(str(target_id)),
        target_unit_path=target_unit_path,
        client_ip=ctx.client_ip,
        request_id=ctx.request_id,
        channel=ctx.channel,
        outcome=outcome,
        details=_clean(details),
    ))
