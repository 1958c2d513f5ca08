"""Scoped reads of accounts. Lists are keyset-paged on (unit_path, id), the index the table carries."""

import datetime
import re

from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.kernel.crypto import blind_index
from fenji.core.kernel.errors import DomainError, NotVisible
from fenji.core.kernel.pagination import PAGE_SIZE, AtLeast, Page, capped_count, keyset_page  # noqa: F401
from fenji.core.kernel.paths import subtree_q
from fenji.core.kernel.text import normalise_number

from . import permissions as perms
from .identity import ID_NUMBER_RE, clean_mobile
from .models import Account, AccountKind, AccountStatus

MOBILE_LIKE_RE = re.compile(r"\+?[0-9-]+", re.ASCII)


def account_text_match(text: str) -> tuple[str, str]:
    """What the search box looks for: ``("id_number_hash", h)`` or ``("mobile_hash", h)`` for a *whole* ID or
    mobile number (by its blind index), ``("nothing", "")`` for a number that is no mobile, else
    ``("contains", text)``: a name or title containing it. One decision for the ORM filter and the fast path."""
    text = (text or "").strip()
    number = normalise_number(text)  # as the numbers were stored: "１３９ １２３４…" finds 139…
    if ID_NUMBER_RE.fullmatch(number):
        return "id_number_hash", blind_index(number)
    if MOBILE_LIKE_RE.fullmatch(number):
        try:
            return "mobile_hash", blind_index(clean_mobile(number))
        except DomainError:
            return "nothing", ""
    return "contains", text


def account_text_q(text: str) -> Q:
    """The search box: a name or title (contains), or a *whole* mobile or ID number (exact match).

    The numbers are encrypted at rest, so they are found by their blind index only: a partial
    number finds nothing (the pages say so: 手机号须输入完整11位).
    """
    how, value = account_text_match(text)
    if how == "id_number_hash":
        return Q(person__id_number_hash=value)
    if how == "mobile_hash":
        return Q(mobile_hash=value)
    if how == "nothing":
        return Q(pk__in=[])
    return Q(person__real_name__contains=value) | Q(title__contains=value)


def account_list(*, actor, action: str = perms.ACCOUNT_VIEW, unit=None, text: str = "", kind: str = "",
                 status: str = ""):
    accounts = policy.scope(actor, action, Account.objects.all())
    if unit is not None:
        accounts = accounts.filter(subtree_q("unit_path", unit.path))
    if (text or "").strip():
        accounts = accounts.filter(account_text_q(text))
    if kind:
        accounts = accounts.filter(kind=kind)
    if status:
        accounts = accounts.filter(status=status)
    return accounts


# The console list counts at most this many accounts of a subtree: an exact COUNT(*) over a province
# (5 M members) is tens of milliseconds at every page view, the rest of the page well under one.
LIST_COUNT_LIMIT = 1000
API_COUNT_LIMIT = 10_000  # the API's total: machine clients page further than people do


def account_page(accounts, *, after: str = "", size: int = PAGE_SIZE, count_limit: int | None = None,
                 page: int | None = None) -> Page:
    """One page of accounts with their person and unit (no query per row).

    ``count_limit``: count the matches only up to this many (``capped_count``); ``None``: the exact
    count.
    """
    accounts = accounts.select_related("person", "unit")
    total = None if count_limit is None else capped_count(accounts, count_limit)
    return keyset_page(accounts, after=after, size=size, page=page, total=total)


def account_get(*, actor, pk, action: str = perms.ACCOUNT_VIEW) -> Account:
    try:
        return account_list(actor=actor, action=action).select_related("person", "unit").get(pk=pk)
    except (Account.DoesNotExist, ValueError, TypeError):
        raise NotVisible("账号不存在或不在您的管理范围内", target_type=Account._meta.label_lower,
                         target_id=pk) from None


def stale_cutoff(days: int | None = None):
    """The moment before which a staff account's last login (or its opening) makes it stale (C2.4)."""
    days = settings.FENJI_STALE_ACCOUNT_DAYS if days is None else days
    return timezone.now() - datetime.timedelta(days=days)


def account_list_stale(*, actor, action: str = perms.ACCOUNT_VIEW, days: int | None = None, unit=None):
    """Active staff accounts in scope that have not logged in for ``days`` (default
    ``FENJI_STALE_ACCOUNT_DAYS``); an account that never logged in counts from its opening.

    Each row carries ``last_seen`` (last login, or opening): idle days = now − last_seen.
    """
    accounts = policy.scope(actor, action, Account.objects.all()).filter(
        kind=AccountKind.STAFF, status=AccountStatus.ACTIVE)
    if unit is not None:
        accounts = accounts.filter(subtree_q("unit_path", unit.path))
    return accounts.annotate(last_seen=Coalesce("last_login", "created_at")).filter(
        last_seen__lte=stale_cutoff(days))


def idle_days(account, now=None) -> int:
    """Whole days since the account last logged in (or was opened, if it never did)."""
    seen = account.last_login or account.created_at
    return ((now or timezone.now()) - seen).days
