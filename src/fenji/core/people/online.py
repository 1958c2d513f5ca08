"""Who is signed in now (在线用户) and signing an account out by force (强制下线), for the security administrator.

Sessions live in the database (``kernel.sessions``); an open one names its account in its data. Reading them
means decoding each unexpired row, so the list is capped (``ONLINE_LIMIT``) and scoped afterwards: the
administrator sees the accounts of his scope only, and signing out one outside it answers like a missing one.
"""

import datetime
from dataclasses import dataclass

from django.contrib.sessions.models import Session
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.api.models import ApiToken
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.kernel.errors import DomainError

from . import permissions as perms
from .authentication import SESSION_LOGIN_AT
from .models import Account
from .services import _end_sessions_and_tokens

ONLINE_LIMIT = 5000  # sessions decoded for one page view
REASON_MAX = 200


@dataclass
class Online:
    account: Account
    sessions: int
    signed_in_at: datetime.datetime | None
    last_seen_until: datetime.datetime | None  # the latest session's expiry (idle timeout)
    tokens: int  # API tokens used in the last hour


def online_list(*, actor) -> list[Online]:
    """The accounts of the actor's scope with an open session or an API token used in the last hour."""
    policy.require(actor, perms.SESSION_MANAGE)
    now = timezone.now()
    found: dict[int, dict] = {}
    for session in Session.objects.filter(expire_date__gt=now).order_by("-expire_date")[:ONLINE_LIMIT]:
        data = session.get_decoded()
        try:
            pk = int(data.get("_auth_user_id", ""))
        except ValueError:
            continue
        entry = found.setdefault(pk, {"sessions": 0, "at": None, "until": session.expire_date, "tokens": 0})
        entry["sessions"] += 1
        if (at := data.get(SESSION_LOGIN_AT)) and (entry["at"] is None or at > entry["at"]):
            entry["at"] = at
    recent = now - datetime.timedelta(hours=1)
    for pk in ApiToken.objects.filter(revoked_at__isnull=True, expires_at__gt=now, last_used_at__gte=recent
                                      ).values_list("account_id", flat=True):
        found.setdefault(pk, {"sessions": 0, "at": None, "until": None, "tokens": 0})["tokens"] += 1
    accounts = Account.objects.visible_to(actor, perms.SESSION_MANAGE).filter(pk__in=list(found)).select_related(
        "person", "unit")
    rows = [Online(account, found[account.pk]["sessions"],
                   datetime.datetime.fromtimestamp(found[account.pk]["at"], tz=datetime.UTC)
                   if found[account.pk]["at"] else None, found[account.pk]["until"], found[account.pk]["tokens"])
            for account in accounts]
    return sorted(rows, key=lambda row: (row.account.unit_path, row.account.pk))


@service
def account_sign_out(*, actor, account: Account, reason: str) -> list:
    """End every session of ``account`` and revoke its API tokens now; the reason is on record."""
    policy.require(actor, perms.SESSION_MANAGE, account.unit_path)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写强制下线的原因", field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError(f"原因不能超过 {REASON_MAX} 个字", field="reason")
    if account.pk == getattr(actor, "account_id", None):
        raise DomainError("不能强制自己下线：请使用“退出”", field="reason")
    revoked = _end_sessions_and_tokens(actor=actor, account=account, reason=reason)
    audit_record(actor=actor, action="people.session.sign_out", target=account,
                 details={"reason": reason, "sessions_ended": True, "tokens_revoked": [t.pk for t in revoked]})
    return revoked
