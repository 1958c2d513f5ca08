from fenji.core.access.registry import Duty, declare

ACCOUNT_VIEW = declare("people.account.view", Duty.SYSTEM, "查看账号", read_only=True)
ACCOUNT_OPEN = declare("people.account.open", Duty.SYSTEM, "开设账号")
ACCOUNT_UPDATE = declare("people.account.update", Duty.SYSTEM, "变更账号")
ACCOUNT_DISABLE = declare("people.account.disable", Duty.SYSTEM, "停用/启用账号")
