from django.apps import AppConfig


class KernelConfig(AppConfig):
    name = "fenji.core.kernel"
    label = "kernel"
    verbose_name = "内核"

    def ready(self):
        from django.core.signals import setting_changed

        from . import checks, crypto  # noqa: F401  (registers the system checks)

        def forget_keys(*, setting, **kwargs):
            if setting == "DATA_KEY_FILE":
                crypto.reset()

        setting_changed.connect(forget_keys, weak=False, dispatch_uid="fenji.kernel.forget_keys")
