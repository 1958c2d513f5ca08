"""The ``office`` demo (seed 001): 新华区人民政府 with its general office, bureaus, towns and streets, the
district's and a few units' administrators, staff and a leader, and residents on 掌上新华 (the mobile site)."""

from django.db import transaction

from fenji.core.access.roles import AUDITOR, DEPT_HEAD, SECURITY_ADMIN, STAFF, SYSTEM_ADMIN, UNIT_LEADER
from fenji.core.people.bootstrap import DemoLogin, DemoUnit, demo_people, demo_tree
from fenji.core.people.models import AccountKind

from . import kinds as k

BUREAUS = ("发展和改革局", "教育局", "财政局", "人力资源和社会保障局", "民政局", "卫生健康局", "应急管理局")

TREE = DemoUnit("XH", "新华区人民政府", k.GOVERNMENT, (
    DemoUnit("XH-BGS", "新华区人民政府办公室", k.GENERAL_OFFICE),
    *(DemoUnit(f"XH-J{n:02d}", f"新华区{name}", k.BUREAU) for n, name in enumerate(BUREAUS, start=1)),
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
    ("教育局系统管理员", "宋军", "13820000021", "XH-J02", S, "系统管理员", SYSTEM_ADMIN, "控制台"),
    ("教育局工作人员", "唐敏", "13820000022", "XH-J02", S, "科员", STAFF, "控制台"),
    ("革新街街道系统管理员", "许强", "13820000031", "XH-GXJ", S, "系统管理员", SYSTEM_ADMIN, "控制台"),
    ("革新街街道工作人员", "邓佳", "13820000032", "XH-GXJ", S, "干事", STAFF, "控制台"),
    ("居民（革新街街道）", "曹阳", "13820000041", "XH-GXJ", CITIZEN, "", None, "移动端 /m/"),
    ("居民（赵陵铺镇）", "彭丽娟", "13820000042", "XH-ZLP", CITIZEN, "", None, "移动端 /m/"),
]


@transaction.atomic
def build(*, password: str) -> list[DemoLogin]:
    demo_tree(TREE)
    return demo_people(PEOPLE, password=password, region="130105", seed=20260001)
