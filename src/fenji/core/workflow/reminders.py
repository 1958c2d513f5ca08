"""The deadline engine's periodic work (C6.2): recompute deadlines after a calendar change, remind
the people who may decide a step before it is due, and tell them (and the requester) once it is
overdue. How long before, and whether an SMS goes with each, are the alert rules' (``workflow.reminder``,
``workflow.overdue``: the console's 提醒设置), read once per run. Runs from ``fenji worker`` every few
minutes; every message carries a dedupe key, so a repeated or concurrent run sends nothing twice."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from fenji.core.notify.alerts import rules
from fenji.core.notify.services import message_send

from .alerts import deciders
from .models import Step, StepState
from .services import step_deadlines_refresh


def _link(step: Step) -> str:
    return f"/requests/{step.request_id}/"


def send_due_reminders(now: datetime.datetime | None = None) -> dict:
    """One pass of the engine; returns counts for the worker's log and the tests."""
    now = now or timezone.now()
    refreshed = step_deadlines_refresh()
    rule = rules()
    reminder, late = rule["workflow.reminder"], rule["workflow.overdue"]
    reminded = overdue = 0
    steps = Step.objects.unscoped(reason="deadline bookkeeping").filter(
        state=StepState.OPEN, due_at__isnull=False).select_related("request")
    # Remind when less than the lead time remains (a day by default: a step due in 3 working days is
    # reminded on its last day).
    due_soon = steps.filter(due_at__gt=now, due_at__lte=now + reminder.lead, reminded_at__isnull=True)
    for step in due_soon if reminder.lead else ():
        due = timezone.localtime(step.due_at).strftime("%Y-%m-%d %H:%M")
        for account in deciders(step):
            message_send(recipient=account, title=f"待办提醒：{step.request.title}（{step.label}）",
                         body=f"请于 {due} 前办理", link=_link(step), kind="workflow.reminder",
                         dedupe_key=f"workflow.step.{step.pk}.due", sms=reminder.sms)
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
                             dedupe_key=f"workflow.step.{step.pk}.overdue",
                             sms=late.sms and account.pk != step.request.requester_id)
                for account in recipients.values()]
        overdue += any(m is not None for m in sent)
        Step.objects.unscoped(reason="deadline bookkeeping").filter(pk=step.pk).update(overdue_notified_at=now)
    return {"refreshed": refreshed, "reminded": reminded, "overdue": overdue}
