"""The labor module's declaration (the module contract, ``fenji.core.kernel.modules``): its action
codes, roles and audit labels, from seed 004 and design/domain/labor.md. Pages, menu entries and records come with the module itself."""

from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.modules import ActionDecl, MenuEntry, Module, RoleDecl, RoleShare, TodoProvider

from . import subsystems

WORKER_VIEW = "labor.worker.view"
WORKER_MANAGE = "labor.worker.manage"
TICKET_VIEW = "labor.ticket.view"
TICKET_FILE = "labor.ticket.file"
TICKET_SIGN = "labor.ticket.sign"
TICKET_REVIEW = "labor.ticket.review"
TICKET_DISPATCH = "labor.ticket.dispatch"
TICKET_WORK = "labor.ticket.work"

ACTIONS = (
    ActionDecl(WORKER_VIEW, "查看劳动力资源信息", "business", read_only=True, subsystem=subsystems.POOL),
    ActionDecl(WORKER_MANAGE, "采集和维护劳动力资源信息", "business", subsystem=subsystems.POOL),
    ActionDecl(TICKET_VIEW, "查看业务需求工单", "business", read_only=True),
    ActionDecl(TICKET_FILE, "提交业务需求", "business"),
    ActionDecl(TICKET_SIGN, "签批本部门业务需求（部门负责人）", "business"),
    ActionDecl(TICKET_REVIEW, "审核业务需求（州级对口科室）", "business"),
    ActionDecl(TICKET_DISPATCH, "受理和分派业务需求（州信息中心）", "business"),
    ActionDecl(TICKET_WORK, "实施业务需求（运维公司）", "business"),
)

# Business roles: granted by the security and permission administrators (who delegate them).
GRANTED_BY = ("security_admin", "permission_admin")
ROLES = (
    # 劳动力资源信息库的采集和维护
    RoleDecl(
        "labor_collector",
        "劳动力信息采集员",
        "business",
        (
            WORKER_VIEW,
            WORKER_MANAGE,
        ),
        delegated_by=GRANTED_BY,
        subsystem=subsystems.POOL,
    ),
    # 县（市）、州业务科室提出业务需求
    RoleDecl(
        "labor_requester",
        "业务需求填报人",
        "business",
        (
            TICKET_VIEW,
            TICKET_FILE,
        ),
        delegated_by=GRANTED_BY,
    ),
    # 州级对口科室审核需求
    RoleDecl(
        "labor_reviewer",
        "对口科室审核人",
        "business",
        (
            TICKET_VIEW,
            TICKET_REVIEW,
        ),
        delegated_by=GRANTED_BY,
    ),
    # 州信息中心：受理、分派、台账
    RoleDecl(
        "labor_centre",
        "信息中心运维管理员",
        "business",
        (
            TICKET_VIEW,
            TICKET_DISPATCH,
        ),
        delegated_by=GRANTED_BY,
    ),
    # 外部运维公司：账号只限工单
    RoleDecl(
        "labor_vendor",
        "运维公司人员",
        "business",
        (
            TICKET_VIEW,
            TICKET_WORK,
        ),
        delegated_by=GRANTED_BY,
    ),
)

def _ticket_todos(actor):  # the selectors load models: imported when asked
    from .selectors import ticket_todos

    return ticket_todos(actor)


MODULE = Module(
    name="labor",
    label="劳动力资源（恩施州）",
    actions=ACTIONS + subsystems.ACTIONS,
    roles=ROLES + subsystems.ROLES,
    subsystems=subsystems.SUBSYSTEMS,
    # 申请部门负责人签字: the department's head (and the bureau's leaders) sign its requirements
    role_shares=(RoleShare("dept_head", (TICKET_VIEW, TICKET_SIGN)), RoleShare("unit_leader", (TICKET_VIEW, TICKET_SIGN))),
    menu=(MenuEntry(_("业务需求"), "labor:tickets", TICKET_VIEW, order=50),
          MenuEntry(_("需求台账"), "labor:ledger", TICKET_DISPATCH, order=51)),
    todo_providers=(TodoProvider("labor.tickets", _ticket_todos, TICKET_VIEW),),
    urls="fenji.modules.labor.urls", url_prefix="labor/", api="fenji.modules.labor.api.router",
    audit_labels={**{action.code: action.label for action in ACTIONS + subsystems.ACTIONS if not action.read_only},
                  "labor.ticket.draft": "填报业务需求", "labor.ticket.update": "修改业务需求",
                  "labor.ticket.submit": "提交业务需求", "labor.ticket.review": "州级业务部门审核业务需求",
                  "labor.ticket.intake": "信息中心受理业务需求", "labor.ticket.assess": "运维公司评估业务需求",
                  "labor.ticket.schedule": "信息中心排期", "labor.ticket.develop": "登记开发完成",
                  "labor.ticket.internal_test": "登记内部测试", "labor.ticket.test": "业务测试签字",
                  "labor.ticket.business_test": "业务测试结论", "labor.ticket.plan": "制定发布计划",
                  "labor.ticket.release": "登记发布结果", "labor.ticket.export": "导出业务需求台账",
                  "labor.ticket.print": "打印业务需求表单"},
)
