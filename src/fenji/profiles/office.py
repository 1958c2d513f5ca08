"""The ``office`` profile. Seed 001."""

from fenji.core.access.rules import (
    SANYUAN,
    SYSTEM_ADMINS_PER_UNIT,
    DutyRules,
)
from fenji.core.kernel import profiles
from fenji.modules.office import demo as office_demo
from fenji.modules.office.kinds import UNIT_KINDS

PROFILE = profiles.Profile(
    name="office",
    display_name="新华区政务办公专网",
    modules=("office",),
    duty_rules=DutyRules("office", (SANYUAN,), (SYSTEM_ADMINS_PER_UNIT,)),
    unit_kinds=UNIT_KINDS,
    account_kinds=("staff", "citizen"),
    demo=office_demo.build,
    # 001 §20: the network's 通报 of use and of receipts — signing, feedback and citizens' tickets on time
    extra={"assessment_weights": {"supervision.notice_rate": 2, "supervision.feedback_rate": 1,
                                  "supervision.ticket_rate": 1}},
)
