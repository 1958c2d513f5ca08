"""System check: every built-in role names declared actions, and holds one duty plus read-only actions."""

from django.core import checks

from . import registry
from .roles import BUILTIN_ROLES


@checks.register()
def roles_are_consistent(app_configs, **kwargs):
    errors = []
    for role in BUILTIN_ROLES.values():
        for code in sorted(role.actions):
            if not registry.is_declared(code):
                errors.append(checks.Error(f"role {role.code} names undeclared action {code}", id="fenji.E001"))
                continue
            action = registry.get(code)
            if not action.read_only and action.duty != role.duty:
                errors.append(checks.Error(f"role {role.code} ({role.duty}) includes {code} of duty {action.duty}",
                                           id="fenji.E002"))
        for delegated in role.delegates:
            if delegated != "*business*" and delegated not in BUILTIN_ROLES:
                errors.append(checks.Error(f"role {role.code} delegates unknown role {delegated}", id="fenji.E003"))
    return errors
