"""Scoped reads of accounts. Lists are keyset-paged on (unit_path, id), the index the table carries."""

from django.db.models import Q

from fenji.core.access import policy
from fenji.core.kernel.errors import NotVisible
from fenji.core.kernel.pagination import PAGE_SIZE, Page, keyset_page
from fenji.core.kernel.paths import subtree_q

from . import permissions as perms
from .models import Account


def account_list(*, actor, action: str = perms.ACCOUNT_VIEW, unit=None, text: str = "", kind: str = "",
                 status: str = ""):
    accounts = policy.scope(actor, action, Account.objects.all())
    if unit is not None:
        accounts = accounts.filter(subtree_q("unit_path", unit.path))
    text = (text or "").strip()
    if text:
        if text.isdigit():
            accounts = accounts.filter(mobile__startswith=text)
        else:
            accounts = accounts.filter(Q(person__real_name__contains=text) | Q(title__contains=text))
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
