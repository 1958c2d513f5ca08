from fenji.core.access.registry import Duty, declare

MAINTENANCE_VIEW = declare("ops.maintenance.view", Duty.SYSTEM, "查看系统维护", read_only=True)
MAINTENANCE_MANAGE = declare("ops.maintenance.manage", Duty.SYSTEM, "安排系统维护")
