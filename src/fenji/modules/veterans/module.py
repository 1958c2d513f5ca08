"""The veterans module's declaration (the module contract, ``fenji.core.kernel.modules``): its action
codes, roles and audit labels, from seed 000 and design/domain/office-and-veterans.md §4. Pages, menu entries and records come with the module itself."""

from fenji.core.access.rules import RoleWidening
from fenji.core.kernel.modules import ActionDecl, Module, RoleDecl

ELDER_VIEW = "veterans.elder.view"
ELDER_MANAGE = "veterans.elder.manage"
VISIT_RECORD = "veterans.visit.record"
AID_MANAGE = "veterans.aid.manage"
BRANCH_RECORD = "veterans.branch.record"
VOLUNTEER_RECORD = "veterans.volunteer.record"
RECORD_SAMPLE = "veterans.record.sample"

ACTIONS = (
    ActionDecl(ELDER_VIEW, "查看老干部信息", "business", read_only=True),
    ActionDecl(ELDER_MANAGE, "维护老干部信息", "business"),
    ActionDecl(VISIT_RECORD, "登记走访慰问", "business"),
    ActionDecl(AID_MANAGE, "办理困难帮扶", "business"),
    ActionDecl(BRANCH_RECORD, "登记离退休干部党支部活动", "business"),
    ActionDecl(VOLUNTEER_RECORD, "记录“银发生辉”志愿服务", "business"),
    ActionDecl(RECORD_SAMPLE, "抽查下级信息维护情况", "business"),
)

# Business roles: granted by the security and permission administrators (who delegate them).
GRANTED_BY = ("security_admin", "permission_admin")
ROLES = (
    # 各级老干部工作部门的专（兼）职工作人员：按时维护老干部信息和服务记录
    RoleDecl(
        "veterans_worker",
        "老干部工作人员",
        "business",
        (
            ELDER_VIEW,
            ELDER_MANAGE,
            VISIT_RECORD,
            AID_MANAGE,
            BRANCH_RECORD,
            VOLUNTEER_RECORD,
        ),
        delegated_by=GRANTED_BY,
    ),
    # 上级抽查下级信息维护的及时和准确
    RoleDecl(
        "veterans_inspector",
        "信息维护督查员",
        "business",
        (
            ELDER_VIEW,
            RECORD_SAMPLE,
        ),
        delegated_by=GRANTED_BY,
    ),
)

MODULE = Module(
    name="veterans",
    label="老干部服务管理",
    actions=ACTIONS,
    roles=ROLES,
    # Seed 000 §6: under this module's own profile the system administrator configures the lower
    # administrators and their permissions, its workers' roles included.
    duty_rules={
        "veterans": (RoleWidening("system_admin", delegates=frozenset(r.code for r in ROLES), source="seed 000 §6"),)
    },
    audit_labels={action.code: action.label for action in ACTIONS if not action.read_only},
)
