"""The month's dues collection list (团费收缴名单) as Excel, checked and audited."""

from fenji.core.access import policy
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.web.excel import ExcelSheet, Rate

from . import module as perms

EXPORT_LIMIT = 100_000


@service
def dues_export(*, actor, bills, unit, month) -> ExcelSheet:
    policy.require(actor, perms.DUES_VIEW, unit.path)
    sheet = ExcelSheet("团费收缴名单", ["团支部", "姓名", "月份", "应缴金额（元）", "缴纳状态", "缴纳方式", "缴纳时间"])
    for bill in bills.order_by("unit_path", "member_id")[:EXPORT_LIMIT].iterator(chunk_size=2000):
        sheet.add([bill.unit.name, bill.member.person.real_name, f"{bill.month:%Y-%m}", bill.amount,
                   "已缴" if bill.paid_at else "未缴", bill.get_channel_display() if bill.channel else "",
                   bill.paid_at or ""])
    audit_record(actor=actor, action="league.dues.export", target=unit,
                 details={"month": f"{month:%Y-%m}", "rows": sheet.rows})
    return sheet


@service
def orgs_export(*, actor, orgs) -> ExcelSheet:
    """团组织名册: the organisations in the reader's reach with their deadlines."""
    policy.require(actor, perms.ORG_VIEW)
    sheet = ExcelSheet("团组织名册", ["团组织", "类型", "上级团组织", "行业类别", "书记", "批准成立日期", "录入期限",
                                 "录入完成日期", "撤销决定日期", "撤销期限", "撤销日期"])
    for o in orgs.order_by("unit_path")[:EXPORT_LIMIT].iterator(chunk_size=2000):
        sheet.add([o.unit.name, o.unit.kind_label, o.unit.parent.name if o.unit.parent_id else "",
                   o.get_industry_display(), o.secretary, o.approved_on, o.entry_due, o.entry_done_on or "",
                   o.revoke_decided_on or "", o.revoke_due or "", o.revoked_on or ""])
    audit_record(actor=actor, action="league.org.export", target=None, details={"rows": sheet.rows})
    return sheet


@service
def remittances_export(*, actor, rows) -> ExcelSheet:
    """团费上缴记录 in the reader's reach, with their deadlines."""
    policy.require(actor, perms.DUES_VIEW)
    sheet = ExcelSheet("团费上缴记录", ["上缴单位", "接收单位", "收缴金额（元）", "留存比例（%）", "留存金额（元）",
                                   "上缴金额（元）", "收款日期", "上缴期限", "上缴日期", "是否逾期", "状态", "确认日期"])
    for r in rows.order_by("-id")[:EXPORT_LIMIT].iterator(chunk_size=2000):
        sheet.add([r.unit.name, r.to_unit.name, r.collected, r.retention_pct, r.retained, r.amount, r.received_on,
                   r.due_on, r.remitted_on, "逾期" if r.late else "按期", r.get_state_display(), r.confirmed_on or ""])
    audit_record(actor=actor, action="league.remit.export", target=None, details={"rows": sheet.rows})
    return sheet


@service
def dues_uses_export(*, actor, rows) -> ExcelSheet:
    """团费使用记录 in the reader's reach."""
    policy.require(actor, perms.DUES_VIEW)
    sheet = ExcelSheet("团费使用记录", ["团组织", "金额（元）", "用途", "集体决定日期", "决定文号或会议记录", "登记时间"])
    for u in rows.order_by("-id")[:EXPORT_LIMIT].iterator(chunk_size=2000):
        sheet.add([u.unit.name, u.amount, u.purpose, u.decided_on, u.decision_ref, u.created_at])
    audit_record(actor=actor, action="league.dues_use.export", target=None, details={"rows": sheet.rows})
    return sheet


@service
def stats_export(*, actor, unit, period, tables: dict, gaps) -> ExcelSheet:
    """团内统计: every table of the page (``stats.league_stats``), a worksheet each, and the branches listed as hollow or
    without cadres (``stats.branch_gaps``)."""
    policy.require(actor, perms.STATS_VIEW, unit.path)
    orgs, members, transfers, dues = tables["orgs"], tables["members"], tables["transfers"], tables["dues"]
    sheet = ExcelSheet("团组织（按类型）", ["类型", "数量"])
    for row in orgs["by_kind"]:
        sheet.add([row["label"], row["count"]])
    sheet.add(["合计", orgs["total"]])
    sheet.new_sheet("团组织（按行业）", ["行业类别", "数量"])
    for row in orgs["by_industry"]:
        sheet.add([row["label"], row["count"]])
    counts = tables["branches"]
    sheet.new_sheet("团支部", ["项目", "数量"])
    for label, key in (("团支部", "branches"), ("空心团支部（无团员）", "hollow"),
                       ("无在任团干部", "no_cadre"), ("既无团员也无团干部", "both")):
        sheet.add([label, counts[key]])
    for title, key, header in (("团员（按学历）", "by_education", "最高学历"),
                               ("团员（按收入）", "by_income", "月收入"),
                               ("团员（按政治面貌）", "by_political", "政治面貌"),
                               ("团员（按职业）", "by_occupation", "职业")):
        sheet.new_sheet(title, [header, "人数"])
        for row in members[key]:
            sheet.add([row["label"], row["count"]])
        sheet.add(["合计", members["total"]])
    sheet.new_sheet("组织关系转接", ["状态", "转出", "转入"])
    for row in transfers["rows"]:
        sheet.add([row["label"], row["out"], row["inward"]])
    sheet.add(["合计", transfers["out"], transfers["inward"]])
    sheet.new_sheet("团费收缴", ["月份", "应缴人次", "已缴人次", "未缴人次", "应缴金额（元）",
                                "已缴金额（元）", "未缴金额（元）", "收缴率"])
    for row in dues["rows"]:
        sheet.add([f"{row['month']:%Y-%m}", row["bills"], row["paid"], row["unpaid"], row["due"], row["collected"],
                   row["outstanding"], Rate(row["rate"])])
    sheet.add(["合计", dues["bills"], dues["paid"], dues["unpaid"], dues["due"], dues["collected"],
               dues["outstanding"], Rate(dues["rate"])])
    sheet.new_sheet("空心和无团干部团支部", ["团支部", "上级团组织", "有团员", "有在任团干部"])
    for o in gaps.order_by("unit_path", "id")[:EXPORT_LIMIT].iterator(chunk_size=2000):
        sheet.add([o.unit.name, o.unit.parent.name if o.unit.parent_id else "", "是" if o.has_members else "否",
                   "是" if o.has_cadres else "否"])
    audit_record(actor=actor, action="league.stats.export", target=unit,
                 details={"period": period.text or "last12", "branches": counts["branches"]})
    return sheet


@service
def activities_export(*, actor, rows) -> ExcelSheet:
    """团组织活动 in the organiser's reach, with their invited, signed-up and attended counts."""
    from .selectors import activity_counts

    policy.require(actor, perms.ACTIVITY_MANAGE)
    sheet = ExcelSheet("团组织活动", ["发布组织", "活动主题", "开始时间", "结束时间", "地点", "邀请范围", "状态",
                                 "邀请人数", "报名人数", "参加人数", "结项时间"])
    for chunk in _chunks(rows.order_by("-id")[:EXPORT_LIMIT], 2000):
        counts = activity_counts(a.pk for a in chunk)
        for a in chunk:
            c = counts[a.pk]
            sheet.add([a.unit.name, a.theme, a.starts_at, a.ends_at, a.place, a.get_reach_display(),
                       a.get_state_display(), c["invited"], c["signed"], c["attended"], a.closed_at or ""])
    audit_record(actor=actor, action="league.activity.export", target=None, details={"rows": sheet.rows})
    return sheet


@service
def transfers_export(*, actor, rows) -> ExcelSheet:
    """组织关系转接 seen from either side, as listed (both sides' branches, the stage and its deadline)."""
    policy.require(actor, perms.TRANSFER_HANDLE)
    sheet = ExcelSheet("组织关系转接", ["团员", "转出团支部", "转入团支部", "发起方", "转接原因", "说明", "状态",
                                   "发起时间", "本环节期限", "转出审核日期", "转入审核日期", "退回或撤回理由"])
    for t in rows.order_by("-id")[:EXPORT_LIMIT].iterator(chunk_size=2000):
        sheet.add([t.member.person.real_name, t.unit.name, t.to_unit.name, t.get_initiator_display(),
                   t.get_reason_display(), t.note, t.get_state_display(), t.created_at, t.stage_due or "",
                   t.out_decided_on or "", t.in_decided_on or "", t.end_reason])
    audit_record(actor=actor, action="league.transfer.export", target=None, details={"rows": sheet.rows})
    return sheet


def _chunks(rows, size):
    chunk = []
    for row in rows.iterator(chunk_size=size):
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
