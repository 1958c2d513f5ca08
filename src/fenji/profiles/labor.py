"""The ``labor`` profile. Seed 004."""

from fenji.core.access.rules import (
    ACCOUNT_ADMINS_AB,
    ACCOUNT_PERMISSION_OPERATOR,
    SANYUAN,
    TOWNS_BY_COUNTY,
    DutyRules,
)
from fenji.core.kernel import profiles
from fenji.core.people.bootstrap import build_demo

PROFILE = profiles.Profile(
    name="labor",
    display_name="恩施州劳动力资源信息平台",
    modules=("labor",),
    duty_rules=DutyRules("labor", (SANYUAN, ACCOUNT_PERMISSION_OPERATOR), (ACCOUNT_ADMINS_AB,), (TOWNS_BY_COUNTY,)),
    demo=build_demo,
)
