"""Action codes are declared in code, by the app that owns them, each belonging to one duty.

A role bundles the actions of one duty; read-only actions (``read_only=True``) may join any role,
so that an auditor can read accounts without being able to change them.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.utils import translation

from fenji.core.kernel import modules


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


_declared: tuple[int, dict[str, Action]] | None = None


def _module_actions() -> dict[str, Action]:
    """The actions declared through the module contract (``kernel.modules``), as actions of this registry.
    A code declared twice keeps its first meaning here; the system check names the second (fenji.E011)."""
    global _declared
    if _declared is None or _declared[0] != modules.version():
        found: dict[str, Action] = {}
        for _, action in modules.declared_actions():
            if action.code not in _actions and action.code not in found and action.duty in Duty._value2member_map_:
                found[action.code] = Action(action.code, Duty(action.duty), action.label, action.read_only)
        _declared = (modules.version(), found)
    return _declared[1]


def get(code: str) -> Action:
    action = _actions.get(code) or _module_actions().get(code)
    if action is None:
        raise KeyError(f"undeclared action code: {code}")
    return action


def is_declared(code: str) -> bool:
    return code in _actions or code in _module_actions()


def core_actions() -> dict[str, Action]:
    """The actions declared here by ``declare`` (not through a module declaration)."""
    return dict(_actions)


def all_actions() -> list[Action]:
    return sorted({**_module_actions(), **_actions}.values(), key=lambda a: a.code)


def audit_label(code: str) -> str:
    """The Chinese label of an audit event's action: a declaration's audit label, else the action's, else the code."""
    label = modules.audit_label(code)
    if label is None:
        action = _actions.get(code) or _module_actions().get(code)
        label = action.label if action else code
    return label


def audit_actions() -> dict[str, str]:
    """Every action code an audit event may carry, with its label: the declared audit labels (any module,
    live or not: the log stays) and every action (refusals are recorded under the action refused)."""
    found = {action.code: action.label for action in all_actions()}
    for module in modules.all_modules():
        found.update(module.audit_labels)
    return found


def audit_actions_matching(text: str) -> list[str]:
    """The codes whose label (as shown, or in Chinese) or code contains ``text``: searching 登录 finds the logins."""
    text = text.strip().lower()
    if not text:
        return []
    with translation.override("zh-hans"):
        chinese = {code: str(label) for code, label in audit_actions().items()}
    return sorted(code for code, label in audit_actions().items()
                  if text in code.lower() or text in str(label).lower() or text in chinese[code].lower())
