"""The veterans module's declaration (the module contract, ``fenji.core.kernel.modules``): its action codes,
roles, menu, mobile tiles, to-dos, sampled records, indicators and audit labels, from seed 000 and
design/domain/office-and-veterans.md §4."""

from django.utils.translation import gettext_lazy as _

from fenji.core.access.rules import RoleWidening
from fenji.core.kernel.modules import (
    ActionDecl,
    AlertKind,
    DashboardTile,
    Later,
    MenuEntry,
    Module,
    PeriodicJob,
    RoleDecl,
    RoleShare,
    TodoProvider,
)

ELDER_VIEW = "veterans.elder.view"
ELDER_MANAGE = "veterans.elder.manage"
RECORD_VIEW = "veterans.record.view"
VISIT_RECORD = "veterans.visit.record"
AID_MANAGE = "veterans.aid.manage"
BRANCH_RECORD = "veterans.branch.record"
VOLUNTEER_RECORD = "veterans.volunteer.record"
RECORD_SAMPLE = "veterans.record.sample"

ACTIONS = (
    ActionDecl(ELDER_VIEW, "查看老干部信息", "business", read_only=True),
    ActionDecl(ELDER_MANAGE, "维护老干部信息", "business"),
    ActionDecl(RECORD_VIEW, "查看服务记录", "business", read_only=True),
    ActionDecl(VISIT_RECORD, "登记走访慰问", "business"),
    ActionDecl(AID_MANAGE, "办理困难帮扶", "business"),
    ActionDecl(BRANCH_RECORD, "登记离退休干部党支部活动", "business"),
    ActionDecl(VOLUNTEER_RECORD, "记录“银发生辉”志愿服务", "business"),
    ActionDecl(RECORD_SAMPLE, "抽查下级信息维护情况", "business"),
)

# Business roles: granted by the security and permission administrators (who delegate them).
GRANTED_BY = ("security_admin", "permission_admin")
ROLES = (
    # 各级老干部工作部门的专（兼）职工作人员：按时维护老干部信息和服务记录
    RoleDecl(
        "veterans_worker",
        "老干部工作人员",
        "business",
        (
            ELDER_VIEW,
            ELDER_MANAGE,
            RECORD_VIEW,
            VISIT_RECORD,
            AID_MANAGE,
            BRANCH_RECORD,
            VOLUNTEER_RECORD,
        ),
        delegated_by=GRANTED_BY,
    ),
    # 上级抽查下级信息维护的及时和准确
    RoleDecl(
        "veterans_inspector",
        "信息维护督查员",
        "business",
        (
            ELDER_VIEW,
            RECORD_VIEW,
            RECORD_SAMPLE,
        ),
        delegated_by=GRANTED_BY,
    ),
)



def _visit_todos(actor):  # the selectors load models: imported when asked
    from .selectors import visit_todos

    return visit_todos(actor)


def _due_count(actor):
    from .selectors import visit_due_list

    return visit_due_list(actor=actor).filter(unit_id=actor.unit_id).count()


def _late_count(actor):
    from django.utils import timezone

    from .cadence import quarter_of
    from .selectors import record_list

    start, end = quarter_of(timezone.localdate())
    return record_list(actor=actor, late=True, start=start, end=end).count()


def _visit_reminders():
    from .reminders import visit_reminders

    return visit_reminders()


MODULE = Module(
    name="veterans",
    label="老干部服务管理",
    actions=ACTIONS,
    roles=ROLES,
    role_shares=(RoleShare("unit_leader", (ELDER_VIEW, RECORD_VIEW)), RoleShare("dept_head", (ELDER_VIEW, RECORD_VIEW))),
    menu=(MenuEntry(_("老干部信息"), "veterans:elders", ELDER_VIEW, order=50),
          MenuEntry(_("服务记录"), "veterans:records", RECORD_VIEW, order=51),
          MenuEntry(_("季度走访"), "veterans:visits_due", ELDER_VIEW, order=52)),
    # the elders' own records; the staff's entry on the spot (with a photo)
    mobile_tiles=(MenuEntry(_("我的服务记录"), "veterans:m_mine", None, order=30),
                  MenuEntry(_("录入服务记录"), "veterans:m_records", RECORD_VIEW, order=31)),
    todo_providers=(TodoProvider("veterans.visit", _visit_todos, VISIT_RECORD),),
    dashboard_tiles=(DashboardTile(_("本季度待走访的老干部"), _due_count, VISIT_RECORD, order=40),
                     DashboardTile(_("本季度逾期录入的服务记录"), _late_count, RECORD_VIEW, order=41)),
    # the workers are told, once per quarter, how many elders still wait for their visit (SMS by default)
    alert_kinds=(AlertKind("veterans.visit_due", _("老同志季度走访即将到期"), sms=True, lead_minutes=30 * 24 * 60),),
    periodic_jobs=(PeriodicJob("veterans.visit_reminders", _visit_reminders, 3600),),
    sampled_records=Later("fenji.modules.veterans.oversight.SAMPLED"),
    indicators=Later("fenji.modules.veterans.oversight.INDICATORS"),
    usage_records=Later("fenji.modules.veterans.oversight.USAGE"),
    urls="fenji.modules.veterans.urls", url_prefix="", api="fenji.modules.veterans.api.router",
    # Seed 000 §6: under this module's own profile the system administrator configures the lower
    # administrators and their permissions, its workers' roles included.
    duty_rules={
        "veterans": (RoleWidening("system_admin", delegates=frozenset(r.code for r in ROLES), source="seed 000 §6"),)
    },
    audit_labels={**{action.code: action.label for action in ACTIONS if not action.read_only},
                  "veterans.elder.register": "登记老干部", "veterans.elder.update": "修改老干部信息",
                  "veterans.elder.status": "变更老干部状态", "veterans.elder.import": "批量导入老干部",
                  "veterans.record.enter": "录入服务记录", "veterans.record.update": "修改服务记录",
                  "veterans.record.export": "导出服务记录", "veterans.certificate.print": "出具志愿服务证明"},
)
