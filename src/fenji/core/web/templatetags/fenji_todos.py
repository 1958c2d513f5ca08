from django import template
from django.utils import timezone

from fenji.core.web import nav

register = template.Library()


@register.simple_tag(takes_context=True)
def todo_count(context) -> int:
    """``{% todo_count as n %}``: how many to-dos the signed-in person has (``nav.todo_summary``: reused until
    something is written)."""
    request = context.get("request")
    actor = getattr(request, "actor", None)
    user = getattr(request, "user", None)
    if actor is None or user is None or not user.is_authenticated:
        return 0
    return nav.todo_summary(actor)["total"]


@register.inclusion_tag("web/_todos.html", takes_context=True)
def todo_list(context, todos, mobile=False, empty=""):
    """The to-dos grouped by their label, each with its countdown (``static/web/countdown.js`` keeps it live)."""
    now = timezone.now()
    groups: dict[str, list] = {}
    for todo in todos:
        due = todo.due_at
        groups.setdefault(str(todo.label), []).append({
            "todo": todo, "overdue": due is not None and due <= now,
            "minutes": int(abs((due - now).total_seconds()) // 60) if due is not None else None,
        })
    return {"groups": list(groups.items()), "mobile": mobile, "empty": empty, "total": len(todos)}
