"""Console navigation: each app registers its entries; the menu shows those the actor may use."""

from collections.abc import Callable
from dataclasses import dataclass

from fenji.core.access import policy


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    action: str | Callable | None  # an action code, or actor -> bool for entries no single action decides
    order: int


_items: list[NavItem] = []


def register(label: str, url_name: str, *, action: str | Callable | None = None, order: int = 100) -> None:
    if not any(item.url_name == url_name for item in _items):
        _items.append(NavItem(label, url_name, action, order))


def items_for(actor) -> list[NavItem]:
    return [
        item
        for item in sorted(_items, key=lambda i: i.order)
        if item.action is None or (item.action(actor) if callable(item.action) else policy.can(actor, item.action))
    ]
