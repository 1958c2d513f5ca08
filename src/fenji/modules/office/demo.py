"""The ``office`` demo (seed 001): 新华区人民政府 with its general office, bureaus, towns and streets, the
district's and a few units' administrators, staff and a leader, and residents on 掌上新华 (the mobile site)."""

from django.db import transaction

from fenji.core.access.roles import AUDITOR, BUILTIN_ROLES, DEPT_HEAD, SECURITY_ADMIN, STAFF, SYSTEM_ADMIN, UNIT_LEADER
from fenji.core.people.bootstrap import DemoLogin, DemoUnit, demo_people, demo_tree
from fenji.core.people.models import AccountKind

from . import content
from . import kinds as k

NETWORK_ADMIN = BUILTIN_ROLES["office_network_admin"]

# The bureaus seed 001 §10 names as owners of 掌上新华's boards, and the information centre running the network.
BUREAUS = (("CGJ", "新华区城市管理局"), ("HBJ", "新华区环境保护局"), ("SCJ", "新华区市场监督管理局"),
           ("MZJ", "新华区民政局"), ("ZJJ", "新华区住房和城乡建设局"), ("JYJ", "新华区教育局"),
           ("WSJ", "新华区卫生健康局"), ("XXZX", "新华区信息中心"))

TREE = DemoUnit("XH", "新华区人民政府", k.GOVERNMENT, (
    DemoUnit("XH-BGS", "新华区人民政府办公室", k.GENERAL_OFFICE),
    *(DemoUnit(f"XH-{code}", name, k.BUREAU) for code, name in BUREAUS),
    DemoUnit("XH-GXJ", "革新街街道办事处", k.STREET, (
        DemoUnit("XH-GXJ-1", "革新街社区居民委员会", k.COMMUNITY),
        DemoUnit("XH-GXJ-2", "民族路社区居民委员会", k.COMMUNITY),
    )),
    DemoUnit("XH-DJ", "东焦街道办事处", k.STREET, (
        DemoUnit("XH-DJ-1", "东焦村村民委员会", k.COMMUNITY),
    )),
    DemoUnit("XH-HZL", "合作路街道办事处", k.STREET),
    DemoUnit("XH-DBJ", "杜北街道办事处", k.STREET),
    DemoUnit("XH-ZLP", "赵陵铺镇人民政府", k.TOWN, (
        DemoUnit("XH-ZLP-1", "赵陵铺村村民委员会", k.COMMUNITY),
    )),
))

S, CITIZEN = AccountKind.STAFF, AccountKind.CITIZEN
PEOPLE = [
    # (role label, name, mobile, unit code, kind, title, grant role, login where)
    ("区政府系统管理员", "张建华", "13820000001", "XH", S, "系统管理员", SYSTEM_ADMIN, "控制台"),
    ("区政府安全保密管理员", "刘保密", "13820000002", "XH", S, "安全保密管理员", SECURITY_ADMIN, "控制台"),
    ("区政府安全审计员", "杨审计", "13820000003", "XH", S, "安全审计员", AUDITOR, "控制台"),
    ("副区长", "高志远", "13820000004", "XH", S, "副区长", UNIT_LEADER, "控制台"),
    ("区政府办公室秘书科科长", "孟丽", "13820000011", "XH-BGS", S, "科长", DEPT_HEAD, "控制台"),
    ("区政府办公室工作人员", "韩雪", "13820000012", "XH-BGS", S, "科员", STAFF, "控制台"),
    ("区政府办公室信息员（初审）", "王磊", "13820000013", "XH-BGS", S, "科员", STAFF, "控制台"),
    ("区政府办公室专网管理员", "赵网管", "13820000014", "XH-BGS", S, "专网管理员", NETWORK_ADMIN, "控制台"),
    ("城管局工作人员（随手拍承办）", "李城管", "13820000023", "XH-CGJ", S, "科员", STAFF, "控制台"),
    ("环保局工作人员", "周环保", "13820000024", "XH-HBJ", S, "科员", STAFF, "控制台"),
    ("教育局系统管理员", "宋军", "13820000021", "XH-JYJ", S, "系统管理员", SYSTEM_ADMIN, "控制台"),
    ("教育局工作人员", "唐敏", "13820000022", "XH-JYJ", S, "科员", STAFF, "控制台"),
    ("革新街街道系统管理员", "许强", "13820000031", "XH-GXJ", S, "系统管理员", SYSTEM_ADMIN, "控制台"),
    ("革新街街道工作人员", "邓佳", "13820000032", "XH-GXJ", S, "干事", STAFF, "控制台"),
    ("居民（革新街街道）", "曹阳", "13820000041", "XH-GXJ", CITIZEN, "", None, "移动端 /m/"),
    ("居民（赵陵铺镇）", "彭丽娟", "13820000042", "XH-ZLP", CITIZEN, "", None, "移动端 /m/"),
]


@transaction.atomic
def build(*, password: str) -> list[DemoLogin]:
    demo_tree(TREE)
    logins = demo_people(PEOPLE, password=password, region="130105", seed=20260001)
    content.build()
    return logins
