"""To-dos and alerts: who is told that a dispatch arrived, what waits on their list, and the sender's view
once receivers go overdue."""

import datetime
import importlib

import time_machine

from fenji.core.console.alert_services import alert_rule_update
from fenji.core.dispatch import services
from fenji.core.dispatch.alerts import arrival_alert
from fenji.core.dispatch.models import Delivery, DispatchKind
from fenji.core.dispatch.reminders import send_due_reminders
from fenji.core.dispatch.services import Targets, dispatch_send
from fenji.core.notify import alerts
from fenji.core.notify.models import AlertRule, Message
from fenji.core.notify.sms import read_outbox
from fenji.core.web import nav

from .conftest import as_actor

TZ = datetime.timezone(datetime.timedelta(hours=8))


def at(*args):
    return datetime.datetime(*args, tzinfo=TZ)


def notice(people, *units, minutes=10):
    return dispatch_send(actor=as_actor(people.city_head), kind=DispatchKind.NOTICE, title="关于防汛值班的紧急通知",
                         targets=Targets(units=list(units)), sign_within_minutes=minutes)


def test_the_clerks_of_each_receiving_unit_are_told_at_once_and_by_sms(tree, people,
                                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notice(people, tree.town, tree.other_town)
    [told] = Message.objects.filter(recipient=people.town_clerk, kind="dispatch.arrived")
    assert "关于防汛值班的紧急通知" in told.title and "前签收" in told.body
    assert Message.objects.filter(recipient=people.other_clerk, kind="dispatch.arrived").count() == 1
    assert not Message.objects.filter(recipient__in=[people.town_member, people.county_clerk]).exists()
    assert any("新到公文" in sms.text for sms in read_outbox(people.town_clerk.mobile))


def test_the_sms_follows_the_rule_the_administrator_set(tree, people, province_admin,
                                                        django_capture_on_commit_callbacks):
    alert_rule_update(actor=as_actor(province_admin), kind="dispatch.arrived", sms=False)
    with django_capture_on_commit_callbacks(execute=True):
        notice(people, tree.town)
    assert Message.objects.filter(recipient=people.town_clerk, kind="dispatch.arrived").exists()
    assert read_outbox(people.town_clerk.mobile) == []
    alert_rule_update(actor=as_actor(province_admin), kind="dispatch.arrived", sms=True)
    with django_capture_on_commit_callbacks(execute=True):
        notice(people, tree.other_town)
    assert [sms.mobile for sms in read_outbox()] == [people.other_clerk.mobile]


def test_a_kind_without_a_rule_follows_the_deployment_setting(tree, people, settings,
                                                              django_capture_on_commit_callbacks):
    AlertRule.objects.all().delete()
    settings.FENJI_ALERT_SMS = frozenset()  # FENJI_ALERT_SMS=none: messages only
    with django_capture_on_commit_callbacks(execute=True):
        notice(people, tree.town)
    assert Message.objects.filter(recipient=people.town_clerk, kind="dispatch.arrived").exists()
    assert read_outbox(people.town_clerk.mobile) == []


def test_the_rules_are_seeded_from_the_deployment_setting(db, settings):
    from django.apps import apps

    seeding = importlib.import_module("fenji.core.notify.migrations.0002_alert_rule")
    AlertRule.objects.all().delete()
    settings.FENJI_ALERT_SMS = frozenset({"dispatch.sign_overdue"})
    seeding.seed(apps, None)
    assert set(AlertRule.objects.filter(sms=True).values_list("kind", flat=True)) == {"dispatch.sign_overdue"}
    assert AlertRule.objects.get(kind="dispatch.reply_due").lead_minutes == 24 * 60
    assert set(AlertRule.objects.values_list("kind", flat=True)) == set(alerts.KINDS)


def test_the_arrival_reads_the_rule_once_whatever_the_number_of_units(tree, people, django_assert_max_num_queries):
    dispatch = notice(people, tree.town, tree.other_town)
    Message.objects.all().delete()
    # deliveries, handlers (+roles), rule; 2 per unit; the duty rosters of the live modules (the office's: its
    # shifts, and the working-day calendar to tell 值守 from 值班)
    with django_assert_max_num_queries(3 + 2 * 2 + 1 + 2) as captured:
        arrival_alert(dispatch)
    assert sum("notify_alertrule" in q["sql"] for q in captured.captured_queries) == 1


def test_the_clerk_has_the_delivery_on_the_list_with_its_deadline_until_signed(tree, people):
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        dispatch = notice(people, tree.town)
        [todo] = nav.todos_for(as_actor(people.town_clerk))
        assert (todo.label, todo.title, todo.unit) == ("待签收公文", dispatch.title, "南京市")
        assert todo.due_at == at(2026, 11, 2, 9, 10)
        assert nav.todos_for(as_actor(people.other_clerk)) == []  # not addressed to the other town
        assert nav.todos_for(as_actor(people.town_member)) == []
        services.delivery_sign(actor=as_actor(people.town_clerk), delivery=Delivery.objects.unscoped(reason="test").get())
        assert nav.todos_for(as_actor(people.town_clerk)) == []


def test_overdue_items_come_first_and_the_sender_is_told_once(tree, people):
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        late = notice(people, tree.town, minutes=5)
    with time_machine.travel(at(2026, 11, 2, 9, 3), tick=False):
        soon = notice(people, tree.town, minutes=60)
    with time_machine.travel(at(2026, 11, 2, 9, 20), tick=False):
        assert [t.url.split("/")[-2] for t in nav.todos_for(as_actor(people.town_clerk))] == [
            str(Delivery.objects.unscoped(reason="test").get(dispatch=d).pk) for d in (late, soon)]
        [sent] = nav.todos_for(as_actor(people.city_head))
        assert sent.label == "下级超期未签收" and "1 个单位未签收" in sent.title
        send_due_reminders()
        send_due_reminders()
    assert Message.objects.filter(recipient=people.city_head, kind="dispatch.sender_overdue").count() == 1


def test_the_home_page_shows_the_to_do_first_with_its_countdown(tree, people, login):
    notice(people, tree.town)
    page = login(people.town_clerk).get("/").content.decode()
    assert page.index('id="todos"') < page.index("所在单位")
    assert "关于防汛值班的紧急通知" in page and ("剩余 9 分钟" in page or "剩余 10 分钟" in page)
    assert 'class="count"' in page.split('class="todo-link"', 1)[1][:200]  # the count in the top bar


def test_the_menu_counts_the_to_dos_under_their_entry_and_pages_carry_breadcrumbs(tree, people, login):
    notice(people, tree.town)
    page = login(people.town_clerk).get("/dispatch/inbox/").content.decode()
    menu = page.split('id="sidebar"', 1)[1].split("</nav>", 1)[0]
    assert '<summary>公文收发</summary>' in menu
    assert '>收文 <span class="count">1</span></a>' in menu
    crumbs = page.split('class="breadcrumbs"', 1)[1].split("</nav>", 1)[0]
    assert "首页" in crumbs and "公文收发" in crumbs and "收文" in crumbs


def test_the_counts_kept_between_pages_follow_every_write(tree, people, login):
    """The menu's counts are kept between requests, but a new dispatch or a signature shows on the next page."""
    client = login(people.town_clerk)
    notice(people, tree.town)
    assert '>收文 <span class="count">1</span></a>' in client.get("/dispatch/inbox/").content.decode()
    notice(people, tree.town)
    assert '>收文 <span class="count">2</span></a>' in client.get("/dispatch/inbox/").content.decode()
    for delivery in Delivery.objects.unscoped(reason="test").all():
        services.delivery_sign(actor=as_actor(people.town_clerk), delivery=delivery)
    menu = client.get("/dispatch/inbox/").content.decode().split('id="sidebar"', 1)[1].split("</nav>", 1)[0]
    assert '>收文 <span class="count">' not in menu
