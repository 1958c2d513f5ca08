"""The console inbox (站内消息): each signed-in account sees its own messages and no one else's.

The messages live in ``notify`` (below ``web``); the pages are here because ``notify`` knows nothing
of views. Another account's message answers 404, exactly like a missing one.
"""

from django.contrib import messages as flash
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fenji.core.notify import selectors, services

from .query import paging, query_without
from .routes import signed_in


@signed_in
def message_list(request):
    unread_only = request.GET.get("unread") == "1"
    page = selectors.message_page(recipient=request.user, unread_only=unread_only, **paging(request))
    query = query_without(request, "after")
    return render(request, "web/message_list.html", {
        "page": page, "unread_only": unread_only, "query": query,
        "first_page": not request.GET.get("after"),
    })


@signed_in
def message_detail(request, pk):
    """Opening a message marks it read."""
    message = selectors.message_get(recipient=request.user, pk=pk)  # NotVisible → 404
    services.message_mark_read(actor=request.actor, message=message)
    return render(request, "web/message_detail.html", {"message": message})


@signed_in
@require_POST
def message_read_all(request):
    count = services.message_mark_all_read(actor=request.actor)
    if count:
        flash.success(request, _("已将 %(count)d 条消息标为已读") % {"count": count})
    return redirect("messages:list")
