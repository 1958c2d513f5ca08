from django.utils.translation import gettext_lazy as _

from fenji.core.access.registry import Duty, declare
from fenji.core.kernel.modules import MenuEntry, Module, RoleShare, TodoProvider, register

NOTICE_SEND = declare("community.notice.send", Duty.BUSINESS, "向本单位成员发送通知公告")
ACTIVITY_MANAGE = declare("community.activity.manage", Duty.BUSINESS, "发布和管理成员活动")
FEEDBACK_HANDLE = declare("community.feedback.handle", Duty.BUSINESS, "答复成员意见反馈")
OPINION_HANDLE = declare("community.opinion.handle", Duty.SYSTEM, "答复或向上级转呈对本系统的意见建议")


def _feedback_todos(actor):  # the selectors load models: imported when asked, not at declaration
    from .selectors import feedback_todos

    return feedback_todos(actor)


def _opinion_todos(actor):
    from .selectors import opinion_todos

    return opinion_todos(actor)


register(Module(
    "community", "成员服务", core=True,
    menu=(MenuEntry(_("通知公告"), "community:notices", NOTICE_SEND, order=26),
          MenuEntry(_("成员活动"), "community:activities", ACTIVITY_MANAGE, order=27),
          MenuEntry(_("意见反馈"), "community:feedback", FEEDBACK_HANDLE, order=28),
          MenuEntry(_("系统意见建议"), "community:opinions", OPINION_HANDLE, order=95, group="system")),
    # For every signed-in person: members and elders hold no grant.
    mobile_tiles=(MenuEntry(_("通知公告"), "community:m_notices", None, order=20),
                  MenuEntry(_("活动"), "community:m_activities", None, order=21),
                  MenuEntry(_("意见反馈"), "community:m_feedback", None, order=22)),
    todo_providers=(TodoProvider("community.feedback", _feedback_todos, FEEDBACK_HANDLE),
                    TodoProvider("community.opinion", _opinion_todos, OPINION_HANDLE)),
    audit_labels={"community.notice.send": _("发送通知公告"), "community.activity.create": _("发布活动"),
                  "community.activity.signup": _("活动报名"), "community.activity.cancel": _("取消活动报名"),
                  "community.feedback.submit": _("提交意见反馈"), "community.feedback.answer": _("答复意见反馈"),
                  "community.feedback.pass_up": _("向上级转呈意见建议"),
                  "community.activity.export": _("导出活动报名名单")},
    role_shares=(
        RoleShare("dept_head", (NOTICE_SEND, ACTIVITY_MANAGE, FEEDBACK_HANDLE)),
        RoleShare("unit_leader", (NOTICE_SEND, ACTIVITY_MANAGE, FEEDBACK_HANDLE)),
        RoleShare("staff", (ACTIVITY_MANAGE, FEEDBACK_HANDLE)),
        RoleShare("system_admin", (OPINION_HANDLE,)),
    ),
))
