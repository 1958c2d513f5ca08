from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    """Requests that pass from a requester through approval steps, each with a working-day deadline,
    to the administrator who carries them out (C4.1, C6.2). Request types are declared in code by
    the apps that own the services they run (``workflow.registry.register``)."""

    name = "fenji.core.workflow"
    label = "workflow"
    verbose_name = "申请审批"

    def ready(self):
        from . import permissions  # noqa: F401  (declares the action codes)
