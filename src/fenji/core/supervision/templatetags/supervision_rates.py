from django import template

from fenji.core.org.periods import percent

register = template.Library()


@register.filter
def rate(value) -> str:
    """A share as "12.5%", or "—" when there was nothing to count."""
    return percent(value)
