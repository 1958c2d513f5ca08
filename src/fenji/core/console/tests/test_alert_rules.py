"""提醒设置 (C6.2): only a top-level system administrator sees and changes the alert rules; each change is
audited with the values before and after, and the rules decide the SMS and the due-soon lead time."""

import datetime

import pytest
import time_machine

from fenji.core.access import policy
from fenji.core.access.models import Reach
from fenji.core.access.roles import SYSTEM_ADMIN
from fenji.core.access.services import grant_create
from fenji.core.audit.models import AuditEvent, Outcome
from fenji.core.console.alert_services import alert_rule_update
from fenji.core.dispatch.models import Delivery, DispatchKind
from fenji.core.dispatch.reminders import send_due_reminders
from fenji.core.dispatch.services import Targets, dispatch_send
from fenji.core.kernel.errors import AccessDenied, DomainError
from fenji.core.notify import alerts
from fenji.core.notify.models import AlertRule, Message
from fenji.core.notify.sms import read_outbox
from fenji.testing import actor, make_account

TZ = datetime.timezone(datetime.timedelta(hours=8))
PAGE = "/ops/alerts/"


def at(*args):
    return datetime.datetime(*args, tzinfo=TZ)


def test_the_top_system_administrator_changes_a_rule_and_it_is_audited(province_admin, login):
    client = login(province_admin)
    page = client.get(PAGE).content.decode()
    assert 'id="alert-dispatch.sign_due"' in page and "签收即将到期" in page and f'href="{PAGE}"' in page
    response = client.post(PAGE, {"kind": "dispatch.sign_due", "sms": "on", "lead_minutes": "8"})
    assert response.status_code == 302 and response["Location"] == PAGE
    rule = AlertRule.objects.get(kind="dispatch.sign_due")
    assert (rule.sms, rule.lead_minutes) == (True, 8)
    event = AuditEvent.objects.get(action="notify.alert_rule.update", outcome=Outcome.OK)
    assert event.actor_id == province_admin.pk and event.target_id == "dispatch.sign_due"
    assert event.details["before"] == {"sms": False, "lead_minutes": 5}
    assert event.details["after"] == {"sms": True, "lead_minutes": 8}
    # a kind without a lead time keeps none, whatever is posted; unticked is off
    client.post(PAGE, {"kind": "dispatch.arrived", "lead_minutes": "30"})
    rule = AlertRule.objects.get(kind="dispatch.arrived")
    assert (rule.sms, rule.lead_minutes) == (False, None)


def test_a_bad_lead_time_or_kind_is_named_and_nothing_changes(province_admin, login):
    client = login(province_admin)
    page = client.post(PAGE, {"kind": "dispatch.reply_due", "sms": "on", "lead_minutes": ""}).content.decode()
    assert "请填写到期前多少分钟提醒" in page
    page = client.post(PAGE, {"kind": "dispatch.reply_due", "lead_minutes": "0"}).content.decode()
    assert 'class="errorlist"' in page
    assert client.post(PAGE, {"kind": "nothing.such", "sms": "on"}).status_code == 200
    assert alerts.rule_for("dispatch.reply_due").lead_minutes == 24 * 60  # (the rule, or the default if no row)
    assert not AuditEvent.objects.filter(action="notify.alert_rule.update").exists()
    with pytest.raises(DomainError):
        alert_rule_update(actor=actor(province_admin), kind="dispatch.reply_due", sms=True,
                          lead_minutes=alerts.LEAD_MAX_MINUTES + 1)


def test_others_are_refused_and_do_not_see_it_in_the_menu(tree, city_admin, city_clerk, login, client):
    assert client.get(PAGE).status_code == 302  # signed out: to the login page
    for account in (city_admin, city_clerk):
        client = login(account)
        assert client.get(PAGE).status_code == 403
        assert client.post(PAGE, {"kind": "dispatch.arrived"}).status_code == 403
        assert f'href="{PAGE}"' not in client.get("/ops/calendar/").content.decode()
        client.logout()
    assert alerts.rule_for("dispatch.arrived").sms is True
    assert AuditEvent.objects.filter(action="notify.alert.manage", outcome=Outcome.DENIED).exists()
    with pytest.raises(AccessDenied, match="最上级单位"):
        alert_rule_update(actor=actor(city_admin), kind="dispatch.arrived", sms=False)
    # a system administrator over a single top-level unit (not its subtree) is refused too
    single = make_account(tree.province, name="省本级管理员")
    grant_create(actor=policy.SYSTEM, account=single, role=SYSTEM_ADMIN.code, unit=tree.province, reach=Reach.UNIT)
    with pytest.raises(AccessDenied):
        alert_rule_update(actor=actor(single), kind="dispatch.arrived", sms=False)


def _notice(sender, unit, minutes=30):
    return dispatch_send(actor=actor(sender), kind=DispatchKind.NOTICE, title="关于值班安排的通知",
                         targets=Targets(units=[unit]), sign_within_minutes=minutes)


@pytest.fixture
def parties(tree):
    from fenji.core.access.roles import DEPT_HEAD, STAFF

    return make_account(tree.city, name="市办主任", role=DEPT_HEAD), make_account(tree.town, name="收文员", role=STAFF)


def test_the_lead_time_decides_when_the_signing_due_soon_alert_comes(parties, province_admin, tree,
                                                                     django_capture_on_commit_callbacks):
    sender, clerk = parties
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        _notice(sender, tree.town)  # to sign by 09:30
    with time_machine.travel(at(2026, 11, 2, 9, 20), tick=False):
        assert send_due_reminders()["sign_due"] == 0  # 5 minutes before by default
        alert_rule_update(actor=actor(province_admin), kind="dispatch.sign_due", sms=True, lead_minutes=15)
    with time_machine.travel(at(2026, 11, 2, 9, 14), tick=False):
        assert send_due_reminders()["sign_due"] == 0
    with time_machine.travel(at(2026, 11, 2, 9, 15), tick=False), django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders()["sign_due"] == 1
    with time_machine.travel(at(2026, 11, 2, 9, 25), tick=False):
        assert send_due_reminders()["sign_due"] == 0  # once per delivery
    [told] = Message.objects.filter(recipient=clerk, kind="dispatch.sign_due")
    assert "签收即将到期" in told.title and "09:30" in told.body
    assert [sms.mobile for sms in read_outbox()] == [clerk.mobile]  # SMS now on for this kind


def test_a_lead_time_kind_switched_off_by_sms_still_sends_the_message(parties, province_admin, tree,
                                                                      django_capture_on_commit_callbacks):
    sender, clerk = parties
    alert_rule_update(actor=actor(province_admin), kind="dispatch.sign_overdue", sms=False)
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        _notice(sender, tree.town, minutes=10)
    with time_machine.travel(at(2026, 11, 2, 9, 11), tick=False), django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders()["sign_overdue"] == 1
    assert Message.objects.filter(recipient=clerk, kind="dispatch.sign_overdue").count() == 1
    assert read_outbox(clerk.mobile) == []
    assert Delivery.objects.unscoped(reason="test").get().sign_reminded_at is not None
