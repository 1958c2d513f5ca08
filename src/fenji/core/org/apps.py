from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "fenji.core.org"
    label = "org"
    verbose_name = "组织机构"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from fenji.core.notify import periodic
        from fenji.core.web import nav

        from . import census, tally
        from . import permissions as perms

        periodic.register("org.tally", tally.tally_rebuild, every_seconds=tally.EVERY_SECONDS)
        periodic.register("org.census", census.census_check, every_seconds=census.EVERY_SECONDS)
        nav.register(_("首页"), "home:home", order=0)
        nav.register(_("组织机构"), "org:tree", action=perms.UNIT_VIEW, order=10, group="org")
