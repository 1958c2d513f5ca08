"""The console's write to the alert rules (``notify.alerts``, the page 提醒设置): ``notify.alert.manage``
over a whole top-level unit first (the rules are one for the platform: a county's system administrator
may not change them), then the write and its audit event with the values before and after."""

from fenji.core.access import policy
from fenji.core.access.models import Reach
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.kernel.errors import AccessDenied, DomainError
from fenji.core.kernel.paths import depth_of
from fenji.core.notify import alerts
from fenji.core.notify.permissions import ALERT_MANAGE

RULE_UPDATE = "notify.alert_rule.update"
PLATFORM_WIDE = "提醒设置全平台通用，只有最上级单位的系统管理员可以修改"


def can_manage(actor) -> bool:
    if actor is policy.SYSTEM:
        return True
    return any(ALERT_MANAGE in g.actions and g.reach == Reach.SUBTREE and depth_of(g.unit_path) == 1
               for g in getattr(actor, "grants", ()))


def require_manage(actor) -> None:
    policy.require(actor, ALERT_MANAGE)
    if not can_manage(actor):
        raise AccessDenied(PLATFORM_WIDE, rule="out_of_scope", action=ALERT_MANAGE)


def _values(rule: alerts.Rule) -> dict:
    return {"sms": rule.sms, "lead_minutes": rule.lead_minutes}


@service
def alert_rule_update(*, actor, kind: str, sms: bool, lead_minutes: int | None = None) -> alerts.Rule:
    """Set whether alerts of ``kind`` go by SMS too and, for a due-soon kind, how many minutes before the
    deadline they come."""
    require_manage(actor)
    declared = alerts.declared(kind)
    if declared is None:
        raise DomainError("没有这种提醒类型", field="kind")
    if declared.lead_minutes is not None:
        if lead_minutes is None:
            raise DomainError("请填写到期前多少分钟提醒", field="lead_minutes")
        if not 1 <= int(lead_minutes) <= alerts.LEAD_MAX_MINUTES:
            raise DomainError(f"到期前提醒应为 1 至 {alerts.LEAD_MAX_MINUTES} 分钟", field="lead_minutes")
        lead_minutes = int(lead_minutes)
    else:
        lead_minutes = None
    before, after = alerts.rule_write(kind=kind, sms=bool(sms), lead_minutes=lead_minutes)
    audit_record(actor=actor, action=RULE_UPDATE, target_type="notify.alertrule", target_id=kind, details={
        "kind": kind, "label": str(declared.label), "before": _values(before), "after": _values(after)})
    return after
