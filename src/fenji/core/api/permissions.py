"""The API app's declaration: the labels of its audit events (it declares no action of its own)."""

from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.modules import Module, register

register(Module("api", "接口", core=True, audit_labels={
    "api.token.create": _("创建接口令牌"),
    "api.token.revoke": _("吊销接口令牌"),
    "api.token.authenticate": _("接口令牌认证"),
}))
