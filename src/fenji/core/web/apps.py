from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "fenji.core.web"
    label = "web"
    verbose_name = "界面"
