"""Scoped reads of maintenance windows, and the one query behind the banner."""

import datetime

from django.utils import timezone

from fenji.core.kernel.errors import NotVisible
from fenji.core.kernel.paths import ancestor_paths

from . import permissions as perms
from .models import MaintenanceWindow

BANNER_LEAD = datetime.timedelta(days=7)  # the banner appears this long before a window starts


def maintenance_list(*, actor, action: str = perms.MAINTENANCE_VIEW):
    return (MaintenanceWindow.objects.visible_to(actor, action)
            .select_related("unit", "created_by__person").order_by("-starts_at", "-id"))


def maintenance_get(*, actor, pk, action: str = perms.MAINTENANCE_VIEW) -> MaintenanceWindow:
    """The window, or ``NotVisible`` both when it does not exist and when it is out of scope."""
    try:
        return maintenance_list(actor=actor, action=action).get(pk=pk)
    except (MaintenanceWindow.DoesNotExist, ValueError, TypeError):
        raise NotVisible("维护通知不存在或不在您的管理范围内") from None


def maintenance_notices(*, unit_path: str, now: datetime.datetime | None = None) -> list[MaintenanceWindow]:
    """Windows that concern a user at ``unit_path`` (scheduled at that unit or any unit above it),
    not cancelled, not yet ended and starting within ``BANNER_LEAD``: one query, on any page."""
    if not unit_path:
        return []
    now = now or timezone.now()
    return list(
        MaintenanceWindow.objects.unscoped(reason="the banner tells everyone below a unit about its maintenance")
        .filter(unit_path__in=[*ancestor_paths(unit_path), unit_path], cancelled_at__isnull=True,
                ends_at__gt=now, starts_at__lte=now + BANNER_LEAD)
        .only("title", "starts_at", "ends_at", "message")
        .order_by("starts_at", "id")
    )
