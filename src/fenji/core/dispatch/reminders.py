"""The periodic reminders of dispatch (C6.2), registered with ``notify.periodic`` every 60 seconds:

- a delivery whose signing deadline comes within the lead time of ``dispatch.sign_due`` and not yet signed:
  its handlers are told it is due soon;
- a delivery not signed by its deadline: its handlers are told it is overdue, and the sender once per
  dispatch that units went overdue;
- a feedback item whose reply is due within the lead time of ``dispatch.reply_due`` and not yet answered:
  its handlers are reminded; once its reply deadline passed unanswered, they are told it is overdue, and
  the sender once per dispatch;
- before all, reply deadlines computed with a calendar that changed since are recomputed
  (``services.delivery_deadlines_refresh``: a provisional year confirmed, a day corrected).

The lead times and whether an SMS goes with each kind are the alert rules' (``notify.alerts``, the
console's 提醒设置), read once per run. Each delivery is reminded once per kind: the rows are picked by
their ``*_reminded_at`` flag and stamped set-based, and every message carries a dedupe key, so a repeated
or concurrent run sends nothing twice. A run handles at most ``BATCH`` deliveries per kind; the next run
takes the rest.
"""

import datetime

from django.utils import timezone

from fenji.core.notify.alerts import rules

from .alerts import handlers_alert, sender_overdue_alert, sender_reply_overdue_alert
from .fanout import materialise_due
from .models import Delivery, DispatchKind, ReviewState
from .services import delivery_deadlines_refresh

BATCH = 2000
AWAITING_REPLY = [ReviewState.NONE, ReviewState.RETURNED]


def _deliveries():
    return Delivery.objects.unscoped(reason="deadline bookkeeping").select_related(
        "dispatch", "dispatch__unit", "dispatch__sent_by", "unit")


def _stamp(rows, field: str, now) -> None:
    if rows:
        Delivery.objects.unscoped(reason="stamping the reminded rows").filter(
            pk__in=[d.pk for d in rows], **{f"{field}__isnull": True}).update(**{field: now})


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def send_due_reminders(now: datetime.datetime | None = None) -> dict:
    """One pass; returns counts for the worker's log and the tests."""
    now = now or timezone.now()
    refreshed = delivery_deadlines_refresh()
    rule = rules()
    messages = 0

    sign_lead = rule["dispatch.sign_due"].lead
    materialise_due(now + (sign_lead or datetime.timedelta(0)))  # reminded units get their rows first
    sign_soon = []
    if sign_lead:
        sign_soon = list(_deliveries().filter(
            signed_at__isnull=True, sign_due_at__gt=now, sign_due_at__lte=now + sign_lead,
            sign_soon_reminded_at__isnull=True).order_by("sign_due_at", "id")[:BATCH])
    messages += handlers_alert(
        sign_soon, kind="dispatch.sign_due", key="sign_due",
        title=lambda d: f"签收即将到期：{d.dispatch.title}",
        body=lambda d: f"{d.dispatch.unit.name}来文，请于 {_local(d.sign_due_at)} 前签收")
    _stamp(sign_soon, "sign_soon_reminded_at", now)

    unsigned = list(_deliveries().filter(signed_at__isnull=True, sign_due_at__lte=now, sign_reminded_at__isnull=True)
                    .order_by("sign_due_at", "id")[:BATCH])
    messages += handlers_alert(
        unsigned, kind="dispatch.sign_overdue", key="sign_overdue",
        title=lambda d: f"签收已超期：{d.dispatch.title}",
        body=lambda d: f"{d.dispatch.unit.name}来文，签收期限 {_local(d.sign_due_at)} 已过，请立即签收")
    senders = sender_overdue_alert(unsigned)
    _stamp(unsigned, "sign_reminded_at", now)

    reply_lead = rule["dispatch.reply_due"].lead
    reply_due = []
    if reply_lead:
        reply_due = list(_deliveries().filter(
            reply_due_at__isnull=False, reply_due_at__gt=now, reply_due_at__lte=now + reply_lead,
            review_state__in=AWAITING_REPLY, reply_reminded_at__isnull=True,
        ).order_by("reply_due_at", "id")[:BATCH])
    messages += handlers_alert(
        reply_due, kind="dispatch.reply_due", key="reply_due",
        title=lambda d: f"答复即将到期：{d.dispatch.title}",
        body=lambda d: f"请于 {_local(d.reply_due_at)} 前答复{d.dispatch.unit.name}")
    _stamp(reply_due, "reply_reminded_at", now)

    reply_late = list(_deliveries().filter(
        dispatch__kind=DispatchKind.FEEDBACK, reply_due_at__isnull=False, reply_due_at__lte=now,
        review_state__in=AWAITING_REPLY, reply_overdue_reminded_at__isnull=True,
    ).order_by("reply_due_at", "id")[:BATCH])
    messages += handlers_alert(
        reply_late, kind="dispatch.reply_overdue", key="reply_overdue",
        title=lambda d: f"答复已超期：{d.dispatch.title}",
        body=lambda d: f"答复期限 {_local(d.reply_due_at)} 已过，请尽快答复{d.dispatch.unit.name}")
    senders += sender_reply_overdue_alert(reply_late)
    _stamp(reply_late, "reply_overdue_reminded_at", now)

    return {"refreshed": refreshed, "sign_due": len(sign_soon), "sign_overdue": len(unsigned),
            "reply_due": len(reply_due), "reply_overdue": len(reply_late), "messages": messages, "senders": senders}
