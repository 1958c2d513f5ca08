"""The ``league`` demo (智慧团建): 团省委 → 团市委 → 团区委 → 团委 / 团工委 → 团支部, its administrators,
cadres and two League members on the mobile site."""

from django.db import transaction

from fenji.core.access.roles import AUDITOR, BUILTIN_ROLES, SECURITY_ADMIN, STAFF, SYSTEM_ADMIN, UNIT_LEADER
from fenji.core.people.bootstrap import DemoLogin, DemoUnit, demo_people, demo_tree
from fenji.core.people.models import AccountKind

from . import content
from . import kinds as k

TREE = DemoUnit("LY-GD", "共青团广东省委员会", k.PROVINCE, (
    DemoUnit("LY-GZ", "共青团广州市委员会", k.CITY, (
        DemoUnit("LY-GZ-YX", "共青团广州市越秀区委员会", k.COUNTY, (
            DemoUnit("LY-GZ-YX-13Z", "广州市第十三中学团委", k.COMMITTEE, (
                DemoUnit("LY-GZ-YX-13Z-G1", "高一（1）班团支部", k.BRANCH),
                DemoUnit("LY-GZ-YX-13Z-G2", "高二（3）班团支部", k.BRANCH),
                DemoUnit("LY-GZ-YX-13Z-JS", "教师团支部", k.BRANCH),
            )),
            DemoUnit("LY-GZ-YX-BJJ", "越秀区北京街道团工委", k.WORKING_COMMITTEE, (
                DemoUnit("LY-GZ-YX-BJJ-SQ", "北京街道青年团总支", k.GENERAL_BRANCH, (
                    DemoUnit("LY-GZ-YX-BJJ-SQ1", "盐运西社区团支部", k.BRANCH),
                    DemoUnit("LY-GZ-YX-BJJ-SQ2", "都府社区团支部", k.BRANCH),
                )),
            )),
        )),
        DemoUnit("LY-GZ-TH", "共青团广州市天河区委员会", k.COUNTY, (
            DemoUnit("LY-GZ-TH-SP", "天河区石牌街道团工委", k.WORKING_COMMITTEE, (
                DemoUnit("LY-GZ-TH-SP-1", "石牌东社区团支部", k.BRANCH),
            )),
        )),
    )),
    DemoUnit("LY-SZ", "共青团深圳市委员会", k.CITY, (
        DemoUnit("LY-SZ-FT", "共青团深圳市福田区委员会", k.COUNTY, (
            DemoUnit("LY-SZ-FT-HQ", "福田区华强北街道团工委", k.WORKING_COMMITTEE, (
                DemoUnit("LY-SZ-FT-HQ-1", "华航社区团支部", k.BRANCH),
            )),
        )),
    )),
))

STAFF_KIND, MEMBER = AccountKind.STAFF, AccountKind.MEMBER
PEOPLE = [
    # (role label, name, mobile, unit code, kind, title, grant role, login where)
    ("团省委系统管理员", "林志强", "13830000001", "LY-GD", STAFF_KIND, "系统管理员", SYSTEM_ADMIN, "控制台"),
    ("团省委安全保密管理员", "黄保密", "13830000002", "LY-GD", STAFF_KIND, "安全保密管理员", SECURITY_ADMIN, "控制台"),
    ("团省委安全审计员", "梁审计", "13830000003", "LY-GD", STAFF_KIND, "安全审计员", AUDITOR, "控制台"),
    ("团省委组织部干事", "陈晓雯", "13830000004", "LY-GD", STAFF_KIND, "组织部干事", STAFF, "控制台"),
    ("团省委副书记", "何嘉明", "13830000005", "LY-GD", STAFF_KIND, "副书记", UNIT_LEADER, "控制台"),
    ("团市委系统管理员（广州）", "郭伟", "13830000011", "LY-GZ", STAFF_KIND, "系统管理员", SYSTEM_ADMIN, "控制台"),
    ("团市委组织部干事（广州）", "冯丽", "13830000012", "LY-GZ", STAFF_KIND, "组织部干事", STAFF, "控制台"),
    ("团区委系统管理员（越秀）", "罗浩", "13830000021", "LY-GZ-YX", STAFF_KIND, "系统管理员", SYSTEM_ADMIN, "控制台"),
    ("团区委书记（越秀）", "邓颖", "13830000022", "LY-GZ-YX", STAFF_KIND, "书记", UNIT_LEADER, "控制台"),
    ("学校团委书记（第十三中学：团员、团费）", "谢文", "13830000031", "LY-GZ-YX-13Z", STAFF_KIND, "团委书记",
     BUILTIN_ROLES["league_cadre"], "控制台"),
    ("团员（高一（1）班团支部）", "周子涵", "13830000041", "LY-GZ-YX-13Z-G1", MEMBER, "", None, "移动端 /m/"),
    ("团员（盐运西社区团支部）", "吴嘉欣", "13830000042", "LY-GZ-YX-BJJ-SQ1", MEMBER, "", None, "移动端 /m/"),
]


@transaction.atomic
def build(*, password: str) -> list[DemoLogin]:
    demo_tree(TREE)
    logins = demo_people(PEOPLE, password=password, region="440104", seed=20260002)
    content.build()
    return logins
