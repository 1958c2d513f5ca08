"""The module contract: what an app brings to the platform, declared once, read by the core through this registry.

A module (``fenji.modules.<name>``) fills in a ``Module`` in its ``module.py`` and registers it from its
``AppConfig.ready``; a core app declares what is its own the same way (``core=True``: always live). The
core reads the declarations here — the access registry for actions and roles, the console menu, the
periodic jobs — and never names a module's codes. Whether a module is *live* is the active profile's
choice (``kernel.profiles``): a module that is not live keeps its data, but its menu entries, tiles,
to-do providers and periodic jobs are left out, its actions are refused and its routes answer 404.

This file sits in the kernel (the lowest layer), so a duty is a plain string here
(``"system" | "security" | "audit" | "business"``, the values of ``access.registry.Duty``).
"""

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.core import checks
from django.urls import URLResolver
from django.urls.exceptions import Resolver404

from . import profiles

DUTIES = ("system", "security", "audit", "business")


@dataclass(frozen=True)
class ActionDecl:
    """An action code, its Chinese label and its duty; read-only actions may join a role of any duty."""

    code: str
    label: str
    duty: str
    read_only: bool = False
    # the code of the module's subsystem the action belongs to ("": platform-wide): it is allowed only
    # through a grant of a role of that subsystem (``access.policy.can``)
    subsystem: str = ""


@dataclass(frozen=True)
class RoleDecl:
    """A role the module brings: one duty's actions (plus read-only ones), and the roles its holders may
    delegate. ``delegated_by`` names the roles (built-in or the module's own) whose holders may grant it."""

    code: str
    label: str
    duty: str
    actions: tuple[str, ...]
    delegates: tuple[str, ...] = ()
    delegated_by: tuple[str, ...] = ()
    subsystem: str = ""  # the module's subsystem the role belongs to; only it may hold that subsystem's actions


@dataclass(frozen=True)
class SubsystemDecl:
    """A subsystem of the platform the module serves (a permission domain, seed 004 §2, §7): its business
    roles and actions name it, a permission administrator may be limited to it, and form 2 is filed per
    subsystem. The code starts with the module's name ("labor.gig"); the label is shown ("零工驿站")."""

    code: str
    label: str


@dataclass(frozen=True)
class RoleShare:
    """What a role declared elsewhere (a built-in role) gets of this module's actions, and which of its
    roles the holders of that role may delegate."""

    role: str
    actions: tuple[str, ...] = ()
    delegates: tuple[str, ...] = ()


@dataclass(frozen=True)
class MenuEntry:
    """A console menu entry, or a mobile tile: shown to an actor who may do ``action`` (a tile whose action
    is None: to every signed-in person, e.g. members and elders, who hold no grant)."""

    label: str
    url_name: str
    action: str | None
    order: int = 100
    group: str = ""  # the sidebar group (``web.nav.GROUPS``); a module's entries default to the module's own


@dataclass(frozen=True)
class DashboardTile:
    """A dashboard tile: ``provider(actor)`` returns what the tile shows (shown when ``action`` is held)."""

    label: str
    provider: Callable[[Any], Any]
    action: str
    order: int = 100


@dataclass(frozen=True)
class Todo:
    """One open item on a person's to-do list (console home, menu counts, mobile home).

    ``kind`` groups items (``"dispatch.sign"``) and picks the alert settings; ``label`` is the group's
    Chinese name ("待签收公文"); ``title`` names the item; ``url`` is where it is done; ``due_at`` (aware)
    drives the countdown and the order: overdue first, then the soonest, items without a deadline last.
    """

    kind: str
    label: str
    title: str
    url: str
    due_at: Any = None  # datetime | None
    unit: str = ""  # the unit the item comes from or concerns, by name
    menu: str = ""  # the URL name of the menu entry it is counted under (else the entry whose URL prefixes ``url``)


@dataclass(frozen=True)
class TodoProvider:
    """``provider(actor)`` returns the actor's open items (``Todo``s), when ``action`` is held; without an
    action the provider decides for itself (its items come from several actions, each checked in its query)."""

    name: str
    provider: Callable[[Any], Any]
    action: str | None


@dataclass(frozen=True)
class SampledRecordType:
    """A kind of record the upper level may sample and check (抽查, supervision): the records entered at a unit's
    subtree in a period, and what the checker sees of one.

    ``population(unit_path, start, end)`` returns the ids (a values list or any iterable of ints) of the records
    entered in [start, end] (dates) at ``unit_path`` and below; ``describe(ids)`` returns ``{id: (title, [(label,
    value), …])}`` for the records still there; ``url(id)`` is where the record's own page is (or "")."""

    code: str  # "people.account"
    label: str  # "账号信息"
    checks: str  # what the checker compares the record against ("姓名、身份证号、单位与本人证件一致")
    population: Callable[[str, Any, Any], Any]
    describe: Callable[[list[int]], dict]
    url: Callable[[int], str] = lambda pk: ""
    revised: Callable[[list[int]], dict] = lambda ids: {}


@dataclass(frozen=True)
class Indicator:
    """An assessment indicator (考核指标) an app provides: ``values(units, start, end)`` returns ``{unit id: share
    in [0, 1] or None}`` for each unit's subtree over [start, end] (dates), None when there was nothing to measure;
    ``evidence(unit, start, end)`` is the page listing the records behind the number (or "")."""

    code: str  # "supervision.usage_rate"
    label: str  # "系统使用率"
    values: Callable[[list, Any, Any], dict]
    evidence: Callable[[Any, Any, Any], str] = lambda unit, start, end: ""


@dataclass(frozen=True)
class UsageRecord:
    """A record type whose entries count in the usage statistics of lower units (supervision): ``counts(start,
    end)`` returns ``({unit path: records entered}, {unit path: of those, entered on time})`` for the records
    entered on the days [start, end) — each unit's own, the statistics roll them up."""

    code: str  # "veterans.record"
    label: str  # "服务记录"
    counts: Callable[[Any, Any], tuple[dict, dict]]


@dataclass(frozen=True)
class AlertKind:
    """A kind of alert an app raises (``notify.alerts``): its label on 提醒设置 and in the message list, whether an
    SMS goes with it by default, and for a kind that warns before a deadline how many minutes before (None: no
    lead time). The code starts with the app's name ("veterans.visit_due")."""

    code: str
    label: str
    sms: bool = False
    lead_minutes: int | None = None


class Later:
    """Declarations read from ``dotted`` (``"fenji.modules.x.oversight.INDICATORS"``) when first iterated: a module's
    declaration is loaded before its models, and its sampled record types and indicators are built on them."""

    def __init__(self, dotted: str):
        self.dotted = dotted

    def __iter__(self):
        from django.utils.module_loading import import_string

        return iter(import_string(self.dotted))


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    function: Callable[[], object]
    every_seconds: int | float


@dataclass(frozen=True)
class Module:
    name: str  # the app label
    label: str  # Chinese name, as shown to people
    core: bool = False  # a core app's own declaration: always live
    actions: tuple[ActionDecl, ...] = ()
    roles: tuple[RoleDecl, ...] = ()
    subsystems: tuple[SubsystemDecl, ...] = ()  # the permission domains its actions and roles name
    role_shares: tuple[RoleShare, ...] = ()  # built-in roles' share of these actions
    duty_rules: Mapping[str, tuple] = field(default_factory=dict)  # profile name → extra rules for it
    # duty mark code → these actions: a role holding any of them carries that duty ("account": opening accounts)
    duty_marks: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    request_types: tuple = ()  # ``workflow.registry.RequestType`` objects (filed only while live)
    # unit kinds that receive, besides the parent, the submissions of the units beside them (a county
    # commission's rooms approve what its towns initiate: core.submissions.services.submission_targets)
    submission_receivers: tuple[str, ...] = ()
    menu: tuple[MenuEntry, ...] = ()
    mobile_tiles: tuple[MenuEntry, ...] = ()
    dashboard_tiles: tuple[DashboardTile, ...] = ()
    todo_providers: tuple[TodoProvider, ...] = ()
    periodic_jobs: tuple[PeriodicJob, ...] = ()
    audit_labels: Mapping[str, str] = field(default_factory=dict)  # audit action code → Chinese label
    demo: Callable | None = None  # build(*, actor, root) → the module's demo rows
    imports: tuple = ()  # Excel import specs (the kernel's import declares their shape)
    sampled_records: tuple = ()  # ``SampledRecordType``s open to sampling audits (supervision)
    indicators: tuple = ()  # ``Indicator``s offered to the assessment of lower units (supervision)
    alert_kinds: tuple = ()  # ``AlertKind``s the module raises (their rules on 提醒设置 while live)
    usage_records: tuple = ()  # ``UsageRecord``s counted in the usage statistics (supervision)
    # on_duty(unit_ids, moment) → {unit id: [account ids]}: who keeps watch at those units then (a duty
    # roster); documents arriving there are given to them too.
    on_duty: Callable | None = None
    # dotted path of the module's django-ninja Router, mounted under /api/v1/ beside the core's (its routes'
    # actions are held by nobody while the profile leaves the module dark: they answer 403)
    api: str | None = None
    urls: str | None = None  # dotted URLconf module, mounted at ``url_prefix`` (404 when not live)
    url_prefix: str = ""


_modules: dict[str, Module] = {}
_version = 0
_index: tuple[int, dict[str, str]] | None = None


def register(module: Module) -> Module:
    """Register a declaration (from ``AppConfig.ready``, or at import of a core app's ``permissions``)."""
    global _version
    existing = _modules.get(module.name)
    if existing is not None and existing is not module:
        raise ValueError(f"模块 {module.name} 重复注册")
    _modules[module.name] = module
    _version += 1
    return module


def version() -> int:
    """Changes whenever a declaration is registered: caches built from the registry key on it."""
    return _version


def all_modules() -> list[Module]:
    return list(_modules.values())


def get(name: str) -> Module:
    return _modules[name]


def is_registered(name: str) -> bool:
    return name in _modules


def is_live(name: str) -> bool:
    """Is ``name`` live under the active profile? Core declarations always are; an unknown name is not."""
    module = _modules.get(name)
    if module is None:
        return False
    return module.core or profiles.active().is_live(name)


def live() -> list[Module]:
    """The registered declarations live under the active profile (core ones included)."""
    active = profiles.active()
    return [m for m in _modules.values() if m.core or active.is_live(m.name)]


def _owners() -> dict[str, str]:
    global _index
    if _index is None or _index[0] != _version:
        owners: dict[str, str] = {}
        for module in _modules.values():
            for action in module.actions:
                owners.setdefault(action.code, module.name)  # the first declaration; the check names the second
        _index = (_version, owners)
    return _index[1]


_subsystem_index: tuple[int, dict[str, str], dict[str, SubsystemDecl]] | None = None


def _subsystems() -> tuple[dict[str, str], dict[str, SubsystemDecl]]:
    """(action code → subsystem code, subsystem code → declaration), over every declaration (live or not)."""
    global _subsystem_index
    if _subsystem_index is None or _subsystem_index[0] != _version:
        of_action = {a.code: a.subsystem for m in _modules.values() for a in m.actions if a.subsystem}
        declared = {}
        for module in _modules.values():
            for subsystem in module.subsystems:
                declared.setdefault(subsystem.code, subsystem)
        _subsystem_index = (_version, of_action, declared)
    return _subsystem_index[1], _subsystem_index[2]


def action_subsystem(code: str) -> str:
    """The code of the subsystem action ``code`` belongs to ("": platform-wide)."""
    return _subsystems()[0].get(code, "")


def subsystem_label(code: str) -> str:
    """The label of a declared subsystem (any module, live or not: old grants still name it); else ``code``
    itself (a grant's free text from before subsystems were declared)."""
    declared = _subsystems()[1].get(code)
    return declared.label if declared else code


def live_subsystems() -> list[SubsystemDecl]:
    """The subsystems of the live declarations: a module's subsystems exist only while it is live."""
    return [subsystem for m in live() for subsystem in m.subsystems]


def action_owner(code: str) -> str | None:
    """The name of the declaration that declared ``code`` (None: declared by ``access.registry.declare``)."""
    return _owners().get(code)


def action_is_live(code: str) -> bool:
    owner = _owners().get(code)
    return owner is None or is_live(owner)


def declared_actions() -> list[tuple[Module, ActionDecl]]:
    return [(module, action) for module in _modules.values() for action in module.actions]


def declared_roles() -> list[tuple[Module, RoleDecl]]:
    return [(module, role) for module in _modules.values() for role in module.roles]


def marked_actions(mark: str) -> frozenset[str]:
    """The actions the declarations mark as making a role carry duty ``mark`` (``access.rules.DutyMark``)."""
    return frozenset(code for module in _modules.values() for code in module.duty_marks.get(mark, ()))


def role_shares(role: str) -> list[tuple[Module, RoleShare]]:
    return [(module, share) for module in _modules.values() for share in module.role_shares if share.role == role]


def live_menu() -> list[tuple[Module, MenuEntry]]:
    return sorted(((m, e) for m in live() for e in m.menu), key=lambda pair: pair[1].order)


def live_mobile_tiles() -> list[tuple[Module, MenuEntry]]:
    """The live declarations' phone tiles in order, less those the active profile hides (``Profile.extra``'s
    ``hidden_mobile_tiles``, by URL name: the League's own 活动 in place of the core's member activities)."""
    hidden = set(profiles.active().extra.get("hidden_mobile_tiles", ()))
    return sorted(((m, e) for m in live() for e in m.mobile_tiles if e.url_name not in hidden),
                  key=lambda pair: pair[1].order)


def live_dashboard_tiles() -> list[tuple[Module, DashboardTile]]:
    return sorted(((m, t) for m in live() for t in m.dashboard_tiles), key=lambda pair: pair[1].order)


def live_todo_providers() -> list[tuple[Module, TodoProvider]]:
    return [(m, p) for m in live() for p in m.todo_providers]


def live_import_specs() -> list[tuple[Module, Any]]:
    return [(m, spec) for m in live() for spec in m.imports]


def live_sampled_records() -> list[tuple[Module, Any]]:
    """The record types (``SampledRecordType``) open to sampling audits, of the live declarations."""
    return [(m, record) for m in live() for record in m.sampled_records]


def live_indicators() -> list[tuple[Module, Any]]:
    """The assessment indicators (``Indicator``) of the live declarations."""
    return [(m, indicator) for m in live() for indicator in m.indicators]


def live_usage_records() -> list[tuple[Module, UsageRecord]]:
    """The record types (``UsageRecord``) the live declarations count in the usage statistics."""
    return [(m, record) for m in live() for record in m.usage_records]


def live_alert_kinds() -> list[tuple[Module, AlertKind]]:
    """The kinds of alert (``AlertKind``) the live declarations raise."""
    return [(m, kind) for m in live() for kind in m.alert_kinds]


def live_demo_builders() -> list[tuple[Module, Callable]]:
    return [(m, m.demo) for m in live() if m.demo is not None]


def audit_label(action: str) -> str | None:
    """The Chinese label a declaration gives an audit action code (any module, live or not: the log stays)."""
    for module in _modules.values():
        if action in module.audit_labels:
            return module.audit_labels[action]
    return None


def duty_rules_for(profile_name: str) -> list[tuple[Module, Any]]:
    """The extra duty rules modules contribute to ``profile_name`` (each module's own, when it is live there)."""
    profile = profiles.get(profile_name)
    return [(m, rule) for m in _modules.values() if m.core or profile.is_live(m.name)
            for rule in m.duty_rules.get(profile_name, ())]


@contextmanager
def temporarily(*declarations: Module) -> Iterator[None]:
    """Register ``declarations`` for the duration of a block (tests of the contract), then forget them."""
    global _version
    saved = dict(_modules)
    try:
        for module in declarations:
            _modules.pop(module.name, None)
            register(module)
        yield
    finally:
        _modules.clear()
        _modules.update(saved)
        _version += 1


def on_duty(unit_ids, moment) -> dict[int, list[int]]:
    """Who the live modules' duty rosters put on watch at ``unit_ids`` at ``moment`` (merged)."""
    found: dict[int, list[int]] = {}
    for module in live():
        if module.on_duty is not None:
            for unit_id, accounts in module.on_duty(unit_ids, moment).items():
                known = found.setdefault(unit_id, [])
                known.extend(a for a in accounts if a not in known)
    return found


def api_routers() -> list:
    """Every declaration's API router (``Module.api``), imported."""
    from django.utils.module_loading import import_string

    return [import_string(module.api) for module in _modules.values() if module.api]


def url_patterns() -> list:
    """Each declaration's URLconf at its prefix, behind a resolver that answers 404 while it is not live.

    The patterns stay in the URLconf whatever the profile, so reversing a module's URL names works."""
    from django.urls import include, path

    patterns = []
    for module in _modules.values():
        if module.urls:
            patterns.append(live_include(module.name, path(module.url_prefix, include(module.urls))))
    return patterns


def live_include(name: str, resolver: URLResolver) -> URLResolver:
    """Wrap a ``path(prefix, include(...))`` so that it resolves only while module ``name`` is live."""
    resolver.__class__ = LiveResolver
    resolver.fenji_module = name
    return resolver


class LiveResolver(URLResolver):
    fenji_module = ""

    def resolve(self, path):
        if not is_live(self.fenji_module):
            raise Resolver404({"path": path, "tried": []})
        return super().resolve(path)


def problems(declarations: list[Module], *, core_actions: Mapping[str, Any], core_roles: set[str],
             profile_list: list | None = None, installed: set[str] | None = None) -> list[checks.Error]:
    """What is wrong with ``declarations`` (start-up system checks; pure, so tests pass their own).

    ``core_actions``: action codes declared by the core through ``access.registry.declare`` → an object
    with ``duty`` and ``read_only`` (``access.registry.Action``);
    ``core_roles``: the core's built-in role codes; ``profile_list``: the profiles whose modules must be
    installed; ``installed``: the installed app labels (by default, the names of ``declarations``)."""
    errors: list[checks.Error] = []

    def error(module: Module, text: str, id: str):
        errors.append(checks.Error(f"模块 {module.name}（{module.label}）：{text}", obj=module.name, id=id))

    actions: dict[str, tuple[str, str, bool]] = {
        code: ("核心", str(action.duty), action.read_only) for code, action in core_actions.items()}
    for module in declarations:
        for action in module.actions:
            if action.code in actions:
                error(module, f"动作代码 {action.code} 重复声明（已由 {actions[action.code][0]} 声明）", "fenji.E011")
                continue
            if action.duty not in DUTIES:
                error(module, f"动作 {action.code} 的职责 {action.duty!r} 无效（应为 {'/'.join(DUTIES)}）", "fenji.E012")
            actions[action.code] = (module.name, action.duty, action.read_only)
    subsystems: dict[str, str] = {}  # code → the module declaring it
    for module in declarations:
        for subsystem in module.subsystems:
            if subsystem.code in subsystems:
                error(module, f"子系统代码 {subsystem.code} 重复声明（已由 {subsystems[subsystem.code]} 声明）",
                      "fenji.E016")
            subsystems.setdefault(subsystem.code, module.name)
    of_action = {a.code: a.subsystem for m in declarations for a in m.actions if a.subsystem}
    for module in declarations:
        own = {s.code for s in module.subsystems}
        for action in module.actions:
            if action.subsystem and action.subsystem not in own:
                error(module, f"动作 {action.code} 属于本模块未声明的子系统 {action.subsystem}", "fenji.E016")
        for role in module.roles:
            if role.subsystem and role.subsystem not in own:
                error(module, f"角色 {role.code}（{role.label}）属于本模块未声明的子系统 {role.subsystem}", "fenji.E016")
            for code in role.actions:
                # an action of a subsystem is held only through a role of that subsystem
                if of_action.get(code) and of_action[code] != role.subsystem:
                    error(module, f"角色 {role.code}（{role.label}）含有子系统 {of_action[code]} 的动作 {code}，"
                                  f"但角色属于{('子系统 ' + role.subsystem) if role.subsystem else '全平台'}", "fenji.E016")
        for share in module.role_shares:
            for code in share.actions:
                if of_action.get(code):
                    error(module, f"向角色 {share.role} 分配子系统 {of_action[code]} 的动作 {code}："
                                  "子系统的动作只能由该子系统的角色持有", "fenji.E016")
    roles = set(core_roles)
    for module in declarations:
        for role in module.roles:
            if role.code in roles:
                error(module, f"角色代码 {role.code} 重复声明", "fenji.E011")
            roles.add(role.code)
    for module in declarations:
        for role in module.roles:
            if role.duty not in DUTIES:
                error(module, f"角色 {role.code}（{role.label}）没有有效的职责", "fenji.E012")
            for code in role.actions:
                if code not in actions:
                    error(module, f"角色 {role.code}（{role.label}）含有未声明的动作 {code}", "fenji.E013")
                elif role.duty in DUTIES and actions[code][1] != role.duty and not actions[code][2]:
                    error(module, f"角色 {role.code}（{role.label}）含有其他职责的动作 {code}", "fenji.E013")
            for code in (*role.delegates, *role.delegated_by):
                if code not in roles:
                    error(module, f"角色 {role.code}（{role.label}）提到未声明的角色 {code}", "fenji.E013")
        for share in module.role_shares:
            if share.role not in roles:
                error(module, f"向未声明的角色 {share.role} 分配动作", "fenji.E013")
            for code in share.actions:
                if code not in actions:
                    error(module, f"向角色 {share.role} 分配未声明的动作 {code}", "fenji.E013")
            for code in share.delegates:
                if code not in roles:
                    error(module, f"允许角色 {share.role} 下放未声明的角色 {code}", "fenji.E013")
        for mark, codes in module.duty_marks.items():
            for code in codes:
                if code not in actions:
                    error(module, f"职责标记 {mark} 指向未声明的动作 {code}", "fenji.E013")
        entries = [("菜单项", e.label, e.action) for e in module.menu]
        entries += [("手机端入口", e.label, e.action) for e in module.mobile_tiles]
        entries += [("首页卡片", t.label, t.action) for t in module.dashboard_tiles]
        entries += [("待办来源", p.name, p.action) for p in module.todo_providers]
        for what, label, code in entries:
            if code is not None and code not in actions:
                error(module, f"{what}“{label}”所需的动作 {code} 不存在", "fenji.E014")
    names = installed if installed is not None else {module.name for module in declarations if not module.core}
    for profile in profile_list or ():
        if profile.modules == profiles.ALL_MODULES:
            continue
        for name in profile.modules:
            if name not in names:
                errors.append(checks.Error(f"配置方案 {profile.name} 启用的模块 {name} 未安装", obj=name,
                                           id="fenji.E015"))
    return errors

