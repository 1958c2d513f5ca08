"""THE one authority on who may do what, and where.

An ``Actor`` is built once per request from the account and its live grants; every decision after
that is in-process (``str.startswith`` over cached grant paths: sub-microsecond). ``scope`` turns
the same grants into a filter over unit paths for any queryset. The one bypass is ``SYSTEM``: the
platform acting for itself in bootstrap code (``createadmin``, ``demo``, imports). It cannot be
obtained from a request, and accounts have no superuser flag at all.
"""

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Q, QuerySet
from django.utils import timezone

from fenji.core.kernel import modules
from fenji.core.kernel.errors import AccessDenied
from fenji.core.kernel.paths import SUBTREE_END, ancestor_paths, is_within

from . import registry
from .models import Grant, Reach
from .models import Role as RoleRow
from .roles import BUILTIN_ROLES, Role
from .roles import is_live as role_is_live


@dataclass(frozen=True)
class GrantFact:
    grant_id: int
    role: Role
    unit_path: str
    reach: str
    subsystem: str = ""
    valid_until: datetime.datetime | None = None

    @cached_property
    def actions(self) -> frozenset[str]:
        # Resolved once per actor (per request): a built-in role's actions depend on the declarations and
        # the active profile (``roles.resolved``), which do not change within a request.
        return self.role.actions

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
    # action → (subtree roots, single units), filled by ``can`` on first use: grants are fixed once
    # the actor is built (per request), so each later check is one ``startswith`` over a tuple.
    _reach: dict[str, tuple[tuple[str, ...], frozenset[str]]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def pk(self):
        return self.account_id

    def holds(self, action: str) -> bool:
        return any(action in g.actions for g in self.grants)

    def holds_role(self, code: str) -> bool:
        return any(g.role.code == code for g in self.grants)

    def scope_q(self, action: str, field: str = "unit_path") -> Q:
        """The filter ``kernel.scoping`` applies for ``.visible_to(actor, action)``."""
        return scope_q(self, action, field)


ANONYMOUS = Actor(account_id=None, label="匿名", unit_id=None, unit_path="", kind="")
SYSTEM = Actor(account_id=None, label="系统", unit_id=None, unit_path="", kind="system")


def role_for(code: str) -> Role | None:
    """A built-in role, or a live business role defined as data."""
    if code in BUILTIN_ROLES:
        return BUILTIN_ROLES[code]
    row = RoleRow.objects.filter(code=code, archived_at__isnull=True).first()
    return _from_row(row) if row else None


def _from_row(row: RoleRow) -> Role:
    return role_from_row(row.code, row.label, row.actions, row.subsystem)


def roles_for(codes, *, live_only: bool = False) -> dict[str, Role]:
    """Roles by code in one query at most: built-ins from code, business roles from the table
    (archived ones too unless ``live_only``: old grants still name them, but they grant nothing; likewise
    the roles of a module the active profile leaves dark)."""
    roles = {code: BUILTIN_ROLES[code] for code in codes
             if code in BUILTIN_ROLES and not (live_only and not role_is_live(code))}
    custom = {code for code in codes if code not in BUILTIN_ROLES}
    if custom:
        rows = RoleRow.objects.filter(code__in=custom)
        if live_only:
            rows = rows.filter(archived_at__isnull=True)
        roles.update({row.code: _from_row(row) for row in rows})
    return roles


def role_codes_with(action: str) -> list[str]:
    """The codes of the roles that include ``action``: built-in ones and live business roles as data."""
    builtin = [code for code, role in BUILTIN_ROLES.items() if action in role.actions]
    custom = [row.code for row in RoleRow.objects.filter(archived_at__isnull=True) if action in row.actions]
    return builtin + custom


def grants_giving(action: str, unit_path: str) -> QuerySet:
    """Live grants that give ``action`` over ``unit_path`` (``GrantFact.covers`` as a query)."""
    covering = Q(unit_path__in=ancestor_paths(unit_path), reach=Reach.SUBTREE) | Q(unit_path=unit_path)
    return live_grants().filter(covering, role__in=role_codes_with(action))


def live_grants() -> QuerySet:
    now = timezone.now()
    return (Grant.objects.unscoped(reason="grants decide scope; they are read to build the actor")
            .filter(revoked_at__isnull=True)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
            .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=now)))


# Set on an account by the sign-in lookup of the same request (``people.backends.AccountBackend.get_user``):
# its live grants and the live business roles they name, read in the same query as the account. Taken
# (popped) by the first ``actor_for`` of that account object, so it never outlives the request's first
# actor; any later ``actor_for`` reads the grants again.
PRELOADED_GRANTS = "_fenji_live_grants"


def preload_grants(account, rows, custom_roles: dict[str, Role]) -> None:
    """Attach the live grant rows ``(pk, role, unit_path, reach, subsystem, valid_until)`` and the live
    business roles they name, read together with ``account`` (``actor_for`` then sends no query)."""
    setattr(account, PRELOADED_GRANTS, [(rows, custom_roles)])


def role_from_row(code: str, label: str, actions, subsystem: str) -> Role:
    return Role(code, label, registry.Duty.BUSINESS, frozenset(actions), builtin=False, subsystem=subsystem)


def actor_for(account) -> Actor:
    """Load the account's live grants once (two queries at most, none when the sign-in lookup of this
    request read them with the account); cached on the request by the middleware."""
    if account is None or not getattr(account, "is_authenticated", False):
        return ANONYMOUS
    holder = getattr(account, PRELOADED_GRANTS, None)  # getattr: ``request.user`` is a lazy proxy
    preloaded = holder.pop() if holder else None
    if preloaded is None:
        rows = list(live_grants().filter(account_id=account.pk)
                    .values_list("pk", "role", "unit_path", "reach", "subsystem", "valid_until"))
        roles = roles_for({code for _, code, *_ in rows}, live_only=True)
    else:
        rows, custom = preloaded
        roles = {code: BUILTIN_ROLES[code] for _, code, *_ in rows if code in BUILTIN_ROLES and role_is_live(code)}
        roles.update({code: role for code, role in custom.items() if code not in BUILTIN_ROLES})
    grants = [GrantFact(pk, roles[code], path, reach, subsystem, until)
              for pk, code, path, reach, subsystem, until in rows if code in roles]
    return Actor(
        account_id=account.pk,
        label=account.display_label,
        unit_id=account.unit_id,
        unit_path=account.unit_path,
        kind=account.kind,
        grants=grants,
    )


def _giving(actor: Actor, action: str) -> list[GrantFact]:
    """The actor's grants that give ``action``: for an action of a subsystem, only grants of that subsystem's roles."""
    subsystem = modules.action_subsystem(action)
    return [g for g in actor.grants if action in g.actions and (not subsystem or g.role.subsystem == subsystem)]


def _reach_of(actor: Actor, action: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """Where ``actor``'s grants allow ``action``: (subtree roots, single units). An action of a module the
    profile leaves dark is allowed nowhere (its data stays); an action of a subsystem only through a grant
    of a role of that subsystem, whatever else a role was given (a profile's widening, a row changed
    behind the services' back)."""
    if not modules.action_is_live(action):
        return (), frozenset()
    relevant = _giving(actor, action)
    return (tuple(g.unit_path for g in relevant if g.reach == Reach.SUBTREE),
            frozenset(g.unit_path for g in relevant if g.reach != Reach.SUBTREE))


def can(actor: Actor, action: str, unit_path: str | None = None) -> bool:
    """May ``actor`` do ``action`` (at ``unit_path``, when the target lives in a unit)?

    The first check of an action builds its reach (``_reach_of``) and keeps it on the actor, which lives one
    request: the grants, the declarations and the profile do not change within it. Every later check is
    a dict lookup and one ``startswith`` over a tuple (under 1 µs)."""
    reach = actor._reach.get(action)
    if reach is None:
        registry.get(action)  # an undeclared code is a programming error, not a silent "no"
        if actor is SYSTEM:
            return True  # the platform acting for itself, dark modules included (never from a request)
        reach = actor._reach[action] = _reach_of(actor, action)
    subtrees, units = reach
    if unit_path is None:
        return bool(subtrees or units)
    return unit_path.startswith(subtrees) or unit_path in units


def require(actor: Actor, action: str, unit_path: str | None = None) -> None:
    """Raise ``AccessDenied`` naming the rule unless ``can(actor, action, unit_path)``."""
    if can(actor, action, unit_path):
        return
    label = registry.get(action).label
    if not modules.action_is_live(action):
        raise AccessDenied(f"“{label}”在本平台未启用", rule="module_not_live", action=action)
    subsystem = modules.action_subsystem(action)
    if subsystem and not any(g.role.subsystem == subsystem for g in actor.grants):
        raise AccessDenied(f"您在“{modules.subsystem_label(subsystem)}”子系统没有岗位角色，不能“{label}”",
                           rule="no_subsystem_role", action=action)
    if not actor.holds(action):
        raise AccessDenied(f"您没有“{label}”的权限", rule="no_grant", action=action)
    raise AccessDenied(f"“{label}”超出了您的管理范围（只能管理本单位及下级）", rule="out_of_scope", action=action)


def scope_roots(actor: Actor, action: str) -> list[str]:
    """The minimal set of subtree roots where ``actor`` may do ``action`` (reach=subtree only)."""
    if actor is SYSTEM:
        return [""]  # the empty prefix: the whole forest
    paths = sorted({g.unit_path for g in _giving(actor, action) if g.reach == Reach.SUBTREE})
    roots: list[str] = []
    for path in paths:
        if not any(is_within(path, root) for root in roots):
            roots.append(path)
    return roots


def _unit_grant_paths(actor: Actor, action: str) -> list[str]:
    return sorted({g.unit_path for g in _giving(actor, action) if g.reach == Reach.UNIT})


def scope_paths(actor: Actor, action: str) -> tuple[list[str], list[str]]:
    """``scope_q``'s terms as paths: the subtree roots (``scope_roots``) and the single units (unit-reach grants).
    Hand-written queries (``people.fastlist``) filter by exactly these."""
    return scope_roots(actor, action), _unit_grant_paths(actor, action)


def unit_reach_paths(actor: Actor, action: str) -> list[str]:
    """The paths where ``actor`` may do ``action`` through a grant reaching that unit only."""
    if actor is SYSTEM or not modules.action_is_live(action):
        return []
    return _unit_grant_paths(actor, action)


def scope_q(actor: Actor, action: str, field: str = "unit_path") -> Q:
    """A filter that keeps exactly the rows ``actor`` may ``action``; matches nothing without a grant."""
    q = Q(pk__in=[])
    roots, units = scope_paths(actor, action)
    for root in roots:
        q |= Q(**{f"{field}__gte": root, f"{field}__lt": root + SUBTREE_END})
    for path in units:
        q |= Q(**{field: path})
    return q


def scope_segments(actor: Actor, action: str, field: str = "unit_path") -> list[Q]:
    """``scope_q`` as filters whose union is exactly it, each one index range: a subtree root's own path (an
    equality, so an index on ``(field, id)`` yields its rows newest first without sorting) apart from its strict
    descendants, and each unit-reach path. A newest-first list reads each segment on its own and merges them
    (``kernel.pagination.union_newest_first_page``): an OR of ranges makes the database collect and sort every
    row of a department before returning its first 20."""
    segments = []
    for root in scope_roots(actor, action):
        segments += [Q(**{field: root}), Q(**{f"{field}__gt": root, f"{field}__lt": root + SUBTREE_END})]
    segments += [Q(**{field: path}) for path in sorted({g.unit_path for g in _giving(actor, action)
                                                        if g.reach == Reach.UNIT})]
    return segments


def scope(actor: Actor, action: str, queryset: QuerySet, field: str = "unit_path") -> QuerySet:
    """``queryset`` limited to the rows ``actor`` may ``action``; marks a fail-closed queryset as scoped."""
    if hasattr(queryset, "visible_to"):
        return queryset.visible_to(actor, action, field=field)
    return queryset.filter(scope_q(actor, action, field))
