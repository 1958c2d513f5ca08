from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    """监督考核 (C9): the upper level checks the lower — usage statistics rolled up over the subtree,
    inspections with rectification notices, sampling audits of registered record types (≥10%), and the
    assessment of lower units on the indicators the core and the live modules register."""

    name = "fenji.core.supervision"
    label = "supervision"
    verbose_name = "监督考核"

    def ready(self):
        from fenji.core.notify import periodic

        from . import permissions  # noqa: F401  (actions, menu entries, to-dos)
        from .alerts import overdue_alerts
        from .usage import usage_rebuild_recent

        periodic.register("supervision.overdue", overdue_alerts, every_seconds=600)
        periodic.register("supervision.usage", usage_rebuild_recent, every_seconds=3600)
