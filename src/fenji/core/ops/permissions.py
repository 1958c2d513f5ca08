from fenji.core.access.registry import Duty, declare
from fenji.core.kernel.modules import Module, RoleShare, register

MAINTENANCE_VIEW = declare("ops.maintenance.view", Duty.SYSTEM, "查看系统维护", read_only=True)
MAINTENANCE_MANAGE = declare("ops.maintenance.manage", Duty.SYSTEM, "安排系统维护")

# What the built-in roles get of these actions (the module contract, ``kernel.modules``).
register(Module("ops", "运维", core=True, role_shares=(
    RoleShare("system_admin", (MAINTENANCE_VIEW, MAINTENANCE_MANAGE)),
)))
