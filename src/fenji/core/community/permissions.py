from django.utils.translation import gettext_lazy as _

from fenji.core.access.registry import Duty, declare
from fenji.core.kernel.modules import MenuEntry, Module, RoleShare, TodoProvider, register

NOTICE_SEND = declare("community.notice.send", Duty.BUSINESS, "向本单位成员发送通知公告")
ACTIVITY_MANAGE = declare("community.activity.manage", Duty.BUSINESS, "发布和管理成员活动")
FEEDBACK_HANDLE = declare("community.feedback.handle", Duty.BUSINESS, "答复成员意见反馈")


def _feedback_todos(actor):  # the selectors load models: imported when asked, not at declaration
    from .selectors import feedback_todos

    return feedback_todos(actor)


register(Module(
    "community", "成员服务", core=True,
    menu=(MenuEntry(_("通知公告"), "community:notices", NOTICE_SEND, order=26),
          MenuEntry(_("成员活动"), "community:activities", ACTIVITY_MANAGE, order=27),
          MenuEntry(_("意见反馈"), "community:feedback", FEEDBACK_HANDLE, order=28)),
    # For every signed-in person: members and elders hold no grant.
    mobile_tiles=(MenuEntry(_("通知公告"), "community:m_notices", None, order=20),
                  MenuEntry(_("活动"), "community:m_activities", None, order=21),
                  MenuEntry(_("意见反馈"), "community:m_feedback", None, order=22)),
    todo_providers=(TodoProvider("community.feedback", _feedback_todos, FEEDBACK_HANDLE),),
    audit_labels={"community.notice.send": _("发送通知公告"), "community.activity.create": _("发布活动"),
                  "community.activity.signup": _("活动报名"), "community.activity.cancel": _("取消活动报名"),
                  "community.feedback.submit": _("提交意见反馈"), "community.feedback.answer": _("答复意见反馈")},
    role_shares=(
        RoleShare("dept_head", (NOTICE_SEND, ACTIVITY_MANAGE, FEEDBACK_HANDLE)),
        RoleShare("unit_leader", (NOTICE_SEND, ACTIVITY_MANAGE, FEEDBACK_HANDLE)),
        RoleShare("staff", (ACTIVITY_MANAGE, FEEDBACK_HANDLE)),
    ),
))
