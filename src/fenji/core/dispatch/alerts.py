"""Who is told when a dispatch arrives (the handlers of every receiving unit) and when its receivers go
overdue (the sender, once per dispatch)."""

from django.utils import timezone

from fenji.core.notify.alerts import Alert, alert_send

from .handlers import handlers_by_unit
from .models import Delivery, Dispatch


def _local(value) -> str:
    return timezone.localtime(value).strftime("%m-%d %H:%M")


def arrival_alert(dispatch: Dispatch) -> int:
    """Tell the handlers of each receiving unit that ``dispatch`` arrived and by when to sign it."""
    deliveries = list(Delivery.objects.unscoped(reason="the deliveries of a dispatch just sent")
                      .filter(dispatch_id=dispatch.pk).only("pk", "unit_id", "sign_due_at"))
    handlers = handlers_by_unit([d.unit_id for d in deliveries])
    sent = 0
    for delivery in deliveries:
        alert = Alert(kind="dispatch.arrived", title=f"新到公文：{dispatch.title}",
                      body=f"{dispatch.unit.name}来文，请于 {_local(delivery.sign_due_at)} 前签收",
                      link=f"/dispatch/deliveries/{delivery.pk}/")
        sent += alert_send(recipients=handlers.get(delivery.unit_id, []), alert=alert,
                           dedupe_key=f"dispatch.delivery.{delivery.pk}.arrived")
    return sent


def sender_overdue_alert(overdue: list[Delivery]) -> int:
    """Tell each sender how many of its receiving units went past the signing deadline (one message per
    dispatch: the first tick that finds any)."""
    by_dispatch: dict[int, list[Delivery]] = {}
    for delivery in overdue:
        by_dispatch.setdefault(delivery.dispatch_id, []).append(delivery)
    sent = 0
    for deliveries in by_dispatch.values():
        dispatch = deliveries[0].dispatch
        if dispatch.sent_by is None:
            continue
        units = "、".join(d.unit.name for d in deliveries[:5]) + ("等" if len(deliveries) > 5 else "")
        alert = Alert(kind="dispatch.sender_overdue", title=f"有单位签收超期：{dispatch.title}",
                      body=f"{len(deliveries)} 个单位未在期限内签收（{units}），可在跟踪页面催办",
                      link=f"/dispatch/{dispatch.pk}/")
        sent += alert_send(recipients=[dispatch.sent_by], alert=alert, dedupe_key=f"dispatch.{dispatch.pk}.overdue")
    return sent
