"""The ``discipline`` profile. Seed 003."""

from fenji.core.access.rules import (
    SANYUAN,
    SYSTEM_ADMINS_PER_UNIT,
    DutyRules,
)
from fenji.core.kernel import profiles
from fenji.core.people.bootstrap import build_demo

PROFILE = profiles.Profile(
    name="discipline",
    display_name="检举举报平台",
    modules=("discipline",),
    duty_rules=DutyRules("discipline", (SANYUAN,), (SYSTEM_ADMINS_PER_UNIT,)),
    demo=build_demo,
)
