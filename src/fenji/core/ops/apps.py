from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operating the platform: backups and restores (``fenji backup`` / ``fenji restore``) and
    announced maintenance windows (banner on every signed-in page, SMS to the staff in scope)."""

    name = "fenji.core.ops"
    label = "ops"
    verbose_name = "运维"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from fenji.core.calendar.permissions import DAY_VIEW as CALENDAR_DAY_VIEW
        from fenji.core.web import nav

        from . import permissions as perms

        nav.register(_("系统维护"), "ops:maintenance", action=perms.MAINTENANCE_VIEW, order=60)
        nav.register(_("工作日历"), "ops:calendar", action=CALENDAR_DAY_VIEW, order=55)
