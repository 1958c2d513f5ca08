from django.utils.translation import gettext_lazy as _

from fenji.core.access.registry import Duty, declare
from fenji.core.kernel.modules import DashboardTile, MenuEntry, Module, RoleShare, TodoProvider, register

COLUMN_MANAGE = declare("publish.column.manage", Duty.BUSINESS, "管理栏目（新增、改名、合并、调整归属）")
POST_DRAFT = declare("publish.post.draft", Duty.BUSINESS, "撰写发布稿件")
REVIEW_FIRST = declare("publish.post.review_first", Duty.BUSINESS, "初审发布稿件")
REVIEW_SECOND = declare("publish.post.review_second", Duty.BUSINESS, "复审发布稿件")
REVIEW_FINAL = declare("publish.post.review_final", Duty.BUSINESS, "终审发布稿件")
POST_WITHDRAW = declare("publish.post.withdraw", Duty.BUSINESS, "撤回已发布稿件")
WORD_MANAGE = declare("publish.word.manage", Duty.SECURITY, "维护发布敏感词")

REVIEW_ACTIONS = (REVIEW_FIRST, REVIEW_SECOND, REVIEW_FINAL)
# The default review levels of a new column (三审): 初审 by the department, 复审 by its head, 终审 by the leader
DEFAULT_LEVELS = (("初审", REVIEW_FIRST), ("复审", REVIEW_SECOND), ("终审", REVIEW_FINAL))


def _awaiting_count(actor):
    from .selectors import post_list_awaiting

    return post_list_awaiting(actor=actor).count()


def _review_todos(actor):  # the selectors load models: imported when asked, not at declaration
    from .selectors import post_todos

    return post_todos(actor)


register(Module(
    "publish", "信息发布", core=True,
    menu=(MenuEntry(_("栏目管理"), "publish:columns", COLUMN_MANAGE, order=29, group="publish"),
          MenuEntry(_("稿件"), "publish:posts", POST_DRAFT, order=30, group="publish"),
          MenuEntry(_("栏目健康"), "publish:health", COLUMN_MANAGE, order=30, group="publish"),
          MenuEntry(_("敏感词"), "publish:words", WORD_MANAGE, order=31, group="publish")),
    mobile_tiles=(MenuEntry(_("信息栏目"), "publish:m_columns", None, order=23),),  # for every signed-in person
    todo_providers=(TodoProvider("publish.review", _review_todos, None),),
    dashboard_tiles=(DashboardTile(_("待我审核的稿件"), _awaiting_count, POST_DRAFT, order=20),),
    audit_labels={
        "publish.column.create": _("新增栏目"), "publish.column.update": _("修改栏目"),
        "publish.column.merge": _("合并栏目"), "publish.column.reassign": _("调整栏目归属"),
        "publish.column.managers": _("设置栏目管理员"), "publish.column.levels": _("设置栏目审核级次"),
        "publish.column.boards": _("关联互动版块"),
        "publish.post.save": _("保存发布稿件"), "publish.post.submit": _("稿件送审"),
        "publish.post.approve": _("审核通过稿件"), "publish.post.reject": _("退回稿件"),
        "publish.post.publish": _("发布稿件"), "publish.post.withdraw": _("撤回已发布稿件"),
        "publish.word.add": _("添加敏感词"), "publish.word.remove": _("删除敏感词"),
        "publish.approval.export": _("打印发布审批单"), "publish.health.export": _("导出栏目健康情况"),
    },
    role_shares=(
        RoleShare("staff", (POST_DRAFT, REVIEW_FIRST)),
        RoleShare("dept_head", (COLUMN_MANAGE, POST_DRAFT, REVIEW_FIRST, REVIEW_SECOND, POST_WITHDRAW)),
        RoleShare("unit_leader", (COLUMN_MANAGE, POST_DRAFT, REVIEW_FINAL, POST_WITHDRAW)),
        RoleShare("security_admin", (WORD_MANAGE,)),
    ),
))
