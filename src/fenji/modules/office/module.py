"""The office module's declaration (the module contract, ``fenji.core.kernel.modules``): its action
codes, roles and audit labels, from seed 001 and design/domain/office-and-veterans.md. Pages, menu entries and records come with the module itself."""

from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.modules import ActionDecl, DashboardTile, MenuEntry, Module, RoleDecl, RoleShare, TodoProvider

DOCUMENT_VIEW = "office.document.view"
DOCUMENT_REGISTER = "office.document.register"
DOCUMENT_DRAFT = "office.document.draft"
DOCUMENT_SIGN = "office.document.sign"
TASK_ASSIGN = "office.task.assign"
TASK_HANDLE = "office.task.handle"
COLUMN_PUBLISH = "office.column.publish"
COLUMN_REVIEW = "office.column.review"
MEDIA_VIEW = "office.media.view"
MEDIA_MANAGE = "office.media.manage"
DUTY_VIEW = "office.duty.view"
REGISTER_VIEW = "office.register.view"
DUTY_MANAGE = "office.duty.manage"

ACTIONS = (
    ActionDecl(DOCUMENT_VIEW, "查看公文", "business", read_only=True),
    ActionDecl(DOCUMENT_REGISTER, "收文登记和分办", "business"),
    ActionDecl(DOCUMENT_DRAFT, "起草发文", "business"),
    ActionDecl(DOCUMENT_SIGN, "签发公文", "business"),
    ActionDecl(TASK_ASSIGN, "交办督办事项", "business"),
    ActionDecl(TASK_HANDLE, "承办督办事项和12345工单", "business"),
    ActionDecl(COLUMN_PUBLISH, "报送栏目信息", "business"),
    ActionDecl(COLUMN_REVIEW, "审核栏目信息并发布", "business"),
    ActionDecl(MEDIA_VIEW, "查看移动存储介质登记", "business", read_only=True),
    ActionDecl(MEDIA_MANAGE, "登记移动存储介质和查毒记录", "business"),
    ActionDecl(DUTY_VIEW, "查看值班安排", "business", read_only=True),
    ActionDecl(REGISTER_VIEW, "查看信息发布登记台账", "business", read_only=True),
    ActionDecl(DUTY_MANAGE, "安排传输值守和值班", "business"),
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
    # 各单位专网管理员 (001 §6, §13, §16)：介质登记、查毒、值班安排
    RoleDecl("office_network_admin", "专网管理员", "business",
             (MEDIA_VIEW, MEDIA_MANAGE, DUTY_VIEW, DUTY_MANAGE, REGISTER_VIEW),
             delegated_by=GRANTED_BY),
)


def _media_todos(actor):  # the selectors load models: imported when asked
    from .selectors import medium_todos

    return medium_todos(actor)


def _media_due(actor):
    from .selectors import medium_list_check_due

    return medium_list_check_due(actor=actor).count()


def _on_duty_today(actor):
    from django.utils import timezone

    from .selectors import on_duty_names

    return on_duty_names(actor.unit_id, timezone.now()) or "未安排"


def _on_duty(unit_ids, moment):
    from .selectors import on_duty

    return on_duty(unit_ids, moment)


MODULE = Module(
    name="office",
    label="政务办公（掌上新华）",
    actions=ACTIONS,
    roles=ROLES,
    role_shares=(RoleShare("unit_leader", (MEDIA_VIEW, DUTY_VIEW, REGISTER_VIEW)),
                 RoleShare("dept_head", (DUTY_VIEW, REGISTER_VIEW))),
    menu=(MenuEntry(_("移动存储介质"), "office:media", MEDIA_VIEW, order=60),
          MenuEntry(_("值班安排"), "office:duty", DUTY_VIEW, order=61),
          MenuEntry(_("信息发布登记"), "office:publications", REGISTER_VIEW, order=62)),
    todo_providers=(TodoProvider("office.media", _media_todos, MEDIA_MANAGE),),
    dashboard_tiles=(DashboardTile(_("待查毒的移动存储介质"), _media_due, MEDIA_MANAGE, order=30),
                     DashboardTile(_("本单位当前值班"), _on_duty_today, DUTY_VIEW, order=31)),
    on_duty=_on_duty,
    urls="fenji.modules.office.urls", url_prefix="office/", api="fenji.modules.office.api.router",
    audit_labels={**{action.code: action.label for action in ACTIONS if not action.read_only},
                  "office.medium.register": "登记移动存储介质", "office.medium.check": "登记查毒记录",
                  "office.medium.retire": "登记介质丢失或报废", "office.medium.export": "导出移动存储介质登记台账",
                  "office.duty.assign": "安排值班", "office.duty.remove": "取消值班安排",
                  "office.publication.export": "导出信息发布登记台账"},
)
