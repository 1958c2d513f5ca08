from django.apps import AppConfig


class VeteransConfig(AppConfig):
    name = "fenji.modules.veterans"
    label = "veterans"
    verbose_name = "离退休干部服务"

    def ready(self):
        from fenji.core.kernel import modules

        from . import elder_import  # noqa: F401  (declares its import job, which the worker runs)
        from .module import MODULE

        modules.register(MODULE)
