"""The ``league`` profile. Seed 002."""

from fenji.core.access.rules import (
    SANYUAN,
    SYSTEM_ADMINS_PER_UNIT,
    DutyRules,
)
from fenji.core.kernel import profiles
from fenji.core.people.bootstrap import build_demo

PROFILE = profiles.Profile(
    name="league",
    display_name="智慧团建",
    modules=("league",),
    duty_rules=DutyRules("league", (SANYUAN,), (SYSTEM_ADMINS_PER_UNIT,)),
    demo=build_demo,
)
