"""The deadline engine on real request types: working-day due times across National Day, reminders
before the due time, overdue notices, provisional deadlines recomputed when a year is confirmed,
and the timeliness rate (及时率)."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.access.roles import SYSTEM_ADMIN
from fenji.core.calendar import services as calendar
from fenji.core.calendar.models import DayKind
from fenji.core.calendar.workdays import is_working_day
from fenji.core.console.alert_services import alert_rule_update
from fenji.core.console.tests.test_requests import Office
from fenji.core.notify.models import Message
from fenji.core.notify.sms import read_outbox
from fenji.core.workflow.models import Step, StepState
from fenji.core.workflow.reminders import send_due_reminders
from fenji.core.workflow.selectors import request_timeliness
from fenji.core.workflow.services import request_file, step_decide
from fenji.testing import actor, make_account

TZ = timezone.get_fixed_timezone(8 * 60)


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=TZ)


@pytest.fixture
def city(tree):
    calendar.calendar_seed(actor=policy.SYSTEM, first=2025, last=2026)
    return Office(tree.city, "南京")


def _file(office, when):
    with time_machine.travel(when, tick=False):
        return request_file(actor=actor(office.clerk), kind="operator.permission.grant",
                            data={"account": office.clerk.pk, "role": "operator", "reach": "unit"})


def _first_step(request) -> Step:
    return Step.objects.unscoped(reason="test").get(request=request, index=0)


def test_a_step_opened_before_national_day_is_due_after_the_holiday(city):
    request = _file(city, at(2026, 9, 30, 10, 0))
    step = _first_step(request)
    due = timezone.localtime(step.due_at)
    # Two working days after 30 September: the whole 1–7 October holiday does not count.
    assert due.date() > datetime.date(2026, 10, 7) and is_working_day(due.date())
    assert (due.hour, due.minute) == (10, 0)
    assert not step.due_provisional and "2026." in step.calendar_version


def test_reminder_before_the_due_time_reaches_the_deciders_once_by_message_and_sms(
        city, django_capture_on_commit_callbacks):
    request = _file(city, at(2026, 11, 2, 9, 0))  # a Monday; due Wednesday 09:00
    step = _first_step(request)
    with time_machine.travel(step.due_at - datetime.timedelta(hours=30), tick=False):
        assert send_due_reminders()["reminded"] == 0  # not yet within a day of the due time
    with (time_machine.travel(step.due_at - datetime.timedelta(hours=3), tick=False),
          django_capture_on_commit_callbacks(execute=True)):
        assert send_due_reminders()["reminded"] == 1
        assert send_due_reminders()["reminded"] == 0
    reminders = Message.objects.filter(kind="workflow.reminder")
    assert [m.recipient_id for m in reminders] == [city.head.pk]  # the requester is not asked to decide
    assert f"/requests/{request.pk}/" == reminders[0].link
    assert len(read_outbox(city.head.mobile)) == 1


def test_the_lead_time_of_the_rule_decides_when_the_reminder_comes(city, tree,
                                                                     django_capture_on_commit_callbacks):
    alert_rule_update(actor=actor(make_account(tree.province, name="省系统管理员", role=SYSTEM_ADMIN)),
                      kind="workflow.reminder", sms=False, lead_minutes=48 * 60)
    request = _file(city, at(2026, 11, 2, 9, 0))  # due Wednesday 09:00
    step = _first_step(request)
    with time_machine.travel(step.due_at - datetime.timedelta(hours=49), tick=False):
        assert send_due_reminders()["reminded"] == 0
    with (time_machine.travel(step.due_at - datetime.timedelta(hours=30), tick=False),
          django_capture_on_commit_callbacks(execute=True)):
        assert send_due_reminders()["reminded"] == 1  # within two days now
        assert send_due_reminders()["reminded"] == 0
    assert Message.objects.filter(kind="workflow.reminder", recipient=city.head).count() == 1
    assert read_outbox(city.head.mobile) == []  # the SMS switched off


def test_an_overdue_step_is_flagged_once_and_counts_against_the_timeliness_rate(city):
    request = _file(city, at(2026, 11, 2, 9, 0))
    step = _first_step(request)
    late = step.due_at + datetime.timedelta(hours=2)
    with time_machine.travel(late, tick=False):
        assert send_due_reminders()["overdue"] == 1
        assert send_due_reminders()["overdue"] == 0
        assert set(Message.objects.filter(kind="workflow.overdue").values_list("recipient_id", flat=True)) == {
            city.head.pk, city.clerk.pk}
        step_decide(actor=actor(city.head), step=step, approve=True)
        leader_step = Step.objects.unscoped(reason="test").get(request=request, index=1)
        step_decide(actor=actor(city.leader), step=leader_step, approve=True)
    step.refresh_from_db()
    assert step.on_time is False and step.state == StepState.APPROVED
    rows = {r.unit_name: r for r in request_timeliness(actor=actor(city.leader), root_path=city.unit.path,
                                                       start=datetime.date(2026, 11, 1),
                                                       end=datetime.date(2026, 11, 30))}
    assert (rows["南京市"].decided, rows["南京市"].on_time) == (2, 1)
    assert rows["南京市"].rate == 0.5


def test_a_deadline_past_the_last_confirmed_year_is_provisional_until_the_year_is_entered(city):
    request = _file(city, at(2026, 12, 30, 9, 0))  # two working days later is in 2027
    step = _first_step(request)
    assert step.due_provisional and "2027.p" in step.calendar_version
    provisional_due = step.due_at
    # The State Council's notice: 1 January 2027 (a Friday) is a holiday, and the year confirmed.
    calendar.day_override_set(actor=policy.SYSTEM, date=datetime.date(2027, 1, 1), kind=DayKind.HOLIDAY,
                              name="元旦")
    calendar.calendar_year_confirm(actor=policy.SYSTEM, year=2027)
    with time_machine.travel(at(2026, 12, 30, 12, 0), tick=False):
        assert send_due_reminders()["refreshed"] == 1
    step.refresh_from_db()
    assert not step.due_provisional and "2027.p" not in step.calendar_version
    assert step.due_at > provisional_due


def test_a_step_that_lands_with_a_decider_is_on_their_list_and_they_are_told(city):
    from fenji.core.web import nav

    request = _file(city, at(2026, 11, 2, 9, 0))
    [told] = Message.objects.filter(kind="workflow.arrived")
    assert told.recipient_id == city.head.pk and told.link == f"/requests/{request.pk}/"
    with time_machine.travel(at(2026, 11, 2, 10, 0), tick=False):
        [todo] = nav.todos_for(actor(city.head))
    assert todo.label == "待我审批" and todo.url == f"/requests/{request.pk}/" and todo.due_at == _first_step(request).due_at
    assert nav.todos_for(actor(city.clerk)) == []  # the requester decides nothing of their own request
