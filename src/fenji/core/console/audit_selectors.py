"""Scoped reads of the audit log for the security auditor (安全审计员).

``audit`` sits below ``access`` and cannot scope itself, so its reads live here. An auditor sees the
events whose target or actor lies in a granted subtree; an auditor at a top unit also sees events
tied to no unit (failed logins with an unknown number, platform commands).
"""

import datetime

from django.db.models import Q

from fenji.core.access import permissions as perms
from fenji.core.access import policy, registry
from fenji.core.audit.models import AuditEvent
from fenji.core.kernel.pagination import OFFSET_CAP, Page
from fenji.core.kernel.paths import depth_of, subtree_q
from fenji.core.people import external

PAGE_SIZE = 50

# The events of the 登录日志 (signing in and out, passwords, second factor); every other event is in the 操作日志.
LOGIN_ACTIONS = ("people.login", "people.login.locked", "people.login.password", "people.login.second_factor",
                 "people.logout", "people.session.end", "people.password.change", "mfa.device.confirm",
                 "mfa.device.reset", "api.token.authenticate", *external.ACTIONS)
LOG_KINDS = ("login", "operation")


def audit_event_list(*, actor, start: datetime.datetime | None = None, end: datetime.datetime | None = None,
                     actor_text: str = "", action: str = "", outcome: str = "", unit=None, text: str = "",
                     module: str = "", log: str = ""):
    """The events in the actor's audit scope, newest first. ``text`` matches the action's Chinese label (or
    code) and the actor's name; ``module`` is an action code's first word; ``log`` is "login" (登录日志) or
    "operation" (操作日志)."""
    scope = policy.scope_q(actor, perms.AUDIT_VIEW, "target_unit_path") | policy.scope_q(
        actor, perms.AUDIT_VIEW, "actor_unit_path")
    if any(perms.AUDIT_VIEW in g.actions and g.reach == "subtree" and depth_of(g.unit_path) == 1
           for g in actor.grants) or actor is policy.SYSTEM:
        scope |= Q(target_unit_path="", actor_unit_path="")
    events = AuditEvent.objects.filter(scope)
    if start:
        events = events.filter(at__gte=start)
    if end:
        events = events.filter(at__lt=end)
    if actor_text:
        events = events.filter(Q(actor_label__contains=actor_text) | Q(target_id=actor_text))
    if action:
        events = events.filter(action__startswith=action)
    if outcome:
        events = events.filter(outcome=outcome)
    if text:
        events = events.filter(Q(action__in=registry.audit_actions_matching(text)) | Q(actor_label__contains=text))
    if module:
        events = events.filter(action__startswith=module + ".")
    if log == "login":
        events = events.filter(action__in=LOGIN_ACTIONS)
    elif log == "operation":
        events = events.exclude(action__in=LOGIN_ACTIONS)
    if unit is not None:
        events = events.filter(subtree_q("target_unit_path", unit.path) | subtree_q("actor_unit_path", unit.path))
    return events.order_by("-seq")


def audit_event_page(events, *, before: int | None = None, size: int = PAGE_SIZE, page: int | None = None) -> Page:
    """Newest first, keyset on seq (``before``: the last seq shown), or page number ``page`` within the
    OFFSET cap: one count, one row query."""
    total = events.count()
    number = page or 1
    if before:
        events = events.filter(seq__lt=before)
        start = 0
    else:
        start = (number - 1) * size if 0 < (number - 1) * size < OFFSET_CAP else 0
        number = start // size + 1
    rows = list(events[start: start + size + 1])
    next_cursor = str(rows[size - 1].seq) if len(rows) > size else None
    return Page(rows=rows[:size], next_cursor=next_cursor, total=total, number=number, size=size)
