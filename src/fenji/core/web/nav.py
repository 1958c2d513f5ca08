"""Console navigation: each app registers its entries; the menu shows those the actor may use.

Which entries an actor sees is decided on every request, against the request's live grants. What does
not change at runtime is computed once per process: the URLs (``url``) and the menu's HTML for a given
set of visible entries, active entry and language (``menu``).
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from django.template import Context, Template
from django.urls import get_script_prefix, get_urlconf, reverse

from fenji.core.access import policy


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    action: str | Callable | None  # an action code, or actor -> bool for entries no single action decides
    order: int


@dataclass(frozen=True)
class Menu:
    entries: tuple[dict, ...]  # {"label", "url", "active"} per visible entry, in order (read-only: shared)
    html: str  # the entries as links, rendered (escaped) by LINKS: safe to insert into a template


_items: list[NavItem] = []
_ordered: tuple[NavItem, ...] = ()
_by_name: dict[str, NavItem] = {}


def register(label: str, url_name: str, *, action: str | Callable | None = None, order: int = 100) -> None:
    global _ordered
    if url_name not in _by_name:
        _items.append(item := NavItem(label, url_name, action, order))
        _by_name[url_name] = item
        _ordered = tuple(sorted(_items, key=lambda i: i.order))
        _menu.cache_clear()


def _visible(item: NavItem, actor) -> bool:
    if item.action is None:
        return True
    return item.action(actor) if callable(item.action) else policy.can(actor, item.action)


def items_for(actor) -> list[NavItem]:
    return [item for item in _ordered if _visible(item, actor)]


_urls: dict[tuple, dict[str, str]] = {}


def _url_table() -> tuple[tuple, dict[str, str]]:
    """The URLs resolved so far under the current URLconf and script prefix (they do not change at
    runtime), with that (URLconf, prefix) key."""
    key = (get_urlconf(), get_script_prefix())
    table = _urls.get(key)
    if table is None:
        table = _urls.setdefault(key, {})
    return key, table


def forget_urls() -> None:
    """Resolve the URLs again on next use (the URLconf was replaced: tests' ``override_settings``)."""
    _urls.clear()
    _menu.cache_clear()


def url(name: str, table: dict[str, str] | None = None) -> str:
    """``reverse(name)`` for a URL without arguments, resolved once per process (per URLconf and prefix)."""
    table = _url_table()[1] if table is None else table
    found = table.get(name)
    if found is None:
        found = table[name] = reverse(name)
    return found


LINKS = ('{% for entry in entries %}<a href="{{ entry.url }}"{% if entry.active %} class="active" '
         'aria-current="page"{% endif %}>{{ entry.label }}</a>{% endfor %}')


@lru_cache(maxsize=1)
def _links() -> Template:
    return Template(LINKS)


def _is_active(entry_url: str, path: str) -> bool:
    return path == entry_url if entry_url == "/" else path.startswith(entry_url)


@lru_cache(maxsize=512)
def _menu(names: tuple[str, ...], active: int | None, language: str, urls_key: tuple) -> Menu:
    # The key holds what the result depends on: which entries, the active one, the language the labels
    # are translated into and the URLconf + script prefix the URLs were resolved under (``urls_key``).
    table = _urls[urls_key]
    entries = tuple({"label": str(_by_name[name].label), "url": url(name, table), "active": index == active}
                    for index, name in enumerate(names))
    return Menu(entries, _links().render(Context({"entries": entries})))


def menu(actor, path: str, language: str) -> Menu:
    """The actor's menu on ``path``: the entry whose URL is the longest prefix of the path is active."""
    urls_key, table = _url_table()
    names, active, longest = [], None, -1
    for item in _ordered:
        if not _visible(item, actor):
            continue
        entry_url = url(item.url_name, table)
        if len(entry_url) > longest and _is_active(entry_url, path):
            active, longest = len(names), len(entry_url)
        names.append(item.url_name)
    return _menu(tuple(names), active, language, urls_key)
