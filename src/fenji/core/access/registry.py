"""Action codes are declared in code, by the app that owns them, each belonging to one duty."""

from dataclasses import dataclass
from enum import StrEnum


class Duty(StrEnum):
    SYSTEM = "system"  # structure and people (系统管理员)
    SECURITY = "security"  # grants (安全保密管理员)
    AUDIT = "audit"  # reading the logs (安全审计员)
    BUSINESS = "business"  # everything else


@dataclass(frozen=True)
class Action:
    code: str
    duty: Duty
    label: str


_actions: dict[str, Action] = {}


def declare(code: str, duty: Duty, label: str) -> str:
    """Declare an action code once; returns the code so apps can keep it as a constant."""
    existing = _actions.get(code)
    if existing and existing != Action(code, duty, label):
        raise ValueError(f"action {code} declared twice with different meanings")
    _actions[code] = Action(code, duty, label)
    return code


def get(code: str) -> Action:
    try:
        return _actions[code]
    except KeyError:
        raise KeyError(f"undeclared action code: {code}") from None


def all_actions() -> list[Action]:
    return sorted(_actions.values(), key=lambda a: a.code)
