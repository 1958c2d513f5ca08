"""The petition ledger as Excel (信访件台账), checked and audited. It carries no petitioner and no content: those are
for the handlers of each petition only (design/domain/discipline.md §3)."""

from fenji.core.access import policy
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.web.excel import ExcelSheet

from . import module as perms

EXPORT_LIMIT = 100_000


@service
def petition_export(*, actor, petitions, filters: dict) -> ExcelSheet:
    policy.require(actor, perms.PETITION_VIEW)
    sheet = ExcelSheet("信访件台账", ["编号", "收件单位", "收件日期", "补录", "来源渠道", "类别", "来源", "实名", "重复件", "状态",
                                 "受理告知期限", "告知日期", "办结日期", "反馈期限", "反馈日期"])
    for p in petitions.order_by("-received_on", "-id")[:EXPORT_LIMIT].iterator(chunk_size=2000):
        sheet.add([p.number, p.unit.name, p.received_on, "是" if p.backfilled else "否", p.get_channel_display(),
                   p.get_category_display(), p.get_source_display(), "实名" if p.real_name else "匿名",
                   "是" if p.is_repeat else "否", p.get_state_display(), p.notice_due or "", p.notice_on or "",
                   p.closed_on or "", p.feedback_due or "", p.feedback_on or ""])
    audit_record(actor=actor, action="discipline.petition.export", details={"rows": sheet.rows, **filters})
    return sheet


@service
def clue_export(*, actor, clues, filters: dict) -> ExcelSheet:
    """The central ledger of clues (线索台账): no subject and no summary, only the ledger's columns."""
    policy.require(actor, perms.CLUE_VIEW)
    from .models import ClueReport
    from .selectors import with_overdue

    sheet = ExcelSheet("问题线索台账", ["线索编号", "单位", "受理日期", "线索来源", "来源信访件", "状态", "处置方式",
                                  "集体研究日期", "报告期限", "报告提交日期", "超期", "处置结果", "了结日期"])
    rows = list(with_overdue(clues).order_by("-received_on", "-id")[:EXPORT_LIMIT])
    reported = dict(ClueReport.objects.filter(clue__in=[c.pk for c in rows if c.report_due]).values_list(
        "clue_id", "reported_on"))
    for c in rows:
        sheet.add([c.number, c.unit.name, c.received_on, c.get_source_display(), c.petition.number if c.petition else "",
                   c.get_state_display(), c.get_disposal_display(), c.study_on or "", c.report_due or "",
                   reported.get(c.pk, ""), "是" if c.overdue else "否", c.get_outcome_display(), c.concluded_on or ""])
    audit_record(actor=actor, action="discipline.clue.export", details={"rows": sheet.rows, **filters})
    return sheet


@service
def case_export(*, actor, cases, filters: dict) -> ExcelSheet:
    """The case ledger (案件台账): the stages' dates and the sanctions by kind, no subject and no facts."""
    from .models import Sanction
    from .sanctions import LABELS

    policy.require(actor, perms.CASE_VIEW)
    sheet = ExcelSheet("案件台账", ["案件编号", "单位", "立案类型", "来源线索", "呈批日期", "状态", "同级党委批准日期",
                                "立案日期", "审查调查期限", "移送审理日期", "审理日期", "决定日期", "决定文号", "处分",
                                "结案日期"])
    rows = list(cases.order_by("-proposed_on", "-id")[:EXPORT_LIMIT])
    given: dict[int, list[str]] = {}
    for case_id, kind in Sanction.objects.filter(case__in=[c.pk for c in rows]).values_list("case_id", "kind"):
        given.setdefault(case_id, []).append(LABELS[kind])
    for c in rows:
        sheet.add([c.number, c.unit.name, c.get_case_type_display(), c.clue.number if c.clue else "", c.proposed_on,
                   c.get_state_display(), c.party_approved_on or "", c.filed_on or "", c.investigation_due or "",
                   c.transferred_on or "", c.reviewed_on or "", c.decided_on or "", c.decision_ref,
                   "、".join(given.get(c.pk, [])), c.executed_on or ""])
    audit_record(actor=actor, action="discipline.case.export", details={"rows": sheet.rows, **filters})
    return sheet


@service
def rectification_export(*, actor, items, filters: dict) -> ExcelSheet:
    policy.require(actor, perms.RECTIFY_VIEW)
    sheet = ExcelSheet("以案促改台账", ["案件编号", "单位", "案发单位", "启动日期", "办结期限", "状态", "警示教育会日期",
                                  "民主生活会或组织生活会日期", "建议书文号", "回访日期", "办结日期"])
    for r in items.order_by("-opened_on", "-id")[:EXPORT_LIMIT].iterator(chunk_size=2000):
        sheet.add([r.case.number, r.unit.name, r.incident_unit, r.opened_on, r.due_on, r.get_state_display(),
                   r.warned_on or "", r.meeting_on or "", r.advice_ref, r.revisited_on or "", r.closed_on or ""])
    audit_record(actor=actor, action="discipline.rectification.export", details={"rows": sheet.rows, **filters})
    return sheet


@service
def absence_export(*, actor, absences, filters: dict) -> ExcelSheet:
    from .followup_selectors import absence_is_overdue

    policy.require(actor, perms.ABSENCE_VIEW)
    sheet = ExcelSheet("外出报备", ["单位", "外出人员", "职务", "主要负责人", "事由类别", "外出事由", "前往地点", "外出日期",
                                "返回日期", "代为主持工作人员", "事后补报", "状态", "销假日期", "逾期未归"])
    for a in absences.order_by("-start_on", "-id")[:EXPORT_LIMIT].iterator(chunk_size=2000):
        sheet.add([a.unit.name, a.person.person.real_name, a.post, "是" if a.principal else "否", a.get_purpose_display(),
                   a.reason, a.destination, a.start_on, a.end_on, a.acting_person, "是" if a.late_filed else "否",
                   a.get_state_display(), a.returned_on or "", "是" if absence_is_overdue(a) else "否"])
    audit_record(actor=actor, action="discipline.absence.export", details={"rows": sheet.rows, **filters})
    return sheet


@service
def conduct_export(*, actor, records, filters: dict) -> ExcelSheet:
    """The conduct-supervision records: kind, unit, dates, the subject's unit and rank; no name, no facts."""
    policy.require(actor, perms.CONDUCT_VIEW)
    sheet = ExcelSheet("党风政风监督记录", ["单位", "类别", "发现日期", "涉及人员单位", "职级", "报党风政风监督室日期"])
    for r in records.order_by("-found_on", "-id")[:EXPORT_LIMIT].iterator(chunk_size=2000):
        sheet.add([r.unit.name, r.get_kind_display(), r.found_on, r.subject_workplace, r.get_subject_rank_display(),
                   r.reported_on or ""])
    audit_record(actor=actor, action="discipline.conduct.export", details={"rows": sheet.rows, **filters})
    return sheet


@service
def stats_export(*, actor, top, sections, start, end) -> ExcelSheet:
    """The rooms' statistics as shown (``stats.stats_sections``): one worksheet per section, a row per unit and the
    total; the data-reporting check's flag in its own column."""
    policy.require(actor, perms.STATS_VIEW, top.path)
    heading = f"{top.name}  {start:%Y-%m-%d} 至 {end:%Y-%m-%d}"
    sheet = None
    for section in sections:
        headers = ["单位", *section.columns, *(["数据报送"] if section.code == "conduct" else [])]
        if sheet is None:
            sheet = ExcelSheet(section.title, headers, {0: 24}, heading=f"{heading}  {section.title}")
        else:
            sheet.next_sheet(section.title, headers, {0: 24}, heading=f"{heading}  {section.title}")
        for row in [*section.rows, section.total]:
            sheet.add([row.label, *row.values, *([row.flag] if section.code == "conduct" else [])])
    if sheet is None:
        sheet = ExcelSheet("统计", ["单位"], heading=heading)
    audit_record(actor=actor, action="discipline.stats.export", target=top,
                 details={"start": start.isoformat(), "end": end.isoformat(), "sections": [s.code for s in sections]})
    return sheet
