from django.utils.translation import gettext_lazy as _

from fenji.core.access.registry import Duty, declare
from fenji.core.kernel.modules import Module, RoleShare, register

UNIT_VIEW = declare("org.unit.view", Duty.BUSINESS, "查看组织机构", read_only=True)
UNIT_CREATE = declare("org.unit.create", Duty.SYSTEM, "新建单位")
UNIT_UPDATE = declare("org.unit.update", Duty.SYSTEM, "修改单位")
UNIT_MOVE = declare("org.unit.move", Duty.SYSTEM, "迁移单位")
UNIT_REVOKE = declare("org.unit.revoke", Duty.SYSTEM, "撤销单位")

# What the built-in roles get of these actions (the module contract, ``kernel.modules``).
AUDIT_LABELS = {"org.unit.import": _("导入行政区划单位")}

register(Module("org", "组织机构", core=True, audit_labels=AUDIT_LABELS, role_shares=(
    RoleShare("system_admin", (UNIT_VIEW, UNIT_CREATE, UNIT_UPDATE, UNIT_MOVE, UNIT_REVOKE)),
    *(RoleShare(role, (UNIT_VIEW,)) for role in ("security_admin", "auditor", "account_admin", "permission_admin",
                                                 "operator", "staff", "dept_head", "unit_leader")),
)))
