from django import template

from fenji.core.web import nav

register = template.Library()


@register.simple_tag
def fixed_url(name: str) -> str:
    """``{% fixed_url "people:profile" %}``: ``{% url %}`` for a URL without arguments, resolved once per
    process instead of on every render (the console's header links are on every page)."""
    return nav.url(name)
