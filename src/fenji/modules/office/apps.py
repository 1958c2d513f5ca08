from django.apps import AppConfig


class OfficeConfig(AppConfig):
    name = "fenji.modules.office"
    label = "office"
    verbose_name = "政务办公"

    def ready(self):
        from fenji.core.kernel import modules

        from .module import MODULE

        modules.register(MODULE)
