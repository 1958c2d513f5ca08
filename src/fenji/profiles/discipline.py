"""The ``discipline`` profile. Seed 003."""

from fenji.core.access.rules import (
    SANYUAN,
    SYSTEM_ADMINS_PER_UNIT,
    DutyRules,
)
from fenji.core.kernel import profiles
from fenji.modules.discipline import demo as discipline_demo
from fenji.modules.discipline.kinds import UNIT_KINDS

PROFILE = profiles.Profile(
    name="discipline",
    display_name="检举举报平台",
    modules=("discipline",),
    duty_rules=DutyRules("discipline", (SANYUAN,), (SYSTEM_ADMINS_PER_UNIT,)),
    unit_kinds=UNIT_KINDS,
    account_kinds=("staff",),
    demo=discipline_demo.build,
)
