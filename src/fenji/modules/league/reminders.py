"""The organisations' deadline reminder (seed 002: a new organisation entered within 30 working days of its approval,
a revocation carried out within 15 of its decision): once a deadline is within the lead time of the alert kind
``league.org_due`` (set on 提醒设置; five days by default) or past, the holders of ``league.org.manage`` at the
organisation and the organisations above it are told, once per organisation and deadline. A periodic job of the
module; the to-do list names the same organisations."""

import datetime

from django.db.models import Q
from django.utils import timezone

from fenji.core.kernel.paths import ancestor_paths
from fenji.core.notify.alerts import Alert, alert_send, rule_for
from fenji.core.org.models import Unit
from fenji.core.people.holders import holders_by_unit

from . import module as perms
from .models import Organisation

KIND = "league.org_due"


def _end_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(17, 30)))


def org_reminders(now: datetime.datetime | None = None) -> int:
    """Tell the organisations' managers of the entries and revocations due within the lead time (or overdue);
    returns how many people were told (nobody twice for one deadline)."""
    now = now or timezone.now()
    rule = rule_for(KIND)
    horizon = timezone.localdate(now + rule.lead)
    rows = list(Organisation.objects.unscoped(reason="the periodic reminder reads every open deadline")
                .filter(Q(entry_done_on__isnull=True, entry_due__lte=horizon)
                        | Q(revoke_decided_on__isnull=False, revoked_on__isnull=True, revoke_due__lte=horizon))
                .select_related("unit")[:2000])
    if not rows:
        return 0
    paths = {p for org in rows for p in (org.unit_path, *ancestor_paths(org.unit_path))}
    unit_by_path = dict(Unit.objects.filter(path__in=paths).values_list("path", "pk"))
    holders = holders_by_unit(perms.ORG_MANAGE, unit_by_path.values())
    sent = 0
    for org in rows:
        people = [a for p in (org.unit_path, *ancestor_paths(org.unit_path)) for a in holders.get(unit_by_path.get(p), [])]
        if org.entry_done_on is None and org.entry_due <= horizon:
            alert = Alert(kind=KIND, title=f"“{org.unit.name}”的成立批复待上传",
                          body=f"新建团组织应于 {org.entry_due:%Y-%m-%d} 前完成录入并上传成立批复文件",
                          link=f"/league/orgs/{org.pk}/")
            sent += alert_send(recipients=people, alert=alert, rule=rule, dedupe_key=f"{KIND}.entry.{org.pk}")
        if org.revoke_decided_on is not None and org.revoked_on is None and org.revoke_due <= horizon:
            alert = Alert(kind=KIND, title=f"“{org.unit.name}”待办理撤销",
                          body=f"撤销决定 {org.revoke_ref} 应于 {org.revoke_due:%Y-%m-%d} 前办理完毕（须先转出全部团员）",
                          link=f"/league/orgs/{org.pk}/")
            sent += alert_send(recipients=people, alert=alert, rule=rule, dedupe_key=f"{KIND}.revoke.{org.pk}")
    return sent


REMIT_KIND = "league.remit_due"


def remit_reminders(now: datetime.datetime | None = None) -> int:
    """Tell the dues managers of each organisation holding collected dues whose remittance deadline (5 working days
    from a payment at a branch, 10 from a confirmation above) is within the lead time of ``league.remit_due`` or
    past; once per organisation and earliest receipt. Returns how many people were told."""
    from . import remit
    from .models import DuesBill, RemitState, Remittance

    now = now or timezone.now()
    rule = rule_for(REMIT_KIND)
    horizon = timezone.localdate(now + rule.lead)
    collected = (DuesBill.objects.unscoped(reason="the periodic reminder reads every collection not yet remitted")
                 .filter(paid_at__isnull=False, remittance__isnull=True).values_list("unit_id", flat=True).distinct())
    received = (Remittance.objects.unscoped(reason="the periodic reminder reads every receipt not yet passed on")
                .filter(state=RemitState.CONFIRMED, passed_on__isnull=True).values_list("to_unit_id", flat=True)
                .distinct())
    units = list(Unit.objects.filter(pk__in={*collected[:2000], *received[:2000]}, parent__isnull=False))
    holders = holders_by_unit(perms.DUES_MANAGE, [u.pk for u in units])
    holdings = remit.holdings(units)
    sent = 0
    for unit in units:
        held = holdings[unit.pk]
        if held["due_on"] is None or held["due_on"] > horizon:
            continue
        alert = Alert(kind=REMIT_KIND, title=f"“{unit.name}”的团费待上缴",
                      body=f"已收缴 {held['collected']} 元，应于 {held['due_on']:%Y-%m-%d} 前上缴上级团组织",
                      link="/league/remittances/")
        sent += alert_send(recipients=holders.get(unit.pk, []), alert=alert, rule=rule,
                           dedupe_key=f"{REMIT_KIND}.{unit.pk}.{held['received_on']:%Y%m%d}")
    return sent
