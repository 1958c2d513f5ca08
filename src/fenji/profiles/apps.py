from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "fenji.profiles"
    label = "profiles"
    verbose_name = "配置方案"

    def ready(self):
        from . import declared  # noqa: F401  (registers every profile)
