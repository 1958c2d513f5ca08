"""The league module's declaration (the module contract, ``fenji.core.kernel.modules``): its action
codes, roles and audit labels, from seed 002 and design/domain/league.md. Pages, menu entries and records come with the module itself."""

from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.modules import (
    ActionDecl,
    AlertKind,
    Later,
    MenuEntry,
    Module,
    PeriodicJob,
    RoleDecl,
    RoleShare,
    TodoProvider,
)

MEMBER_VIEW = "league.member.view"
MEMBER_MANAGE = "league.member.manage"
MEMBER_REVIEW = "league.member.review"
TRANSFER_HANDLE = "league.transfer.handle"
STATUS_HANDLE = "league.status.handle"
DUES_VIEW = "league.dues.view"
DUES_MANAGE = "league.dues.manage"
ACTIVITY_MANAGE = "league.activity.manage"
RECORD_SAMPLE = "league.record.sample"
ORG_VIEW = "league.org.view"
ORG_MANAGE = "league.org.manage"
STATS_VIEW = "league.stats.view"

ACTIONS = (
    ActionDecl(MEMBER_VIEW, "查看团员信息", "business", read_only=True),
    ActionDecl(MEMBER_MANAGE, "录入和维护团员关键信息", "business"),
    ActionDecl(MEMBER_REVIEW, "审核团员报到和信息修改", "business"),
    ActionDecl(TRANSFER_HANDLE, "办理团组织关系转接", "business"),
    ActionDecl(STATUS_HANDLE, "办理团籍变动（离团、脱团、退团、恢复）", "business"),
    ActionDecl(DUES_VIEW, "查看团费收缴情况", "business", read_only=True),
    ActionDecl(DUES_MANAGE, "收缴和上缴团费", "business"),
    ActionDecl(ACTIVITY_MANAGE, "发布和总结团组织活动", "business"),
    ActionDecl(RECORD_SAMPLE, "抽查下级团员信息并通知整改", "business"),
    ActionDecl(ORG_VIEW, "查看团组织和团干部", "business", read_only=True),
    ActionDecl(ORG_MANAGE, "维护团组织信息、团干部和撤销决定", "business"),
    ActionDecl(STATS_VIEW, "查看团内统计", "business", read_only=True),
)

# Business roles: granted by the security and permission administrators (who delegate them).
GRANTED_BY = ("security_admin", "permission_admin")
ROLES = (
    # 团委、团工委的专兼职团干部：管理下级团组织的团员、团费和活动
    RoleDecl(
        "league_cadre",
        "团干部",
        "business",
        (
            MEMBER_VIEW,
            MEMBER_MANAGE,
            MEMBER_REVIEW,
            TRANSFER_HANDLE,
            STATUS_HANDLE,
            DUES_VIEW,
            DUES_MANAGE,
            ACTIVITY_MANAGE,
            RECORD_SAMPLE,
            ORG_VIEW,
            ORG_MANAGE,
            STATS_VIEW,
        ),
        delegated_by=GRANTED_BY,
    ),
    # 团员只属于团支部：支部录入（逐个或批量导入）本支部团员，审核其修改和转接，收缴团费
    RoleDecl(
        "league_branch_secretary",
        "团支部书记",
        "business",
        (
            MEMBER_VIEW,
            MEMBER_MANAGE,
            MEMBER_REVIEW,
            TRANSFER_HANDLE,
            DUES_VIEW,
            DUES_MANAGE,
            ACTIVITY_MANAGE,
            ORG_VIEW,
            STATS_VIEW,
        ),
        delegated_by=GRANTED_BY,
    ),
)



def _transfer_todos(actor):
    from .selectors import transfer_todos

    return transfer_todos(actor)


def _edit_todos(actor):
    from .selectors import edit_todos

    return edit_todos(actor)


def _org_todos(actor):
    from .selectors import org_todos

    return org_todos(actor)


def _status_todos(actor):
    from .selectors import status_todos

    return status_todos(actor)


def _remit_todos(actor):
    from .selectors import remit_todos

    return remit_todos(actor)


def _activity_todos(actor):
    from .selectors import activity_todos

    return activity_todos(actor)


def _signup_todos(actor):
    from .selectors import signup_todos

    return signup_todos(actor)


def _status_due():
    from .status import status_proposals_due

    return status_proposals_due()


def _org_reminders():
    from .reminders import org_reminders

    return org_reminders()


def _remit_reminders():
    from .reminders import remit_reminders

    return remit_reminders()


def _bills_due():  # the services load models: imported when run
    from .services import bills_generate_due

    return bills_generate_due()


MODULE = Module(
    name="league",
    label="共青团（智慧团建）",
    actions=ACTIONS,
    roles=ROLES,
    menu=(MenuEntry(_("团组织"), "league:orgs", ORG_VIEW, order=49),
          MenuEntry(_("团员"), "league:members", MEMBER_VIEW, order=50),
          MenuEntry(_("信息修改审核"), "league:edits", MEMBER_REVIEW, order=51),
          MenuEntry(_("组织关系转接"), "league:transfers", TRANSFER_HANDLE, order=51),
          MenuEntry(_("团费收缴"), "league:dues", DUES_VIEW, order=52),
          MenuEntry(_("团费上缴"), "league:remittances", DUES_VIEW, order=52),
          MenuEntry(_("团费使用"), "league:dues_uses", DUES_VIEW, order=52),
          MenuEntry(_("团籍变动"), "league:status_cases", STATUS_HANDLE, order=53),
          MenuEntry(_("团内统计"), "league:stats", STATS_VIEW, order=54),
          MenuEntry(_("团组织活动"), "league:activities", ACTIVITY_MANAGE, order=55)),
    mobile_tiles=(MenuEntry(_("我的团费"), "league:m_dues", None, order=30),
                  MenuEntry(_("组织关系转接"), "league:m_transfer", None, order=31),
                  MenuEntry(_("团组织活动"), "league:m_activities", None, order=31),
                  MenuEntry(_("我的信息"), "league:m_me", None, order=32)),
    todo_providers=(TodoProvider("league.transfer", _transfer_todos, TRANSFER_HANDLE),
                    TodoProvider("league.edit", _edit_todos, MEMBER_REVIEW),
                    TodoProvider("league.org", _org_todos, ORG_VIEW),
                    TodoProvider("league.status", _status_todos, STATUS_HANDLE),
                    TodoProvider("league.remit", _remit_todos, DUES_MANAGE),
                    TodoProvider("league.activity", _activity_todos, ACTIVITY_MANAGE),
                    TodoProvider("league.signup", _signup_todos, None)),
    periodic_jobs=(PeriodicJob("league.bills", _bills_due, 3600), PeriodicJob("league.status", _status_due, 86400),
                   PeriodicJob("league.org_reminders", _org_reminders, 3600),
                   PeriodicJob("league.remit_reminders", _remit_reminders, 3600)),
    alert_kinds=(AlertKind("league.org_due", _("团组织录入或撤销即将到期"), lead_minutes=5 * 24 * 60),
                 AlertKind("league.remit_due", _("团费上缴即将到期"), lead_minutes=2 * 24 * 60),
                 AlertKind("league.activity", _("团组织活动邀请"))),
    sampled_records=Later("fenji.modules.league.oversight.SAMPLED"),
    indicators=Later("fenji.modules.league.oversight.INDICATORS"),
    role_shares=(RoleShare("system_admin", (ORG_VIEW,)), RoleShare("unit_leader", (ORG_VIEW,))),
    urls="fenji.modules.league.urls", url_prefix="", api="fenji.modules.league.api.router",
    audit_labels={**{action.code: action.label for action in ACTIONS if not action.read_only},
                  "league.member.register": "录入团员", "league.member.import": "批量导入团员",
                  "league.member.export": "下载团员导入错误报告", "league.member.income": "修改团员收入",
                  "league.bills.generate": "生成团费账单", "league.dues.pay": "缴纳团费",
                  "league.dues.export": "导出团费收缴名单", "league.transfer.start": "发起组织关系转接",
                  "league.transfer.approve": "审核通过组织关系转接", "league.transfer.return": "退回组织关系转接",
                  "league.transfer.withdraw": "撤回组织关系转接", "league.edit.submit": "提交团员信息修改",
                  "league.edit.decide": "审核团员信息修改", "league.org.create": "录入团组织",
                  "league.org.document": "上传团组织成立批复", "league.org.update": "修改团组织信息",
                  "league.org.revoke_decide": "登记撤销团组织决定", "league.org.revoke": "撤销团组织",
                  "league.cadre.add": "录入团干部", "league.org.export": "导出团组织名册", "league.cadre.end": "团干部离任",
                  "league.status.propose": "提出团籍变动", "league.status.decide": "审核团籍变动",
                  "league.remit.create": "上缴团费", "league.remit.confirm": "确认收到上缴团费",
                  "league.remit.export": "导出团费上缴记录", "league.dues_use.record": "登记团费使用",
                  "league.dues_use.export": "导出团费使用记录", "league.stats.export": "导出团内统计",
                  "league.activity.create": "创建团组织活动",
                  "league.activity.update": "修改团组织活动", "league.transfer.export": "导出组织关系转接",
                  "league.activity.delete": "删除团组织活动",
                  "league.activity.publish": "发布团组织活动", "league.activity.signup": "报名团组织活动",
                  "league.activity.signup_cancel": "取消报名团组织活动", "league.activity.hold": "登记活动已举行",
                  "league.activity.attendance": "登记活动参加人员", "league.activity.summary": "填写活动总结",
                  "league.activity.close": "活动结项", "league.activity.export": "导出团组织活动"},
)
