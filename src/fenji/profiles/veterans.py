"""The ``veterans`` profile. Seed 000."""

from fenji.core.access.rules import (
    SANYUAN,
    SYSTEM_ADMINS_PER_UNIT,
    DutyRules,
)
from fenji.core.kernel import profiles
from fenji.modules.veterans import demo as veterans_demo
from fenji.modules.veterans.kinds import UNIT_KINDS

PROFILE = profiles.Profile(
    name="veterans",
    display_name="江苏省离退休干部服务管理系统",
    modules=("veterans",),
    duty_rules=DutyRules("veterans", (SANYUAN,), (SYSTEM_ADMINS_PER_UNIT,)),
    unit_kinds=UNIT_KINDS,
    account_kinds=("staff", "elder"),
    demo=veterans_demo.build,
)
