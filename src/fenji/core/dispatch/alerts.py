"""Who is told when a dispatch arrives (the handlers of every receiving unit), when its signing or reply
deadline comes close or passes (the same handlers) and when its receivers go overdue (the sender, once per
dispatch and deadline). Each kind's rule (SMS, lead time) is read once per call, never per recipient."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from fenji.core.kernel import modules
from fenji.core.notify.alerts import Alert, alert_send, rule_for

from .handlers import handlers_by_unit
from .models import Delivery, Dispatch


def _local(value) -> str:
    return timezone.localtime(value).strftime("%m-%d %H:%M")


def arrival_alert(dispatch: Dispatch) -> int:
    """Tell the handlers of each receiving unit that ``dispatch`` arrived and by when to sign it."""
    deliveries = list(Delivery.objects.unscoped(reason="the deliveries of a dispatch just sent")
                      .filter(dispatch_id=dispatch.pk).only("pk", "unit_id", "sign_due_at"))
    handlers = handlers_by_unit([d.unit_id for d in deliveries])
    rule = rule_for("dispatch.arrived") if handlers else None
    sent = 0
    for delivery in deliveries:
        alert = Alert(kind="dispatch.arrived", title=f"新到公文：{dispatch.title}",
                      body=f"{dispatch.unit.name}来文，请于 {_local(delivery.sign_due_at)} 前签收",
                      link=f"/dispatch/deliveries/{delivery.pk}/")
        sent += alert_send(recipients=handlers.get(delivery.unit_id, []), alert=alert, rule=rule,
                           dedupe_key=f"dispatch.delivery.{delivery.pk}.arrived")
    return sent + on_duty_alert(dispatch, deliveries, handlers)


def on_duty_alert(dispatch: Dispatch, deliveries: list[Delivery], handlers: dict) -> int:
    """Whoever a duty roster puts on watch at a receiving unit now is told too (seed 001 §7.2: outside working
    hours the 值班 keeps transmissions flowing), unless already told as a handler."""
    watch = modules.on_duty([d.unit_id for d in deliveries], timezone.now())
    if not watch:
        return 0
    people = {a.pk: a for a in get_user_model().objects.unscoped(reason="the people on duty at receiving units")
              .filter(pk__in={pk for pks in watch.values() for pk in pks}, status="active")}
    rule = rule_for("dispatch.arrived_on_duty")
    sent = 0
    for delivery in deliveries:
        told = {a.pk for a in handlers.get(delivery.unit_id, [])}
        recipients = [people[pk] for pk in watch.get(delivery.unit_id, []) if pk in people and pk not in told]
        alert = Alert(kind="dispatch.arrived_on_duty", title=f"值班提醒：新到公文：{dispatch.title}",
                      body=f"{dispatch.unit.name}来文，请于 {_local(delivery.sign_due_at)} 前签收",
                      link=f"/dispatch/deliveries/{delivery.pk}/")
        sent += alert_send(recipients=recipients, alert=alert, rule=rule,
                           dedupe_key=f"dispatch.delivery.{delivery.pk}.arrived")
    return sent


def handlers_alert(rows: list[Delivery], *, kind: str, key: str, title, body) -> int:
    """Tell the handlers of each delivery's unit about it (``title`` and ``body`` made from the delivery),
    once per delivery and ``key``."""
    if not rows:
        return 0
    handlers = handlers_by_unit([d.unit_id for d in rows])
    rule = rule_for(kind)
    sent = 0
    for delivery in rows:
        alert = Alert(kind=kind, title=title(delivery), body=body(delivery),
                      link=f"/dispatch/deliveries/{delivery.pk}/")
        sent += alert_send(recipients=handlers.get(delivery.unit_id, []), alert=alert, rule=rule,
                           dedupe_key=f"dispatch.delivery.{delivery.pk}.{key}")
    return sent


def _senders_alert(overdue: list[Delivery], *, kind: str, key: str, title: str, body: str) -> int:
    by_dispatch: dict[int, list[Delivery]] = {}
    for delivery in overdue:
        by_dispatch.setdefault(delivery.dispatch_id, []).append(delivery)
    rule = rule_for(kind) if by_dispatch else None
    sent = 0
    for deliveries in by_dispatch.values():
        dispatch = deliveries[0].dispatch
        if dispatch.sent_by is None:
            continue
        units = "、".join(d.unit.name for d in deliveries[:5]) + ("等" if len(deliveries) > 5 else "")
        alert = Alert(kind=kind, title=title.format(title=dispatch.title),
                      body=body.format(count=len(deliveries), units=units), link=f"/dispatch/{dispatch.pk}/")
        sent += alert_send(recipients=[dispatch.sent_by], alert=alert, rule=rule,
                           dedupe_key=f"dispatch.{dispatch.pk}.{key}")
    return sent


def sender_overdue_alert(overdue: list[Delivery]) -> int:
    """Tell each sender how many of its receiving units went past the signing deadline (one message per
    dispatch: the first tick that finds any)."""
    return _senders_alert(overdue, kind="dispatch.sender_overdue", key="overdue",
                          title="有单位签收超期：{title}", body="{count} 个单位未在期限内签收（{units}），可在跟踪页面催办")


def sender_reply_overdue_alert(overdue: list[Delivery]) -> int:
    """Tell each sender how many of its receiving units went past the reply deadline (one message per
    dispatch: the first tick that finds any)."""
    return _senders_alert(overdue, kind="dispatch.sender_reply_overdue", key="reply_overdue",
                          title="有单位答复超期：{title}", body="{count} 个单位未在期限内答复（{units}），可在跟踪页面催办")
