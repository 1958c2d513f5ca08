from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "fenji.core.people"
    label = "people"
    verbose_name = "人员账号"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from fenji.core.web import nav

        from . import member_import  # noqa: F401  (declares the member import and its background job)
        from . import permissions as perms

        nav.register(_("账号管理"), "people:accounts", action=perms.ACCOUNT_VIEW, order=20, group="org")
        nav.register(_("个人信息"), "people:profile", order=90)
