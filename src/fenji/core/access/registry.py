"""Action codes are declared in code, by the app that owns them, each belonging to one duty.

A role bundles the actions of one duty; read-only actions (``read_only=True``) may join any role,
so that an auditor can read accounts without being able to change them.
"""

from dataclasses import dataclass
from enum import StrEnum


class Duty(StrEnum):
    SYSTEM = "system"  # structure and people (系统管理员, 账户管理员)
    SECURITY = "security"  # grants (安全保密管理员, 权限管理员)
    AUDIT = "audit"  # reading the logs (安全审计员)
    BUSINESS = "business"  # everything else (操作员, business roles)

    @property
    def label(self) -> str:
        return DUTY_LABELS[self]


DUTY_LABELS = {Duty.SYSTEM: "系统管理", Duty.SECURITY: "安全保密", Duty.AUDIT: "安全审计", Duty.BUSINESS: "业务"}


@dataclass(frozen=True)
class Action:
    code: str
    duty: Duty
    label: str
    read_only: bool = False


_actions: dict[str, Action] = {}


def declare(code: str, duty: Duty, label: str, *, read_only: bool = False) -> str:
    """Declare an action code once; returns the code so apps can keep it as a constant."""
    action = Action(code, duty, label, read_only)
    existing = _actions.get(code)
    if existing and existing != action:
        raise ValueError(f"action {code} declared twice with different meanings")
    _actions[code] = action
    return code


def get(code: str) -> Action:
    try:
        return _actions[code]
    except KeyError:
        raise KeyError(f"undeclared action code: {code}") from None


def is_declared(code: str) -> bool:
    return code in _actions


def all_actions() -> list[Action]:
    return sorted(_actions.values(), key=lambda a: a.code)
