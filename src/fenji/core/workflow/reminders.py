"""The deadline engine's periodic work (C6.2): recompute deadlines after a calendar change, remind
the people who may decide a step before it is due, and tell them (and the requester) once it is
overdue. Runs from ``fenji worker`` every few minutes; every message carries a dedupe key, so a
repeated or concurrent run sends nothing twice."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.notify.services import message_send

from . import permissions as perms
from .models import Step, StepState
from .services import step_deadlines_refresh

# Remind when less than this remains; a step due in 3 working days is reminded on its last day.
REMIND_BEFORE = datetime.timedelta(hours=24)


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


def _link(step: Step) -> str:
    return f"/requests/{step.request_id}/"


def send_due_reminders(now: datetime.datetime | None = None) -> dict:
    """One pass of the engine; returns counts for the worker's log and the tests."""
    now = now or timezone.now()
    refreshed = step_deadlines_refresh()
    reminded = overdue = 0
    steps = Step.objects.unscoped(reason="deadline bookkeeping").filter(
        state=StepState.OPEN, due_at__isnull=False).select_related("request")
    for step in steps.filter(due_at__gt=now, due_at__lte=now + REMIND_BEFORE, reminded_at__isnull=True):
        due = timezone.localtime(step.due_at).strftime("%Y-%m-%d %H:%M")
        for account in deciders(step):
            message_send(recipient=account, title=f"待办提醒：{step.request.title}（{step.label}）",
                         body=f"请于 {due} 前办理", link=_link(step), kind="workflow.reminder",
                         dedupe_key=f"workflow.step.{step.pk}.due", sms=True)
        Step.objects.unscoped(reason="deadline bookkeeping").filter(pk=step.pk).update(reminded_at=now)
        reminded += 1
    for step in steps.filter(due_at__lte=now, overdue_notified_at__isnull=True):
        due = timezone.localtime(step.due_at).strftime("%Y-%m-%d %H:%M")
        recipients = {a.pk: a for a in deciders(step)}
        requester = get_user_model().objects.unscoped(reason="the requester of an overdue step").filter(
            pk=step.request.requester_id).first()
        if requester is not None:
            recipients.setdefault(requester.pk, requester)
        sent = [message_send(recipient=account, title=f"已超期：{step.request.title}（{step.label}）",
                             body=f"办理期限 {due} 已过", link=_link(step), kind="workflow.overdue",
                             dedupe_key=f"workflow.step.{step.pk}.overdue", sms=account.pk != step.request.requester_id)
                for account in recipients.values()]
        overdue += any(m is not None for m in sent)
        Step.objects.unscoped(reason="deadline bookkeeping").filter(pk=step.pk).update(overdue_notified_at=now)
    return {"refreshed": refreshed, "reminded": reminded, "overdue": overdue}
