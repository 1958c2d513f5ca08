"""The ``league`` profile. Seed 002."""

from fenji.core.access.rules import (
    SANYUAN,
    SYSTEM_ADMINS_PER_UNIT,
    DutyRules,
)
from fenji.core.kernel import profiles
from fenji.modules.league import demo as league_demo
from fenji.modules.league.kinds import UNIT_KINDS

PROFILE = profiles.Profile(
    name="league",
    display_name="智慧团建",
    modules=("league",),
    duty_rules=DutyRules("league", (SANYUAN,), (SYSTEM_ADMINS_PER_UNIT,)),
    unit_kinds=UNIT_KINDS,
    account_kinds=("staff", "member"),
    demo=league_demo.build,
    # activities on the phone are the League's own (团组织活动, pushed to the invited members), not the core's
    # member activities beside them; seed 002 考核评价: 系统使用率, 信息准确性 (sampling), 转接及时率, 团费收缴率
    extra={"hidden_mobile_tiles": ("community:m_activities",),
           "assessment_weights": {"supervision.usage_rate": 1, "supervision.accuracy": 1, "league.transfer_rate": 1,
                                  "league.dues_rate": 1}},
)
