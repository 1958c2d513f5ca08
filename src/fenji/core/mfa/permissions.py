"""The second factor's declaration: the labels of its audit events (it declares no action of its own)."""

from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.modules import Module, register

register(Module("mfa", "动态口令", core=True, audit_labels={
    "mfa.device.confirm": _("绑定动态口令"),
    "mfa.device.reset": _("重置动态口令"),
}))
