from django.apps import AppConfig


class LeagueConfig(AppConfig):
    name = "fenji.modules.league"
    label = "league"
    verbose_name = "共青团（智慧团建）"

    def ready(self):
        from fenji.core.kernel import modules

        from .module import MODULE

        modules.register(MODULE)
        from . import member_import  # noqa: F401  (declares its import job, which the worker runs)
