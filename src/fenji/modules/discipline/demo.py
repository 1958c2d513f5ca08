"""The ``discipline`` demo (seed 003): 中牟县纪委监委 with its rooms, dispatched groups and the town and
street commissions, its administrators (信访室 keeps the permissions, 办公室 reads the logs) and staff."""

from django.db import transaction

from fenji.core.access.roles import AUDITOR, BUILTIN_ROLES, DEPT_HEAD, SECURITY_ADMIN, STAFF, SYSTEM_ADMIN, UNIT_LEADER
from fenji.core.people.bootstrap import DemoLogin, DemoUnit, demo_people, demo_tree
from fenji.core.people.models import AccountKind

from . import content
from . import kinds as k

OFFICER = BUILTIN_ROLES["petition_officer"]
CASE_OFFICER = BUILTIN_ROLES["case_officer"]
CONDUCT_OFFICER = BUILTIN_ROLES["conduct_officer"]
ABSENCE_VIEWER = BUILTIN_ROLES["absence_viewer"]
EXPORT_OFFICER = BUILTIN_ROLES["export_officer"]
REGULATION_OFFICER = BUILTIN_ROLES["regulation_officer"]

ROOMS = ("办公室", "宣传部", "调研法规室", "信访室", "案件监督管理室", "案件审理室", "党风政风监督室")
GROUPS = ("第一", "第二", "第三", "第四")
TOWNS = ("白沙镇", "姚家镇", "官渡镇", "刘集镇")
STREETS = ("青年路街道", "东风路街道", "广惠街街道")

TREE = DemoUnit("JW-ZM", "中牟县纪委监委", k.COMMISSION, (
    *(DemoUnit(f"JW-ZM-R{n}", f"县纪委监委{name}", k.ROOM) for n, name in enumerate(ROOMS, start=1)),
    *(DemoUnit(f"JW-ZM-G{n}", f"县纪委监委派驻{name}纪检监察组", k.GROUP) for n, name in enumerate(GROUPS, start=1)),
    *(DemoUnit(f"JW-ZM-T{n}", f"{name}纪委", k.TOWN) for n, name in enumerate(TOWNS, start=1)),
    *(DemoUnit(f"JW-ZM-S{n}", f"{name}纪工委", k.STREET) for n, name in enumerate(STREETS, start=1)),
))

S = AccountKind.STAFF
PEOPLE = [
    # (role label, name, mobile, unit code, kind, title, grant role, login where)
    ("县纪委监委系统管理员", "赵志刚", "13840000001", "JW-ZM", S, "系统管理员", SYSTEM_ADMIN, "控制台"),
    ("县纪委监委安全保密管理员（信访室）", "钱保密", "13840000002", "JW-ZM", S, "信访室安全保密管理员", SECURITY_ADMIN,
     "控制台"),
    ("县纪委监委安全审计员（办公室）", "孙审计", "13840000003", "JW-ZM", S, "办公室安全审计员", AUDITOR, "控制台"),
    ("县纪委监委分管领导", "李正", "13840000004", "JW-ZM", S, "副书记", UNIT_LEADER, "控制台"),
    ("信访室主任", "周明", "13840000011", "JW-ZM-R4", S, "主任", DEPT_HEAD, "控制台"),
    ("信访室工作人员（全县信访件）", "吴静", "13840000012", "JW-ZM-R4", S, "干部", OFFICER, "控制台"),
    ("案件监督管理室工作人员（全县线索台账）", "郑晓", "13840000013", "JW-ZM-R5", S, "干部", CASE_OFFICER, "控制台"),
    ("办公室工作人员（全县外出报备）", "杨帆", "13840000014", "JW-ZM-R1", S, "干部", ABSENCE_VIEWER, "控制台"),
    ("县纪委监委内网数据导出员（全县导出包）", "韩旭", "13840000015", "JW-ZM", S, "干部", EXPORT_OFFICER, "控制台"),
    ("调研法规室工作人员（发布学习资料）", "何立", "13840000016", "JW-ZM-R3", S, "干部", REGULATION_OFFICER, "控制台"),
    ("派驻第一纪检监察组系统管理员", "王磊", "13840000021", "JW-ZM-G1", S, "系统管理员", SYSTEM_ADMIN, "控制台"),
    ("派驻第一纪检监察组工作人员", "冯涛", "13840000022", "JW-ZM-G1", S, "干部", STAFF, "控制台"),
    ("白沙镇纪委系统管理员", "陈红", "13840000031", "JW-ZM-T1", S, "系统管理员", SYSTEM_ADMIN, "控制台"),
    ("白沙镇纪委工作人员（信访登记）", "褚亮", "13840000032", "JW-ZM-T1", S, "纪委委员", OFFICER, "控制台"),
    ("白沙镇纪委书记（主要负责人）", "蒋峰", "13840000033", "JW-ZM-T1", S, "纪委书记", UNIT_LEADER, "控制台"),
    ("白沙镇纪委工作人员（外出报备）", "沈丽", "13840000034", "JW-ZM-T1", S, "纪委委员", CONDUCT_OFFICER, "控制台"),
    ("青年路街道纪工委工作人员（信访登记）", "卫芳", "13840000041", "JW-ZM-S1", S, "纪工委委员", OFFICER, "控制台"),
]


@transaction.atomic
def build(*, password: str) -> list[DemoLogin]:
    demo_tree(TREE)
    logins = demo_people(PEOPLE, password=password, region="410122", seed=20260003)
    content.build()
    return logins
