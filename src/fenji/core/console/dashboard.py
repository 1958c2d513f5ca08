"""统计概览: the numbers of the signed-in person's scope for the last 30 days — accounts opened and logins per
day, on-time rates of signing (deliveries) and of decisions (request steps), units by kind.

Each number is one aggregate query over the scope (the unit paths the person's grants reach), never a loop
over units. Shown as charts (ECharts, served locally), as tables and as an Excel export.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.audit.models import AuditEvent, Outcome
from fenji.core.dispatch.fanout import materialise_due
from fenji.core.dispatch.models import Delivery
from fenji.core.org import permissions as org_perms
from fenji.core.org.kinds import kind_label
from fenji.core.org.models import Unit, UnitStatus
from fenji.core.people.models import Account
from fenji.core.workflow.models import Step

DAYS = 30


@dataclass
class Rate:
    label: str
    due: int  # items whose deadline fell in the period (or were done in it)
    on_time: int

    @property
    def rate(self) -> float | None:
        return None if self.due == 0 else self.on_time / self.due


@dataclass
class Dashboard:
    has_scope: bool
    days: list[datetime.date] = field(default_factory=list)
    opened: list[int] = field(default_factory=list)  # accounts opened per day
    logins: list[int] = field(default_factory=list)  # successful logins per day
    rates: list[Rate] = field(default_factory=list)
    kinds: list[tuple[str, int]] = field(default_factory=list)  # (unit kind label, units)

    def chart_data(self) -> dict:
        """What the charts draw (json_script): dates as text, rates as percentages."""
        return {
            "days": [f"{d:%m-%d}" for d in self.days], "opened": self.opened, "logins": self.logins,
            "rates": [{"label": r.label, "value": None if r.rate is None else round(r.rate * 100, 1)} for r in self.rates],
            "kinds": [{"name": name, "value": count} for name, count in self.kinds],
        }


def _per_day(rows, days: list[datetime.date]) -> list[int]:
    counted = {row["day"]: row["n"] for row in rows}
    return [counted.get(day, 0) for day in days]


def dashboard_numbers(*, actor, today: datetime.date | None = None) -> Dashboard:
    """The scope is what ``org.unit.view`` reaches: everyone with a grant sees the numbers of where they work."""
    if not policy.can(actor, org_perms.UNIT_VIEW):
        return Dashboard(has_scope=False)
    scope = policy.scope_q(actor, org_perms.UNIT_VIEW, "unit_path")
    tz = timezone.get_current_timezone()
    today = today or timezone.localdate()
    days = [today - datetime.timedelta(days=n) for n in range(DAYS - 1, -1, -1)]
    since = datetime.datetime.combine(days[0], datetime.time.min, tz)
    per_day = {"day": TruncDate("created_at", tzinfo=tz)}
    opened = (Account.objects.unscoped(reason="counted within the viewer's scope").filter(scope, created_at__gte=since)
              .annotate(**per_day).values("day").annotate(n=Count("id")).order_by())
    login_scope = policy.scope_q(actor, org_perms.UNIT_VIEW, "target_unit_path")
    logins = (AuditEvent.objects.filter(login_scope, action="people.login", outcome=Outcome.OK, at__gte=since)
              .annotate(day=TruncDate("at", tzinfo=tz)).values("day").annotate(n=Count("id")).order_by())
    now = timezone.now()
    materialise_due(now)  # dispatches past their signing deadline count as rows (ADR 0027)
    signing = (Delivery.objects.unscoped(reason="counted within the viewer's scope")
               .filter(scope, sign_due_at__gte=since, sign_due_at__lte=now)
               .aggregate(due=Count("id"), on_time=Count("id", filter=Q(signed_at__isnull=False,
                                                                      signed_at__lte=F("sign_due_at")))))
    deciding = (Step.objects.unscoped(reason="counted within the viewer's scope")
                .filter(scope).filter(Q(decided_at__gte=since) | Q(state="open", due_at__gte=since, due_at__lte=now))
                .aggregate(due=Count("id"), on_time=Count("id", filter=Q(on_time=True))))
    kinds = (Unit.objects.filter(policy.scope_q(actor, org_perms.UNIT_VIEW, "path"), status=UnitStatus.ACTIVE)
             .values("kind").annotate(n=Count("id")).order_by("-n", "kind"))
    return Dashboard(
        has_scope=True, days=days, opened=_per_day(opened, days), logins=_per_day(logins, days),
        rates=[Rate("公文按时签收率", signing["due"], signing["on_time"]),
               Rate("申请审批按时办理率", deciding["due"], deciding["on_time"])],
        kinds=[(str(kind_label(row["kind"])), row["n"]) for row in kinds])

