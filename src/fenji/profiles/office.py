"""The ``office`` profile. Seed 001."""

from fenji.core.access.rules import (
    SANYUAN,
    SYSTEM_ADMINS_PER_UNIT,
    DutyRules,
)
from fenji.core.kernel import profiles
from fenji.core.people.bootstrap import build_demo

PROFILE = profiles.Profile(
    name="office",
    display_name="新华区政务办公专网",
    modules=("office",),
    duty_rules=DutyRules("office", (SANYUAN,), (SYSTEM_ADMINS_PER_UNIT,)),
    demo=build_demo,
)
