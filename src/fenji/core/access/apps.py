from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "fenji.core.access"
    label = "access"
    verbose_name = "权限"

    def ready(self):
        from . import permissions  # noqa: F401  (declares the app's action codes)
