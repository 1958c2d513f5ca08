"""The ``default`` profile. Every seed's rules at once: they do not contradict one another."""

from fenji.core.access.rules import (
    ACCOUNT_ADMINS_AB,
    ACCOUNT_PERMISSION_OPERATOR,
    SANYUAN,
    SYSTEM_ADMINS_PER_UNIT,
    TOWNS_BY_COUNTY,
    DutyRules,
)
from fenji.core.kernel import profiles
from fenji.core.org.models import UnitKind
from fenji.core.people.bootstrap import build_demo
from fenji.core.people.models import AccountKind

PROFILE = profiles.Profile(
    name="default",
    display_name="分级管理平台",
    modules=profiles.ALL_MODULES,
    duty_rules=DutyRules("default", (SANYUAN, ACCOUNT_PERMISSION_OPERATOR), (SYSTEM_ADMINS_PER_UNIT, ACCOUNT_ADMINS_AB), (TOWNS_BY_COUNTY,)),
    # The generic levels, each its own level; every account kind.
    unit_kinds=tuple(profiles.UnitKindName(code, str(label), code) for code, label in UnitKind.choices),
    account_kinds=tuple(AccountKind.values),
    demo=build_demo,
)
