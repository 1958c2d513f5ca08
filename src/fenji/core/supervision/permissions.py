"""What the supervision app declares: its actions, menu entries, to-dos, tiles, audit labels, the record type
of its own open to sampling (accounts), and the built-in roles' share."""

from django.utils.translation import gettext_lazy as _

from fenji.core.access.registry import Duty, declare
from fenji.core.kernel.modules import DashboardTile, MenuEntry, Module, RoleShare, TodoProvider, register

INSPECTION_VIEW = declare("supervision.inspection.view", Duty.BUSINESS, "查看本单位及下级的监督检查、抽查和整改",
                          read_only=True)
INSPECTION_MANAGE = declare("supervision.inspection.manage", Duty.BUSINESS,
                            "对下级单位开展监督检查和抽查，下发整改通知并验收")
RECTIFY = declare("supervision.rectification.answer", Duty.BUSINESS, "答复本单位收到的整改通知")

# audit action codes (the services write them)
PLAN, CLOSE = "supervision.inspection.plan", "supervision.inspection.close"
FINDING_RECORD, FINDING_UPDATE, FINDING_REMOVE = ("supervision.finding.record", "supervision.finding.update",
                                                  "supervision.finding.remove")
NOTICE = "supervision.notice.issue"
SAMPLE_DRAW, SAMPLE_CHECK = "supervision.sample.draw", "supervision.sample.check"
REPLY, DECIDE = "supervision.rectification.reply", "supervision.rectification.decide"
EXPORT = "supervision.report.export"


def _rectify_todos(actor):  # the selectors load models: imported when asked, not at declaration
    from .selectors import rectification_todos

    return rectification_todos(actor)


def _manage_todos(actor):
    from .selectors import manage_todos

    return manage_todos(actor)


def _open_rectifications(actor):
    from .selectors import rectification_counts

    return rectification_counts(actor)


def _indicators():
    from .assessment import CORE_INDICATORS

    return CORE_INDICATORS


def _accounts():
    from .records import ACCOUNTS

    return ACCOUNTS


register(Module(
    "supervision", "监督考核", core=True,
    menu=(MenuEntry(_("使用情况统计"), "supervision:usage", INSPECTION_VIEW, order=39, group="supervision"),
          MenuEntry(_("监督检查"), "supervision:list", INSPECTION_VIEW, order=40, group="supervision"),
          MenuEntry(_("整改事项"), "supervision:rectifications", INSPECTION_VIEW, order=41, group="supervision"),
          MenuEntry(_("信息准确性"), "supervision:accuracy", INSPECTION_VIEW, order=42, group="supervision"),
          MenuEntry(_("考核评价"), "supervision:assessment", INSPECTION_VIEW, order=43, group="supervision")),
    dashboard_tiles=(DashboardTile(_("本单位待整改事项"), _open_rectifications, RECTIFY, order=20),),
    todo_providers=(TodoProvider("supervision.rectify", _rectify_todos, RECTIFY),
                    TodoProvider("supervision.manage", _manage_todos, INSPECTION_MANAGE)),
    sampled_records=(_accounts(),),
    indicators=_indicators(),
    audit_labels={
        PLAN: _("制定监督检查计划"), CLOSE: _("结束监督检查"), FINDING_RECORD: _("记录检查发现的问题"),
        FINDING_UPDATE: _("修改检查发现的问题"), FINDING_REMOVE: _("删除检查发现的问题"), NOTICE: _("下发整改通知"),
        SAMPLE_DRAW: _("抽取抽查样本"), SAMPLE_CHECK: _("核查抽查记录"), REPLY: _("答复整改情况"),
        DECIDE: _("验收整改（通过或退回）"), EXPORT: _("导出监督检查材料"),
    },
    role_shares=(
        RoleShare("staff", (INSPECTION_VIEW, RECTIFY)),
        RoleShare("operator", (INSPECTION_VIEW, RECTIFY)),
        RoleShare("dept_head", (INSPECTION_VIEW, INSPECTION_MANAGE, RECTIFY)),
        RoleShare("unit_leader", (INSPECTION_VIEW, INSPECTION_MANAGE, RECTIFY)),
    ),
))
