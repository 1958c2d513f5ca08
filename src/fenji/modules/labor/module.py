"""The labor module's declaration (the module contract, ``fenji.core.kernel.modules``): its action
codes, roles and audit labels, from seed 004 and design/domain/labor.md. Pages, menu entries and records come with the module itself."""

from fenji.core.kernel.modules import ActionDecl, Module, RoleDecl

from . import subsystems

WORKER_VIEW = "labor.worker.view"
WORKER_MANAGE = "labor.worker.manage"
TICKET_VIEW = "labor.ticket.view"
TICKET_FILE = "labor.ticket.file"
TICKET_REVIEW = "labor.ticket.review"
TICKET_DISPATCH = "labor.ticket.dispatch"
TICKET_WORK = "labor.ticket.work"

ACTIONS = (
    ActionDecl(WORKER_VIEW, "查看劳动力资源信息", "business", read_only=True, subsystem=subsystems.POOL),
    ActionDecl(WORKER_MANAGE, "采集和维护劳动力资源信息", "business", subsystem=subsystems.POOL),
    ActionDecl(TICKET_VIEW, "查看业务需求工单", "business", read_only=True),
    ActionDecl(TICKET_FILE, "提交业务需求", "business"),
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

MODULE = Module(
    name="labor",
    label="劳动力资源（恩施州）",
    actions=ACTIONS + subsystems.ACTIONS,
    roles=ROLES + subsystems.ROLES,
    subsystems=subsystems.SUBSYSTEMS,
    audit_labels={action.code: action.label for action in ACTIONS + subsystems.ACTIONS if not action.read_only},
)
