"""The ``labor`` profile. Seed 004."""

from fenji.core.access.rules import (
    ACCOUNT_ADMINS_AB,
    ACCOUNT_PERMISSION_OPERATOR,
    SANYUAN,
    TOWNS_BY_COUNTY,
    DutyRules,
)
from fenji.core.kernel import profiles
from fenji.modules.labor import demo as labor_demo
from fenji.modules.labor.kinds import UNIT_KINDS

PROFILE = profiles.Profile(
    name="labor",
    display_name="恩施州劳动力资源信息平台",
    modules=("labor",),
    duty_rules=DutyRules("labor", (SANYUAN, ACCOUNT_PERMISSION_OPERATOR), (ACCOUNT_ADMINS_AB,), (TOWNS_BY_COUNTY,)),
    unit_kinds=UNIT_KINDS,
    account_kinds=("staff", "citizen"),
    demo=labor_demo.build,
)
