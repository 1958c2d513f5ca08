from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "fenji.core.api"
    label = "api"
    verbose_name = "接口"
