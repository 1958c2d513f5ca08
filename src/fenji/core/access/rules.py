"""Duty rules as data, chosen per profile (C3): which duties one person may not combine, how many
holders a role may have per unit, and at which kinds of unit a role may not be held.

Separation is stated over duties, not role names: a role carries a duty because of what it lets its
holder do (``DutyMark``), so a sub-role (账户管理员 under the system duty, 权限管理员 under the security
duty) or a business role defined as data cannot slip past a rule that names only the main roles.

The rules are declarative so that a profile states them in one place (``fenji.profiles``); the grant
services enforce them and the database backs what it can (``DutyHold``: one row per account and
exclusive set, naming the member duty held; grant slots for per-unit limits).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from fenji.core.kernel import modules, profiles

from . import registry
from .roles import GRANT_WRITE, Role

AUDIT_VIEW = "audit.event.view"


def _is_write_of(code: str, duty: registry.Duty) -> bool:
    if not registry.is_declared(code):
        return False  # an undeclared code grants nothing (``policy.can`` refuses to check it)
    action = registry.get(code)
    return action.duty == duty and not action.read_only


@dataclass(frozen=True)
class DutyMark:
    """A duty, and what makes a role carry it: being a role of that duty (``role_duty``, built-in
    roles), holding any of ``actions``, or holding any write action (not read-only) of ``writes_of``.
    Roles as data are always of the business duty, so only their actions can make them carry more."""

    code: str
    label: str
    role_duty: registry.Duty | None = None
    actions: frozenset[str] = frozenset()
    writes_of: registry.Duty | None = None
    any_of: tuple["DutyMark", ...] = ()  # carried when any of these is
    marked: str = ""  # or when holding an action an app's declaration marks with this (``Module.duty_marks``)

    def carried_by(self, role: Role) -> bool:
        if any(mark.carried_by(role) for mark in self.any_of):
            return True
        if self.role_duty is not None and role.duty == self.role_duty:
            return True
        if self.actions & role.actions:
            return True
        if self.marked and modules.marked_actions(self.marked) & role.actions:
            return True
        return self.writes_of is not None and any(_is_write_of(code, self.writes_of) for code in role.actions)


# 三员 (seed 003 §13): structure and people / grants / reading the logs.
SYSTEM_DUTY = DutyMark("system", "系统管理", role_duty=registry.Duty.SYSTEM, writes_of=registry.Duty.SYSTEM)
SECURITY_DUTY = DutyMark("security", "安全保密", role_duty=registry.Duty.SECURITY, writes_of=registry.Duty.SECURITY)
AUDIT_DUTY = DutyMark("audit", "安全审计", role_duty=registry.Duty.AUDIT, actions=frozenset({AUDIT_VIEW}),
                      writes_of=registry.Duty.AUDIT)
# Seed 004 §6: who opens accounts / who sets permissions / who does the business. The system
# administrator opens accounts too, so it carries the account duty; the security administrator grants,
# so it carries the permission duty; any role with a business write action (操作员, 工作人员, 部门负责人,
# 单位分管领导, a business role as data that does more than read) carries the operator duty.
ACCOUNT_DUTY = DutyMark("account", "账户管理", marked="account")  # the account writes ``people`` marks
PERMISSION_DUTY = DutyMark("permission", "权限管理", actions=frozenset(GRANT_WRITE))
OPERATOR_DUTY = DutyMark("operator", "业务操作", writes_of=registry.Duty.BUSINESS)

# Seed 000 §6: the system administrator maintains the structure below *and* configures the lower
# administrators' permissions, so where that seed rules the two duties are one; reading the logs stays apart.
MANAGE_DUTY = DutyMark("manage", "系统管理与授权", any_of=(SYSTEM_DUTY, SECURITY_DUTY))

ADMIN_DUTIES = (SYSTEM_DUTY, SECURITY_DUTY, AUDIT_DUTY)  # a business role carries none of these
DUTIES = {d.code: d for d in (SYSTEM_DUTY, SECURITY_DUTY, AUDIT_DUTY, ACCOUNT_DUTY, PERMISSION_DUTY, OPERATOR_DUTY,
                              MANAGE_DUTY)}


@dataclass(frozen=True)
class ExclusiveDuties:
    """One person carries at most one of ``duties`` (anywhere in the tree), whatever roles carry them."""

    name: str
    label: str
    duties: tuple[DutyMark, ...]
    source: str

    def carried_by(self, role: Role) -> tuple[DutyMark, ...]:
        """The members of this set that ``role`` carries (more than one: the role itself breaks the rule)."""
        return tuple(duty for duty in self.duties if duty.carried_by(role))


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
class RoleWidening:
    """Under this profile, ``role`` also holds ``actions`` and may delegate ``delegates`` (a seed gives
    that role more than the platform's default does). The profile's exclusive sets still apply to the
    widened role: a widening that makes a role break one of them fails the system check (fenji.E004)."""

    role: str
    actions: frozenset[str] = frozenset()
    delegates: frozenset[str] = frozenset()
    source: str = ""


@dataclass(frozen=True)
class DutyRules:
    """A profile's duty rules (``fenji.profiles`` declares them per profile)."""

    name: str
    exclusive: tuple[ExclusiveDuties, ...] = ()
    per_unit: tuple[PerUnitLimit, ...] = ()
    not_at_kinds: tuple[NotAtKinds, ...] = ()
    admin_kinds_only_staff: bool = True
    extra: dict = field(default_factory=dict)
    widen: tuple[RoleWidening, ...] = ()

    def with_contributions(self, extra_rules) -> "DutyRules":
        """These rules plus rules contributed by modules (``Module.duty_rules``), each by its kind."""
        extra_rules = list(extra_rules)
        if not extra_rules:
            return self

        def of(kind):
            return tuple(rule for rule in extra_rules if isinstance(rule, kind))

        return DutyRules(self.name, self.exclusive + of(ExclusiveDuties), self.per_unit + of(PerUnitLimit),
                         self.not_at_kinds + of(NotAtKinds), self.admin_kinds_only_staff, self.extra,
                         self.widen + of(RoleWidening))


SANYUAN = ExclusiveDuties(
    "sanyuan", "三员分设，系统管理、安全保密、安全审计职责不得由一人兼任", ADMIN_DUTIES, "seed 003 §13–14")
ACCOUNT_PERMISSION_OPERATOR = ExclusiveDuties(
    "account_permission_operator", "账户管理员、权限管理员、操作员分别由专人担任，不得相互兼任",
    (ACCOUNT_DUTY, PERMISSION_DUTY, OPERATOR_DUTY), "seed 004 §6")
SYSTEM_ADMINS_PER_UNIT = PerUnitLimit("system_admin", 2, "seed 000 §7")
ACCOUNT_ADMINS_AB = PerUnitLimit("account_admin", 2, "seed 004 §7", ("A角", "B角"))
TOWNS_BY_COUNTY = NotAtKinds(frozenset({"account_admin", "permission_admin"}), frozenset({"town", "village"}),
                             "乡镇不设账户管理员、权限管理员，其账户权限由县（市）管理员配置", "seed 004 §7")

AUDIT_APART = ExclusiveDuties(
    "audit_apart", "安全审计职责独立设置，不得由系统管理员（含配置权限）兼任", (MANAGE_DUTY, AUDIT_DUTY),
    "seed 000 §6（系统管理员配置下级管理员及其权限），审计另设")
# Seed 000 §6: 系统管理员 "维护下级单位在系统中的组织架构，配置下级管理员及其权限".
SYSTEM_ADMIN_CONFIGURES_PERMISSIONS = RoleWidening(
    "system_admin", frozenset({"access.grant.view", "access.role.view", *GRANT_WRITE}),
    frozenset({"system_admin", "account_admin", "permission_admin", "operator", "staff", "dept_head", "unit_leader",
               "*business*"}),
    "seed 000 §6")

_effective: dict[tuple, DutyRules] = {}


def effective(profile: profiles.Profile) -> DutyRules:
    """The profile's duty rules with those the modules live in it contribute (``Module.duty_rules``)."""
    key = (profile.name, id(profile.duty_rules), modules.version())
    found = _effective.get(key)
    if found is None:
        found = _effective[key] = profile.duty_rules.with_contributions(
            rule for _, rule in modules.duty_rules_for(profile.name))
    return found


def active_profile() -> DutyRules:
    return effective(profiles.active())


def rules_by_profile() -> dict[str, DutyRules]:
    """Every declared profile's duty rules (with the modules' contributions), by profile name."""
    return {profile.name: effective(profile) for profile in profiles.all_profiles()}


def exclusive_duties_of(role: Role, profile: DutyRules | None = None) -> list[tuple[ExclusiveDuties, tuple[DutyMark, ...]]]:
    """Each exclusive set of the profile in which ``role`` carries a duty, with the duties it carries."""
    profile = profile or active_profile()
    return [(rule, carried) for rule in profile.exclusive if (carried := rule.carried_by(role))]


def duties_held(roles: Iterable[Role], rule: ExclusiveDuties) -> dict[str, list[Role]]:
    """The members of ``rule`` that one person holding ``roles`` carries: duty code → the roles carrying it."""
    held: dict[str, list[Role]] = {}
    for role in roles:
        for duty in rule.carried_by(role):
            held.setdefault(duty.code, []).append(role)
    return held


def duty_conflicts(roles: Iterable[Role], profile: DutyRules | None = None) -> list[tuple[ExclusiveDuties, dict]]:
    """The exclusive sets that one person holding ``roles`` breaks, each with the duties carried."""
    profile = profile or active_profile()
    roles = list(roles)
    return [(rule, held) for rule in profile.exclusive if len(held := duties_held(roles, rule)) > 1]


def duty_holds_for(roles_by_account: Mapping[int, Iterable[Role]], profile: DutyRules | None = None):
    """What ``DutyHold`` should say for accounts holding these roles: ``(holds, conflicts)`` where
    ``holds`` lists ``(account, rule name, duty code)`` for each set in which the account carries
    exactly one duty, and ``conflicts`` lists ``(account, rule, held)`` where it already carries two or
    more (no row is written for those: the data is kept, and shown by the system check)."""
    profile = profile or active_profile()
    holds, conflicts = [], []
    for account, roles in roles_by_account.items():
        roles = list(roles)
        for rule in profile.exclusive:
            held = duties_held(roles, rule)
            if len(held) == 1:
                holds.append((account, rule.name, next(iter(held))))
            elif held:
                conflicts.append((account, rule, held))
    return holds, conflicts


def per_unit_limit_for(role_code: str) -> PerUnitLimit | None:
    return next((rule for rule in active_profile().per_unit if rule.role == role_code), None)


def kind_rule_for(role_code: str, unit_kind: str) -> NotAtKinds | None:
    """A rule naming the unit's kind, or the generic level that kind stands for (团委 → town…)."""
    kinds = {unit_kind, profiles.unit_kind_level(unit_kind)}
    return next((rule for rule in active_profile().not_at_kinds
                 if role_code in rule.roles and kinds & rule.kinds), None)
