"""Built-in roles: each is a named bundle of actions of one duty.

Role codes are stored on grants; the bundles live in code so that a deploy changes them
consistently. The access issue turns these into data with duty rules (三员).
"""

from dataclasses import dataclass

from .registry import Duty, all_actions


@dataclass(frozen=True)
class Role:
    code: str
    label: str
    duty: Duty
    extra_actions: frozenset[str] = frozenset()

    @property
    def actions(self) -> frozenset[str]:
        own = {a.code for a in all_actions() if a.duty == self.duty}
        return frozenset(own | self.extra_actions)


SYSTEM_ADMIN = Role("system_admin", "系统管理员", Duty.SYSTEM, frozenset({"org.unit.view"}))
STAFF = Role("staff", "工作人员", Duty.BUSINESS)

ROLES = {role.code: role for role in (SYSTEM_ADMIN, STAFF)}
ROLE_CHOICES = [(role.code, role.label) for role in ROLES.values()]
