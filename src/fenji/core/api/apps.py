from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "fenji.core.api"
    label = "api"
    verbose_name = "接口"

    def ready(self):
        from . import permissions  # noqa: F401  (its declaration: the labels of its audit events)
