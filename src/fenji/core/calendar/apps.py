from django.apps import AppConfig


class CalendarConfig(AppConfig):
    """The official working-day calendar (C6.1): one row per non-default day, seeded from a maintained
    library and edited by administrators; ``workdays`` computes deadlines in working days from it.

    The label ``calendar`` does not clash in Django's app registry; no module in this package imports
    Python's standard ``calendar`` module (absolute imports reach the standard library anyway)."""

    name = "fenji.core.calendar"
    label = "calendar"
    verbose_name = "工作日历"

    def ready(self):
        from . import permissions  # noqa: F401  (declares the action codes through the module contract)
