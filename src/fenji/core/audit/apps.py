from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "fenji.core.audit"
    label = "audit"
    verbose_name = "审计"
