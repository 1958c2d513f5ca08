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


@checks.register(checks.Tags.security, deploy=False)
def no_superusers(app_configs, **kwargs):
    """A superuser bypasses 三员, so the account model must not be able to hold one.

    fenji's ``Account`` has no ``is_superuser`` field; this check fails if a change brings one back
    (e.g. ``PermissionsMixin``) and any account carries it, unless FENJI_ALLOW_SUPERUSER is set for a
    one-off bootstrap."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import DatabaseError

    model = get_user_model()
    if "is_superuser" not in {f.name for f in model._meta.get_fields()}:
        return []
    if getattr(settings, "FENJI_ALLOW_SUPERUSER", False):
        return []
    try:
        exists = model._base_manager.filter(is_superuser=True).exists()
    except DatabaseError:
        return []
    if exists:
        return [checks.Error("a superuser account exists: it would bypass 三员 (separation of duties)",
                             hint="remove the superuser flag, or set FENJI_ALLOW_SUPERUSER for a bootstrap only",
                             id="fenji.E010")]
    return []
