"""Writes for in-app messages. Messages belong to their recipient, not to a unit: only the recipient
reads them (``selectors``), and sending one is the platform's doing, so nothing here checks grants."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from fenji.core.kernel.errors import DomainError, NotVisible

from .models import Message
from .tasks import sms_enqueue

TITLE_MAX = 200
LINK_MAX = 500
SMS_PREFIX = "【分级管理平台】"


def _check_link(link: str) -> str:
    """A path on this site ("/workflow/requests/12/"), never an address elsewhere."""
    link = (link or "").strip()
    if not link:
        return ""
    if (not link.startswith("/") or link.startswith("//") or "\\" in link or len(link) > LINK_MAX
            or any(ord(c) < 33 for c in link)):
        raise DomainError("消息链接只能是本站路径（以 / 开头）", field="link")
    return link


def sms_text(message: Message) -> str:
    text = f"{SMS_PREFIX}{message.title}"
    return text + (f"：{message.body}" if message.body else "") + "。详情请登录平台查看站内消息。"


def message_send(*, recipient, title: str, body: str = "", link: str = "", kind: str = "", dedupe_key: str = "",
                 sms: bool = False) -> Message | None:
    """Put a message in ``recipient``'s inbox (an account); with ``sms`` also text its mobile number
    once the transaction commits (active accounts only).

    With a ``dedupe_key`` the message is sent at most once per recipient and key: a repeat returns
    ``None`` and sends nothing. Safe inside the caller's transaction (the duplicate insert is confined
    to a savepoint).
    """
    title = (title or "").strip()
    if not title:
        raise DomainError("消息标题不能为空", field="title")
    if len(title) > TITLE_MAX:
        raise DomainError(f"消息标题不能超过 {TITLE_MAX} 个字", field="title")
    link = _check_link(link)
    dedupe_key = (dedupe_key or "").strip()
    fields = {"recipient_id": recipient.pk, "title": title, "body": body or "", "link": link, "kind": kind,
              "dedupe_key": dedupe_key}
    if dedupe_key:
        if Message.objects.filter(recipient_id=recipient.pk, dedupe_key=dedupe_key).exists():
            return None
        try:
            with transaction.atomic():
                message = Message.objects.create(**fields)
        except IntegrityError:  # another worker sent it between the check and the insert
            if Message.objects.filter(recipient_id=recipient.pk, dedupe_key=dedupe_key).exists():
                return None
            raise
    else:
        message = Message.objects.create(**fields)
    mobile = getattr(recipient, "mobile", "")
    if sms and mobile and getattr(recipient, "is_active", True):
        sms_enqueue(mobile=mobile, text=sms_text(message))
    return message


def message_mark_read(*, actor, message: Message) -> Message:
    """The recipient opened it. Anyone else gets ``NotVisible`` (404), as for a missing message."""
    if actor is None or actor.pk is None or message.recipient_id != actor.pk:
        raise NotVisible("消息不存在")
    if message.read_at is None:
        now = timezone.now()
        Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=now)
        message.read_at = now
    return message


def message_mark_all_read(*, actor) -> int:
    """Every unread message of the actor's own; returns how many."""
    if actor is None or actor.pk is None:
        return 0
    return Message.objects.filter(recipient_id=actor.pk, read_at__isnull=True).update(read_at=timezone.now())
