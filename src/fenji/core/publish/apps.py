from django.apps import AppConfig


class PublishConfig(AppConfig):
    """Publishing with review (先审后发): columns (栏目) owned by units, posts reviewed level by level before
    they appear on the phone and, for public columns, on the public pages without login."""

    name = "fenji.core.publish"
    label = "publish"
    verbose_name = "信息发布"

    def ready(self):
        from fenji.core.notify import periodic

        from . import permissions  # noqa: F401  (actions, menu entries, tiles, to-dos)
        from .services import post_publish_due

        periodic.register("publish.scheduled", post_publish_due, every_seconds=60)
