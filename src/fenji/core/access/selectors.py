"""Scoped reads of grants, roles and the administrator registry."""

from fenji.core.kernel.crypto import blind_index
from fenji.core.kernel.paths import subtree_q

from . import permissions as perms
from .models import Grant
from .models import Role as RoleRow
from .roles import BUILTIN_ROLES


def grant_list_for_account(*, account):
    """The account's own live grants, with their units (an account may always see its own)."""
    return (Grant.objects.unscoped(reason="an account reads its own grants")
            .filter(account=account, revoked_at__isnull=True).select_related("unit").order_by("unit_path", "role"))


def grant_list(*, actor, unit=None, include_revoked: bool = False, text: str = ""):
    grants = Grant.objects.visible_to(actor, perms.GRANT_VIEW).select_related("account__person", "unit")
    if unit is not None:
        grants = grants.filter(subtree_q("unit_path", unit.path))
    if not include_revoked:
        grants = grants.filter(revoked_at__isnull=True)
    text = (text or "").strip()
    if text:
        # Mobile numbers are encrypted at rest: a whole number is found by its blind index, a part by nothing.
        if text.isdigit():
            grants = grants.filter(account__mobile_hash=blind_index(text)) if len(text) == 11 else grants.none()
        else:
            grants = grants.filter(account__person__real_name__contains=text)
    return grants.order_by("unit_path", "id")


def registry_list(*, actor, unit=None):
    """管理员报备: every live administrative grant in the actor's subtree, unit by unit."""
    admin_roles = [code for code, role in BUILTIN_ROLES.items() if role.is_admin]
    grants = (Grant.objects.visible_to(actor, perms.REGISTRY_VIEW)
              .filter(role__in=admin_roles, revoked_at__isnull=True)
              .select_related("account__person", "unit"))
    if unit is not None:
        grants = grants.filter(subtree_q("unit_path", unit.path))
    return grants.order_by("unit_path", "role", "slot")


def role_list():
    """Built-in roles and live business roles: role definitions are not unit-owned."""
    return list(BUILTIN_ROLES.values()), list(RoleRow.objects.filter(archived_at__isnull=True).order_by("code"))

