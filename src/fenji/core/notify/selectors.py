"""Reads of in-app messages: always one recipient's own (an account or an actor, by ``pk``)."""

from functools import cache

from django.db import connection

from fenji.core.kernel.errors import NotVisible
from fenji.core.kernel.pagination import PAGE_SIZE, Page, newest_first_page

from .models import Message


@cache
def _unread_sql() -> str:
    quote, meta = connection.ops.quote_name, Message._meta
    return (f"SELECT COUNT(*) FROM {quote(meta.db_table)} WHERE {quote(meta.get_field('recipient').column)} = %s "
            f"AND {quote(meta.get_field('read_at').column)} IS NULL")


def message_unread_count(*, recipient) -> int:
    """The recipient's unread messages, counted live (the badge on every console page): one query over
    the partial index ``notify_message_unread``, as SQL written once rather than compiled by the ORM per call."""
    if recipient is None or recipient.pk is None:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(_unread_sql(), [recipient.pk])
        return cursor.fetchone()[0]


def message_page(*, recipient, after: str = "", size: int = PAGE_SIZE, unread_only: bool = False,
                 page: int | None = None) -> Page:
    """Newest first, keyset on id (``after`` is the last id of the previous page), or page ``page``."""
    messages = Message.objects.filter(recipient_id=recipient.pk)
    if unread_only:
        messages = messages.filter(read_at__isnull=True)
    return newest_first_page(messages, after=after, size=size, page=page)


def message_get(*, recipient, pk) -> Message:
    """One of the recipient's messages; another account's answers ``NotVisible`` like a missing one."""
    try:
        return Message.objects.get(pk=pk, recipient_id=recipient.pk)
    except (Message.DoesNotExist, ValueError, TypeError):
        raise NotVisible("消息不存在", target_type=Message._meta.label_lower, target_id=pk) from None
