"""The console's declaration: the labels of the audit events its own pages write (it declares no action of
its own: its pages use the actions of the apps they join)."""

from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.modules import Module, register

register(Module("console", "控制台", core=True, audit_labels={"console.dashboard.export": _("导出统计概览")}))
