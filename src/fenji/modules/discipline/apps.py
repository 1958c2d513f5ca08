from django.apps import AppConfig


class DisciplineConfig(AppConfig):
    name = "fenji.modules.discipline"
    label = "discipline"
    verbose_name = "纪检监察（检举举报）"

    def ready(self):
        from fenji.core.kernel import modules

        from .module import MODULE

        modules.register(MODULE)
        from . import petition_import  # noqa: F401  (declares its import job, which the worker runs)
