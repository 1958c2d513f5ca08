"""The to-dos dispatch puts on a person's list: deliveries of their unit to sign or answer, and dispatches
they sent whose receivers went past the signing deadline."""

from django.db.models import Count, Min, Q
from django.utils import timezone

from fenji.core.kernel.modules import Todo

from .fanout import lazy_count
from .models import Dispatch, ReviewState
from .selectors import delivery_list_inbox

LIMIT = 50  # per kind: the list is a starting point, the inbox pages hold the rest


def delivery_todos(actor) -> list[Todo]:
    rows = delivery_list_inbox(actor=actor).filter(
        Q(signed_at__isnull=True)
        | Q(reply_due_at__isnull=False, replied_at__isnull=True)
        | Q(review_state=ReviewState.RETURNED, replied_at__isnull=True)).order_by("sign_due_at", "id")[:LIMIT]
    todos = []
    for delivery in rows:
        dispatch = delivery.dispatch
        if delivery.signed_at is None:
            todos.append(Todo("dispatch.sign", "待签收公文", dispatch.title, f"/dispatch/deliveries/{delivery.pk}/",
                              delivery.sign_due_at, dispatch.unit.name, "dispatch:inbox"))
        else:
            todos.append(Todo("dispatch.reply", "待答复事项", dispatch.title, f"/dispatch/deliveries/{delivery.pk}/",
                              delivery.reply_due_at, dispatch.unit.name, "dispatch:inbox"))
    return todos


def overdue_sent_todos(actor) -> list[Todo]:
    """The actor's dispatches with units past the signing deadline: late rows, plus the units without a row
    yet once the dispatch's own deadline passed (ADR 0027; counted, not written)."""
    now = timezone.now()
    late = Q(deliveries__signed_at__isnull=True, deliveries__sign_due_at__lt=now)
    rows = (Dispatch.objects.unscoped(reason="the dispatches the actor sent").filter(sent_by_id=actor.account_id)
            .annotate(overdue=Count("deliveries", filter=late), since=Min("deliveries__sign_due_at", filter=late),
                      rows=Count("deliveries"))
            .filter(Q(overdue__gt=0) | Q(pending=True, sign_due_at__lt=now)).select_related("unit")
            .order_by("-id")[:LIMIT])
    todos = []
    for d in rows:
        lazy = lazy_count(d, d.rows) if d.sign_due_at < now else 0
        if d.overdue + lazy:
            since = min(t for t in (d.since, d.sign_due_at if lazy else None) if t is not None)
            todos.append(Todo("dispatch.overdue", "下级超期未签收", f"{d.title}（{d.overdue + lazy} 个单位未签收）",
                              f"/dispatch/{d.pk}/", since, d.unit.name, "dispatch:list"))
    return todos
