from django.apps import AppConfig


class LaborConfig(AppConfig):
    name = "fenji.modules.labor"
    label = "labor"
    verbose_name = "劳动力资源"

    def ready(self):
        from fenji.core.kernel import modules

        from .module import MODULE

        modules.register(MODULE)
