"""The alert rules' action code. ``notify`` sits below ``access`` in the layers, so it declares it through
the module contract (``kernel.modules``); the console's page and service (``console.alert_services``)
enforce it, over a whole top-level unit (the rules are one for the platform)."""

from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.modules import ActionDecl, Module, RoleShare, register

ALERT_MANAGE = "notify.alert.manage"

AUDIT_LABELS = {
    "notify.alert_rule.update": _("修改提醒设置"),
}

register(Module("notify", "消息通知", core=True, audit_labels=AUDIT_LABELS, actions=(
    ActionDecl(ALERT_MANAGE, "设置提醒（短信、到期前提醒时间）", "system"),
), role_shares=(
    RoleShare("system_admin", (ALERT_MANAGE,)),
)))
