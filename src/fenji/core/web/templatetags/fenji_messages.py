from django import template

from fenji.core.notify.selectors import message_unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_message_count(context) -> int:
    """``{% unread_message_count as n %}``: the signed-in account's unread messages (one query, kept on
    the request so several templates of one page ask once)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    if not hasattr(request, "_fenji_unread_messages"):
        request._fenji_unread_messages = message_unread_count(recipient=user)
    return request._fenji_unread_messages
