from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "fenji.core.people"
    label = "people"
    verbose_name = "人员账号"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from fenji.core.access import permissions as access_perms
        from fenji.core.web import nav

        from . import member_import  # noqa: F401  (declares the member import and its background job)
        from . import permissions as perms
        from .requests import register_all

        register_all()

        nav.register(_("账号管理"), "people:accounts", action=perms.ACCOUNT_VIEW, order=20)
        nav.register(_("授权管理"), "grants:list", action=access_perms.GRANT_VIEW, order=30)
        nav.register(_("角色"), "grants:roles", action=access_perms.ROLE_VIEW, order=31)
        nav.register(_("管理员报备"), "grants:registry", action=access_perms.REGISTRY_VIEW, order=32)
        nav.register(_("账户台账"), "ledgers:accounts", action=perms.ACCOUNT_VIEW, order=33)
        nav.register(_("权限台账"), "ledgers:permissions", action=access_perms.GRANT_VIEW, order=34)
        nav.register(_("权限审查"), "ledgers:reviews", action=access_perms.GRANT_VIEW, order=35)
        nav.register(_("审计日志"), "auditlog:list", action=access_perms.AUDIT_VIEW, order=40)
        nav.register(_("个人信息"), "people:profile", order=90)
