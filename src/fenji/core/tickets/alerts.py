"""Who is told about a ticket: the handling unit's handlers when it arrives (filed, 改派 to them, or reopened
as 不满意), and again, with the managing office's overseers, once it goes past its deadline (a periodic job).
Each kind's rule (SMS) is read once per call."""

from django.utils import timezone

from fenji.core.notify.alerts import Alert, alert_send, rule_for
from fenji.core.people.holders import holders_by_unit

from . import permissions as perms
from .models import OPEN_STATES, Ticket

BATCH = 500  # overdue tickets taken per run


def _local(value) -> str:
    return timezone.localtime(value).strftime("%m-%d %H:%M")


def arrival_alert(ticket: Ticket) -> int:
    """Tell the handlers of the ticket's unit that it is theirs now, and by when it is due."""
    handlers = holders_by_unit(perms.TICKET_HANDLE, [ticket.unit_id]).get(ticket.unit_id, [])
    alert = Alert(kind="tickets.arrived", title=f"新的群众诉求：{ticket.board.name}",
                  body=f"{ticket.content[:40]}……请签收，于 {_local(ticket.due_at)} 前答复",
                  link=f"/tickets/{ticket.pk}/")
    return alert_send(recipients=handlers, alert=alert,
                      dedupe_key=f"tickets.{ticket.pk}.arrived.{ticket.unit_id}.{ticket.reopen_count}")


def overdue_alerts() -> int:
    """Tickets still open past their deadline: their unit's handlers and the office's overseers are told once
    per deadline (the stamp ``overdue_alerted_at``, cleared when a new deadline is set)."""
    now = timezone.now()
    rows = list(Ticket.objects.unscoped(reason="the periodic overdue check")
                .filter(state__in=OPEN_STATES, due_at__lt=now, overdue_alerted_at__isnull=True)
                .select_related("board").order_by("due_at")[:BATCH])
    if not rows:
        return 0
    handlers = holders_by_unit(perms.TICKET_HANDLE, {t.unit_id for t in rows})
    overseers = holders_by_unit(perms.TICKET_OVERSEE, {t.office_id for t in rows})
    rule = rule_for("tickets.overdue")
    sent = 0
    for ticket in rows:
        alert = Alert(kind="tickets.overdue", title=f"诉求已超期：{ticket.board.name}",
                      body=f"{ticket.content[:40]}……办理期限 {_local(ticket.due_at)} 已过", link=f"/tickets/{ticket.pk}/")
        people = [*handlers.get(ticket.unit_id, []), *overseers.get(ticket.office_id, [])]
        sent += alert_send(recipients=people, alert=alert, rule=rule,
                           dedupe_key=f"tickets.{ticket.pk}.overdue.{ticket.due_at.isoformat()}")
    Ticket.objects.unscoped(reason="stamping the tickets just reminded").filter(
        pk__in=[t.pk for t in rows]).update(overdue_alerted_at=now)
    return sent
