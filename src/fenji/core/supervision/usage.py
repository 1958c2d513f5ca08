"""Usage statistics of lower units (C9.1), as monthly rollups over every unit's subtree.

``usage_rebuild(months)`` counts, for each month, the figures below per unit (one grouped query each over the
source rows), rolls them up to every ancestor (``org.tally.roll_up``) and replaces those months' ``UsageMonth``
rows in one transaction: a reader sees the old figures or the new ones. The worker rebuilds this month and the
last every hour (``supervision.usage``); ``fenji usage_rebuild`` rebuilds any months at once. The page reads
the rows of one unit and its children for the chosen months — at a province of 200,000 units a few dozen rows,
never a scan of the source tables.

A month counts what fell due in it: notices whose signing deadline, feedback whose answer deadline, approval
steps and citizens' tickets whose deadline fell in the month (in the current month: up to now), and how many of
those were done on time; and the records of each type the live modules declare (``Module.usage_records``) entered
in the month, and how many of them on time. Logins are the staff's successful sign-ins on record (the audit log); "signed in" counts
each staff account once per month.
"""

import datetime
import time
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from fenji.core.audit.models import AuditEvent
from fenji.core.community.models import Feedback
from fenji.core.dispatch.fanout import materialise_due
from fenji.core.dispatch.models import Delivery
from fenji.core.kernel import modules
from fenji.core.org.models import Unit
from fenji.core.org.tally import roll_up
from fenji.core.people.models import Account, AccountKind, AccountStatus
from fenji.core.tickets.models import Ticket, TicketState
from fenji.core.workflow.models import DECIDED, Step, StepState

from .models import UsageMonth, UsageRun

BATCH = 5000


@dataclass(frozen=True)
class Metric:
    key: str
    label: str


METRICS = (
    Metric("accounts_opened", "新开账号"),
    Metric("staff_active", "有效工作人员账号"),
    Metric("logins", "登录次数"),
    Metric("signed_in", "登录人数"),
    Metric("notices_due", "应签收公文"),
    Metric("notices_on_time", "按期签收公文"),
    Metric("feedback_due", "应答复意见"),
    Metric("feedback_on_time", "按期答复意见"),
    Metric("steps_due", "应办理审批"),
    Metric("steps_on_time", "按期办理审批"),
    Metric("tickets_due", "应答复诉求"),
    Metric("tickets_on_time", "按期答复诉求"),
)
KEYS = tuple(m.key for m in METRICS)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def months_between(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    months, month = [], month_start(start)
    while month <= end:
        months.append(month)
        month = next_month(month)
    return months


def _bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    low = timezone.make_aware(datetime.datetime.combine(month, datetime.time.min))
    high = timezone.make_aware(datetime.datetime.combine(next_month(month), datetime.time.min))
    return low, min(high, max(low, timezone.now()))


def _grouped(rows, path_field: str, **annotations) -> dict[str, dict[str, int]]:
    """``{annotation: {path: n}}`` from one grouped query over ``rows``."""
    out: dict[str, dict[str, int]] = {name: {} for name in annotations}
    for row in rows.order_by().values(path_field).annotate(**annotations):
        for name in annotations:
            if row[name]:
                out[name][row[path_field]] = row[name]
    return out


def _direct(month: datetime.date) -> dict[str, dict[str, int]]:
    """Each figure's own count per unit path for ``month``."""
    low, high = _bounds(month)
    materialise_due(high)  # dispatches past their signing deadline count as rows (ADR 0027)
    accounts = Account.objects.unscoped(reason="usage rollups count every unit")
    staff = accounts.filter(kind=AccountKind.STAFF)
    figures = {
        **_grouped(accounts.filter(created_at__gte=low, created_at__lt=high).exclude(kind=AccountKind.CITIZEN),
                   "unit_path", accounts_opened=Count("id")),
        **_grouped(staff.filter(status=AccountStatus.ACTIVE, created_at__lt=high), "unit_path",
                   staff_active=Count("id")),
        **_grouped(AuditEvent.objects.filter(action="people.login", outcome="ok", at__gte=low, at__lt=high,
                                             actor_id__in=staff.values("pk")),
                   "actor_unit_path", logins=Count("id"), signed_in=Count("actor_id", distinct=True)),
        **_grouped(Delivery.objects.unscoped(reason="usage rollups count every unit")
                   .filter(sign_due_at__gte=low, sign_due_at__lt=high), "unit_path",
                   notices_due=Count("id"),
                   notices_on_time=Count("id", filter=Q(signed_at__isnull=False, signed_at__lte=F("sign_due_at")))),
        **_grouped(Feedback.objects.unscoped(reason="usage rollups count every unit")
                   .filter(due_at__gte=low, due_at__lt=high), "unit_path",
                   feedback_due=Count("id"),
                   feedback_on_time=Count("id", filter=Q(answered_at__isnull=False, answered_at__lte=F("due_at")))),
        **_grouped(Step.objects.unscoped(reason="usage rollups count every unit")
                   .filter(due_at__gte=low, due_at__lt=high).exclude(state=StepState.CANCELLED), "unit_path",
                   steps_due=Count("id"), steps_on_time=Count("id", filter=Q(state__in=DECIDED, on_time=True))),
        **_grouped(Ticket.objects.unscoped(reason="usage rollups count every unit")
                   .filter(due_at__gte=low, due_at__lt=high).exclude(state=TicketState.MERGED), "unit_path",
                   tickets_due=Count("id"), tickets_on_time=Count("id", filter=Q(on_time=True))),
    }
    for _module, record in modules.live_usage_records():
        entered, on_time = record.counts(month, next_month(month))
        figures[f"records.{record.code}"] = entered
        figures[f"records_on_time.{record.code}"] = on_time
    return figures


def _desired(months, ids: dict[str, int]) -> list[UsageMonth]:
    rows = []
    for month in months:
        for key, direct in _direct(month).items():
            for path, n in roll_up(direct).items():
                pk = ids.get(path)
                if n and pk is not None:
                    rows.append(UsageMonth(unit_id=pk, month=month, key=key, subtree=n))
    return rows


def usage_rebuild(months=None) -> UsageRun:
    """Recount ``months`` (first days; default: this month and the last) and replace their rollups."""
    clock = time.perf_counter()
    if months is None:
        this = month_start(timezone.localdate())
        months = [month_start(this - datetime.timedelta(days=1)), this]
    months = sorted({month_start(m) for m in months})
    ids = dict(Unit.objects.order_by().values_list("path", "pk"))
    rows = _desired(months, ids)
    with transaction.atomic():
        UsageMonth.objects.filter(month__in=months).delete()
        UsageMonth.objects.bulk_create(rows, batch_size=BATCH)
        run = UsageRun.objects.create(finished_at=timezone.now(), months=",".join(f"{m:%Y-%m}" for m in months),
                                      seconds=round(time.perf_counter() - clock, 3), rows=len(rows))
        UsageRun.objects.filter(finished_at__lt=run.finished_at - datetime.timedelta(days=7)).delete()
    return run


def usage_rebuild_recent() -> int:
    """The periodic job: this month and the last."""
    return usage_rebuild().rows


def last_run() -> UsageRun | None:
    return UsageRun.objects.order_by("-finished_at").first()
