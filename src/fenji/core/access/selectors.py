"""Reads of grants."""

from .models import Grant


def grant_list_for_account(*, account):
    """The account's own live grants, with their units (an account may always see its own)."""
    return (Grant.objects.filter(account=account, revoked_at__isnull=True)
            .select_related("unit").order_by("unit_path", "role"))
