"""Scoped reads of accounts. Lists are keyset-paged on (unit_path, id), the index the table carries."""

import re

from django.db.models import Q

from fenji.core.access import policy
from fenji.core.kernel.crypto import blind_index
from fenji.core.kernel.errors import DomainError, NotVisible
from fenji.core.kernel.pagination import PAGE_SIZE, Page, keyset_page
from fenji.core.kernel.paths import subtree_q

from . import permissions as perms
from .identity import clean_mobile
from .models import Account

ID_NUMBER_RE = re.compile(r"\d{17}[\dXx]")


def account_text_q(text: str) -> Q:
    """The search box: a name or title (contains), or a *whole* mobile or ID number (exact match).

    The numbers are encrypted at rest, so they are found by their blind index only: a partial
    number finds nothing (the pages say so: 手机号须输入完整11位).
    """
    text = (text or "").strip()
    if ID_NUMBER_RE.fullmatch(text):
        return Q(person__id_number_hash=blind_index(text.upper()))
    if re.fullmatch(r"\+?[\d\s-]+", text):
        try:
            return Q(mobile_hash=blind_index(clean_mobile(text)))
        except DomainError:
            return Q(pk__in=[])
    return Q(person__real_name__contains=text) | Q(title__contains=text)


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


def account_page(accounts, *, after: str = "", size: int = PAGE_SIZE) -> Page:
    """One page of accounts with their person and unit (no query per row)."""
    return keyset_page(accounts.select_related("person", "unit"), after=after, size=size)


def account_get(*, actor, pk, action: str = perms.ACCOUNT_VIEW) -> Account:
    try:
        return account_list(actor=actor, action=action).select_related("person", "unit").get(pk=pk)
    except (Account.DoesNotExist, ValueError, TypeError):
        raise NotVisible("账号不存在或不在您的管理范围内") from None
