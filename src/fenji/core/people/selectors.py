"""Scoped reads of accounts. Lists are keyset-paged on (unit_path, id), the index the table carries."""

from dataclasses import dataclass

from django.db.models import Q

from fenji.core.access import policy
from fenji.core.kernel.errors import NotVisible
from fenji.core.kernel.paths import subtree_q

from . import permissions as perms
from .models import Account

PAGE_SIZE = 20


@dataclass
class Page:
    rows: list
    next_cursor: str | None
    total: int


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


def encode_cursor(account: Account) -> str:
    return f"{account.unit_path}.{account.pk}"


def account_page(accounts, *, after: str = "", size: int = PAGE_SIZE) -> Page:
    """One page after ``after`` in (unit_path, id) order: an index range, fast at any depth and offset."""
    total = accounts.count()
    ordered = accounts.select_related("person", "unit").order_by("unit_path", "id")
    if after:
        path, _, last_id = after.rpartition(".")
        if last_id.isdigit():
            ordered = ordered.filter(Q(unit_path__gt=path) | Q(unit_path=path, id__gt=int(last_id)))
    rows = list(ordered[: size + 1])
    next_cursor = encode_cursor(rows[size - 1]) if len(rows) > size else None
    return Page(rows=rows[:size], next_cursor=next_cursor, total=total)


def account_get(*, actor, pk, action: str = perms.ACCOUNT_VIEW) -> Account:
    try:
        return account_list(actor=actor, action=action).select_related("person", "unit").get(pk=pk)
    except (Account.DoesNotExist, ValueError, TypeError):
        raise NotVisible("账号不存在或不在您的管理范围内") from None
