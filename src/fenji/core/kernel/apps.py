from django.apps import AppConfig


class KernelConfig(AppConfig):
    name = "fenji.core.kernel"
    label = "kernel"
    verbose_name = "内核"

    def ready(self):
        from django.core.signals import setting_changed
        from django.db.backends.signals import connection_created

        from . import checks, crypto, private  # noqa: F401  (registers the system checks)

        connection_created.connect(private.tighten_sqlite_files, dispatch_uid="fenji.kernel.private_sqlite")

        def forget_keys(*, setting, **kwargs):
            if setting == "DATA_KEY_FILE":
                crypto.reset()

        setting_changed.connect(forget_keys, weak=False, dispatch_uid="fenji.kernel.forget_keys")
