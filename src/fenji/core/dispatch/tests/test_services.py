import datetime

import pytest
import time_machine
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.audit.models import AuditEvent, Outcome
from fenji.core.dispatch import selectors, services
from fenji.core.dispatch.models import Delivery, Dispatch, DispatchKind, ReviewState
from fenji.core.dispatch.reminders import send_due_reminders
from fenji.core.dispatch.services import Targets, dispatch_send
from fenji.core.kernel.errors import AccessDenied, DomainError, NotVisible
from fenji.core.notify.models import Message
from fenji.core.notify.sms import read_outbox
from fenji.core.org.models import UnitKind

from .conftest import as_actor

TZ = datetime.timezone(datetime.timedelta(hours=8))


def at(*args):
    return datetime.datetime(*args, tzinfo=TZ)


def deliveries(dispatch):
    return Delivery.objects.unscoped(reason="test").filter(dispatch=dispatch)


def units_of(dispatch):
    return set(deliveries(dispatch).values_list("unit__name", flat=True))


def send(account, targets, **kwargs):
    kwargs.setdefault("kind", DispatchKind.NOTICE)
    kwargs.setdefault("title", "关于做好年终总结的通知")
    return dispatch_send(actor=as_actor(account), targets=targets, **kwargs)


# --- fan-out ---------------------------------------------------------------------------------------


def test_a_subtree_fans_out_to_every_active_unit_in_it(tree, people):
    dispatch = send(people.province_head, Targets(subtrees=[tree.city]))
    assert units_of(dispatch) == {"南京市", "玄武区", "新街口街道", "梅园新村街道"}
    assert dispatch.delivery_count == 4
    row = deliveries(dispatch).get(unit=tree.town)
    assert row.unit_path == tree.town.path
    assert row.sign_due_at == dispatch.sent_at + datetime.timedelta(minutes=10)
    assert row.reply_due_at is None and row.review_state == ReviewState.NONE


def test_the_sender_never_receives_its_own_dispatch(tree, people):
    dispatch = send(people.province_head, Targets(subtrees=[tree.province]))
    assert units_of(dispatch) == {"南京市", "苏州市", "玄武区", "新街口街道", "梅园新村街道"}


def test_unit_kinds_within_a_subtree(tree, people):
    dispatch = send(people.province_head, Targets(subtrees=[tree.province], kinds=[UnitKind.TOWN]))
    assert units_of(dispatch) == {"新街口街道", "梅园新村街道"}
    cities = send(people.province_head, Targets(subtrees=[tree.province], kinds=[UnitKind.CITY, UnitKind.COUNTY]))
    assert units_of(cities) == {"南京市", "苏州市", "玄武区"}


def test_chosen_units_and_overlapping_subtrees_give_one_delivery_per_unit(tree, people):
    dispatch = send(people.province_head, Targets(units=[tree.town, tree.sibling_city], subtrees=[tree.county]))
    assert units_of(dispatch) == {"苏州市", "玄武区", "新街口街道", "梅园新村街道"}
    assert deliveries(dispatch).count() == dispatch.delivery_count == 4
    assert dispatch.targets["units"] == [{"id": tree.town.pk, "name": "新街口街道"},
                                         {"id": tree.sibling_city.pk, "name": "苏州市"}]


def test_revoked_units_receive_nothing(tree, people):
    from fenji.core.org.services import unit_revoke

    people.other_clerk.status = "disabled"
    people.other_clerk.save(update_fields=["status"])
    unit_revoke(actor=policy.SYSTEM, unit=tree.other_town, revoked_on=datetime.date(2026, 11, 1), reference="撤")
    dispatch = send(people.province_head, Targets(subtrees=[tree.county]))
    assert units_of(dispatch) == {"玄武区", "新街口街道"}


def test_a_target_outside_the_senders_scope_is_refused_like_a_missing_one(tree, people):
    """The refusal names neither the unit nor its existence: the same words as for an id that does
    not exist (only the id the sender gave differs); the auditor still sees the denial."""
    before = Dispatch.objects.unscoped(reason="test").count()
    with pytest.raises(AccessDenied) as refused:
        send(people.city_head, Targets(units=[tree.town, tree.sibling_city]))
    absent = tree.sibling_city.pk + 1000
    with pytest.raises(AccessDenied) as missing:
        send(people.city_head, Targets(units=[tree.town, absent]))
    assert "苏州市" not in refused.value.message
    assert refused.value.message.replace(str(tree.sibling_city.pk), "N") == missing.value.message.replace(
        str(absent), "N")
    assert refused.value.field == missing.value.field == "targets"
    assert Dispatch.objects.unscoped(reason="test").count() == before
    assert Delivery.objects.unscoped(reason="test").count() == 0
    denied = AuditEvent.objects.filter(outcome=Outcome.DENIED, action="dispatch.dispatch.send").order_by("pk")
    assert [e.details["rule"] for e in denied] == ["out_of_scope", "no_such_target"]
    with pytest.raises(AccessDenied):
        send(people.city_head, Targets(subtrees=[tree.province]))


def test_a_clerk_without_the_send_action_cannot_send(tree, people):
    with pytest.raises(AccessDenied):
        send(people.city_clerk, Targets(subtrees=[tree.county]))


def test_an_empty_target_is_refused(tree, people):
    with pytest.raises(DomainError):
        send(people.city_head, Targets())
    with pytest.raises(DomainError, match="没有可接收的单位"):
        send(people.city_head, Targets(units=[tree.city]))  # only itself


def test_a_send_grant_reaching_its_holder_only_finds_no_receiving_unit(tree, people):
    """A grant of reach "self" covers no unit to send to: the target filter is empty, which the ORM
    refuses to compile (EmptyResultSet); that is zero receiving units, refused like any empty target."""
    from fenji.core.access.models import Reach
    from fenji.core.access.roles import DEPT_HEAD
    from fenji.core.access.services import grant_create
    from fenji.testing import make_account

    head = make_account(tree.city, name="市办副主任")
    grant_create(actor=policy.SYSTEM, account=head, role=DEPT_HEAD.code, unit=tree.city, reach=Reach.SELF)
    for targets in (Targets(units=[tree.city]), Targets(subtrees=[tree.city])):
        with pytest.raises(DomainError, match="没有可接收的单位"):
            send(head, targets)
    assert not Dispatch.objects.unscoped(reason="test").exists()


def test_sign_minutes_come_from_the_kind_and_the_setting(tree, people, settings):
    assert send(people.city_head, Targets(units=[tree.town]), kind=DispatchKind.DOCUMENT).sign_within_minutes == 30
    settings.DISPATCH_SIGN_MINUTES = {"document": 45}
    assert send(people.city_head, Targets(units=[tree.town]), kind=DispatchKind.DOCUMENT).sign_within_minutes == 45
    feedback = send(people.city_head, Targets(units=[tree.town]), kind=DispatchKind.FEEDBACK,
                    feedback_kind="supervise", reply_days=3)
    assert feedback.sign_within_minutes == 60
    row = deliveries(feedback).get()
    assert row.reply_due_at is not None and row.calendar_version


def test_the_fan_out_is_one_insert(tree, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    actor = as_actor(people.province_head)
    with CaptureQueriesContext(connection) as captured:
        dispatch_send(actor=actor, kind=DispatchKind.NOTICE, title="一条", targets=Targets(subtrees=[tree.province]))
    writing = [q["sql"] for q in captured.captured_queries if "dispatch_delivery" in q["sql"]
               and not q["sql"].startswith("SELECT")]
    assert len(writing) == 1 and writing[0].startswith("INSERT INTO") and "SELECT" in writing[0]
    # the arrival alert reads the deliveries and their handlers once each and inserts its messages at once
    assert len(captured.captured_queries) < 34  # a fixed number, however many units receive it


def test_the_benchmark_hook_fans_out_a_subtree(tree, people):
    dispatch = services.dispatch_fanout(actor=as_actor(people.province_head), kinds=[UnitKind.TOWN])
    assert dispatch.delivery_count == 2


# --- visibility and receiving ------------------------------------------------------------------------


def test_a_unit_outside_the_targets_cannot_see_the_delivery(tree, people):
    dispatch = send(people.city_head, Targets(units=[tree.town]))
    delivery = deliveries(dispatch).get()
    assert selectors.delivery_get(actor=as_actor(people.town_clerk), pk=delivery.pk) == delivery
    assert selectors.delivery_get(actor=as_actor(people.city_head), pk=delivery.pk) == delivery  # the sender
    for outsider in (people.other_clerk, people.sibling_clerk, people.town_member):
        with pytest.raises(NotVisible):
            selectors.delivery_get(actor=as_actor(outsider), pk=delivery.pk)
        assert not selectors.delivery_list_inbox(actor=as_actor(outsider)).filter(pk=delivery.pk).exists()
        with pytest.raises(NotVisible):
            services.delivery_sign(actor=as_actor(outsider), delivery=delivery)
    # a county clerk oversees the town, but only the town's own accounts sign for it
    with pytest.raises(AccessDenied):
        services.delivery_sign(actor=as_actor(people.county_clerk), delivery=delivery)
    assert list(selectors.delivery_list_inbox(actor=as_actor(people.town_clerk))) == [delivery]


def test_signing_within_the_deadline_and_overdue(tree, people):
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        dispatch = send(people.city_head, Targets(subtrees=[tree.county], kinds=[UnitKind.TOWN]))
    town = deliveries(dispatch).get(unit=tree.town)
    other = deliveries(dispatch).get(unit=tree.other_town)
    with time_machine.travel(at(2026, 11, 2, 9, 8), tick=False):
        services.delivery_sign(actor=as_actor(people.town_clerk), delivery=town)
        assert not Delivery.objects.unscoped(reason="test").get(pk=town.pk).sign_overdue
        assert selectors.dispatch_tracking_counts(dispatch)["overdue"] == 0
    with time_machine.travel(at(2026, 11, 2, 9, 15), tick=False):
        counts = selectors.dispatch_tracking_counts(dispatch)
        assert counts["overdue"] == 1 and counts["unsigned"] == 1 and counts["signed"] == 1
        services.delivery_sign(actor=as_actor(people.other_clerk), delivery=other)
        with pytest.raises(DomainError, match="已签收"):
            services.delivery_sign(actor=as_actor(people.other_clerk), delivery=other)
    other.refresh_from_db()
    assert other.sign_overdue and other.signed_by_id == people.other_clerk.pk
    counts = selectors.dispatch_tracking_counts(dispatch)
    assert counts["signed"] == 2 and counts["late"] == 1 and counts["overdue"] == 0


def test_reading_needs_signing_first_and_is_recorded_once(tree, people):
    delivery = deliveries(send(people.city_head, Targets(units=[tree.town]))).get()
    clerk = as_actor(people.town_clerk)
    with pytest.raises(DomainError, match="先签收"):
        services.delivery_read(actor=clerk, delivery=delivery)
    services.delivery_sign(actor=clerk, delivery=delivery)
    first = services.delivery_read(actor=clerk, delivery=delivery).read_at
    assert services.delivery_read(actor=clerk, delivery=delivery).read_at == first
    assert AuditEvent.objects.filter(action="dispatch.delivery.handle", details__op="read").count() == 1


def test_reply_return_reply_again_and_accept(tree, people):
    dispatch = send(people.city_head, Targets(units=[tree.town]), kind=DispatchKind.FEEDBACK,
                    feedback_kind="undertake", reply_days=5, title="督办：道路整治")
    delivery = deliveries(dispatch).get()
    clerk, head = as_actor(people.town_clerk), as_actor(people.city_head)
    with pytest.raises(DomainError):
        services.delivery_reply(actor=clerk, delivery=delivery, text="  ")
    services.delivery_reply(actor=clerk, delivery=delivery, text="已完成整治")
    delivery.refresh_from_db()
    assert delivery.review_state == ReviewState.PENDING and delivery.signed_at is not None  # replying signs
    assert Message.objects.filter(recipient=people.city_head, kind="dispatch.reply").count() == 1
    with pytest.raises(DomainError, match="等待"):
        services.delivery_reply(actor=clerk, delivery=delivery, text="再答")
    with pytest.raises(AccessDenied):
        services.delivery_accept(actor=clerk, delivery=delivery)  # the receiver cannot accept its own reply
    with pytest.raises(DomainError, match="理由"):
        services.delivery_return(actor=head, delivery=delivery, reason="")
    services.delivery_return(actor=head, delivery=delivery, reason="缺少现场照片")
    delivery.refresh_from_db()
    assert delivery.review_state == ReviewState.RETURNED and delivery.return_reason == "缺少现场照片"
    assert Message.objects.filter(recipient=people.town_clerk, kind="dispatch.returned").count() == 1
    assert selectors.dispatch_tracking_counts(dispatch)["returned"] == 1
    services.delivery_reply(actor=clerk, delivery=delivery, text="已补充照片说明")
    services.delivery_accept(actor=head, delivery=delivery)
    delivery.refresh_from_db()
    assert delivery.review_state == ReviewState.ACCEPTED and delivery.reply_text == "已补充照片说明"
    with pytest.raises(DomainError):
        services.delivery_reply(actor=clerk, delivery=delivery, text="改")
    counts = selectors.dispatch_tracking_counts(dispatch)
    assert counts["accepted"] == 1 and counts["replied"] == 1 and counts["returned"] == 0


def test_a_notice_takes_no_reply(tree, people):
    delivery = deliveries(send(people.city_head, Targets(units=[tree.town]))).get()
    with pytest.raises(DomainError, match="无需答复"):
        services.delivery_reply(actor=as_actor(people.town_clerk), delivery=delivery, text="收到")


def test_a_reply_carries_attachments_stored_by_the_files_app(tree, people, settings, tmp_path):
    from fenji.core.files.tests.samples import PDF, upload

    settings.FILES_DIR = tmp_path / "files"
    dispatch = send(people.city_head, Targets(units=[tree.town]), kind=DispatchKind.FEEDBACK, feedback_kind="proposal")
    delivery = deliveries(dispatch).get()
    services.delivery_reply(actor=as_actor(people.town_clerk), delivery=delivery, text="见附件",
                            attachments=[upload("办理报告.pdf", PDF)])
    stored = selectors.delivery_reply_attachments(delivery)
    assert [(a.original_name, a.unit_id, a.kind) for a in stored] == [("办理报告.pdf", tree.town.pk, "pdf")]
    with pytest.raises(DomainError):  # not a whitelisted kind: the whole reply is refused
        services.delivery_return(actor=as_actor(people.city_head), delivery=delivery, reason="补充")
        services.delivery_reply(actor=as_actor(people.town_clerk), delivery=delivery, text="再答",
                                attachments=[upload("病毒.exe", b"MZ\x90\x00")])
    delivery.refresh_from_db()
    assert delivery.review_state == ReviewState.RETURNED and delivery.reply_text == "见附件"


# --- tracking ------------------------------------------------------------------------------------


def test_the_tracking_counts_come_from_one_query(tree, people, django_assert_num_queries):
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        dispatch = send(people.province_head, Targets(subtrees=[tree.province]), kind=DispatchKind.FEEDBACK,
                        feedback_kind="supervise", reply_days=2)
    rows = {d.unit_id: d for d in deliveries(dispatch)}
    with time_machine.travel(at(2026, 11, 2, 9, 30), tick=False):
        services.delivery_sign(actor=as_actor(people.city_clerk), delivery=rows[tree.city.pk])
        services.delivery_reply(actor=as_actor(people.town_clerk), delivery=rows[tree.town.pk], text="办结")
        services.delivery_reply(actor=as_actor(people.other_clerk), delivery=rows[tree.other_town.pk], text="办结")
        services.delivery_return(actor=as_actor(people.province_head), delivery=rows[tree.other_town.pk],
                                 reason="不完整")
    with time_machine.travel(at(2026, 11, 2, 10, 30), tick=False):
        with django_assert_num_queries(1):
            counts = selectors.dispatch_tracking_counts(dispatch)
    assert counts == {"total": 5, "read": 0, "opened": 0, "signed": 3, "unsigned": 2, "overdue": 2, "late": 0,
                      "replied": 2, "unreplied": 3, "pending": 1, "accepted": 0, "returned": 1}


def test_the_delivery_list_filters_by_status_and_subtree(tree, people):
    dispatch = send(people.province_head, Targets(subtrees=[tree.province]))
    town = deliveries(dispatch).get(unit=tree.town)
    services.delivery_sign(actor=as_actor(people.town_clerk), delivery=town)
    signed = selectors.delivery_list_for_dispatch(dispatch, status="signed")
    assert [d.unit_id for d in signed] == [tree.town.pk]
    within = selectors.delivery_list_for_dispatch(dispatch, status="unsigned", within=tree.county)
    assert {d.unit_id for d in within} == {tree.county.pk, tree.other_town.pk}
    page = selectors.delivery_page(selectors.delivery_list_for_dispatch(dispatch))
    assert page.total == 5 and [d.unit_path for d in page.rows] == sorted(d.unit_path for d in page.rows)


def test_urging_reminds_the_handlers_of_the_laggards_by_message_and_sms(tree, people,
                                                                      django_capture_on_commit_callbacks):
    dispatch = send(people.city_head, Targets(subtrees=[tree.county]))
    services.delivery_sign(actor=as_actor(people.town_clerk),
                           delivery=deliveries(dispatch).get(unit=tree.town))
    with time_machine.travel(at(2026, 11, 2, 10, 0, 5), tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        result = services.dispatch_urge(actor=as_actor(people.city_head), dispatch=dispatch)
        again = services.dispatch_urge(actor=as_actor(people.city_head), dispatch=dispatch)  # double click
    assert result == {"deliveries": 2, "messages": 2, "units_without_handler": 0}
    assert again["messages"] == 0
    urged = Message.objects.filter(kind="dispatch.urge")
    assert set(urged.values_list("recipient_id", flat=True)) == {people.county_clerk.pk, people.other_clerk.pk}
    assert read_outbox(people.other_clerk.mobile) and not read_outbox(people.town_clerk.mobile)
    assert not read_outbox(people.town_member.mobile)
    assert deliveries(dispatch).get(unit=tree.other_town).urge_count == 2
    with pytest.raises(AccessDenied):
        services.dispatch_urge(actor=as_actor(people.town_clerk), dispatch=dispatch)


# --- periodic reminders -------------------------------------------------------------------------------


def _counts(**given):
    return {"refreshed": 0, "sign_due": 0, "sign_overdue": 0, "reply_due": 0, "reply_overdue": 0, "messages": 0,
            "senders": 0, **given}


def test_periodic_reminders_are_sent_once(tree, people, django_capture_on_commit_callbacks):
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):  # a Monday
        notice = send(people.city_head, Targets(subtrees=[tree.county], kinds=[UnitKind.TOWN]))
        feedback = send(people.city_head, Targets(units=[tree.town]), kind=DispatchKind.FEEDBACK,
                        feedback_kind="complaint", reply_days=2)  # due Wednesday 09:00
        services.delivery_sign(actor=as_actor(people.town_clerk), delivery=deliveries(notice).get(unit=tree.town))
        services.delivery_sign(actor=as_actor(people.town_clerk), delivery=deliveries(feedback).get())
    with time_machine.travel(at(2026, 11, 2, 9, 4), tick=False):
        assert send_due_reminders() == _counts()
    with time_machine.travel(at(2026, 11, 2, 9, 5), tick=False):  # 5 minutes before the signing deadline
        assert send_due_reminders() == _counts(sign_due=1, messages=1)
        assert send_due_reminders() == _counts()
    with time_machine.travel(at(2026, 11, 2, 9, 11), tick=False), django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders() == _counts(sign_overdue=1, messages=1, senders=1)
        assert send_due_reminders() == _counts()
    with time_machine.travel(at(2026, 11, 3, 10, 0), tick=False):
        assert send_due_reminders() == _counts(reply_due=1, messages=1)
        assert send_due_reminders() == _counts()
    with time_machine.travel(at(2026, 11, 4, 9, 1), tick=False), django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders() == _counts(reply_overdue=1, messages=1, senders=1)
        assert send_due_reminders() == _counts()
    assert Message.objects.filter(recipient=people.other_clerk, kind="dispatch.sign_due").count() == 1
    assert Message.objects.filter(recipient=people.other_clerk, kind="dispatch.sign_overdue").count() == 1
    assert Message.objects.filter(recipient=people.town_clerk, kind="dispatch.reply_due").count() == 1
    assert Message.objects.filter(recipient=people.town_clerk, kind="dispatch.reply_overdue").count() == 1
    assert len(read_outbox(people.other_clerk.mobile)) == 1  # the due-soon signing alert goes without SMS
    assert len(read_outbox(people.town_clerk.mobile)) == 1  # the reply overdue
    assert not Message.objects.filter(recipient=people.town_member).exists()
    # even with the flags cleared (a crashed run), the dedupe keys keep it to one message each
    Delivery.objects.unscoped(reason="test").update(sign_reminded_at=None, reply_reminded_at=None,
                                                    sign_soon_reminded_at=None, reply_overdue_reminded_at=None)
    with time_machine.travel(at(2026, 11, 4, 9, 2), tick=False):
        assert send_due_reminders()["messages"] == 0
    assert Message.objects.filter(kind__startswith="dispatch.", recipient__in=[people.other_clerk, people.town_clerk]
                                  ).exclude(kind="dispatch.arrived").count() == 4
    # the sender heard once per dispatch that a unit went overdue, not once per unit or per tick
    [told] = Message.objects.filter(recipient=people.city_head, kind="dispatch.sender_overdue")
    assert "1 个单位未在期限内签收" in told.body
    [told] = Message.objects.filter(recipient=people.city_head, kind="dispatch.sender_reply_overdue")
    assert "1 个单位未在期限内答复" in told.body and str(feedback.pk) in told.link


def test_replies_already_overdue_at_the_upgrade_are_not_announced(tree, people):
    """The migration that brought the reply-overdue alert stamps the replies already past due as told, so the
    first tick after the upgrade does not send a message (and an SMS) about every old deadline."""
    import importlib

    from django.apps import apps

    stamping = importlib.import_module("fenji.core.dispatch.migrations.0003_reminder_stamps")
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        old = send(people.city_head, Targets(units=[tree.town]), kind=DispatchKind.FEEDBACK,
                   feedback_kind="complaint", reply_days=2)
        fresh = send(people.city_head, Targets(units=[tree.other_town]), kind=DispatchKind.FEEDBACK,
                     feedback_kind="complaint", reply_days=10)
    deliveries(old).update(sign_reminded_at=timezone.now(), reply_reminded_at=timezone.now())
    with time_machine.travel(at(2026, 11, 10, 9, 0), tick=False):  # the upgrade
        stamping.stamp_past(apps, None)
        assert deliveries(old).get().reply_overdue_reminded_at is not None
        assert deliveries(fresh).get().reply_overdue_reminded_at is None
        assert send_due_reminders()["reply_overdue"] == 0
    assert not Message.objects.filter(kind__in=["dispatch.reply_overdue", "dispatch.sender_reply_overdue"]).exists()
    with time_machine.travel(at(2026, 11, 16, 9, 1), tick=False):  # the later one still goes overdue, once
        assert send_due_reminders()["reply_overdue"] == 1
        assert send_due_reminders()["reply_overdue"] == 0
    assert Message.objects.filter(recipient=people.other_clerk, kind="dispatch.reply_overdue").count() == 1
    assert Message.objects.filter(recipient=people.city_head, kind="dispatch.sender_reply_overdue").count() == 1


def test_an_answered_reply_never_goes_overdue(tree, people):
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        feedback = send(people.city_head, Targets(units=[tree.town]), kind=DispatchKind.FEEDBACK,
                        feedback_kind="complaint", reply_days=2)
    deliveries(feedback).update(review_state=ReviewState.PENDING)
    with time_machine.travel(at(2026, 11, 5, 9, 0), tick=False):
        assert send_due_reminders()["reply_overdue"] == 0


def test_a_provisional_reply_deadline_is_recomputed_once_the_year_is_confirmed(tree, people):
    """Sent on 30 December with 2 working days to answer: 2027 is not confirmed yet, so the deadline is
    provisional (1 January, a Friday). Once the State Council's notice makes it a holiday and 2027 is
    confirmed, the reminder job moves the deadline of the deliveries still awaiting their reply."""
    from fenji.core.calendar import services as calendar
    from fenji.core.calendar.models import DayKind

    calendar.calendar_seed(actor=policy.SYSTEM, first=2025, last=2026)
    with time_machine.travel(at(2026, 12, 30, 9, 0), tick=False):
        feedback = send(people.city_head, Targets(units=[tree.town, tree.other_town]), kind=DispatchKind.FEEDBACK,
                        feedback_kind="undertake", reply_days=2)
        services.delivery_reply(actor=as_actor(people.other_clerk), delivery=deliveries(feedback).get(
            unit=tree.other_town), text="已办")
    waiting, answered = deliveries(feedback).get(unit=tree.town), deliveries(feedback).get(unit=tree.other_town)
    assert waiting.reply_due_provisional and "2027.p" in waiting.calendar_version
    assert timezone.localtime(waiting.reply_due_at) == at(2027, 1, 1, 9, 0)
    with time_machine.travel(at(2026, 12, 30, 10, 0), tick=False):
        assert send_due_reminders()["refreshed"] == 0  # nothing changed yet
    calendar.day_override_set(actor=policy.SYSTEM, date=datetime.date(2027, 1, 1), kind=DayKind.HOLIDAY,
                              name="元旦")
    calendar.calendar_year_confirm(actor=policy.SYSTEM, year=2027)
    with time_machine.travel(at(2026, 12, 30, 12, 0), tick=False):
        assert send_due_reminders()["refreshed"] == 1  # the answered delivery is left as it was
        assert send_due_reminders()["refreshed"] == 0
    waiting.refresh_from_db()
    assert not waiting.reply_due_provisional and "2027.p" not in waiting.calendar_version
    assert timezone.localtime(waiting.reply_due_at) == at(2027, 1, 4, 9, 0)  # the next Monday
    stale = deliveries(feedback).get(unit=tree.other_town)
    assert (stale.reply_due_at, stale.calendar_version) == (answered.reply_due_at, answered.calendar_version)


def test_the_reminder_job_is_registered_every_minute():
    from fenji.core.notify import periodic

    job = next(j for j in periodic.jobs() if j.name == "dispatch.reminders")
    assert job.every == datetime.timedelta(seconds=60) and job.function is send_due_reminders


# --- bulletin ------------------------------------------------------------------------------------


def test_the_bulletin_ranks_on_time_units_first(tree, people):
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        first = send(people.city_head, Targets(subtrees=[tree.county], kinds=[UnitKind.TOWN]))
        second = send(people.city_head, Targets(subtrees=[tree.county]), kind=DispatchKind.FEEDBACK,
                      feedback_kind="supervise", reply_days=1)
    with time_machine.travel(at(2026, 11, 2, 9, 5), tick=False):
        for d in (first, second):
            services.delivery_sign(actor=as_actor(people.town_clerk), delivery=deliveries(d).get(unit=tree.town))
        services.delivery_reply(actor=as_actor(people.town_clerk), delivery=deliveries(second).get(unit=tree.town),
                                text="已办")
        services.delivery_sign(actor=as_actor(people.county_clerk),
                               delivery=deliveries(second).get(unit=tree.county))
    with time_machine.travel(at(2026, 11, 2, 9, 20), tick=False):
        services.delivery_sign(actor=as_actor(people.other_clerk),
                               delivery=deliveries(first).get(unit=tree.other_town))
    with time_machine.travel(at(2026, 11, 20, 9, 0), tick=False):
        rows = selectors.dispatch_bulletin(actor=as_actor(people.city_head), root_path=tree.city.path,
                                           start=datetime.date(2026, 11, 1), end=datetime.date(2026, 11, 30))
    by_name = {r.unit_name: r for r in rows}
    assert [r.unit_name for r in rows] == ["新街口街道", "玄武区", "梅园新村街道"]
    assert [r.rank for r in rows] == [1, 2, 3]
    town, county, other = by_name["新街口街道"], by_name["玄武区"], by_name["梅园新村街道"]
    assert (town.received, town.signed_on_time, town.replies_due, town.replied_on_time, town.overdue) == (2, 2, 1, 1, 0)
    assert town.sign_rate == 1.0 and town.reply_rate == 1.0
    assert (county.received, county.signed_on_time, county.replies_due, county.replied_on_time) == (1, 1, 1, 0)
    assert county.overdue == 1  # the reply is past due
    assert (other.received, other.signed_on_time, other.overdue) == (2, 0, 2)
    # out of the period: nothing; out of scope: 404
    assert selectors.dispatch_bulletin(actor=as_actor(people.city_head), root_path=tree.city.path,
                                       start=datetime.date(2026, 12, 1), end=datetime.date(2026, 12, 31)) == []
    with pytest.raises(NotVisible):
        selectors.dispatch_bulletin(actor=as_actor(people.city_head), root_path=tree.province.path,
                                    start=datetime.date(2026, 11, 1), end=datetime.date(2026, 11, 30))


def test_the_bulletin_counts_only_what_has_fallen_due(tree, people):
    """A feedback item sent a second ago is neither late nor on time: no rate yet ("—"), not 0 %."""
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        send(people.city_head, Targets(units=[tree.town, tree.other_town]), kind=DispatchKind.FEEDBACK,
             feedback_kind="supervise", reply_days=2)  # sign within 60 minutes, reply by Wednesday 09:00
    period = {"root_path": tree.city.path, "start": datetime.date(2026, 11, 1), "end": datetime.date(2026, 11, 30)}

    def rows():
        return {r.unit_name: r for r in selectors.dispatch_bulletin(actor=as_actor(people.city_head), **period)}

    with time_machine.travel(at(2026, 11, 2, 9, 0, 1), tick=False):
        town = rows()["新街口街道"]
        assert (town.received, town.signs_due, town.replies_due, town.overdue) == (1, 0, 0, 0)
        assert town.sign_rate is None and town.reply_rate is None
        from fenji.core.org.periods import percent as _percent

        assert _percent(town.sign_rate) == "—"
    with time_machine.travel(at(2026, 11, 2, 9, 30), tick=False):
        services.delivery_sign(actor=as_actor(people.town_clerk), delivery=deliveries_to(tree.town))
        town, other = rows()["新街口街道"], rows()["梅园新村街道"]
        assert town.sign_rate == 1.0 and town.reply_rate is None  # signed: due for signing, on time
        assert other.sign_rate is None  # not signed, its deadline not passed yet
    with time_machine.travel(at(2026, 11, 2, 10, 30), tick=False):
        other = rows()["梅园新村街道"]
        assert (other.signs_due, other.signed_on_time, other.sign_rate, other.overdue) == (1, 0, 0.0, 1)
        services.delivery_reply(actor=as_actor(people.town_clerk), delivery=deliveries_to(tree.town), text="已办")
        town = rows()["新街口街道"]
        assert (town.replies_due, town.replied_on_time, town.reply_rate) == (1, 1, 1.0)  # answered: counted
        assert rows()["梅园新村街道"].reply_rate is None  # reply not due until Wednesday
    with time_machine.travel(at(2026, 11, 4, 9, 1), tick=False):
        other = rows()["梅园新村街道"]
        assert (other.replies_due, other.replied_on_time, other.reply_rate) == (1, 0, 0.0)


def test_the_bulletin_counts_only_dispatches_sent_within_the_viewers_scope(tree, people):
    """The province's notice to a town is not the city's business: the city's bulletin leaves it out."""
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        send(people.province_head, Targets(units=[tree.town]), title="省里的通知")
        send(people.city_head, Targets(units=[tree.town]), title="市里的通知")
    with time_machine.travel(at(2026, 11, 20, 9, 0), tick=False):
        period = {"start": datetime.date(2026, 11, 1), "end": datetime.date(2026, 11, 30)}
        [city_row] = selectors.dispatch_bulletin(actor=as_actor(people.city_head), root_path=tree.city.path, **period)
        [province_row] = selectors.dispatch_bulletin(actor=as_actor(people.province_head), root_path=tree.city.path,
                                                     **period)
    assert (city_row.unit_name, city_row.received, city_row.overdue) == ("新街口街道", 1, 1)
    assert (province_row.unit_name, province_row.received, province_row.overdue) == ("新街口街道", 2, 2)


def deliveries_to(unit):
    return Delivery.objects.unscoped(reason="test").get(unit=unit)


def test_each_write_is_audited(tree, people):
    before = AuditEvent.objects.count()
    dispatch = send(people.city_head, Targets(units=[tree.town]))
    services.delivery_sign(actor=as_actor(people.town_clerk), delivery=deliveries(dispatch).get())
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", "details__op")[before:])
    assert actions == [("dispatch.dispatch.send", None), ("dispatch.delivery.handle", "sign")]
    assert timezone.now()
