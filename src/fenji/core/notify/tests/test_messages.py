"""In-app messages: dedupe, SMS only after the commit, and only the recipient reads or marks them."""

import pytest
from django.db import IntegrityError, transaction

from fenji.core.kernel.errors import DomainError, NotVisible
from fenji.core.notify import selectors, services
from fenji.core.notify.models import Message
from fenji.core.notify.sms import read_outbox
from fenji.testing import actor, make_account


@pytest.fixture
def clerk(tree):
    return make_account(tree.city, name="收件人")


@pytest.fixture
def other(tree):
    return make_account(tree.city, name="旁人")


def send(recipient, **kwargs):
    return services.message_send(recipient=recipient, **{"title": "请及时办理", **kwargs})


def test_a_message_lands_in_the_recipients_inbox(clerk, other):
    message = send(clerk, body="第 12 号申请等待您审核", link="/workflow/requests/12/", kind="workflow.reminder")
    assert message.recipient_id == clerk.pk and message.read_at is None
    assert message.link == "/workflow/requests/12/" and message.kind == "workflow.reminder"
    assert selectors.message_unread_count(recipient=clerk) == 1
    assert selectors.message_unread_count(recipient=other) == 0
    assert read_outbox() == []  # no SMS unless asked


def test_the_same_dedupe_key_sends_once_per_recipient(clerk, other, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = send(clerk, dedupe_key="step:7:due", sms=True)
        again = send(clerk, dedupe_key="step:7:due", sms=True, title="换了标题也不再发")
        to_other = send(other, dedupe_key="step:7:due")
    assert first is not None and again is None and to_other is not None
    assert Message.objects.filter(recipient_id=clerk.pk).count() == 1
    assert [sms.mobile for sms in read_outbox()] == [clerk.mobile]  # the duplicate sent no second SMS


def test_messages_without_a_key_are_never_deduplicated(clerk):
    assert send(clerk) is not None and send(clerk) is not None
    assert selectors.message_unread_count(recipient=clerk) == 2


def test_the_database_refuses_a_duplicate_key_even_past_the_service(clerk):
    send(clerk, dedupe_key="k")
    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.create(recipient_id=clerk.pk, title="绕过服务", dedupe_key="k")


def test_a_race_lost_at_the_insert_answers_none_inside_the_callers_transaction(clerk, monkeypatch):
    """Another worker inserted between the check and the insert: the savepoint keeps the caller's
    transaction usable (PostgreSQL would otherwise abort it)."""
    send(clerk, dedupe_key="race")
    real_filter = Message.objects.filter
    calls = []

    def first_check_misses(*args, **kwargs):
        calls.append(kwargs)
        queryset = real_filter(*args, **kwargs)
        return queryset.none() if len(calls) == 1 else queryset

    monkeypatch.setattr(Message.objects, "filter", first_check_misses)
    with transaction.atomic():
        assert send(clerk, dedupe_key="race") is None
        assert real_filter(recipient_id=clerk.pk).count() == 1  # the transaction still works


def test_sms_is_queued_only_when_the_transaction_commits(clerk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send(clerk, body="明天到期", sms=True)
    assert read_outbox() == [] and len(callbacks) == 1
    callbacks[0]()
    [sms] = read_outbox()
    assert sms.mobile == clerk.mobile
    assert sms.text == "【分级管理平台】请及时办理：明天到期。详情请登录平台查看站内消息。"


def test_a_rolled_back_transaction_sends_nothing(clerk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            send(clerk, sms=True)
            raise RuntimeError("the caller failed after sending")
    assert callbacks == [] and read_outbox() == []
    assert not Message.objects.exists()


def test_a_disabled_account_gets_the_message_but_no_sms(clerk, django_capture_on_commit_callbacks):
    from fenji.core.people.models import Account, AccountStatus

    Account.objects.unscoped(reason="test").filter(pk=clerk.pk).update(status=AccountStatus.DISABLED)
    clerk.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        assert send(clerk, sms=True) is not None
    assert read_outbox() == []


@pytest.mark.parametrize("link", ["https://example.com/x", "//example.com/x", "javascript:alert(1)", "x/y",
                                  "/a b", "/a\\b"])
def test_links_are_paths_on_this_site(clerk, link):
    with pytest.raises(DomainError, match="本站路径"):
        send(clerk, link=link)


def test_a_title_is_required(clerk):
    with pytest.raises(DomainError, match="标题不能为空"):
        send(clerk, title="  ")


def test_only_the_recipient_marks_a_message_read(clerk, other):
    message = send(clerk)
    with pytest.raises(NotVisible):
        services.message_mark_read(actor=actor(other), message=message)
    message.refresh_from_db()
    assert message.read_at is None
    services.message_mark_read(actor=actor(clerk), message=message)
    message.refresh_from_db()
    assert message.read_at is not None
    first_read = message.read_at
    services.message_mark_read(actor=actor(clerk), message=message)  # opening it again keeps the first time
    message.refresh_from_db()
    assert message.read_at == first_read
    assert selectors.message_unread_count(recipient=clerk) == 0


def test_mark_all_read_touches_only_ones_own(clerk, other):
    send(clerk), send(clerk), send(other)
    assert services.message_mark_all_read(actor=actor(clerk)) == 2
    assert selectors.message_unread_count(recipient=clerk) == 0 and selectors.message_unread_count(recipient=other) == 1


def test_message_get_hides_other_accounts_messages(clerk, other):
    message = send(clerk)
    assert selectors.message_get(recipient=clerk, pk=message.pk) == message
    for pk in (message.pk, message.pk + 1000, "x"):
        with pytest.raises(NotVisible):
            selectors.message_get(recipient=other if pk == message.pk else clerk, pk=pk)


def test_pages_are_newest_first_and_keyset(clerk, other):
    sent = [send(clerk, title=f"消息 {n}") for n in range(5)]
    send(other)
    first = selectors.message_page(recipient=clerk, size=2)
    assert [m.pk for m in first.rows] == [sent[4].pk, sent[3].pk] and first.total == 5
    second = selectors.message_page(recipient=clerk, size=2, after=first.next_cursor)
    assert [m.pk for m in second.rows] == [sent[2].pk, sent[1].pk]
    last = selectors.message_page(recipient=clerk, size=2, after=second.next_cursor)
    assert [m.pk for m in last.rows] == [sent[0].pk] and last.next_cursor is None
    services.message_mark_read(actor=actor(clerk), message=sent[4])
    unread = selectors.message_page(recipient=clerk, unread_only=True)
    assert sent[4].pk not in [m.pk for m in unread.rows] and unread.total == 4
