"""Scoped reads of maintenance windows, and the one query behind the banner."""

import datetime
import threading
import time

from django.db import connection
from django.utils import timezone

from fenji.core.kernel.errors import NotVisible
from fenji.core.kernel.paths import ancestor_paths

from . import permissions as perms
from .models import MaintenanceWindow

BANNER_LEAD = datetime.timedelta(days=7)  # the banner appears this long before a window starts
BANNER_CACHE_SECONDS = 5.0  # how long a process reuses the list of live windows behind the banner
BANNER_CACHE_ROWS = 200  # more live windows than this: the banner queries per request (none are cached)


def maintenance_list(*, actor, action: str = perms.MAINTENANCE_VIEW):
    return (MaintenanceWindow.objects.visible_to(actor, action)
            .select_related("unit", "created_by__person").order_by("-starts_at", "-id"))


def maintenance_get(*, actor, pk, action: str = perms.MAINTENANCE_VIEW) -> MaintenanceWindow:
    """The window, or ``NotVisible`` both when it does not exist and when it is out of scope."""
    try:
        return maintenance_list(actor=actor, action=action).get(pk=pk)
    except (MaintenanceWindow.DoesNotExist, ValueError, TypeError):
        raise NotVisible("维护通知不存在或不在您的管理范围内", target_type=MaintenanceWindow._meta.label_lower,
                         target_id=pk) from None


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


# --- the banner's process-wide list ----------------------------------------------------------------

_clock = time.monotonic  # replaceable in tests
_live_lock = threading.Lock()
_live: tuple[float, list[MaintenanceWindow] | None] | None = None  # (monotonic time read, windows or None)


def forget_banner_notices() -> None:
    """Drop this process's list of live windows (a window was scheduled or cancelled here)."""
    global _live
    with _live_lock:
        _live = None


def _live_windows(now: datetime.datetime) -> list[MaintenanceWindow] | None:
    """Every window a banner may show in the next ``BANNER_CACHE_SECONDS``, from a list this process read
    at most that long ago; None when there are too many to keep (the caller queries for its unit)."""
    global _live
    read = _live
    if read is not None and _clock() - read[0] < BANNER_CACHE_SECONDS:
        return read[1]
    started = _clock()
    horizon = now + BANNER_LEAD + datetime.timedelta(seconds=BANNER_CACHE_SECONDS)
    rows = list(
        MaintenanceWindow.objects.unscoped(reason="the banner tells everyone below a unit about its maintenance")
        .filter(cancelled_at__isnull=True, ends_at__gt=now, starts_at__lte=horizon)
        .only("unit_path", "title", "starts_at", "ends_at", "message")
        .order_by("starts_at", "id")[: BANNER_CACHE_ROWS + 1]
    )
    windows = rows if len(rows) <= BANNER_CACHE_ROWS else None
    with _live_lock:
        _live = (started, windows)
    return windows


def banner_notices(*, unit_path: str) -> list[MaintenanceWindow]:
    """``maintenance_notices`` for the banner on every signed-in page, without a query per request.

    The live windows are read once per ``BANNER_CACHE_SECONDS`` per process and matched to the viewer's
    unit here, against the current time: a window scheduled or cancelled in another process shows or
    goes at most that much later (at once in this one). Inside a transaction (which may hold uncommitted
    windows of its own, and must not share them) it is the plain query.
    """
    if not unit_path:
        return []
    if connection.in_atomic_block:
        return maintenance_notices(unit_path=unit_path)
    now = timezone.now()
    windows = _live_windows(now)
    if windows is None:
        return maintenance_notices(unit_path=unit_path, now=now)
    concerned = {*ancestor_paths(unit_path), unit_path}
    lead = now + BANNER_LEAD
    return [w for w in windows if w.unit_path in concerned and w.ends_at > now and w.starts_at <= lead]
