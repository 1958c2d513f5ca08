"""The ``labor`` demo (seed 004): 恩施州人社局 with its offices, the counties' (cities') bureaus and their
towns; account administrators (A and B), permission administrators and operators each by their own person,
no account or permission administrator at a town, and job seekers on the mobile site; the requirement tickets'
parties (a county department and its head, the prefecture's counterpart department, the information centre, the
vendor company) and tickets in their states (``content``)."""

from django.db import transaction

from fenji.core.access.roles import (
    ACCOUNT_ADMIN,
    AUDITOR,
    BUILTIN_ROLES,
    DEPT_HEAD,
    OPERATOR,
    PERMISSION_ADMIN,
    SECURITY_ADMIN,
    SYSTEM_ADMIN,
    UNIT_LEADER,
)
from fenji.core.people.bootstrap import DemoLogin, DemoUnit, demo_people, demo_tree
from fenji.core.people.models import AccountKind

from . import content
from . import kinds as k
from . import subsystems as sub

COUNTIES = (  # (code, name, towns)
    ("422801", "恩施市", ("舞阳坝街道", "小渡船街道", "龙凤镇")),
    ("422802", "利川市", ("都亭街道", "谋道镇")),
    ("422822", "建始县", ("业州镇", "高坪镇")),
    ("422823", "巴东县", ("信陵镇",)),
    ("422825", "宣恩县", ("珠山镇",)),
    ("422826", "咸丰县", ("高乐山镇",)),
    ("422827", "来凤县", ("翔凤镇",)),
    ("422828", "鹤峰县", ("容美镇",)),
)

TREE = DemoUnit("RS-4228", "恩施州人力资源和社会保障局", k.PREFECTURE, (
    DemoUnit("RS-4228-D1", "州人社局办公室", k.DEPARTMENT),
    DemoUnit("RS-4228-D2", "州人社信息中心", k.DEPARTMENT),
    DemoUnit("RS-4228-D3", "州就业服务局", k.DEPARTMENT),
    DemoUnit("RS-4228-V1", "恩施云智信息技术有限公司", k.VENDOR),
    *(DemoUnit(f"RS-{code}", f"{name}人力资源和社会保障局", k.COUNTY, (
        *((DemoUnit(f"RS-{code}-D1", f"{name}就业服务中心", k.DEPARTMENT),) if code == "422801" else ()),
        *(DemoUnit(f"RS-{code}-T{n}", f"{town}人社服务中心", k.TOWN) for n, town in enumerate(towns, start=1)),
    )) for code, name, towns in COUNTIES),
))

S, CITIZEN = AccountKind.STAFF, AccountKind.CITIZEN
PEOPLE = [
    # (role label, name, mobile, unit code, kind, title, grant role, login where)
    ("州系统管理员", "向东", "13850000001", "RS-4228", S, "系统管理员", SYSTEM_ADMIN, "控制台"),
    ("州安全保密管理员", "田保密", "13850000002", "RS-4228", S, "安全保密管理员", SECURITY_ADMIN, "控制台"),
    ("州安全审计员", "谭审计", "13850000003", "RS-4228", S, "安全审计员", AUDITOR, "控制台"),
    ("州账户管理员（A角）", "覃红", "13850000004", "RS-4228", S, "账户管理员", ACCOUNT_ADMIN, "控制台"),
    ("州账户管理员（B角）", "黄蓉", "13850000005", "RS-4228", S, "账户管理员", ACCOUNT_ADMIN, "控制台"),
    ("州权限管理员", "向阳", "13850000006", "RS-4228", S, "权限管理员", PERMISSION_ADMIN, "控制台"),
    ("州人社局分管领导", "杨建", "13850000007", "RS-4228", S, "副局长", UNIT_LEADER, "控制台"),
    ("州业务操作员（就业服务局）", "滕飞", "13850000011", "RS-4228-D3", S, "操作员", OPERATOR, "控制台"),
    ("县（市）账户管理员（恩施市）", "冉静", "13850000021", "RS-422801", S, "账户管理员", ACCOUNT_ADMIN, "控制台"),
    ("县（市）权限管理员（恩施市）", "龚平", "13850000022", "RS-422801", S, "权限管理员", PERMISSION_ADMIN, "控制台"),
    ("县（市）业务操作员（恩施市）", "邓梅", "13850000023", "RS-422801", S, "操作员", OPERATOR, "控制台"),
    # §7 权限管理员可根据需要按子系统分设: 恩施市's second permission administrator serves 零工驿站 only
    ("县（市）权限管理员·零工驿站（恩施市）", "谭静", "13850000024", "RS-422801", S, "权限管理员", PERMISSION_ADMIN,
     "控制台", sub.GIG),
    ("县（市）零工驿站经办员（恩施市）", "刘洋", "13850000025", "RS-422801", S, "零工驿站经办员",
     BUILTIN_ROLES["labor_gig_clerk"], "控制台"),
    ("县（市）共享用工经办员（恩施市）", "吴敏", "13850000026", "RS-422801", S, "共享用工经办员",
     BUILTIN_ROLES["labor_sharing_clerk"], "控制台"),
    # 业务需求运维管理: the county department files, its head signs, the prefecture's counterpart reviews, the
    # information centre (its grant over the whole prefecture: ``content``) takes in, the vendor implements
    ("县（市）业务需求填报人（恩施市就业服务中心）", "邓丽", "13850000051", "RS-422801-D1", S, "科员",
     BUILTIN_ROLES["labor_requester"], "控制台"),
    ("县（市）业务部门负责人（恩施市就业服务中心）", "向华", "13850000052", "RS-422801-D1", S, "主任", DEPT_HEAD,
     "控制台"),
    ("州级对口科室审核人（州就业服务局）", "陈科", "13850000053", "RS-4228-D3", S, "科长",
     BUILTIN_ROLES["labor_reviewer"], "控制台"),
    ("州信息中心运维管理员", "田中心", "13850000054", "RS-4228-D2", S, "工程师", BUILTIN_ROLES["labor_centre"],
     "控制台"),
    ("运维公司开发人员", "覃开发", "13850000055", "RS-4228-V1", S, "开发工程师", BUILTIN_ROLES["labor_vendor"],
     "控制台（只见本公司工单）"),
    ("运维公司项目经理", "黄经理", "13850000056", "RS-4228-V1", S, "项目经理", BUILTIN_ROLES["labor_vendor"],
     "控制台（只见本公司工单）"),
    ("乡镇业务操作员（舞阳坝街道）", "牟丽", "13850000031", "RS-422801-T1", S, "操作员", OPERATOR, "控制台"),
    ("求职者（舞阳坝街道）", "彭小军", "13850000041", "RS-422801-T1", CITIZEN, "", None, "移动端 /m/"),
    ("求职者（利川市都亭街道）", "陈春燕", "13850000042", "RS-422802-T1", CITIZEN, "", None, "移动端 /m/"),
]


@transaction.atomic
def build(*, password: str) -> list[DemoLogin]:
    demo_tree(TREE)
    logins = demo_people(PEOPLE, password=password, region="422801", seed=20260004)
    content.build()
    return logins
