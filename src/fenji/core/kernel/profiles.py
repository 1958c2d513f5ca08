"""What a profile decides (``FENJI_PROFILE``): which modules are live, the duty rules, the unit kinds and
account kinds used, the platform's displayed name and the demo that ``fenji demo`` builds.

Profiles are declared once each, in ``fenji.profiles`` (the wiring layer above the modules); the core
reads the active one here and never names a profile or a module's codes itself.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

ALL_MODULES = "*"  # ``Profile.modules``: every installed module is live (the default profile)


@dataclass(frozen=True)
class UnitKindName:
    """A kind of unit the profile uses, and what the profile calls it (团省委, 纪委监委, 区政府…)."""

    code: str
    label: str
    level: str = ""  # the generic level it stands for (province/city/county/town/village/unit/department/
    #                  branch/other), read by rules such as "no account administrators at towns"


@dataclass(frozen=True)
class Profile:
    name: str
    display_name: str  # the platform's name on the login page and in the title bar
    modules: tuple[str, ...] | str = ()  # live modules by name, or ALL_MODULES
    unit_kinds: tuple[UnitKindName, ...] = ()
    account_kinds: tuple[str, ...] = ()
    duty_rules: Any = None  # a ``fenji.core.access.rules.DutyRules``
    demo: Callable | None = None  # build(*, password) -> list of demo logins
    extra: dict = field(default_factory=dict)

    def is_live(self, module: str) -> bool:
        return self.modules == ALL_MODULES or module in self.modules


_profiles: dict[str, Profile] = {}


def register(profile: Profile) -> Profile:
    existing = _profiles.get(profile.name)
    if existing is not None and existing is not profile:
        raise ValueError(f"profile {profile.name} declared twice")
    _profiles[profile.name] = profile
    return profile


def names() -> list[str]:
    return sorted(_profiles)


def get(name: str) -> Profile:
    try:
        return _profiles[name]
    except KeyError:
        raise UnknownProfile(name) from None


def all_profiles() -> list[Profile]:
    return [_profiles[name] for name in names()]


def active_name() -> str:
    return getattr(settings, "FENJI_PROFILE", "default")


def active() -> Profile:
    return get(active_name())


def unit_kind_level(code: str) -> str:
    """The generic level of a unit kind: as the active profile declares it, else as any profile does;
    a code no profile maps (the generic codes themselves) is its own level."""
    for profile in _active_first():
        for kind in profile.unit_kinds:
            if kind.code == code:
                return kind.level or code
    return code


def unit_kind_label(code: str) -> str | None:
    """What the active profile calls a unit kind, else what any profile that knows the code calls it."""
    for profile in _active_first():
        for kind in profile.unit_kinds:
            if kind.code == code:
                return kind.label
    return None


def _active_first() -> list[Profile]:
    first = _profiles.get(active_name())
    return ([first] if first else []) + [p for p in all_profiles() if p is not first]


class UnknownProfile(LookupError):
    def __init__(self, name: str):
        self.name = name
        super().__init__(f"未知的配置方案 FENJI_PROFILE={name!r}，可选：{'、'.join(names())}")
