"""The ``veterans`` demo (seed 000): 中共江苏省委老干部局 over the cities' bureaus and provincial units, the
cities over their counties' bureaus and city units, the counties over towns and county units; each level's
system administrator, staff, a leader, and retired cadres on the mobile site."""

from django.db import transaction

from fenji.core.access.roles import AUDITOR, BUILTIN_ROLES, DEPT_HEAD, SECURITY_ADMIN, STAFF, SYSTEM_ADMIN, UNIT_LEADER
from fenji.core.people.bootstrap import DemoLogin, DemoUnit, demo_people, demo_tree
from fenji.core.people.models import AccountKind

from . import content
from . import kinds as k

WORKER, INSPECTOR = BUILTIN_ROLES["veterans_worker"], BUILTIN_ROLES["veterans_inspector"]

TREE = DemoUnit("LG-32", "中共江苏省委老干部局", k.PROVINCE, (
    DemoUnit("LG-32-U01", "江苏省教育厅", k.UNIT, (
        DemoUnit("LG-32-U01-1", "南京大学", k.SUBUNIT),
        DemoUnit("LG-32-U01-2", "东南大学", k.SUBUNIT),
    )),
    DemoUnit("LG-32-U02", "江苏省卫生健康委员会", k.UNIT),
    DemoUnit("LG-32-U03", "江苏省交通运输厅", k.UNIT),
    DemoUnit("LG-3201", "中共南京市委老干部局", k.CITY, (
        DemoUnit("LG-3201-U01", "南京市教育局", k.UNIT),
        DemoUnit("LG-320102", "中共南京市玄武区委老干部局", k.COUNTY, (
            DemoUnit("LG-320102-T1", "新街口街道", k.TOWN),
            DemoUnit("LG-320102-T2", "梅园新村街道", k.TOWN),
            DemoUnit("LG-320102-U1", "玄武区教育局", k.UNIT),
        )),
        DemoUnit("LG-320106", "中共南京市鼓楼区委老干部局", k.COUNTY, (
            DemoUnit("LG-320106-T1", "宁海路街道", k.TOWN),
        )),
    )),
    # the other city bureaus of the province (seed 000 §5: the province over its 13 设区市)
    *(DemoUnit(f"LG-{code}", f"中共{name}市委老干部局", k.CITY) for code, name in (
        ("3202", "无锡"), ("3203", "徐州"), ("3204", "常州"), ("3206", "南通"), ("3207", "连云港"), ("3208", "淮安"),
        ("3210", "扬州"), ("3211", "镇江"), ("3212", "泰州"), ("3213", "宿迁"))),
    DemoUnit("LG-3205", "中共苏州市委老干部局", k.CITY, (
        DemoUnit("LG-320508", "中共苏州市姑苏区委老干部局", k.COUNTY, (
            DemoUnit("LG-320508-T1", "平江街道", k.TOWN),
        )),
    )),
    DemoUnit("LG-3209", "中共盐城市委老干部局", k.CITY, (
        DemoUnit("LG-3209-U01", "盐城经济技术开发区组织部", k.UNIT),
        DemoUnit("LG-320902", "中共盐城市亭湖区委老干部局", k.COUNTY, (
            DemoUnit("LG-320902-T1", "五星街道", k.TOWN),
        )),
    )),
))

S, ELDER = AccountKind.STAFF, AccountKind.ELDER
PEOPLE = [
    # (role label, name, mobile, unit code, kind, title, grant role, login where)
    ("省委老干部局系统管理员", "王立新", "13810000001", "LG-32", S, "系统管理员", SYSTEM_ADMIN, "控制台"),
    ("省委老干部局安全保密管理员", "孙安", "13810000002", "LG-32", S, "安全保密管理员", SECURITY_ADMIN, "控制台"),
    ("省委老干部局安全审计员", "周审", "13810000003", "LG-32", S, "安全审计员", AUDITOR, "控制台"),
    ("省委老干部局信息督查员", "李芳", "13810000004", "LG-32", S, "科员", INSPECTOR, "控制台"),
    ("省委老干部局副局长（信息公开审查）", "陈国强", "13810000005", "LG-32", S, "副局长", UNIT_LEADER, "控制台"),
    ("省委老干部局宣传处干事（撰稿）", "孙婷", "13810000007", "LG-32", S, "干事", STAFF, "控制台"),
    ("省委老干部局办公室主任（初审、发通知）", "黄伟", "13810000008", "LG-32", S, "主任", DEPT_HEAD, "控制台"),
    ("市委老干部局系统管理员（南京）", "张敏", "13810000011", "LG-3201", S, "系统管理员", SYSTEM_ADMIN, "控制台"),
    ("市委老干部局工作人员（南京）", "刘静", "13810000012", "LG-3201", S, "科员", WORKER, "控制台"),
    ("区委老干部局系统管理员（玄武）", "杨阳", "13810000021", "LG-320102", S, "系统管理员", SYSTEM_ADMIN, "控制台"),
    ("省直单位系统管理员（省教育厅）", "徐卫", "13810000031", "LG-32-U01", S, "系统管理员", SYSTEM_ADMIN, "控制台"),
    ("街道老干部工作人员（新街口街道）", "赵敏", "13810000041", "LG-320102-T1", S, "干事", WORKER, "控制台"),
    ("省教育厅老干部处工作人员", "钱红", "13810000006", "LG-32-U01", S, "科员", WORKER, "控制台"),
    ("街道老干部活动站工作人员（活动、答复意见）", "周兰", "13810000042", "LG-320102-T1", S, "干事", STAFF, "控制台"),
    ("离退休干部（新街口街道）", "吴国华", "13810000051", "LG-320102-T1", ELDER, "", None, "移动端 /m/"),
    ("离退休干部（省教育厅）", "郑淑珍", "13810000052", "LG-32-U01", ELDER, "", None, "移动端 /m/"),
]


@transaction.atomic
def build(*, password: str) -> list[DemoLogin]:
    demo_tree(TREE)
    logins = demo_people(PEOPLE, password=password, region="320102", seed=20260000)
    content.build()
    return logins
