from django.apps import AppConfig


class SealsConfig(AppConfig):
    """Unit electronic seals (电子印章): one SM2 key pair per unit, its private key sealed at rest with
    the data key (SM4-GCM), made and withdrawn by the security-secrecy administrator and applied by
    the unit's head. A stamp signs SM3 digests of the content and of each attachment."""

    name = "fenji.core.seals"
    label = "seals"
    verbose_name = "电子印章"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from fenji.core.web import nav

        from . import permissions as perms

        nav.register(_("电子印章"), "seals:list", action=perms.KEY_MANAGE, order=60, group="system")
