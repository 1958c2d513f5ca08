from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    """Requests that pass from a requester through approval steps, each with a working-day deadline,
    to the administrator who carries them out (C4.1, C6.2). Request types are declared in code by
    the apps that own the services they run (``workflow.registry.register``)."""

    name = "fenji.core.workflow"
    label = "workflow"
    verbose_name = "申请审批"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from fenji.core.access import policy
        from fenji.core.notify import periodic
        from fenji.core.web import nav

        from . import permissions as perms
        from . import registry
        from .reminders import send_due_reminders

        periodic.register("workflow.reminders", send_due_reminders, every_seconds=300)

        def decides_steps(actor) -> bool:
            # Steps are decided under many actions (endorse, approve, each executing service's own).
            return any(policy.can(actor, action) for action in registry.step_actions())

        nav.register(_("我的申请"), "workflow:mine", action=perms.REQUEST_FILE, order=12, group="workflow")
        nav.register(_("待我审批"), "workflow:awaiting", action=decides_steps, order=13, group="workflow")
        nav.register(_("本单位申请"), "workflow:list", action=perms.REQUEST_VIEW, order=14, group="workflow")
        nav.register(_("办理及时率"), "workflow:timeliness", action=perms.REQUEST_VIEW, order=15, group="workflow")
