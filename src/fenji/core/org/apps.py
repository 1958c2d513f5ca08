from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "fenji.core.org"
    label = "org"
    verbose_name = "组织机构"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from fenji.core.web import nav

        from . import permissions as perms

        nav.register(_("首页"), "org:home", order=0)
        nav.register(_("组织机构"), "org:tree", action=perms.UNIT_VIEW, order=10)
