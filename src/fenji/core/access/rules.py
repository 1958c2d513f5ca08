"""Duty rules as data, chosen per profile (C3): which roles one person may not combine, how many
holders a role may have per unit, and at which kinds of unit a role may not be held.

The rules are declarative so that a profile states them in one place; the grant services enforce
them and the database backs what it can (``DutyHold`` uniqueness for exclusive roles, grant slots
for per-unit limits).
"""

from dataclasses import dataclass, field

from django.conf import settings


@dataclass(frozen=True)
class ExclusiveRoles:
    """One person holds at most one of ``roles`` (anywhere in the tree)."""

    name: str
    label: str
    roles: frozenset[str]
    source: str


@dataclass(frozen=True)
class PerUnitLimit:
    """At most ``limit`` holders of ``role`` at one unit; ``slot_labels`` names the seats (A/B)."""

    role: str
    limit: int
    source: str
    slot_labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class NotAtKinds:
    """``roles`` may not be granted at units of these kinds: the level above configures them."""

    roles: frozenset[str]
    kinds: frozenset[str]
    label: str
    source: str


@dataclass(frozen=True)
class Profile:
    name: str
    exclusive: tuple[ExclusiveRoles, ...] = ()
    per_unit: tuple[PerUnitLimit, ...] = ()
    not_at_kinds: tuple[NotAtKinds, ...] = ()
    admin_kinds_only_staff: bool = True
    extra: dict = field(default_factory=dict)


SANYUAN = ExclusiveRoles("sanyuan", "三员（系统管理员、安全保密管理员、安全审计员）分设，不得兼任",
                         frozenset({"system_admin", "security_admin", "auditor"}), "seed 003 §13–14")
ACCOUNT_PERMISSION_OPERATOR = ExclusiveRoles(
    "account_permission_operator", "账户管理员、权限管理员、操作员分别由专人担任，不得相互兼任",
    frozenset({"account_admin", "permission_admin", "operator"}), "seed 004 §6")
SYSTEM_ADMINS_PER_UNIT = PerUnitLimit("system_admin", 2, "seed 000 §7")
ACCOUNT_ADMINS_AB = PerUnitLimit("account_admin", 2, "seed 004 §7", ("A角", "B角"))
TOWNS_BY_COUNTY = NotAtKinds(frozenset({"account_admin", "permission_admin"}), frozenset({"town", "village"}),
                             "乡镇不设账户管理员、权限管理员，其账户权限由县（市）管理员配置", "seed 004 §7")

PROFILES = {
    # Every seed's rules at once: they do not contradict one another.
    "default": Profile("default", (SANYUAN, ACCOUNT_PERMISSION_OPERATOR), (SYSTEM_ADMINS_PER_UNIT, ACCOUNT_ADMINS_AB),
                       (TOWNS_BY_COUNTY,)),
    "veterans": Profile("veterans", (SANYUAN,), (SYSTEM_ADMINS_PER_UNIT,)),
    "office": Profile("office", (SANYUAN,), (SYSTEM_ADMINS_PER_UNIT,)),
    "league": Profile("league", (SANYUAN,), (SYSTEM_ADMINS_PER_UNIT,)),
    "discipline": Profile("discipline", (SANYUAN,), (SYSTEM_ADMINS_PER_UNIT,)),
    "labor": Profile("labor", (SANYUAN, ACCOUNT_PERMISSION_OPERATOR), (ACCOUNT_ADMINS_AB,), (TOWNS_BY_COUNTY,)),
}


def active_profile() -> Profile:
    return PROFILES[getattr(settings, "FENJI_PROFILE", "default")]


def exclusive_rules_for(role_code: str) -> list[ExclusiveRoles]:
    return [rule for rule in active_profile().exclusive if role_code in rule.roles]


def per_unit_limit_for(role_code: str) -> PerUnitLimit | None:
    return next((rule for rule in active_profile().per_unit if rule.role == role_code), None)


def kind_rule_for(role_code: str, unit_kind: str) -> NotAtKinds | None:
    return next((rule for rule in active_profile().not_at_kinds
                 if role_code in rule.roles and unit_kind in rule.kinds), None)
