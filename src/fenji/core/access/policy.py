"""THE one authority on who may do what, and where.

An ``Actor`` is built once per request from the account and its grants; every decision after that
is in-process (``str.startswith`` over cached grant paths: sub-microsecond). ``scope`` turns the
same grants into a filter over unit paths for any queryset. The one bypass is ``SYSTEM``: the
platform acting for itself in bootstrap code (``createadmin``, ``demo``, imports). It cannot be
obtained from a request, and accounts have no superuser flag at all.
"""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from fenji.core.kernel.errors import AccessDenied
from fenji.core.kernel.paths import SUBTREE_END, is_within

from . import registry
from .models import Grant, Reach
from .roles import ROLES


@dataclass(frozen=True)
class GrantFact:
    role: str
    actions: frozenset[str]
    unit_path: str
    reach: str

    def covers(self, path: str) -> bool:
        if self.reach == Reach.SUBTREE:
            return is_within(path, self.unit_path)
        return path == self.unit_path


@dataclass
class Actor:
    account_id: int | None
    label: str
    unit_id: int | None
    unit_path: str
    kind: str
    grants: list[GrantFact] = field(default_factory=list)

    @property
    def pk(self):
        return self.account_id

    def holds(self, action: str) -> bool:
        return any(action in g.actions for g in self.grants)


ANONYMOUS = Actor(account_id=None, label="匿名", unit_id=None, unit_path="", kind="")
SYSTEM = Actor(account_id=None, label="系统", unit_id=None, unit_path="", kind="system")


def actor_for(account) -> Actor:
    """Load the account's live grants once; the result is cached on the request by the middleware."""
    if account is None or not getattr(account, "is_authenticated", False):
        return ANONYMOUS
    now = timezone.now()
    rows = (
        Grant.objects.filter(account_id=account.pk, revoked_at__isnull=True)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
        .values_list("role", "unit_path", "reach")
    )
    grants = [GrantFact(role, ROLES[role].actions, path, reach) for role, path, reach in rows if role in ROLES]
    return Actor(
        account_id=account.pk,
        label=account.display_label,
        unit_id=account.unit_id,
        unit_path=account.unit_path,
        kind=account.kind,
        grants=grants,
    )


def can(actor: Actor, action: str, unit_path: str | None = None) -> bool:
    """May ``actor`` do ``action`` (at ``unit_path``, when the target lives in a unit)?"""
    registry.get(action)  # an undeclared code is a programming error, not a silent "no"
    if actor is SYSTEM:
        return True
    relevant = [g for g in actor.grants if action in g.actions]
    if unit_path is None:
        return bool(relevant)
    return any(g.covers(unit_path) for g in relevant)


def require(actor: Actor, action: str, unit_path: str | None = None) -> None:
    """Raise ``AccessDenied`` naming the rule unless ``can(actor, action, unit_path)``."""
    if can(actor, action, unit_path):
        return
    label = registry.get(action).label
    if not actor.holds(action):
        raise AccessDenied(f"您没有“{label}”的权限", rule="no_grant", action=action)
    raise AccessDenied(f"“{label}”超出了您的管理范围（只能管理本单位及下级）", rule="out_of_scope", action=action)


def scope_roots(actor: Actor, action: str) -> list[str]:
    """The minimal set of subtree roots where ``actor`` may do ``action`` (reach=subtree only)."""
    if actor is SYSTEM:
        return [""]  # the empty prefix: the whole forest
    paths = sorted({g.unit_path for g in actor.grants if action in g.actions and g.reach == Reach.SUBTREE})
    roots: list[str] = []
    for path in paths:
        if not any(is_within(path, root) for root in roots):
            roots.append(path)
    return roots


def scope_q(actor: Actor, action: str, field: str = "unit_path") -> Q:
    """A filter that keeps exactly the rows ``actor`` may ``action``; matches nothing without a grant."""
    q = Q(pk__in=[])
    for root in scope_roots(actor, action):
        q |= Q(**{f"{field}__gte": root, f"{field}__lt": root + SUBTREE_END})
    for g in actor.grants:
        if action in g.actions and g.reach == Reach.UNIT:
            q |= Q(**{field: g.unit_path})
    return q


def scope(actor: Actor, action: str, queryset: QuerySet, field: str = "unit_path") -> QuerySet:
    return queryset.filter(scope_q(actor, action, field))
