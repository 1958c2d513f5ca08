"""The console inbox: one's own messages only, opened = read, the unread count in the top bar."""

import re

import pytest

from fenji.core.notify import services
from fenji.core.notify.models import Message
from fenji.testing import actor, make_account


@pytest.fixture
def clerk(tree):
    return make_account(tree.city, name="收件人")


@pytest.fixture
def other(tree):
    return make_account(tree.city, name="旁人")


def send(recipient, title="请审核第 12 号申请", **kwargs):
    return services.message_send(recipient=recipient, title=title, **kwargs)


def badge(response) -> str | None:
    match = re.search(r'class="who-messages">[^<]*<span class="count"[^>]*>(\d+)</span>', response.content.decode())
    return match and match.group(1)


def test_the_inbox_lists_ones_own_messages_with_the_unread_count(clerk, other, login):
    send(clerk, body="申请人：张三")
    send(clerk, title="第二条")
    send(other, title="别人的消息")
    client = login(clerk)
    response = client.get("/messages/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "请审核第 12 号申请" in page and "第二条" in page and "申请人：张三" in page
    assert "别人的消息" not in page
    assert badge(response) == "2"


def test_opening_a_message_marks_it_read_and_offers_its_link(clerk, login):
    message = send(clerk, body="请尽快处理", link="/org/")
    client = login(clerk)
    response = client.get(f"/messages/{message.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "请尽快处理" in page and 'href="/org/"' in page
    message.refresh_from_db()
    assert message.read_at is not None
    assert badge(client.get("/messages/")) is None


def test_another_accounts_message_is_404_and_stays_unread(clerk, other, login):
    message = send(clerk)
    client = login(other)
    assert client.get(f"/messages/{message.pk}/").status_code == 404
    assert client.get("/messages/999999/").status_code == 404
    message.refresh_from_db()
    assert message.read_at is None


def test_the_badge_shows_on_other_console_pages(clerk, login):
    send(clerk)
    client = login(clerk)
    assert badge(client.get("/profile/")) == "1"


def test_read_all_marks_only_ones_own(clerk, other, login):
    send(clerk), send(clerk)
    theirs = send(other)
    client = login(clerk)
    assert client.get("/messages/read-all/").status_code == 405
    response = client.post("/messages/read-all/")
    assert response.status_code == 302 and response["Location"] == "/messages/"
    assert not Message.objects.filter(recipient_id=clerk.pk, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_inbox_pages_and_filters_unread(clerk, login):
    sent = [send(clerk, title=f"消息第{n}号") for n in range(25)]
    services.message_mark_read(actor=actor(clerk), message=sent[24])
    client = login(clerk)
    first = client.get("/messages/").content.decode()
    assert "消息第24号" in first and "消息第5号" in first and "消息第4号" not in first
    cursor = re.search(r"after=(\d+)", first).group(1)
    second = client.get(f"/messages/?after={cursor}").content.decode()
    assert "消息第4号" in second and "消息第0号" in second and "消息第5号" not in second
    unread = client.get("/messages/?unread=1").content.decode()
    assert "消息第24号" not in unread and "消息第23号" in unread
