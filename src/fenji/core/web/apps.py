from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "fenji.core.web"
    label = "web"
    verbose_name = "界面"

    def ready(self):
        from django.core.signals import setting_changed

        from fenji.core.audit import ratelimits, refusals
        from fenji.core.notify import periodic

        from . import nav

        # audit sits below notify: its periodic job is registered here. The aggregated events of refusals
        # counted per minute (out-of-scope lookups, bad tokens, failed logins) are written within a minute.
        periodic.register("audit.refusal_counts", refusals.flush, every_seconds=60)
        periodic.register("audit.rate_counts", ratelimits.sweep, every_seconds=3600)

        def forget_urls(*, setting, **kwargs):
            if setting == "ROOT_URLCONF":
                nav.forget_urls()

        setting_changed.connect(forget_urls, weak=False, dispatch_uid="fenji.web.forget_urls")
