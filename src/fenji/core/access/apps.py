from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "fenji.core.access"
    label = "access"
    verbose_name = "权限"

    def ready(self):
        from . import checks, permissions  # noqa: F401  (action codes; role consistency check)
