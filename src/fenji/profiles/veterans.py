"""The ``veterans`` profile. Seed 000."""

from fenji.core.access.rules import (
    SANYUAN,
    SYSTEM_ADMINS_PER_UNIT,
    DutyRules,
)
from fenji.core.kernel import profiles
from fenji.core.people.bootstrap import build_demo

PROFILE = profiles.Profile(
    name="veterans",
    display_name="江苏省离退休干部服务管理系统",
    modules=("veterans",),
    duty_rules=DutyRules("veterans", (SANYUAN,), (SYSTEM_ADMINS_PER_UNIT,)),
    demo=build_demo,
)
