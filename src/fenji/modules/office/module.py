"""The office module's declaration (the module contract, ``fenji.core.kernel.modules``): its action
codes, roles and audit labels, from seed 001 and design/domain/office-and-veterans.md. Pages, menu entries and records come with the module itself."""

from fenji.core.kernel.modules import ActionDecl, Module, RoleDecl

DOCUMENT_VIEW = "office.document.view"
DOCUMENT_REGISTER = "office.document.register"
DOCUMENT_DRAFT = "office.document.draft"
DOCUMENT_SIGN = "office.document.sign"
TASK_ASSIGN = "office.task.assign"
TASK_HANDLE = "office.task.handle"
COLUMN_PUBLISH = "office.column.publish"
COLUMN_REVIEW = "office.column.review"

ACTIONS = (
    ActionDecl(DOCUMENT_VIEW, "查看公文", "business", read_only=True),
    ActionDecl(DOCUMENT_REGISTER, "收文登记和分办", "business"),
    ActionDecl(DOCUMENT_DRAFT, "起草发文", "business"),
    ActionDecl(DOCUMENT_SIGN, "签发公文", "business"),
    ActionDecl(TASK_ASSIGN, "交办督办事项", "business"),
    ActionDecl(TASK_HANDLE, "承办督办事项和12345工单", "business"),
    ActionDecl(COLUMN_PUBLISH, "报送栏目信息", "business"),
    ActionDecl(COLUMN_REVIEW, "审核栏目信息并发布", "business"),
)

# Business roles: granted by the security and permission administrators (who delegate them).
GRANTED_BY = ("security_admin", "permission_admin")
ROLES = (
    # 办公室文秘：收文登记分办、起草发文、承办事项
    RoleDecl(
        "office_clerk",
        "文秘人员",
        "business",
        (
            DOCUMENT_VIEW,
            DOCUMENT_REGISTER,
            DOCUMENT_DRAFT,
            TASK_HANDLE,
        ),
        delegated_by=GRANTED_BY,
    ),
    # 签发公文、交办督办事项
    RoleDecl(
        "office_leader",
        "签发领导",
        "business",
        (
            DOCUMENT_VIEW,
            DOCUMENT_SIGN,
            TASK_ASSIGN,
        ),
        delegated_by=GRANTED_BY,
    ),
    # 栏目信息先审后发：审核人不是报送人
    RoleDecl("office_editor", "信息审核员", "business", (COLUMN_REVIEW,), delegated_by=GRANTED_BY),
    # 各部门报送栏目信息
    RoleDecl("office_reporter", "信息报送员", "business", (COLUMN_PUBLISH,), delegated_by=GRANTED_BY),
)

MODULE = Module(
    name="office",
    label="政务办公（掌上新华）",
    actions=ACTIONS,
    roles=ROLES,
    audit_labels={action.code: action.label for action in ACTIONS if not action.read_only},
)
