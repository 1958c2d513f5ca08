"""Console navigation: each app registers its entries; the menu shows those the actor may use.

A module declares its menu entries and mobile tiles in its declaration (``kernel.modules``); they join the
menu here and show only while the module is live under the active profile.

Which entries an actor sees is decided on every request, against the request's live grants. What does
not change at runtime is computed once per process: the URLs (``url``) and the menu's HTML for a given
set of visible entries, active entry and language (``menu``).
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from django.template import Context, Template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fenji.core.access import policy
from fenji.core.kernel import modules, profiles

from . import cached_counts


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    action: str | Callable | None  # an action code, or actor -> bool for entries no single action decides
    order: int
    module: str = ""  # the declaring module: shown only while it is live
    group: str = ""  # a key of GROUPS (a module's entries: the module's own group); "" stands alone


# The sidebar's groups, each folding its entries; the groups appear where their first entry's order puts them.
GROUPS = {
    "org": _("组织与账号"), "workflow": _("申请审批"), "dispatch": _("公文收发"), "submissions": _("信息报送"),
    "community": _("成员服务"), "publish": _("信息发布"), "tickets": _("群众诉求"), "supervision": _("监督考核"), "access": _("权限"),
    "audit": _("审计"), "system": _("系统"),
}


@dataclass(frozen=True)
class Menu:
    entries: tuple[dict, ...]  # {"label", "url", "active"} per visible entry, in order (read-only: shared)
    html: str  # the entries as links, rendered (escaped) by LINKS: safe to insert into a template


_items: list[NavItem] = []
_ordered: tuple[NavItem, ...] = ()
_by_name: dict[str, NavItem] = {}


def register(label: str, url_name: str, *, action: str | Callable | None = None, order: int = 100,
             group: str = "") -> None:
    global _ordered
    if url_name not in _by_name:
        _items.append(item := NavItem(label, url_name, action, order, group=group))
        _by_name[url_name] = item
        _ordered = tuple(sorted(_items, key=lambda i: i.order))
        _menu.cache_clear()


_declared: tuple[tuple, tuple[NavItem, ...]] | None = None
_declared_by_name: dict[str, NavItem] = {}


def _all() -> tuple[NavItem, ...]:
    """The registered entries and those the declarations bring, in order (recomputed when either changes)."""
    global _declared
    key = (_ordered, modules.version())
    if _declared is None or _declared[0][0] is not _ordered or _declared[0][1] != key[1]:
        declared = [NavItem(entry.label, entry.url_name, entry.action, entry.order, module.name,
                            entry.group or (module.name if module.core else f"module:{module.name}"))
                    for module in modules.all_modules() for entry in module.menu if entry.url_name not in _by_name]
        _declared_by_name.clear()
        _declared_by_name.update((item.url_name, item) for item in declared)
        _declared = (key, tuple(sorted((*_ordered, *declared), key=lambda i: i.order)))
    return _declared[1]


def _visible(item: NavItem, actor, held: frozenset[str]) -> bool:
    if item.module and not modules.is_live(item.module):
        return False
    if item.action is None:
        return True
    return item.action(actor) if callable(item.action) else item.action in held


# The menu's actions held somewhere, per combination of grants (each role's subsystem and actions), profile and
# declarations: ``policy.can`` builds an action's reach on its first check in a request, and the menu asks for ~70
# actions on every console page (~0.35 ms, sampled). Whether an action is held anywhere depends on nothing else.
_held: dict[tuple, frozenset[str]] = {}
HELD_MAX = 1_000


def _held_actions(actor, items) -> frozenset[str]:
    actions = {item.action for item in items if isinstance(item.action, str)}
    grants = getattr(actor, "grants", None)
    if grants is None or getattr(actor, "account_id", None) is None:  # the shared anonymous or system actor
        return frozenset(action for action in actions if policy.can(actor, action))
    key = (profiles.active_name(), modules.version(), frozenset((g.role.subsystem, g.actions) for g in grants))
    held = _held.get(key)
    if held is None:
        held = frozenset(action for action in actions if policy.can(actor, action))
        if len(_held) >= HELD_MAX:
            _held.clear()
        _held[key] = held
    return held


def items_for(actor) -> list[NavItem]:
    items = _all()
    held = _held_actions(actor, items)
    return [item for item in items if _visible(item, actor, held)]


def mobile_tiles_for(actor) -> list[dict]:
    """The mobile tiles of the live declarations that ``actor`` may use (a tile without an action is for
    every signed-in person): ``{"label", "url"}`` each."""
    return [{"label": entry.label, "url": url(entry.url_name)} for _, entry in modules.live_mobile_tiles()
            if entry.action is None or policy.can(actor, entry.action)]


def dashboard_tiles_for(actor) -> list[dict]:
    """The dashboard tiles of the live declarations that ``actor`` may see, each with what its provider says."""
    return [{"label": tile.label, "value": tile.provider(actor)} for _, tile in modules.live_dashboard_tiles()
            if policy.can(actor, tile.action)]


def _todo_order(item, now):
    due = getattr(item, "due_at", None)
    if due is None:
        return (2, 0)
    return (0 if due <= now else 1, due.timestamp())


def todos_for(actor) -> list:
    """The open items (``kernel.modules.Todo``) of every live to-do provider whose action ``actor`` holds
    (a provider without an action decides for itself): overdue first, then the soonest due, undated last.
    Computed once per actor object (a request's actor), however often a page asks."""
    if getattr(actor, "account_id", None) is None:
        return []  # nobody signed in (the shared anonymous actor caches nothing)
    cached = getattr(actor, "_fenji_todos", None)
    if cached is not None:
        return cached
    now = timezone.now()
    items = [item for _, provider in modules.live_todo_providers()
             if provider.action is None or policy.can(actor, provider.action) for item in provider.provider(actor)]
    items.sort(key=lambda item: _todo_order(item, now))
    try:
        actor._fenji_todos = items
    except AttributeError:  # a frozen or slotted actor: no cache
        pass
    return items


def todo_counts(actor) -> dict[str, int]:
    """How many to-dos fall under each menu entry (by URL name): the entry the to-do names (``Todo.menu``),
    else the visible entry whose URL is the longest prefix of its own."""
    entries = [(url(item.url_name), item.url_name) for item in items_for(actor)]
    counts: dict[str, int] = {}
    shown = {name for _, name in entries}
    for todo in todos_for(actor):
        if getattr(todo, "menu", "") in shown:
            counts[todo.menu] = counts.get(todo.menu, 0) + 1
            continue
        link = getattr(todo, "url", "")
        best = max((entry for entry in entries if entry[0] != "/" and link.startswith(entry[0])),
                   key=lambda entry: len(entry[0]), default=None)
        if best is not None:
            counts[best[1]] = counts.get(best[1], 0) + 1
    return counts


def todo_summary(actor) -> dict:
    """``{"counts": todo_counts(actor), "total": len(todos_for(actor))}`` for the menu and the header of every
    console page, reused while nothing was written since.

    Every write goes through a service that records an audit event, so the newest successful event (its
    sequence number and hash: read from the newest end of the sequence's index) names the state of the data the
    to-dos come from. Refusals are events too, but change nothing: a scan's refusals do not make every
    signed-in account compute its to-dos again. The summary is kept per account and that state, in this
    process's cache, for at most ``cached_counts.COUNTS_SECONDS`` (what only the clock changes — a deadline passing — shows
    within that time; so does what an Excel import saved before a later chunk of it failed, recorded as a
    failure only)."""
    from django.core.cache import cache

    if getattr(actor, "account_id", None) is None:
        return {"counts": {}, "total": 0}
    cached = getattr(actor, "_fenji_todo_summary", None)
    if cached is not None:
        return cached
    key = f"fenji.todos.{cached_counts.reader_key(actor)}"
    summary = cache.get(key)
    if summary is None:
        summary = {"counts": todo_counts(actor), "total": len(todos_for(actor))}
        cache.set(key, summary, cached_counts.COUNTS_SECONDS)
    try:
        actor._fenji_todo_summary = summary
    except AttributeError:
        pass
    return summary


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


LINKS = ('{% for group in groups %}{% if group.label %}<details class="nav-group" data-group="{{ group.code }}" open>'
         '<summary>{{ group.label }}</summary>{% endif %}{% for entry in group.entries %}<a href="{{ entry.url }}"'
         '{% if entry.active %} class="active" aria-current="page"{% endif %}>{{ entry.label }}'
         '{% if entry.count %} <span class="count">{{ entry.count }}</span>{% endif %}</a>{% endfor %}'
         '{% if group.label %}</details>{% endif %}{% endfor %}')


def _group_label(code: str) -> str:
    if not code:
        return ""
    if code.startswith("module:"):
        name = code.split(":", 1)[1]
        return str(modules.get(name).label) if modules.is_registered(name) else name
    return str(GROUPS.get(code, code))


def _grouped(entries: tuple[dict, ...]) -> list[dict]:
    """Consecutive runs in order: an ungrouped entry alone, a group's entries together where its first one is."""
    groups: list[dict] = []
    by_code: dict[str, dict] = {}
    for entry in entries:
        code = entry["group"]
        if not code:
            groups.append({"code": "", "label": "", "entries": [entry]})
        elif code in by_code:
            by_code[code]["entries"].append(entry)
        else:
            by_code[code] = {"code": code, "label": _group_label(code), "entries": [entry]}
            groups.append(by_code[code])
    return groups


@lru_cache(maxsize=1)
def _links() -> Template:
    return Template(LINKS)


def _is_active(entry_url: str, path: str) -> bool:
    return path == entry_url if entry_url == "/" else path.startswith(entry_url)


@lru_cache(maxsize=512)
def _menu(names: tuple[str, ...], active: int | None, language: str, urls_key: tuple,
          counts: tuple[int, ...] = ()) -> Menu:
    # The key holds what the result depends on: which entries, the active one, the language the labels
    # are translated into, the URLconf + script prefix the URLs were resolved under (``urls_key``) and the
    # to-do counts shown beside the entries.
    table = _urls[urls_key]
    counts = counts or (0,) * len(names)
    items = [_by_name.get(name) or _declared_by_name[name] for name in names]
    entries = tuple({"label": str(item.label), "url": url(name, table), "active": index == active,
                     "group": item.group, "group_label": _group_label(item.group), "count": count}
                    for index, (name, item, count) in enumerate(zip(names, items, counts, strict=True)))
    return Menu(entries, _links().render(Context({"groups": _grouped(entries)})))


def menu(actor, path: str, language: str, counts: dict[str, int] | None = None) -> Menu:
    """The actor's menu on ``path``: the entry whose URL is the longest prefix of the path is active;
    ``counts`` (URL name → open to-dos) show beside their entries."""
    urls_key, table = _url_table()
    names, active, longest = [], None, -1
    for item in items_for(actor):
        entry_url = url(item.url_name, table)
        if len(entry_url) > longest and _is_active(entry_url, path):
            active, longest = len(names), len(entry_url)
        names.append(item.url_name)
    shown = tuple((counts or {}).get(name, 0) for name in names)
    return _menu(tuple(names), active, language, urls_key, shown if any(shown) else ())
