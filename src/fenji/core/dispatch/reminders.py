"""The periodic reminders of dispatch (C6.2), registered with ``notify.periodic`` every 60 seconds:

- a delivery not signed by its deadline: its handlers are told it is overdue (message + SMS);
- a feedback item whose reply is due within a day and not yet answered: its handlers are reminded;
- before both, reply deadlines computed with a calendar that changed since are recomputed
  (``services.delivery_deadlines_refresh``: a provisional year confirmed, a day corrected).

Each delivery is reminded once per kind: the rows are picked by their ``*_reminded_at`` flag and
stamped set-based, and every message carries a dedupe key, so a repeated or concurrent run sends
nothing twice. A run handles at most ``BATCH`` deliveries per kind; the next run takes the rest.
"""

import datetime

from django.utils import timezone

from fenji.core.notify.alerts import sms_for
from fenji.core.notify.services import message_send

from .alerts import sender_overdue_alert
from .handlers import handlers_by_unit
from .models import Delivery, ReviewState
from .services import delivery_deadlines_refresh

REMIND_BEFORE = datetime.timedelta(hours=24)
BATCH = 2000


def _deliveries():
    return Delivery.objects.unscoped(reason="deadline bookkeeping").select_related(
        "dispatch", "dispatch__unit", "dispatch__sent_by", "unit")


def _notify(rows, *, title, body, kind, key) -> int:
    handlers = handlers_by_unit([d.unit_id for d in rows])
    sent = 0
    for delivery in rows:
        for account in handlers.get(delivery.unit_id, []):
            message = message_send(recipient=account, title=title(delivery), body=body(delivery),
                                   link=f"/dispatch/deliveries/{delivery.pk}/", kind=kind,
                                   dedupe_key=f"dispatch.delivery.{delivery.pk}.{key}", sms=sms_for(kind))
            sent += message is not None
    return sent


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def send_due_reminders(now: datetime.datetime | None = None) -> dict:
    """One pass; returns counts for the worker's log and the tests."""
    now = now or timezone.now()
    refreshed = delivery_deadlines_refresh()
    unsigned = list(_deliveries().filter(signed_at__isnull=True, sign_due_at__lte=now, sign_reminded_at__isnull=True)
                    .order_by("sign_due_at", "id")[:BATCH])
    sign_messages = _notify(
        unsigned, kind="dispatch.sign_overdue", key="sign_overdue",
        title=lambda d: f"签收已超期：{d.dispatch.title}",
        body=lambda d: f"{d.dispatch.unit.name}来文，签收期限 {_local(d.sign_due_at)} 已过，请立即签收")
    senders = sender_overdue_alert(unsigned)
    if unsigned:
        Delivery.objects.unscoped(reason="stamping the reminded rows").filter(pk__in=[d.pk for d in unsigned], sign_reminded_at__isnull=True).update(
            sign_reminded_at=now)

    reply_due = list(_deliveries().filter(
        reply_due_at__isnull=False, reply_due_at__gt=now, reply_due_at__lte=now + REMIND_BEFORE,
        review_state__in=[ReviewState.NONE, ReviewState.RETURNED], reply_reminded_at__isnull=True,
    ).order_by("reply_due_at", "id")[:BATCH])
    reply_messages = _notify(
        reply_due, kind="dispatch.reply_due", key="reply_due",
        title=lambda d: f"答复即将到期：{d.dispatch.title}",
        body=lambda d: f"请于 {_local(d.reply_due_at)} 前答复{d.dispatch.unit.name}")
    if reply_due:
        Delivery.objects.unscoped(reason="stamping the reminded rows").filter(pk__in=[d.pk for d in reply_due], reply_reminded_at__isnull=True).update(
            reply_reminded_at=now)
    return {"refreshed": refreshed, "sign_overdue": len(unsigned), "reply_due": len(reply_due),
            "messages": sign_messages + reply_messages, "senders": senders}
