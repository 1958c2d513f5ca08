from django.apps import AppConfig


class FilesConfig(AppConfig):
    """Attachments: uploads checked by content against a whitelist, stored content-addressed under
    ``settings.FILES_DIR`` (outside the web root), downloaded only as attachments within scope."""

    name = "fenji.core.files"
    label = "files"
    verbose_name = "附件"

    def ready(self):
        from . import permissions  # noqa: F401  (declares the action codes)
