"""Writes of the office module: each checks the actor's right at the unit, validates, writes and audits in one
transaction (``@service``)."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.text import checked_text

from . import module as perms
from .models import CheckResult, DutyPeriod, DutyShift, MediumCheck, MediumKind, MediumState, RemovableMedium

DUTY_DAYS_AHEAD = 366  # a roster is planned for the coming year at most


def _text(value, *, label: str, field: str, limit: int, required: bool = False) -> str:
    return checked_text(value, label=label, field=field, limit=limit, required=required)


def _colleague(account, unit, *, field: str, label: str):
    """A staff account of ``unit`` itself (the keeper of a medium, the person on duty)."""
    if account is None or account.unit_id != unit.pk:
        raise DomainError(f"{label}须为本单位人员", field=field)
    if account.kind != "staff" or account.status != "active":
        raise DomainError(f"{label}须为本单位在用的工作人员账号", field=field)
    return account


@service
def medium_register(*, actor, unit, number: str, kind: str, keeper, model_name: str = "", capacity: str = "",
                    dedicated: bool = True, registered_on: datetime.date | None = None) -> RemovableMedium:
    policy.require(actor, perms.MEDIA_MANAGE, unit.path)
    number = _text(number, label="登记编号", field="number", limit=40, required=True)
    if kind not in MediumKind.values:
        raise DomainError("请选择介质类型", field="kind")
    model_name = _text(model_name, label="品牌型号", field="model_name", limit=100)
    capacity = _text(capacity, label="容量", field="capacity", limit=20)
    keeper = _colleague(keeper, unit, field="keeper", label="保管人")
    registered_on = registered_on or timezone.localdate()
    if registered_on > timezone.localdate():
        raise DomainError("登记日期不能晚于今天", field="registered_on")
    if RemovableMedium.objects.unscoped(reason="numbers are unique per unit").filter(
            unit_id=unit.pk, number=number).exists():
        raise DomainError(f"本单位已登记编号为 {number} 的介质", field="number")
    medium = RemovableMedium.objects.create(
        unit=unit, unit_path=unit.path, number=number, kind=kind, model_name=model_name, capacity=capacity,
        keeper=keeper, dedicated=dedicated, registered_on=registered_on, registered_by_id=actor.account_id)
    audit_record(actor=actor, action="office.medium.register", target=medium,
                 details={"number": number, "kind": kind, "keeper": keeper.person.real_name})
    return medium


def _locked(medium: RemovableMedium) -> RemovableMedium:
    return RemovableMedium.objects.unscoped(reason="found in scope").select_for_update().get(pk=medium.pk)


@service
def medium_check(*, actor, medium: RemovableMedium, checked_on: datetime.date, result: str,
                 note: str = "") -> MediumCheck:
    """A virus check recorded; a medium whose virus could not be removed is taken out of use (报废)."""
    policy.require(actor, perms.MEDIA_MANAGE, medium.unit_path)
    medium = _locked(medium)
    if medium.state != MediumState.IN_USE:
        raise DomainError(f"该介质已{medium.get_state_display()}，不能再登记查毒")
    if result not in CheckResult.values:
        raise DomainError("请选择查毒结果", field="result")
    if checked_on > timezone.localdate():
        raise DomainError("查毒日期不能晚于今天", field="checked_on")
    if checked_on < medium.registered_on:
        raise DomainError("查毒日期不能早于登记日期", field="checked_on")
    note = _text(note, label="说明", field="note", limit=200, required=result != CheckResult.CLEAN)
    check = MediumCheck.objects.create(medium=medium, checked_on=checked_on, result=result, note=note,
                                       checked_by_id=actor.account_id)
    fields = []
    if medium.last_checked_on is None or checked_on > medium.last_checked_on:
        medium.last_checked_on = checked_on
        fields.append("last_checked_on")
    if result == CheckResult.QUARANTINED:
        medium.state, medium.state_changed_at = MediumState.RETIRED, timezone.now()
        medium.state_reason = f"查毒：{note}"
        fields += ["state", "state_changed_at", "state_reason"]
    if fields:
        medium.save(update_fields=fields)
    audit_record(actor=actor, action="office.medium.check", target=medium,
                 details={"checked_on": checked_on.isoformat(), "result": result})
    return check


@service
def medium_retire(*, actor, medium: RemovableMedium, state: str, reason: str) -> RemovableMedium:
    """A medium lost or retired: it stays in the register with the reason (a lost one is reported at once)."""
    policy.require(actor, perms.MEDIA_MANAGE, medium.unit_path)
    if state not in (MediumState.LOST, MediumState.RETIRED):
        raise DomainError("请选择丢失或报废", field="state")
    reason = _text(reason, label="说明", field="reason", limit=200, required=True)
    medium = _locked(medium)
    if medium.state != MediumState.IN_USE:
        raise DomainError(f"该介质已{medium.get_state_display()}")
    medium.state, medium.state_changed_at, medium.state_reason = state, timezone.now(), reason
    medium.save(update_fields=["state", "state_changed_at", "state_reason"])
    audit_record(actor=actor, action="office.medium.retire", target=medium, details={"state": state, "reason": reason})
    return medium


@service
def duty_assign(*, actor, unit, day: datetime.date, period: str, account) -> DutyShift:
    policy.require(actor, perms.DUTY_MANAGE, unit.path)
    if period not in DutyPeriod.values:
        raise DomainError("请选择值班时段", field="period")
    today = timezone.localdate()
    if day < today:
        raise DomainError("不能安排已过去的日期", field="day")
    if day > today + datetime.timedelta(days=DUTY_DAYS_AHEAD):
        raise DomainError("最多提前一年安排值班", field="day")
    account = _colleague(account, unit, field="account", label="值班人")
    if DutyShift.objects.unscoped(reason="one shift per person and period").filter(
            unit_id=unit.pk, day=day, period=period, account_id=account.pk).exists():
        raise DomainError(f"{account.person.real_name}已安排在该日该时段", field="account")
    shift = DutyShift.objects.create(unit=unit, unit_path=unit.path, day=day, period=period, account=account,
                                     assigned_by_id=actor.account_id)
    audit_record(actor=actor, action="office.duty.assign", target=shift,
                 details={"day": day.isoformat(), "period": period, "account": account.person.real_name})
    return shift


@service
def duty_remove(*, actor, shift: DutyShift) -> None:
    policy.require(actor, perms.DUTY_MANAGE, shift.unit_path)
    if shift.day < timezone.localdate():
        raise DomainError("已过去的值班记录不能取消")
    name = get_user_model().objects.unscoped(reason="the name for the audit").select_related("person").get(
        pk=shift.account_id).person.real_name
    audit_record(actor=actor, action="office.duty.remove", target=shift,
                 details={"day": shift.day.isoformat(), "period": shift.period, "account": name})
    shift.delete()
