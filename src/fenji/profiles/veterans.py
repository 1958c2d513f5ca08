"""The ``veterans`` profile. Seed 000.

Seed 000 §6: each level's 系统管理员 "维护下级单位在系统中的组织架构，配置下级管理员及其权限，管理用户账号
…": the system administrator both maintains the structure and configures the lower administrators'
permissions, so 三员 (which puts grants with the security administrator) does not rule here. Reading the
logs stays a separate duty (``AUDIT_APART``). Seed 000 §7: at most 2 system administrators per unit.
"""

from fenji.core.access.rules import (
    AUDIT_APART,
    SYSTEM_ADMIN_CONFIGURES_PERMISSIONS,
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
    duty_rules=DutyRules("veterans", (AUDIT_APART,), (SYSTEM_ADMINS_PER_UNIT,),
                         widen=(SYSTEM_ADMIN_CONFIGURES_PERMISSIONS,)),
    unit_kinds=UNIT_KINDS,
    account_kinds=("staff", "elder"),
    demo=veterans_demo.build,
    # 000 §24–25: the use of the system by the staff and the elders, records within 5 working days, visits
    extra={"assessment_weights": {"supervision.usage_rate": 1, "supervision.notice_rate": 1,
                                  "supervision.accuracy": 1, "veterans.records_on_time": 2,
                                  "veterans.visit_coverage": 1, "veterans.elder_signin": 1},
           # 000 §24: the upper level inspects the management, maintenance, use and promotion of the system
           "inspection_checklist": (
               "系统管理：系统管理员配置下级管理员及其权限、账号管理是否规范",
               "系统维护：安全保密制度落实、数据备份和运行维护情况",
               "信息维护：老干部信息是否完整准确，变动是否及时更新",
               "服务记录：走访慰问、困难帮扶、党建园地、银发生辉是否在活动结束后 5 个工作日内录入",
               "走访覆盖：80 岁以上、独居、失能和重病老干部是否每季度走访或电话问候",
               "信息发布：是否先审后发、经信息公开审查，审批记录是否留存",
               "推广应用：工作人员和老同志使用手机端的情况",
           )},
)
