"""Who is told that a request step landed with them: the accounts that may decide it."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.notify.alerts import Alert, alert_send

from . import permissions as perms
from .models import Step


def deciders(step: Step) -> list:
    """Active accounts holding the step's action over its unit, except the requester and anyone
    who already decided a step of this request (they may not decide another)."""
    grants = policy.grants_giving(step.action, step.unit_path)
    if step.action in perms.OWN_UNIT_ACTIONS:  # the unit's own opinion: its own people only
        grants = grants.filter(account__unit_id=step.unit_id)
    account_ids = set(grants.values_list("account_id", flat=True))
    excluded = {step.request.requester_id, step.request.subject_id} | set(
        Step.objects.unscoped(reason="who already decided this request").filter(
            request_id=step.request_id, decided_by__isnull=False).values_list("decided_by_id", flat=True))
    return list(get_user_model().objects.unscoped(reason="the deciders of a step, found through their grants")
                .filter(pk__in=account_ids - excluded, status="active").select_related("person"))


def step_arrival_alert(step: Step) -> int:
    """Tell the deciders of a step just opened that it awaits them, and by when."""
    due = f"，请于 {timezone.localtime(step.due_at):%Y-%m-%d %H:%M} 前办理" if step.due_at else ""
    alert = Alert(kind="workflow.arrived", title=f"待您审批：{step.request.title}（{step.label}）",
                  body=f"{step.request.unit.name}的申请已到您这一步{due}", link=f"/requests/{step.request_id}/")
    return alert_send(recipients=deciders(step), alert=alert, dedupe_key=f"workflow.step.{step.pk}.arrived")
