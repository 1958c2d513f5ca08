from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.modules import Module, register

from .registry import Duty, declare

GRANT_VIEW = declare("access.grant.view", Duty.SECURITY, "查看授权", read_only=True)
GRANT_CREATE = declare("access.grant.create", Duty.SECURITY, "授予权限")
GRANT_REVOKE = declare("access.grant.revoke", Duty.SECURITY, "撤销权限")
ROLE_VIEW = declare("access.role.view", Duty.SECURITY, "查看角色", read_only=True)
ROLE_MANAGE = declare("access.role.manage", Duty.SECURITY, "管理业务角色")
REGISTRY_VIEW = declare("access.registry.view", Duty.SECURITY, "查看管理员报备", read_only=True)
TOKEN_MANAGE = declare("access.token.manage", Duty.SECURITY, "管理接口令牌")
# Periodic review of the grant log, with findings on record (seed 004 §9(四), C4.3).
GRANT_REVIEW = declare("access.grant.review", Duty.SECURITY, "记录权限定期审查")
AUDIT_VIEW = declare("audit.event.view", Duty.AUDIT, "查看审计日志", read_only=True)

# The audit events of permissions and of the audit log itself that are not action codes above.
AUDIT_LABELS = {
    "access.denied": _("拒绝访问"),
    "access.scope.miss": _("访问范围外的数据（按不存在处理）"),
    "access.grant.export": _("导出授权清单"),
    "audit.event.search": _("查询审计日志"),
    "audit.event.read": _("查看审计事件"),
    "audit.event.export": _("导出审计日志"),
    "audit.purge": _("清理超过保存期限的审计日志"),
}

register(Module("access", "权限", core=True, audit_labels=AUDIT_LABELS))
