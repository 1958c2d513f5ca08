"""The discipline module's declaration (the module contract, ``fenji.core.kernel.modules``): its action
codes, roles and audit labels, from seed 003 and design/domain/discipline.md. Pages, menu entries and records come with the module itself."""

from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.modules import (
    ActionDecl,
    AlertKind,
    MenuEntry,
    Module,
    PeriodicJob,
    RoleDecl,
    RoleShare,
    TodoProvider,
)

from .kinds import ROOM

POST_DRAFT = "publish.post.draft"  # the publish core's action: 调研法规室 drafts learning materials with it

PETITION_VIEW = "discipline.petition.view"
PETITION_REGISTER = "discipline.petition.register"
PETITION_HANDLE = "discipline.petition.handle"
PETITION_ASSIGN = "discipline.petition.assign"
CLUE_VIEW = "discipline.clue.view"
CLUE_MANAGE = "discipline.clue.manage"
CLUE_APPROVE = "discipline.clue.approve"
CASE_VIEW = "discipline.case.view"
CASE_MANAGE = "discipline.case.manage"
CASE_APPROVE = "discipline.case.approve"
CONDUCT_RECORD = "discipline.conduct.record"
CONDUCT_VIEW = "discipline.conduct.view"
ABSENCE_FILE = "discipline.absence.file"
ABSENCE_APPROVE = "discipline.absence.approve"
ABSENCE_VIEW = "discipline.absence.view"
RECTIFY_VIEW = "discipline.rectification.view"
RECTIFY_MANAGE = "discipline.rectification.manage"
# whoever registers a subject may meet the rank guard and must then carry out the upward report it opens
UPWARD_REPORT = "discipline.upward.report"
# the one-way export to the internal network: producing, downloading and confirming a unit's packages
EXPORT_MANAGE = "discipline.export.manage"
# the receiving side (the internal network's install): importing packages uploaded from the one-way gateway
IMPORT_MANAGE = "discipline.import.manage"
# the rooms' statistics page (seed 003 §6–7): each section needs its record kind's read action besides
STATS_VIEW = "discipline.stats.view"
# 学习资料: what 调研法规室 publishes, read by every business user of the grassroots units (seed 003 §7)
LEARNING_VIEW = "discipline.learning.view"

ACTIONS = (
    ActionDecl(PETITION_VIEW, "查看信访举报件", "business", read_only=True),
    ActionDecl(PETITION_REGISTER, "登记信访举报件", "business"),
    ActionDecl(PETITION_HANDLE, "承办信访举报件", "business"),
    ActionDecl(PETITION_ASSIGN, "交办督办信访举报件", "business"),
    ActionDecl(CLUE_VIEW, "查看问题线索", "business", read_only=True),
    ActionDecl(CLUE_MANAGE, "受理和处置问题线索", "business"),
    ActionDecl(CLUE_APPROVE, "主要负责人审批问题线索分办", "business"),
    ActionDecl(CASE_VIEW, "查看审查调查案件", "business", read_only=True),
    ActionDecl(CASE_MANAGE, "审查调查和审理案件", "business"),
    ActionDecl(CASE_APPROVE, "主要负责人审批立案", "business"),
    ActionDecl(CONDUCT_RECORD, "登记党风政风监督事项", "business"),
    ActionDecl(CONDUCT_VIEW, "查看党风政风监督事项", "business", read_only=True),
    ActionDecl(ABSENCE_FILE, "填报外出报备", "business"),
    ActionDecl(ABSENCE_APPROVE, "审批外出报备", "business"),
    ActionDecl(ABSENCE_VIEW, "查看外出报备", "business", read_only=True),
    ActionDecl(RECTIFY_VIEW, "查看以案促改", "business", read_only=True),
    ActionDecl(RECTIFY_MANAGE, "办理以案促改", "business"),
    ActionDecl(UPWARD_REPORT, "办理职级超出权限的上报任务", "business"),
    ActionDecl(EXPORT_MANAGE, "生成、下载和确认内网导出包", "business"),
    ActionDecl(IMPORT_MANAGE, "导入外网数据包（内网接收端）", "business"),
    ActionDecl(STATS_VIEW, "查询统计本领域业务数据", "business", read_only=True),
    ActionDecl(LEARNING_VIEW, "查阅学习资料", "business", read_only=True),
)

# Business roles: granted by the security and permission administrators (who delegate them).
GRANTED_BY = ("security_admin", "permission_admin")
ROLES = (
    # 信访室：登记、转办、交办督办信访举报件
    RoleDecl(
        "petition_officer",
        "信访干部",
        "business",
        (
            PETITION_VIEW,
            PETITION_REGISTER,
            PETITION_HANDLE,
            PETITION_ASSIGN,
            UPWARD_REPORT,
            STATS_VIEW,
            LEARNING_VIEW,
        ),
        delegated_by=GRANTED_BY,
    ),
    # 案管、审查调查、审理：线索处置和案件
    RoleDecl(
        "case_officer",
        "审查调查干部",
        "business",
        (
            PETITION_VIEW,
            CLUE_VIEW,
            CLUE_MANAGE,
            CASE_VIEW,
            CASE_MANAGE,
            RECTIFY_VIEW,
            RECTIFY_MANAGE,
            UPWARD_REPORT,
            STATS_VIEW,
            LEARNING_VIEW,
        ),
        delegated_by=GRANTED_BY,
    ),
    # 党风政风监督室：作风问题、外出报备
    RoleDecl(
        "conduct_officer",
        "党风政风监督干部",
        "business",
        (
            CONDUCT_VIEW,
            CONDUCT_RECORD,
            ABSENCE_VIEW,
            ABSENCE_FILE,
            ABSENCE_APPROVE,
            UPWARD_REPORT,
            STATS_VIEW,
            LEARNING_VIEW,
        ),
        delegated_by=GRANTED_BY,
    ),
    # 数据交换：把本单位（含下级）的信访件、线索、案件写成导出包，经单向导入送内网，凭内网回执登记确认
    RoleDecl("export_officer", "内网数据导出员", "business", (EXPORT_MANAGE,), delegated_by=GRANTED_BY),
    # 内网接收端：导入经单向导入设备送来的数据包（全部接受或全部拒绝）
    RoleDecl("import_officer", "内网数据导入员", "business", (IMPORT_MANAGE,), delegated_by=GRANTED_BY),
    # 办公室：查看所辖各单位的外出报备（授权在县纪委监委，见全县）；宣传部：查询以案促改
    RoleDecl("absence_viewer", "外出报备查阅", "business", (ABSENCE_VIEW, STATS_VIEW, LEARNING_VIEW), delegated_by=GRANTED_BY),
    RoleDecl("rectification_viewer", "以案促改查阅", "business", (RECTIFY_VIEW, STATS_VIEW, LEARNING_VIEW), delegated_by=GRANTED_BY),
    # 调研法规室：在基层版发布法律法规等学习资料（信息发布的“政策文件”类栏目，先审后发）
    RoleDecl("regulation_officer", "学习资料发布", "business", (POST_DRAFT, LEARNING_VIEW),
             delegated_by=GRANTED_BY),
)



def _petition_todos(actor):  # the selectors load models: imported when asked
    from .selectors import petition_todos

    return petition_todos(actor)


def _clue_todos(actor):
    from .selectors import clue_todos

    return clue_todos(actor)


def _case_todos(actor):
    from .selectors import case_todos

    return case_todos(actor)


def _clue_report_reminders():
    from .clue_reminders import clue_report_reminders

    return clue_report_reminders()


def _followup_todos(actor):
    from .followup_selectors import followup_todos

    return followup_todos(actor)


MODULE = Module(
    name="discipline",
    label="纪检监察（检举举报平台）",
    actions=ACTIONS,
    roles=ROLES,
    menu=(MenuEntry(_("信访件"), "discipline:petitions", PETITION_VIEW, order=50),
          MenuEntry(_("上报任务"), "discipline:upward", UPWARD_REPORT, order=51),
          MenuEntry(_("线索台账"), "discipline:clues", CLUE_VIEW, order=52),
          MenuEntry(_("案件"), "discipline:cases", CASE_VIEW, order=53),
          MenuEntry(_("以案促改"), "discipline:rectifications", RECTIFY_VIEW, order=54),
          MenuEntry(_("外出报备"), "discipline:absences", ABSENCE_VIEW, order=55),
          MenuEntry(_("党风政风监督"), "discipline:conduct_records", CONDUCT_VIEW, order=56),
          MenuEntry(_("统计"), "discipline:stats", STATS_VIEW, order=57),
          MenuEntry(_("学习资料"), "discipline:learning", LEARNING_VIEW, order=58),
          MenuEntry(_("内网导出"), "discipline:exports", EXPORT_MANAGE, order=59),
          MenuEntry(_("外网数据导入"), "discipline:imports", IMPORT_MANAGE, order=60)),
    # the unit's principal leader approves the assignment of a clue (JJR §21: 主要负责人审批分办)
    role_shares=(RoleShare("unit_leader", (CLUE_VIEW, CLUE_APPROVE, CASE_VIEW, CASE_APPROVE, ABSENCE_VIEW,
                                            ABSENCE_APPROVE, STATS_VIEW, LEARNING_VIEW)),
                 RoleShare("dept_head", (LEARNING_VIEW,)), RoleShare("staff", (LEARNING_VIEW,))),
    todo_providers=(TodoProvider("discipline.petitions", _petition_todos, None),
                    TodoProvider("discipline.clues", _clue_todos, None),
                    TodoProvider("discipline.cases", _case_todos, None),
                    TodoProvider("discipline.followup", _followup_todos, None)),
    # 003 §6–7: the rooms approve the documents the towns and dispatched groups initiate (报送相关室部审批)
    submission_receivers=(ROOM,),
    periodic_jobs=(PeriodicJob("discipline.clue_report_reminders", _clue_report_reminders, 3600),),
    alert_kinds=(AlertKind("discipline.clue_report_due", _("问题线索处置报告即将到期"), lead_minutes=3 * 24 * 60),),
    urls="fenji.modules.discipline.urls", url_prefix="discipline/", api="fenji.modules.discipline.api.router",
    audit_labels={**{action.code: action.label for action in ACTIONS if not action.read_only},
                  "discipline.petition.register": "登记信访件",
                  "discipline.petition.import": "批量补录信访件", "discipline.petition.decide": "办理信访件（受理、转送、退回）",
                  "discipline.petition.notice": "登记受理告知", "discipline.petition.close": "办结信访件",
                  "discipline.petition.feedback": "登记实名反馈", "discipline.petition.export": "导出信访件台账",
                  "discipline.petitioner.view": "查看信访人信息",
                  "discipline.petitioner.search": "按信访人查询信访件", "discipline.upward.open": "职级超出权限，生成上报任务",
                  "discipline.upward.done": "登记径送上级", "discipline.recusal.declare": "申请回避",
                  "discipline.clue.register": "登记问题线索", "discipline.clue.assign": "提出问题线索分办意见",
                  "discipline.clue.approve": "主要负责人审批问题线索分办", "discipline.clue.dispose": "拟定问题线索处置方式",
                  "discipline.clue.sign": "承办人签字", "discipline.clue.conclude": "了结问题线索",
                  "discipline.clue.report": "提交线索处置报告（函询回复、谈话记录、初步核实报告）",
                  "discipline.clue.extension_request": "申请延长初步核实期限",
                  "discipline.clue.extension_decide": "主要负责人审批初步核实延期",
                  "discipline.clue.export": "导出问题线索台账",
                  "discipline.case.register": "立案呈批", "discipline.case.approve": "主要负责人审批立案",
                  "discipline.case.file": "立案（同级党委主要负责人已批准）", "discipline.case.transfer": "移送审理",
                  "discipline.case.review": "案件审理", "discipline.case.decide": "作出处理决定",
                  "discipline.case.execute": "执行处理决定并结案", "discipline.case.appeal": "登记申诉、复审或复核",
                  "discipline.case.appeal_decide": "申诉、复审或复核决定", "discipline.case.export": "导出案件台账",
                  "discipline.rectification.open": "案件结案给予处分，启动以案促改",
                  "discipline.rectification.record": "登记以案促改进展", "discipline.rectification.revisit": "登记以案促改回访",
                  "discipline.rectification.close": "办结以案促改", "discipline.rectification.export": "导出以案促改台账",
                  "discipline.absence.file": "填报外出报备", "discipline.absence.approve": "审批外出报备",
                  "discipline.absence.extend": "外出延期", "discipline.absence.return": "外出销假",
                  "discipline.absence.export": "导出外出报备",
                  "discipline.conduct.record": "登记党风政风监督事项", "discipline.conduct.report": "报党风政风监督室",
                  "discipline.conduct.export": "导出党风政风监督记录", "discipline.stats.export": "导出统计",
                  "discipline.export.create": "生成内网导出包", "discipline.export.confirm": "登记内网确认日期",
                  "discipline.export.download": "下载内网导出包", "discipline.export.ledger": "导出内网导出包台账",
                  "discipline.import.accept": "导入外网数据包", "discipline.import.reject": "拒绝导入外网数据包", "discipline.import.quarantine": "数据包序号缺口，已隔离"},
)
