"""Maintenance windows (C5.5): scheduled by an administrator for a unit's subtree, announced by a
banner to every signed-in user below it and by SMS to the active staff accounts below it."""

import logging

from django.db import transaction
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.paths import subtree_q
from fenji.core.notify.tasks import sms_enqueue
from fenji.core.org.models import UnitStatus
from fenji.core.people.models import Account, AccountKind, AccountStatus

from . import permissions as perms
from . import selectors
from .models import MaintenanceWindow

log = logging.getLogger(__name__)

TITLE_MAX = 100
MESSAGE_MAX = 500


def _aware(value):
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def span(window: MaintenanceWindow) -> str:
    starts, ends = timezone.localtime(window.starts_at), timezone.localtime(window.ends_at)
    end_format = "%H:%M" if starts.date() == ends.date() else "%Y-%m-%d %H:%M"
    return f"{starts:%Y-%m-%d %H:%M}至{ends.strftime(end_format)}"


def sms_text(window: MaintenanceWindow) -> str:
    text = f"【分级管理平台】系统维护通知：{window.title}，{span(window)}。"
    return text + (f"{window.message}" if window.message else "维护期间系统可能无法使用，请提前安排工作。")


def cancel_text(window: MaintenanceWindow) -> str:
    return f"【分级管理平台】原定{span(window)}的系统维护“{window.title}”已取消，系统照常使用。"


def _validate(*, title: str, starts_at, ends_at, message: str, now) -> None:
    if not title:
        raise DomainError("请填写维护标题", field="title")
    if len(title) > TITLE_MAX:
        raise DomainError(f"维护标题不能超过 {TITLE_MAX} 个字", field="title")
    if len(message) > MESSAGE_MAX:
        raise DomainError(f"维护说明不能超过 {MESSAGE_MAX} 个字", field="message")
    if starts_at is None:
        raise DomainError("请填写开始时间", field="starts_at")
    if ends_at is None:
        raise DomainError("请填写结束时间", field="ends_at")
    if starts_at <= now:
        raise DomainError("开始时间必须晚于当前时间", field="starts_at")
    if ends_at <= starts_at:
        raise DomainError("结束时间必须晚于开始时间", field="ends_at")


def staff_in_subtree(unit_path: str):
    """Active staff accounts at ``unit_path`` and below, streamed (a province has tens of thousands)."""
    return (Account.objects.unscoped(reason="maintenance SMS goes to every active staff account in the subtree")
            .filter(subtree_q("unit_path", unit_path), kind=AccountKind.STAFF, status=AccountStatus.ACTIVE)
            .order_by("unit_path", "id").iterator(chunk_size=500))


def _broadcast(unit_path: str, text: str) -> tuple[int, int]:
    """One SMS per account, queued for ``fenji worker`` (``sms_sent`` counts the queued ones; a send
    that fails later is recorded on its task result). A number that cannot be queued is logged and
    skipped, never stops the rest."""
    sent = failed = 0
    for account in staff_in_subtree(unit_path):
        try:
            sms_enqueue(mobile=account.mobile, text=text)
        except Exception:
            failed += 1
            log.exception("maintenance SMS to account %s could not be queued", account.pk)
        else:
            sent += 1
    return sent, failed


def _notify_scheduled(actor, window_id: int) -> None:
    windows = MaintenanceWindow.objects.unscoped(reason="notifying the window just scheduled")
    window = windows.get(pk=window_id)
    sent, failed = _broadcast(window.unit_path, sms_text(window))
    with transaction.atomic():
        windows.filter(pk=window_id).update(notified_at=timezone.now())
        audit_record(actor=actor, action="ops.maintenance.notify", target=window,
                     details={"sms_sent": sent, "sms_failed": failed})


def _notify_cancelled(actor, window_id: int) -> None:
    window = MaintenanceWindow.objects.unscoped(reason="notifying the window just cancelled").get(pk=window_id)
    sent, failed = _broadcast(window.unit_path, cancel_text(window))
    with transaction.atomic():
        audit_record(actor=actor, action="ops.maintenance.notify_cancel", target=window,
                     details={"sms_sent": sent, "sms_failed": failed})


def _scheduled(actor, window_id: int) -> None:
    selectors.forget_banner_notices()  # this process's banners show the new window at once
    _notify_scheduled(actor, window_id)


@service
def maintenance_schedule(*, actor, unit, title: str, starts_at, ends_at, message: str = "") -> MaintenanceWindow:
    """Announce maintenance for ``unit`` and its subtree; staff there get an SMS once this commits."""
    policy.require(actor, perms.MAINTENANCE_MANAGE, unit.path)
    if unit.status != UnitStatus.ACTIVE:
        raise DomainError(f"“{unit.name}”已撤销，不能为其安排维护", field="unit")
    title, message = (title or "").strip(), (message or "").strip()
    starts_at, ends_at = _aware(starts_at), _aware(ends_at)
    _validate(title=title, starts_at=starts_at, ends_at=ends_at, message=message, now=timezone.now())
    window = MaintenanceWindow.objects.create(
        unit=unit, unit_path=unit.path, title=title, starts_at=starts_at, ends_at=ends_at, message=message,
        created_by_id=getattr(actor, "account_id", None),
    )
    audit_record(actor=actor, action="ops.maintenance.schedule", target=window, details={
        "title": title, "unit": unit.name,
        "starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat(),
    })
    transaction.on_commit(lambda: _scheduled(actor, window.pk))
    return window


def maintenance_cancel_check(*, actor, window: MaintenanceWindow, now=None) -> None:
    """Raise why ``actor`` may not cancel ``window``; the list offers 取消 exactly when this passes."""
    policy.require(actor, perms.MAINTENANCE_MANAGE, window.unit_path)
    if window.cancelled_at is not None:
        raise DomainError("该维护通知已经取消")
    if window.ends_at <= (now or timezone.now()):
        raise DomainError("维护已经结束，无需取消")


@service
def maintenance_cancel(*, actor, window: MaintenanceWindow) -> MaintenanceWindow:
    """Withdraw an announced window that has not ended; staff who were told get a second SMS."""
    policy.require(actor, perms.MAINTENANCE_MANAGE, window.unit_path)
    window = MaintenanceWindow.objects.unscoped(reason="locked for cancelling").select_for_update().get(pk=window.pk)
    now = timezone.now()
    maintenance_cancel_check(actor=actor, window=window, now=now)
    window.cancelled_at = now
    window.save(update_fields=["cancelled_at"])
    audit_record(actor=actor, action="ops.maintenance.cancel", target=window, details={"title": window.title})
    transaction.on_commit(selectors.forget_banner_notices)
    if window.notified_at is not None:
        transaction.on_commit(lambda: _notify_cancelled(actor, window.pk))
    return window
