from django import template

from fenji.core.access import policy

register = template.Library()


@register.simple_tag(takes_context=True)
def can_do(context, action: str, unit_path: str | None = None) -> bool:
    """``{% can_do "people.account.open" unit.path as allowed %}``: show a button only when it would work."""
    request = context.get("request")
    return bool(request) and policy.can(request.actor, action, unit_path)
