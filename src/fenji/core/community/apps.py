from django.apps import AppConfig


class CommunityConfig(AppConfig):
    """What a unit shares with its members and elders on the phone: 通知公告 (notices to them), 活动 (activities
    they sign up for) and 意见反馈 (their feedback, answered by the unit). Published posts with review arrive
    with the publishing app; this app's notices are messages from the unit, not publications."""

    name = "fenji.core.community"
    label = "community"
    verbose_name = "成员服务"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from fenji.core.web import nav

        from . import permissions  # noqa: F401  (actions, menu entries, tiles, to-dos)

        # Every console user may write about the system (C8.4): beside 个人信息, not in a group.
        nav.register(_("提意见建议"), "community:opinion_new", order=91)
