"""System checks: every built-in role names declared actions, holds one duty plus read-only actions and
at most one duty of each exclusive set; no account's grants break an exclusive duty rule."""

from django.core import checks

from fenji.core.kernel import modules, profiles

from . import registry, rules
from .roles import BUILTIN_ROLES, CORE_ROLES, Role, resolved

_UNWIDENED = rules.DutyRules("unwidened")


def as_under(role: Role, duty_rules: rules.DutyRules) -> Role:
    """``role`` with the actions it has under ``duty_rules`` fixed (for checking a profile not active)."""
    actions, delegates = resolved(role, duty_rules)
    return Role(role.code, role.label, role.duty, actions, delegates, builtin=False, subsystem=role.subsystem)


@checks.register()
def modules_are_consistent(app_configs, **kwargs):
    """The declarations of the modules and of the core apps (``kernel.modules``), read together."""
    from django.apps import apps

    return modules.problems(modules.all_modules(), core_actions=registry.core_actions(), core_roles=set(CORE_ROLES),
                            profile_list=profiles.all_profiles(),
                            installed={config.label for config in apps.get_app_configs()})


@checks.register()
def roles_are_consistent(app_configs, **kwargs):
    errors = []
    by_profile = rules.rules_by_profile()
    for role in BUILTIN_ROLES.values():
        actions, delegates = resolved(role, _UNWIDENED)  # a profile's widening may cross duties (seed 000 §6)
        for profile in by_profile.values():
            for widening in profile.widen:
                if widening.role == role.code:
                    for code in sorted(widening.actions - actions):
                        if not registry.is_declared(code):
                            errors.append(checks.Error(f"profile {profile.name} widens {role.code} with undeclared "
                                                       f"action {code}", id="fenji.E001"))
                    for delegated in sorted(widening.delegates):
                        if delegated != "*business*" and delegated not in BUILTIN_ROLES:
                            errors.append(checks.Error(f"profile {profile.name} lets {role.code} delegate unknown "
                                                       f"role {delegated}", id="fenji.E003"))
        for code in sorted(actions):
            if not registry.is_declared(code):
                errors.append(checks.Error(f"role {role.code} names undeclared action {code}", id="fenji.E001"))
                continue
            action = registry.get(code)
            if not action.read_only and action.duty != role.duty:
                errors.append(checks.Error(f"role {role.code} ({role.duty}) includes {code} of duty {action.duty}",
                                           id="fenji.E002"))
        for delegated in delegates:
            if delegated != "*business*" and delegated not in BUILTIN_ROLES:
                errors.append(checks.Error(f"role {role.code} delegates unknown role {delegated}", id="fenji.E003"))
        for profile in by_profile.values():
            fixed = as_under(role, profile)
            for rule in profile.exclusive:
                if len(carried := rule.carried_by(fixed)) > 1:
                    errors.append(checks.Error(
                        f"role {role.code} carries {len(carried)} duties of {rule.name} "
                        f"({', '.join(d.code for d in carried)}) in profile {profile.name}", id="fenji.E004"))
    return errors


@checks.register(checks.Tags.security, deploy=False)
def exclusive_duties_hold(app_configs, **kwargs):
    """Grants made before the duty rules covered sub-roles (migration ``access/0004``), or before a change
    of ``FENJI_PROFILE``, may already give one person two duties of an exclusive set. They are kept (a
    migration does not revoke grants); this check names each such account until a grant is revoked."""
    from django.db import DatabaseError
    from django.db.models import Count

    from .models import Grant
    from .policy import roles_for

    try:
        live = Grant.objects.unscoped(reason="system check: exclusive duties").filter(revoked_at__isnull=True)
        several = (live.values("account_id").annotate(roles=Count("role", distinct=True))
                   .filter(roles__gt=1).values_list("account_id", flat=True))
        held: dict[int, set[str]] = {}
        for account_id, code in live.filter(account_id__in=list(several)).values_list("account_id", "role"):
            held.setdefault(account_id, set()).add(code)
        roles = roles_for({code for codes in held.values() for code in codes})
    except DatabaseError:
        return []
    _, conflicts = rules.duty_holds_for({account: [roles[c] for c in codes if c in roles]
                                         for account, codes in held.items()})
    return [checks.Warning(
        f"account {account} breaks duty rule {rule.name}: "
        + "; ".join(f"{code} by {', '.join(role.code for role in carriers)}" for code, carriers in duties.items()),
        hint=f"{rule.label}（{rule.source}）: revoke one of these grants", id="fenji.W020")
        for account, rule, duties in conflicts]


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
