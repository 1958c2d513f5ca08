from fenji.core.access.registry import Duty, declare

UNIT_VIEW = declare("org.unit.view", Duty.BUSINESS, "查看组织机构", read_only=True)
UNIT_CREATE = declare("org.unit.create", Duty.SYSTEM, "新建单位")
UNIT_UPDATE = declare("org.unit.update", Duty.SYSTEM, "修改单位")
UNIT_MOVE = declare("org.unit.move", Duty.SYSTEM, "迁移单位")
UNIT_REVOKE = declare("org.unit.revoke", Duty.SYSTEM, "撤销单位")
