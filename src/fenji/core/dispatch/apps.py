from django.apps import AppConfig


class DispatchConfig(AppConfig):
    """Documents down (发文: notices, meeting notices, documents, feedback items fanned out to units,
    signed for and answered within deadlines) and their tracking, reminders and bulletins (C7.1,
    C7.3, C7.4)."""

    name = "fenji.core.dispatch"
    label = "dispatch"
    verbose_name = "公文通知"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from fenji.core.notify import periodic
        from fenji.core.web import nav

        from . import permissions as perms
        from .reminders import send_due_reminders

        nav.register(_("收文"), "dispatch:inbox", action=perms.DELIVERY_HANDLE, order=16, group="dispatch")
        nav.register(_("发文"), "dispatch:list", action=perms.DISPATCH_SEND, order=17, group="dispatch")
        nav.register(_("收文通报"), "dispatch:bulletin", action=perms.DISPATCH_SEND, order=18, group="dispatch")
        periodic.register("dispatch.reminders", send_due_reminders, every_seconds=60)
