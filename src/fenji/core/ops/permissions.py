from django.utils.translation import gettext_lazy as _

from fenji.core.access.registry import Duty, declare
from fenji.core.kernel.modules import Module, RoleShare, register

MAINTENANCE_VIEW = declare("ops.maintenance.view", Duty.SYSTEM, "查看系统维护", read_only=True)
MAINTENANCE_MANAGE = declare("ops.maintenance.manage", Duty.SYSTEM, "安排系统维护")

# What the built-in roles get of these actions (the module contract, ``kernel.modules``).
AUDIT_LABELS = {
    "ops.maintenance.schedule": _("安排系统维护"),
    "ops.maintenance.cancel": _("取消系统维护"),
    "ops.maintenance.notify": _("发送维护通知短信"),
    "ops.maintenance.notify_cancel": _("发送维护取消短信"),
}

register(Module("ops", "运维", core=True, audit_labels=AUDIT_LABELS, role_shares=(
    RoleShare("system_admin", (MAINTENANCE_VIEW, MAINTENANCE_MANAGE)),
)))
