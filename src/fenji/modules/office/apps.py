from django.apps import AppConfig


class OfficeConfig(AppConfig):
    name = "fenji.modules.office"
    label = "office"
    verbose_name = "政务办公"
