from django.utils.translation import gettext_lazy as _

"""The working-day calendar's action codes. ``calendar`` sits below ``access`` in the layers, so it declares
them through the module contract (``kernel.modules``) rather than ``access.registry.declare``; its console
pages (``ops``) enforce them."""

from fenji.core.kernel.modules import ActionDecl, Module, RoleShare, register

DAY_VIEW = "calendar.day.view"
DAY_MANAGE = "calendar.day.manage"

AUDIT_LABELS = {
    "calendar.day.set": _("设置节假日或调休工作日"),
    "calendar.day.remove": _("删除日历调整"),
    "calendar.year.seed": _("预置年度工作日历"),
    "calendar.year.import": _("导入年度工作日历"),
    "calendar.year.confirm": _("确认年度工作日历"),
}

register(Module("calendar", "工作日历", core=True, audit_labels=AUDIT_LABELS, actions=(
    ActionDecl(DAY_VIEW, "查看工作日历", "business", read_only=True),
    ActionDecl(DAY_MANAGE, "维护工作日历", "system"),
), role_shares=(
    RoleShare("system_admin", (DAY_VIEW, DAY_MANAGE)),
    *(RoleShare(role, (DAY_VIEW,)) for role in ("staff", "dept_head", "unit_leader")),
)))
