from django.apps import AppConfig


class MfaConfig(AppConfig):
    name = "fenji.core.mfa"
    label = "mfa"
    verbose_name = "动态口令"

    def ready(self):
        from . import permissions  # noqa: F401  (its declaration: the labels of its audit events)
