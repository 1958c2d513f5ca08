from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operating the platform: backups and restores (``fenji backup`` / ``fenji restore``) and
    announced maintenance windows (banner on every signed-in page, SMS to the staff in scope). Their
    console pages, and the calendar's, are in ``fenji.core.console``."""

    name = "fenji.core.ops"
    label = "ops"
    verbose_name = "运维"
