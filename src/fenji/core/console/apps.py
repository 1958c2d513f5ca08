from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    """The console pages that join several apps: grants, roles and the administrator registry, the
    ledgers and grant reviews, the audit viewer, the calendar and maintenance pages, and the account and
    permission request types. Domain apps own their models, services, selectors and permissions; a page
    that needs several of them lives here (or in a module)."""

    name = "fenji.core.console"
    label = "console"
    verbose_name = "管理控制台"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from fenji.core.access import permissions as access_perms
        from fenji.core.calendar.permissions import DAY_VIEW as CALENDAR_DAY_VIEW
        from fenji.core.ops import permissions as ops_perms
        from fenji.core.org import permissions as org_perms
        from fenji.core.people import permissions as people_perms
        from fenji.core.web import nav

        from . import (
            alert_services,
            permissions,  # noqa: F401  (its declaration: audit labels)
        )
        from .requests import register_all

        register_all()

        nav.register(_("统计概览"), "dashboard:page", action=org_perms.UNIT_VIEW, order=5)
        nav.register(_("授权管理"), "grants:list", action=access_perms.GRANT_VIEW, order=30, group="access")
        nav.register(_("角色"), "grants:roles", action=access_perms.ROLE_VIEW, order=31, group="access")
        nav.register(_("管理员报备"), "grants:registry", action=access_perms.REGISTRY_VIEW, order=32, group="access")
        nav.register(_("账户台账"), "ledgers:accounts", action=people_perms.ACCOUNT_VIEW, order=33, group="org")
        nav.register(_("权限台账"), "ledgers:permissions", action=access_perms.GRANT_VIEW, order=34, group="access")
        nav.register(_("权限审查"), "ledgers:reviews", action=access_perms.GRANT_VIEW, order=35, group="access")
        nav.register(_("审计日志"), "auditlog:list", action=access_perms.AUDIT_VIEW, order=40, group="audit")
        nav.register(_("在线用户"), "online:list", action=people_perms.SESSION_MANAGE, order=41, group="audit")
        nav.register(_("工作日历"), "ops:calendar", action=CALENDAR_DAY_VIEW, order=55, group="system")
        nav.register(_("系统维护"), "ops:maintenance", action=ops_perms.MAINTENANCE_VIEW, order=60, group="system")
        # Shown only to whom may use it: the rules are the top-level system administrator's (a county's
        # holds the action too).
        nav.register(_("提醒设置"), "ops:alerts", action=alert_services.can_manage, order=62, group="system")
