from django.utils.translation import gettext_lazy as _

from fenji.core.access.registry import Duty, declare
from fenji.core.kernel.modules import Module, RoleShare, register

ACCOUNT_VIEW = declare("people.account.view", Duty.SYSTEM, "查看账号", read_only=True)
ACCOUNT_OPEN = declare("people.account.open", Duty.SYSTEM, "开设账号")
ACCOUNT_UPDATE = declare("people.account.update", Duty.SYSTEM, "变更账号")
ACCOUNT_DISABLE = declare("people.account.disable", Duty.SYSTEM, "停用/启用账号")
# Full ID and mobile numbers instead of the masked ones; every use is audited (等保 8.1.4.11).
PERSON_UNMASK = declare("people.person.unmask", Duty.SYSTEM, "查看完整身份证号码和手机号码")
ACCOUNT_WRITE = (ACCOUNT_OPEN, ACCOUNT_UPDATE, ACCOUNT_DISABLE)
# Who is signed in now, and signing an account out by force (安全保密管理员: 在线用户, 强制下线).
SESSION_MANAGE = declare("people.session.manage", Duty.SECURITY, "查看在线用户并强制下线")

# What the built-in roles get of these actions (the module contract, ``kernel.modules``); opening, changing
# and disabling accounts is the account duty of seed 004 §6 (``access.rules.ACCOUNT_DUTY``).
# The audit events of this app that are not action codes above (signing in and out, exports, imports).
AUDIT_LABELS = {
    "people.login": _("登录"),
    "people.login.password": _("登录（密码验证通过）"),
    "people.login.second_factor": _("登录（动态口令验证通过）"),
    "people.login.locked": _("登录被锁定"),
    # Signing in through the external identity provider (电子社保卡扫码登录, ``external.py``): one code per outcome.
    "people.login.external": _("登录（外部身份认证通过）"),
    "people.login.external.no_match": _("外部身份登录被拒绝：无对应账号"),
    "people.login.external.several": _("外部身份登录被拒绝：对应多个账号"),
    "people.login.external.inactive": _("外部身份登录被拒绝：账号已停用"),
    "people.login.external.mobile_only": _("外部身份登录被拒绝：账号只能在移动端登录"),
    "people.login.external.locked": _("外部身份登录被拒绝：账号已锁定"),
    "people.login.external.admin_terminal": _("外部身份登录被拒绝：非管理终端"),
    "people.login.external.bad_state": _("外部身份登录被拒绝：state 无效或已使用"),
    "people.login.external.bad_nonce": _("外部身份登录被拒绝：nonce 不符"),
    "people.login.external.bad_token": _("外部身份登录被拒绝：ID 令牌校验未通过"),
    "people.login.external.no_id_number": _("外部身份登录被拒绝：未返回有效身份证号码"),
    "people.login.external.code_rejected": _("外部身份登录被拒绝：授权码过期或已使用"),
    "people.login.external.idp_error": _("外部身份登录被拒绝：身份认证平台返回错误"),
    "people.login.external.unreachable": _("外部身份登录失败：无法连接身份认证平台"),
    "people.logout": _("退出登录"),
    "people.session.end": _("会话结束"),
    "people.password.change": _("修改密码"),
    "people.account.export": _("导出账号清单"),
    "people.account.import": _("批量导入成员账号"),
    "people.account.stale_review": _("长期未登录账号审查"),
    "people.data_key.rotate": _("轮换个人信息加密密钥"),
    "people.session.sign_out": _("强制下线"),
    "people.sms_code.send": _("获取短信验证码"),
    "people.password.reset_by_code": _("凭短信验证码找回密码"),
    "people.account.activate": _("凭短信验证码激活账号"),
    "people.account.signup": _("群众凭短信验证码注册账号"),
    "people.password.reset": _("管理员重置密码"),
    "people.account.activation_invite": _("发送激活短信"),
    "people.account.activation_invite_import": _("向批量导入的成员发送激活短信"),
    "people.person.correct": _("更正姓名或身份证号码"),
    "people.account.move": _("账号调动到其他单位"),
    "people.account.disable_batch": _("批量停用账号"),
}

register(Module("people", "人员账号", core=True, audit_labels=AUDIT_LABELS, duty_marks={"account": ACCOUNT_WRITE}, role_shares=(
    *(RoleShare(role, (ACCOUNT_VIEW, *ACCOUNT_WRITE, PERSON_UNMASK)) for role in ("system_admin", "account_admin")),
    RoleShare("security_admin", (SESSION_MANAGE,)),
    *(RoleShare(role, (ACCOUNT_VIEW,)) for role in ("security_admin", "auditor", "permission_admin", "dept_head",
                                                    "unit_leader")),
)))
