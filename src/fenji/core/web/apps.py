from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "fenji.core.web"
    label = "web"
    verbose_name = "界面"

    def ready(self):
        from django.core.signals import setting_changed

        from . import nav

        def forget_urls(*, setting, **kwargs):
            if setting == "ROOT_URLCONF":
                nav.forget_urls()

        setting_changed.connect(forget_urls, weak=False, dispatch_uid="fenji.web.forget_urls")
