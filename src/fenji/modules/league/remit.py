"""团费上缴和使用 (seed 002; design/domain/league.md §3): a branch remits what it collected (its paid bills not yet
remitted) to its parent within 5 working days of the payment; each higher level remits what it received (the
confirmed remittances it has not passed on) to its parent within 10 working days of its confirmation. The
organisation keeps its 留存比例 (its record, else ``FENJI_LEAGUE_RETENTION_PCT``); the receiver — an administrator
of the parent unit itself — confirms. What an organisation retained it uses by its collective decision, published
to its members. Each write checks, writes and audits in one transaction."""

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.db.models import Min, Sum
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.calendar.workdays import add_working_days
from fenji.core.kernel.errors import AccessDenied, DomainError
from fenji.core.kernel.text import normalise_number
from fenji.core.org.models import Unit

from . import module as perms
from .models import DuesBill, DuesUse, Organisation, RemitState, Remittance
from .services import BRANCH_KINDS, _text

BRANCH_REMIT_DAYS = 5  # working days from a member's payment to the branch's remittance
UPPER_REMIT_DAYS = 10  # working days from a higher level's confirmation to its own remittance
CENT = Decimal("0.01")


def _money(value, label: str, field: str) -> Decimal:
    try:  # full-width digits and thousands separators as the other amounts of the module take them
        amount = Decimal(normalise_number(str(value).strip()).replace(",", "")) if value not in (None, "") else None
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or not amount.is_finite():
        raise DomainError(f"请填写{label}", field=field)
    return amount


def retention_pct(unit: Unit) -> Decimal:
    """The organisation's 留存比例 (%): its record's, else the deployment's default."""
    own = (Organisation.objects.unscoped(reason="the organisation's own retention ratio").filter(unit_id=unit.pk)
           .values_list("retention_pct", flat=True).first())
    pct = own if own is not None else Decimal(str(settings.FENJI_LEAGUE_RETENTION_PCT))
    if not Decimal(0) <= pct <= Decimal(100):
        raise DomainError(f"留存比例 {pct}% 无效，应在 0 至 100 之间")
    return pct


def split(collected: Decimal, pct: Decimal) -> tuple[Decimal, Decimal]:
    """(retained, remitted) of ``collected`` at ``pct`` per cent, the retained part half-up to the fen."""
    retained = (collected * pct / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)
    return retained, collected - retained


def _is_branch(unit: Unit) -> bool:
    return unit.kind in BRANCH_KINDS


def _pending_bills(unit: Unit):
    return DuesBill.objects.unscoped(reason="the branch's collected bills").filter(
        unit_id=unit.pk, paid_at__isnull=False, remittance__isnull=True)


def _pending_sources(unit: Unit):
    return Remittance.objects.unscoped(reason="the remittances the organisation received").filter(
        to_unit_id=unit.pk, state=RemitState.CONFIRMED, passed_on__isnull=True)


def _held(total, first: datetime.date | None, days: int) -> dict:
    return {"collected": Decimal(total or 0).quantize(CENT), "received_on": first,
            "due_on": add_working_days(first, days, provisional=True) if first else None}


def holdings(units) -> dict[int, dict]:
    """What each of ``units`` holds to remit — the amount collected, the earliest receipt and the deadline it sets
    (None when nothing waits) — in two grouped queries, whatever the number of units."""
    branches = [u.pk for u in units if _is_branch(u)]
    uppers = [u.pk for u in units if not _is_branch(u)]
    held = {}
    bills = (DuesBill.objects.unscoped(reason="the branches' collected bills").order_by()
             .filter(unit_id__in=branches, paid_at__isnull=False, remittance__isnull=True)
             .values("unit_id").annotate(total=Sum("amount"), first=Min("paid_at")))
    for row in bills:
        held[row["unit_id"]] = _held(row["total"], timezone.localdate(row["first"]), BRANCH_REMIT_DAYS)
    received = (Remittance.objects.unscoped(reason="the remittances the organisations received").order_by()
                .filter(to_unit_id__in=uppers, state=RemitState.CONFIRMED, passed_on__isnull=True)
                .values("to_unit_id").annotate(total=Sum("amount"), first=Min("confirmed_on")))
    for row in received:
        held[row["to_unit_id"]] = _held(row["total"], row["first"], UPPER_REMIT_DAYS)
    return {u.pk: held.get(u.pk) or _held(None, None, 0) for u in units}


def pending(unit: Unit) -> dict:
    """What ``unit`` holds to remit (``holdings`` of one unit)."""
    return holdings([unit])[unit.pk]


@service
def remittance_create(*, actor, unit: Unit, amount=None, note: str = "") -> Remittance:
    """``unit`` remits what it collected to its parent, keeping its 留存比例. ``amount``, when given, is what the
    remitter means to remit: more than was collected, or other than the collection less the retention, is refused."""
    policy.require(actor, perms.DUES_MANAGE, unit.path)
    if unit.parent_id is None:
        raise DomainError(f"“{unit.name}”没有上级团组织，团费不再上缴")
    unit = Unit.objects.select_for_update().get(pk=unit.pk)  # one remittance of an organisation at a time
    sources = _pending_bills(unit) if _is_branch(unit) else _pending_sources(unit)
    rows = list(sources.select_for_update().order_by("pk").values_list("pk", flat=True))
    if not rows:
        raise DomainError("没有待上缴的团费：已上缴的团费不能重复上缴")
    held = pending(unit)
    collected = held["collected"]
    pct = retention_pct(unit)
    retained, remitted = split(collected, pct)
    if amount is not None and amount != "":
        asked = _money(amount, "上缴金额", "amount")
        asked = asked.quantize(CENT, rounding=ROUND_HALF_UP)
        if asked > collected:
            raise DomainError(f"上缴金额 {asked} 元超过已收缴的 {collected} 元", field="amount")
        if asked != remitted:
            raise DomainError(f"应上缴 {remitted} 元（收缴 {collected} 元，按留存比例 {pct}% 留存 {retained} 元）",
                              field="amount")
    today = timezone.localdate()
    remittance = Remittance.objects.create(
        unit=unit, unit_path=unit.path, to_unit_id=unit.parent_id, collected=collected, retention_pct=pct,
        retained=retained, amount=remitted, received_on=held["received_on"], due_on=held["due_on"],
        remitted_on=today, note=_text(note, "说明", "note", 200, required=False), created_by_id=actor.account_id)
    sources.model.objects.unscoped(reason="the rows just locked").filter(pk__in=rows).update(
        **({"remittance": remittance} if _is_branch(unit) else {"passed_on": remittance}))
    audit_record(actor=actor, action="league.remit.create", target=remittance,
                 details={"to": remittance.to_unit.name, "collected": str(collected), "retention_pct": str(pct),
                          "retained": str(retained), "amount": str(remitted), "rows": len(rows),
                          "due_on": remittance.due_on.isoformat(), "late": remittance.late})
    return remittance


@service
def remittance_confirm(*, actor, remittance: Remittance) -> Remittance:
    """The receiver confirms the remittance arrived: an administrator of the receiving unit itself, once."""
    remittance = Remittance.objects.unscoped(reason="found in scope").select_for_update(of=("self",)).get(
        pk=remittance.pk)
    to_unit = remittance.to_unit
    if actor.unit_id != to_unit.pk or not policy.can(actor, perms.DUES_MANAGE, to_unit.path):
        raise AccessDenied(f"只能由接收单位“{to_unit.name}”的团费管理人员确认", rule="remit_receiver",
                           action=perms.DUES_MANAGE)
    if remittance.state == RemitState.CONFIRMED:
        raise DomainError(f"该上缴已于 {remittance.confirmed_on:%Y-%m-%d} 确认，不能重复确认")
    remittance.state, remittance.confirmed_on = RemitState.CONFIRMED, timezone.localdate()
    remittance.confirmed_by_id = actor.account_id
    remittance.save(update_fields=["state", "confirmed_on", "confirmed_by_id"])
    audit_record(actor=actor, action="league.remit.confirm", target=remittance,
                 details={"from": remittance.unit.name, "amount": str(remittance.amount)})
    return remittance


def balance(unit: Unit) -> Decimal:
    """What the organisation retained and has not yet used (the top of the tree, remitting to nobody, keeps all
    it received)."""
    retained = (Remittance.objects.unscoped(reason="the organisation's own retention").filter(unit_id=unit.pk)
                .aggregate(total=Sum("retained"))["total"] or Decimal(0))
    if unit.parent_id is None:
        retained += _pending_sources(unit).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    used = (DuesUse.objects.unscoped(reason="the organisation's own uses").filter(unit_id=unit.pk)
            .aggregate(total=Sum("amount"))["total"] or Decimal(0))
    return (Decimal(retained) - Decimal(used)).quantize(CENT)


@service
def dues_use_record(*, actor, unit: Unit, amount, purpose: str, decided_on: datetime.date,
                    decision_ref: str) -> DuesUse:
    """团费使用 by the organisation's collective decision (its date and reference), published to its members; never
    more than it retained and has not yet used."""
    policy.require(actor, perms.DUES_MANAGE, unit.path)
    amount = _money(amount, "金额", "amount")
    if amount <= 0 or amount != amount.quantize(CENT):
        raise DomainError("金额应大于 0，最多两位小数", field="amount")
    purpose = _text(purpose, "用途", "purpose", 200)
    decision_ref = _text(decision_ref, "集体决定文号或会议记录", "decision_ref", 100)
    if decided_on is None or decided_on > timezone.localdate():
        raise DomainError("集体决定日期不能晚于今天", field="decided_on")
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    left = balance(unit)
    if amount > left:
        raise DomainError(f"使用金额 {amount} 元超过本组织留存团费结余 {left} 元", field="amount")
    use = DuesUse.objects.create(unit=unit, unit_path=unit.path, amount=amount, purpose=purpose,
                                 decided_on=decided_on, decision_ref=decision_ref, created_by_id=actor.account_id)
    audit_record(actor=actor, action="league.dues_use.record", target=use,
                 details={"amount": str(amount), "purpose": purpose, "decided_on": decided_on.isoformat(),
                          "decision_ref": decision_ref, "balance_before": str(left)})
    return use
