from fenji.core.access.registry import Duty, declare
from fenji.core.kernel.modules import Module, RoleShare, register

ACCOUNT_VIEW = declare("people.account.view", Duty.SYSTEM, "查看账号", read_only=True)
ACCOUNT_OPEN = declare("people.account.open", Duty.SYSTEM, "开设账号")
ACCOUNT_UPDATE = declare("people.account.update", Duty.SYSTEM, "变更账号")
ACCOUNT_DISABLE = declare("people.account.disable", Duty.SYSTEM, "停用/启用账号")
# Full ID and mobile numbers instead of the masked ones; every use is audited (等保 8.1.4.11).
PERSON_UNMASK = declare("people.person.unmask", Duty.SYSTEM, "查看完整身份证号码和手机号码")
ACCOUNT_WRITE = (ACCOUNT_OPEN, ACCOUNT_UPDATE, ACCOUNT_DISABLE)

# What the built-in roles get of these actions (the module contract, ``kernel.modules``); opening, changing
# and disabling accounts is the account duty of seed 004 §6 (``access.rules.ACCOUNT_DUTY``).
register(Module("people", "人员账号", core=True, duty_marks={"account": ACCOUNT_WRITE}, role_shares=(
    *(RoleShare(role, (ACCOUNT_VIEW, *ACCOUNT_WRITE, PERSON_UNMASK)) for role in ("system_admin", "account_admin")),
    *(RoleShare(role, (ACCOUNT_VIEW,)) for role in ("security_admin", "auditor", "permission_admin", "dept_head",
                                                    "unit_leader")),
)))
