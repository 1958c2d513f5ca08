"""The visit reminder (issue M1, 季度走访): when the quarter's end comes within the lead time of the alert kind
``veterans.visit_due`` (set on 提醒设置; thirty days by default), the workers of each unit that still has elders
due a visit or a call this quarter are told how many, once per unit and quarter, with an SMS when the rule says
so. A periodic job of the module; the to-do list and the 季度走访 page name the elders themselves."""

import datetime

from django.db.models import Count, Max, Q
from django.utils import timezone

from fenji.core.notify.alerts import Alert, alert_send, rule_for
from fenji.core.people.holders import holders_by_unit

from . import cadence
from . import module as perms
from .models import Elder, ElderStatus, RecordKind

KIND = "veterans.visit_due"


def quarter_deadline(day: datetime.date) -> datetime.datetime:
    """The end of the working day on the quarter's last day: when this quarter's visits are due."""
    _start, end = cadence.quarter_of(day)
    return timezone.make_aware(datetime.datetime.combine(end, datetime.time(17, 30)))


def due_by_unit(day: datetime.date) -> dict[int, int]:
    """``{unit id: elders due a visit}`` over the whole deployment: active elders the cadence covers on ``day``
    with no visit or call recorded since the quarter began (one grouped query)."""
    start, _end = cadence.quarter_of(day)
    rows = (Elder.objects.unscoped(reason="the periodic visit reminder counts every unit's elders due a visit")
            .filter(status=ElderStatus.ACTIVE).filter(cadence.covered_q(day))
            .annotate(last_visit=Max("records__ended_on", filter=Q(records__kind=RecordKind.VISIT)))
            .filter(Q(last_visit__lt=start) | Q(last_visit__isnull=True)))
    return {row["unit_id"]: row["n"] for row in rows.values("unit_id").annotate(n=Count("id", distinct=True))
            .order_by("unit_id")}


def visit_reminders(now: datetime.datetime | None = None) -> int:
    """Tell each unit's workers how many elders are still due a visit this quarter, once the quarter's end is
    within the lead time; returns how many people were told (nobody twice per unit and quarter)."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    deadline = quarter_deadline(day)
    rule = rule_for(KIND)
    if now < deadline - rule.lead or now > deadline:
        return 0
    due = due_by_unit(day)
    if not due:
        return 0
    workers = holders_by_unit(perms.VISIT_RECORD, due)
    start, end = cadence.quarter_of(day)
    sent = 0
    for unit_id, count in due.items():
        alert = Alert(kind=KIND, title=f"本季度还有 {count} 位老同志待走访",
                      body=f"请于 {end:%Y-%m-%d} 前走访或电话问候并录入服务记录（高龄、独居、失能或重病的老同志每季度至少一次）",
                      link="/veterans/visits/")
        sent += alert_send(recipients=workers.get(unit_id, []), alert=alert, rule=rule,
                           dedupe_key=f"{KIND}.{unit_id}.{start.isoformat()}")
    return sent
