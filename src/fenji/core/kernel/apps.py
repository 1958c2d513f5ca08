from django.apps import AppConfig


class KernelConfig(AppConfig):
    name = "fenji.core.kernel"
    label = "kernel"
    verbose_name = "内核"
