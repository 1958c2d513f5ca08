from django.apps import AppConfig


class MfaConfig(AppConfig):
    name = "fenji.core.mfa"
    label = "mfa"
    verbose_name = "动态口令"
