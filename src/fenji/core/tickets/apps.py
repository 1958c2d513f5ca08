from django.apps import AppConfig


class TicketsConfig(AppConfig):
    """群众诉求 (政民互动, 随手拍; C8.3): citizens file tickets on boards from the phone; the board's owning unit
    signs, handles and answers them within working-day deadlines; the board's managing unit (the office) reviews
    退单 and 延期; the citizen rates the answer. Every profile may use it; the office module loads its boards."""

    name = "fenji.core.tickets"
    label = "tickets"
    verbose_name = "群众诉求"

    def ready(self):
        from fenji.core.notify import periodic

        from . import permissions  # noqa: F401  (actions, menu entries, to-dos)
        from .alerts import overdue_alerts

        periodic.register("tickets.overdue", overdue_alerts, every_seconds=300)
