from django.apps import AppConfig


class NotifyConfig(AppConfig):
    """SMS (pluggable backends, sent from the task queue), in-app messages, and the periodic jobs that
    ``fenji worker`` runs (``periodic.register``)."""

    name = "fenji.core.notify"
    label = "notify"
    verbose_name = "消息通知"

    def ready(self):
        from . import periodic, permissions, tasks  # noqa: F401  (permissions: the action, declared)

        periodic.register("notify.prune_task_results", tasks.prune_task_results, every_seconds=24 * 3600)
