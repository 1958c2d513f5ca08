"""Built-in roles: each bundles the actions of one duty (plus read-only actions) and names the roles
its holders may delegate. Business roles beyond these are rows of ``access.models.Role``.

"Nobody grants an action they do not hold" is read as: nobody grants outside what their own grant
lets them delegate. 三员 makes the literal reading impossible — the security administrator assigns
the system administrator's actions without holding them — so each role states what it may hand on
(ADR 0006), and a grant never reaches further, wider or longer than the grant it is made under.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from fenji.core.kernel import modules

from .registry import Duty

GRANT_READ = ("access.grant.view", "access.role.view", "access.registry.view")
GRANT_WRITE = ("access.grant.create", "access.grant.revoke")
CUSTOM = "*business*"  # in ``delegates``: any business role defined as data


@dataclass(frozen=True)
class Role:
    """A role. A built-in role's ``actions`` are its own (``own_actions``: codes of ``access`` only) plus what
    the apps that own the other codes contribute to it in their declarations (``kernel.modules.RoleShare``),
    plus what the active profile widens it by (``DutyRules.widen``). A business role as data has only its own."""

    code: str
    label: str
    duty: Duty
    own_actions: frozenset[str]
    own_delegates: frozenset[str] = frozenset()
    builtin: bool = True
    subsystem: str = ""  # the subsystem (a code, ``kernel.modules.SubsystemDecl``) the role belongs to

    @property
    def actions(self) -> frozenset[str]:
        return resolved(self)[0]

    @property
    def delegates(self) -> frozenset[str]:
        return resolved(self)[1]

    @property
    def is_admin(self) -> bool:
        return self.duty in (Duty.SYSTEM, Duty.SECURITY, Duty.AUDIT)

    def may_delegate(self, role: "Role") -> bool:
        if role.code in self.delegates:
            return True
        return CUSTOM in self.delegates and not role.builtin and role.duty == Duty.BUSINESS


_resolved: dict[tuple, tuple[frozenset[str], frozenset[str], object]] = {}


def resolved(role: Role, duty_rules=None) -> tuple[frozenset[str], frozenset[str]]:
    """``(actions, delegates)`` of ``role`` under ``duty_rules`` (the active profile's by default)."""
    if not role.builtin:
        return role.own_actions, role.own_delegates
    if duty_rules is None:
        from . import rules  # rules builds on roles

        duty_rules = rules.active_profile()
    key = (role, id(duty_rules), modules.version())
    hit = _resolved.get(key)
    if hit is None:
        actions, delegates = set(role.own_actions), set(role.own_delegates)
        for _, share in modules.role_shares(role.code):
            actions.update(share.actions)
            delegates.update(share.delegates)
        for _, declared in modules.declared_roles():
            if role.code in declared.delegated_by:
                delegates.add(declared.code)
        for widening in getattr(duty_rules, "widen", ()):
            if widening.role == role.code:
                actions.update(widening.actions)
                delegates.update(widening.delegates)
        if len(_resolved) > 4096:
            _resolved.clear()
        hit = _resolved[key] = (frozenset(actions), frozenset(delegates), duty_rules)  # keeps the id valid
    return hit[0], hit[1]


def _role(code, label, duty, actions, delegates=()):
    return Role(code, label, duty, frozenset(actions), frozenset(delegates))


# Each built-in role names only the codes of ``access``; the apps above add their own codes to it in their
# declarations (e.g. ``org/permissions.py``, ``workflow/permissions.py``).
SYSTEM_ADMIN = _role("system_admin", "系统管理员", Duty.SYSTEM, ("access.registry.view",))
SECURITY_ADMIN = _role("security_admin", "安全保密管理员", Duty.SECURITY,
                       (*GRANT_READ, *GRANT_WRITE, "access.role.manage", "access.token.manage", "access.grant.review"),
                       ("system_admin", "security_admin", "auditor", "account_admin", "permission_admin",
                        "operator", "staff", "dept_head", "unit_leader", CUSTOM))
AUDITOR = _role("auditor", "安全审计员", Duty.AUDIT, (*GRANT_READ, "audit.event.view"))
ACCOUNT_ADMIN = _role("account_admin", "账户管理员", Duty.SYSTEM, ("access.registry.view",))
PERMISSION_ADMIN = _role("permission_admin", "权限管理员", Duty.SECURITY,
                         (*GRANT_READ, *GRANT_WRITE, "access.grant.review"),
                         ("permission_admin", "operator", "staff", "dept_head", "unit_leader", CUSTOM))
OPERATOR = _role("operator", "操作员", Duty.BUSINESS, ())
STAFF = _role("staff", "工作人员", Duty.BUSINESS, ())
# The two signatures on seed 004's forms: the requesting department's opinion, the unit leader's.
DEPT_HEAD = _role("dept_head", "部门负责人", Duty.BUSINESS, ())
UNIT_LEADER = _role("unit_leader", "单位分管领导", Duty.BUSINESS, ())

CORE_ROLES = {r.code: r for r in (SYSTEM_ADMIN, SECURITY_ADMIN, AUDITOR, ACCOUNT_ADMIN, PERMISSION_ADMIN,
                                  OPERATOR, STAFF, DEPT_HEAD, UNIT_LEADER)}


class _BuiltinRoles(Mapping):
    """The roles declared in code: the core's, then each declared module's (``kernel.modules.RoleDecl``)."""

    def __init__(self):
        self._built: tuple[int, dict[str, Role]] | None = None

    def _all(self) -> dict[str, Role]:
        if self._built is None or self._built[0] != modules.version():
            found = dict(CORE_ROLES)
            for _module, declared in modules.declared_roles():
                if declared.code not in found and declared.duty in Duty._value2member_map_:
                    found[declared.code] = Role(declared.code, declared.label, Duty(declared.duty),
                                                frozenset(declared.actions), frozenset(declared.delegates),
                                                subsystem=declared.subsystem)
            self._built = (modules.version(), found)
        return self._built[1]

    def __getitem__(self, code: str) -> Role:
        return self._all()[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def __contains__(self, code) -> bool:
        return code in self._all()


BUILTIN_ROLES: Mapping[str, Role] = _BuiltinRoles()


def owner_of(code: str) -> str | None:
    """The module that declared role ``code`` (None: a core role, or not declared in code)."""
    return next((module.name for module, declared in modules.declared_roles() if declared.code == code), None)


def is_live(code: str) -> bool:
    """A role declared by a module the active profile leaves dark gives nothing (its grants are kept)."""
    owner = owner_of(code)
    return owner is None or modules.is_live(owner)
