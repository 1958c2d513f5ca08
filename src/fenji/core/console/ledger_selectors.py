"""Scoped reads of the ledgers (C4.2, seed 004 §8(三), §9(三)): every account and every grant in the
actor's scope, with who requested, who approved and who carried out each.

The rows come from the scoped selectors; what the workflow and the audit log know about a page of
rows is then fetched for the whole page at once (no query per row), keyed by the rows' ids.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from fenji.core.access import selectors as access_selectors
from fenji.core.access.models import Grant
from fenji.core.audit.models import AuditEvent, Outcome
from fenji.core.people import permissions as perms
from fenji.core.people.models import Account, AccountStatus
from fenji.core.people.selectors import account_list
from fenji.core.workflow.models import Request, RequestState, Step, StepState

OPENING_KINDS = (".account.open",)  # request kinds that open an account (console/requests.py)
ACCOUNT_SELECT = ("person", "unit", "opened_by__person")
GRANT_SELECT = ("account__person", "unit", "requested_by__person", "approved_by__person", "granted_by__person",
                "revoked_by__person")


def _bounds(start: datetime.date | None, end: datetime.date | None):
    tz = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz) if start else None
    until = (datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
             if end else None)
    return since, until


def _in_period(field_name: str, since, until) -> Q:
    q = Q()
    if since is not None:
        q &= Q(**{f"{field_name}__gte": since})
    if until is not None:
        q &= Q(**{f"{field_name}__lt": until})
    return q


# --- 账户台账 --------------------------------------------------------------------------------------


def account_ledger_list(*, actor, unit=None, start=None, end=None, text: str = ""):
    """Accounts in the actor's scope (``people.account.view``), within ``unit``'s subtree, opened
    between the dates ``start`` and ``end`` (both included), matching ``text``."""
    accounts = account_list(actor=actor, action=perms.ACCOUNT_VIEW, unit=unit, text=text)
    since, until = _bounds(start, end)
    if since or until:
        accounts = accounts.filter(_in_period("created_at", since, until))
    return accounts.select_related(*ACCOUNT_SELECT)


@dataclass
class AccountHistory:
    """What the workflow and the audit log record about one account's opening and closing."""

    request_id: int | None = None
    request_title: str = ""
    requested_by: str = ""
    requested_at: datetime.datetime | None = None
    approved_by: list[str] = field(default_factory=list)
    disabled_at: datetime.datetime | None = None
    disabled_by: str = ""
    disabled_reason: str = ""
    moves: list[str] = field(default_factory=list)  # "2026-12-03 新街口街道 → 梅园新村街道（张三）", oldest first

    @property
    def approvers(self) -> str:
        return "、".join(self.approved_by)

    @property
    def moves_text(self) -> str:
        return "；".join(self.moves)


def _name(account) -> str:
    return account.person.real_name if account is not None else ""


def _label(actor_label: str) -> str:
    """An audit event's actor label without the masked number: "张三（139****0001）" → "张三"."""
    return (actor_label or "").split("（")[0]


def account_histories(accounts: list[Account]) -> dict[int, AccountHistory]:
    """For a page of accounts already shown to the actor: the request that opened each (requester
    and the signatures) and, for disabled accounts, when and by whom (three queries)."""
    histories = {a.pk: AccountHistory() for a in accounts}
    if not histories:
        return histories
    opening = Q()
    for suffix in OPENING_KINDS:
        opening |= Q(kind__endswith=suffix)
    requests = (Request.objects.unscoped(reason="opening requests of ledger rows already in scope")
                .filter(opening, subject_id__in=list(histories)).exclude(state=RequestState.WITHDRAWN)
                .select_related("requester__person").order_by("subject_id", "id"))
    chosen: dict[int, Request] = {}
    for row in requests:  # the request that was carried out, else the latest
        previous = chosen.get(row.subject_id)
        if previous is None or row.state == RequestState.DONE or previous.state != RequestState.DONE:
            chosen[row.subject_id] = row
    signatures = defaultdict(list)
    steps = (Step.objects.unscoped(reason="signatures on requests of ledger rows already in scope")
             .filter(request_id__in=[r.pk for r in chosen.values()], state=StepState.APPROVED,
                     decided_by__isnull=False)
             .select_related("decided_by__person").order_by("request_id", "index"))
    for step in steps:
        signatures[step.request_id].append(_name(step.decided_by))
    for subject_id, row in chosen.items():
        history = histories[subject_id]
        history.request_id, history.request_title = row.pk, row.title
        history.requested_by, history.requested_at = _name(row.requester), row.filed_at
        history.approved_by = signatures[row.pk]
    moves = (AuditEvent.objects.filter(action="people.account.move", target_type="people.account",
                                       target_id__in=[str(pk) for pk in histories], outcome=Outcome.OK)
             .only("target_id", "at", "actor_label", "details").order_by("seq"))
    for event in moves:
        details = event.details or {}
        histories[int(event.target_id)].moves.append(
            f"{timezone.localtime(event.at):%Y-%m-%d} {details.get('from_unit', '')} → {details.get('to_unit', '')}"
            f"（{_label(event.actor_label)}）")
    disabled = [str(a.pk) for a in accounts if a.status == AccountStatus.DISABLED]
    if disabled:
        events = (AuditEvent.objects.filter(action=perms.ACCOUNT_DISABLE, target_type="people.account",
                                            target_id__in=disabled, outcome=Outcome.OK)
                  .only("target_id", "at", "actor_label", "details").order_by("seq"))
        for event in events:
            if (event.details or {}).get("status") == AccountStatus.DISABLED:
                history = histories[int(event.target_id)]
                history.disabled_at, history.disabled_by = event.at, _label(event.actor_label)
                history.disabled_reason = (event.details or {}).get("reason", "")
    return histories


# --- 权限台账 --------------------------------------------------------------------------------------


def grant_state_q(state: str, now=None) -> Q:
    now = now or timezone.now()
    live = Q(revoked_at__isnull=True)
    if state == "revoked":
        return Q(revoked_at__isnull=False)
    if state == "expired":
        return live & Q(valid_until__lte=now)
    if state == "pending":
        return live & Q(valid_from__gt=now) & (Q(valid_until__isnull=True) | Q(valid_until__gt=now))
    if state == "live":
        return (live & (Q(valid_until__isnull=True) | Q(valid_until__gt=now))
                & (Q(valid_from__isnull=True) | Q(valid_from__lte=now)))
    return Q()


def grant_ledger_list(*, actor, unit=None, start=None, end=None, role: str = "", state: str = "", text: str = "",
                      subsystem: str = ""):
    """Every grant in the actor's scope (``access.grant.view``), revoked ones included: within
    ``unit``'s subtree, made or revoked between ``start`` and ``end``, of ``role``, in ``state``, concerning
    ``subsystem`` (its roles' grants and the administrators limited to it)."""
    grants = access_selectors.grant_list(actor=actor, unit=unit, include_revoked=True, text=text)
    since, until = _bounds(start, end)
    if since or until:
        grants = grants.filter(_in_period("granted_at", since, until) | _in_period("revoked_at", since, until))
    if role:
        grants = grants.filter(role=role)
    if state:
        grants = grants.filter(grant_state_q(state))
    if subsystem:
        grants = grants.filter(access_selectors.subsystem_grants_q(subsystem))
    return grants.select_related(*GRANT_SELECT)


def grant_state(grant: Grant, now=None) -> str:
    now = now or timezone.now()
    if grant.revoked_at is not None:
        return "已撤销"
    if grant.valid_until is not None and grant.valid_until <= now:
        return "已过期"
    if grant.valid_from is not None and grant.valid_from > now:
        return "未生效"
    return "有效"
