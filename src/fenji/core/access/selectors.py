"""Scoped reads of grants, roles and the administrator registry."""

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from fenji.core.kernel import modules
from fenji.core.kernel.crypto import blind_index
from fenji.core.kernel.paths import subtree_q
from fenji.core.kernel.text import normalise_number

from . import permissions as perms
from . import policy
from .models import Grant, GrantReview
from .models import Role as RoleRow
from .roles import BUILTIN_ROLES
from .roles import is_live as role_is_live


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
        number = normalise_number(text)  # stored folded: full-width digits and spaces find the same account
        if number.isdigit():
            valid = len(number) == 11 and number.isascii()
            grants = grants.filter(account__mobile_hash=blind_index(number)) if valid else grants.none()
        else:
            grants = grants.filter(account__person__real_name__contains=text)
    return grants.order_by("unit_path", "id")


def registry_list(*, actor, unit=None, action: str = perms.REGISTRY_VIEW):
    """管理员报备: every live administrative grant in the actor's subtree, unit by unit."""
    admin_roles = [code for code, role in BUILTIN_ROLES.items() if role.is_admin]
    grants = (Grant.objects.visible_to(actor, action)
              .filter(role__in=admin_roles, revoked_at__isnull=True)
              .select_related("account__person", "unit"))
    if unit is not None:
        grants = grants.filter(subtree_q("unit_path", unit.path))
    return grants.order_by("unit_path", "role", "slot")


def role_list():
    """Built-in roles (those of dark modules left out) and live business roles: role definitions are not
    unit-owned."""
    return [role for code, role in BUILTIN_ROLES.items() if role_is_live(code)], list(RoleRow.objects.filter(archived_at__isnull=True).order_by("code"))



def subsystem_choices() -> list[tuple[str, str]]:
    """The live subsystems as (code, label): none while no live module declares one."""
    return [(declared.code, declared.label) for declared in modules.live_subsystems()]


def subsystem_text(value: str) -> str:
    """A grant's (or role's) subsystem column as shown: the labels of its codes (free text as it is)."""
    return "、".join(modules.subsystem_label(part.strip()) for part in (value or "").split(",") if part.strip())


def subsystem_grants_q(code: str) -> Q:
    """The grants concerning subsystem ``code``: grants of its roles (older rows may not store it), and
    the administrators' grants limited to it among others."""
    roles = [c for c, role in BUILTIN_ROLES.items() if role.subsystem == code]
    roles += list(RoleRow.objects.filter(subsystem=code).values_list("code", flat=True))
    return (Q(role__in=roles) | Q(subsystem=code) | Q(subsystem__startswith=f"{code},")
            | Q(subsystem__endswith=f",{code}") | Q(subsystem__contains=f",{code},"))


def period_bounds(start, end):
    """The dates ``start``..``end`` (both included) as an aware half-open datetime range, local time."""
    tz = timezone.get_current_timezone()
    return (datetime.datetime.combine(start, datetime.time.min, tzinfo=tz),
            datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz))


def grant_log_summary(*, actor, unit_path: str, start, end, action: str = perms.GRANT_VIEW,
                      subsystem: str = "") -> dict:
    """How many grants of the subtree at ``unit_path`` (of ``subsystem`` when named) were made, and revoked,
    between the dates ``start`` and ``end`` (both included); ``reviewed`` counts each grant touched in the
    period once."""
    since, until = period_bounds(start, end)
    created = Q(granted_at__gte=since, granted_at__lt=until)
    revoked = Q(revoked_at__gte=since, revoked_at__lt=until)
    grants = Grant.objects.visible_to(actor, action).filter(subtree_q("unit_path", unit_path))
    if subsystem:
        grants = grants.filter(subsystem_grants_q(subsystem))
    return (grants
            .aggregate(created=Count("id", filter=created), revoked=Count("id", filter=revoked),
                       reviewed=Count("id", filter=created | revoked)))


def grant_review_list(*, actor, unit=None, action: str = perms.GRANT_VIEW, subsystem: str = ""):
    """Recorded reviews of the subtrees the actor oversees (of one subsystem's grants, when named), newest first."""
    reviews = GrantReview.objects.visible_to(actor, action).select_related("unit", "reviewer__person")
    if unit is not None:
        reviews = reviews.filter(subtree_q("unit_path", unit.path))
    if subsystem:
        reviews = reviews.filter(subsystem=subsystem)
    return reviews.order_by("-created_at", "-id")


def with_role_labels(grants: list[Grant]) -> list[Grant]:
    """Role names for a page of grants in at most one query (business roles are rows)."""
    roles = policy.roles_for({g.role for g in grants})
    for grant in grants:
        grant.role_name = roles[grant.role].label if grant.role in roles else grant.role
    return grants
