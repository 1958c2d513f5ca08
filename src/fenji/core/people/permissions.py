from fenji.core.access.registry import Duty, declare

ACCOUNT_VIEW = declare("people.account.view", Duty.SYSTEM, "查看账号", read_only=True)
ACCOUNT_OPEN = declare("people.account.open", Duty.SYSTEM, "开设账号")
ACCOUNT_UPDATE = declare("people.account.update", Duty.SYSTEM, "变更账号")
ACCOUNT_DISABLE = declare("people.account.disable", Duty.SYSTEM, "停用/启用账号")
# Full ID and mobile numbers instead of the masked ones; every use is audited (等保 8.1.4.11).
PERSON_UNMASK = declare("people.person.unmask", Duty.SYSTEM, "查看完整身份证号码和手机号码")
