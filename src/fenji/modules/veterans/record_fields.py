"""The fields of each kind of service record beyond the common columns (design/domain/office-and-veterans.md §4),
declared once: the forms, the API, the checks, the record page, the sampling view and the Excel export read them.

A field is text (one line, or several: ``multiline``), a choice, a date, or a whole number; ``clean_details``
checks a submitted mapping against the declaration and returns what is stored, or raises ``DomainError`` naming
the field. Labels and choices are the regulation's words (shown as they are, like the 公文 element names)."""

import datetime
from dataclasses import dataclass

from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.text import checked_text, normalise_number

from .models import RecordKind


@dataclass(frozen=True)
class Detail:
    key: str
    label: str
    type: str = "text"  # text | choice | date | int
    choices: tuple[str, ...] = ()
    required: bool = False
    max_length: int = 200
    multiline: bool = False
    help: str = ""


VISIT_TYPES = ("春节慰问", "冬送温暖", "夏送清凉", "重大节日慰问", "住院慰问", "生日慰问", "丧事慰问", "家庭突发事件慰问",
               "特殊困难慰问", "日常走访")
VISIT_METHODS = ("上门走访", "医院探望", "电话问候", "视频问候")
AID_CAUSES = ("因病", "因灾", "突发事件", "低收入", "失能", "其他")
AID_GRADES = ("一档", "二档", "三档")
AID_STATES = ("纳入帮扶", "继续帮扶", "退出帮扶")
BRANCH_TYPES = ("党员大会", "支委会", "党小组会", "党课", "主题党日", "组织生活会")

FIELDS: dict[str, tuple[Detail, ...]] = {
    RecordKind.VISIT: (
        Detail("visit_type", "慰问类型", "choice", VISIT_TYPES, required=True),
        Detail("method", "走访方式", "choice", VISIT_METHODS, required=True),
        Detail("goods", "慰问品", max_length=100),
        Detail("health_found", "身体状况", max_length=200),
        Detail("life_found", "生活情况", max_length=200),
        Detail("requests", "意见建议和诉求", max_length=500, multiline=True),
        Detail("referred_to", "需协调事项及转办单位", max_length=200),
        Detail("follow_up", "后续跟进", max_length=200, help="如出院后一周内上门看望"),
    ),
    RecordKind.AID: (
        Detail("cause", "困难原因", "choice", AID_CAUSES, required=True),
        Detail("situation", "家庭和住房情况", max_length=500, multiline=True, required=True),
        Detail("verified_by", "核实人", max_length=50, required=True),
        Detail("verification", "核实结论", max_length=200, required=True),
        Detail("grade", "帮扶档次", "choice", AID_GRADES, required=True),
        Detail("fund_source", "资金来源", max_length=100, required=True),
        Detail("paid_on", "发放日期", "date"),
        Detail("aid_state", "帮扶状态", "choice", AID_STATES, required=True, help="动态管理：纳入、继续或退出帮扶"),
        Detail("follow_up", "跟踪回访", max_length=200),
    ),
    RecordKind.BRANCH: (
        Detail("branch", "党支部", max_length=100, required=True),
        Detail("activity_type", "活动类型", "choice", BRANCH_TYPES, required=True),
        Detail("place", "地点", max_length=100, required=True),
        Detail("chair", "主持人", max_length=50, required=True),
        Detail("recorder", "记录人", max_length=50),
        Detail("expected", "应到人数", "int", required=True),
        Detail("present", "实到人数", "int", required=True),
        Detail("absent_with_reason", "请假人数", "int"),
        Detail("remote", "视频参会人数", "int"),
        Detail("content", "议程和主要内容", max_length=1000, multiline=True, required=True),
        Detail("resolutions", "决议和表决情况", max_length=500, multiline=True),
    ),
    RecordKind.VOLUNTEER: (
        Detail("activity", "服务项目", max_length=100, required=True),
        Detail("place", "服务地点", max_length=100, required=True),
        Detail("content", "服务内容", max_length=500, multiline=True, required=True),
        Detail("team", "志愿服务队", max_length=100),
        Detail("evaluation", "服务评价", max_length=200),
    ),
}

# Kinds that concern one elder (a branch activity concerns the branch), that carry an amount, hours.
WITH_ELDER = {RecordKind.VISIT, RecordKind.AID, RecordKind.VOLUNTEER}
AMOUNT_LABEL = {RecordKind.VISIT: "慰问金（元）", RecordKind.AID: "帮扶金额（元）"}
WITH_HOURS = {RecordKind.VOLUNTEER}
INT_MAX = 100_000


def fields_of(kind: str) -> tuple[Detail, ...]:
    return FIELDS.get(kind, ())


def _clean(detail: Detail, value):
    if value is None or (isinstance(value, str) and not value.strip()):
        if detail.required:
            raise DomainError(f"请填写{detail.label}", field=detail.key)
        return None
    if detail.type == "date":
        if isinstance(value, datetime.date):
            return value.isoformat()
        try:
            return datetime.date.fromisoformat(normalise_number(str(value)).strip()).isoformat()
        except ValueError:
            raise DomainError(f"{detail.label}不是有效的日期（格式如 2026-03-01）", field=detail.key) from None
    if detail.type == "int":
        text = normalise_number(str(value)).strip()
        if not text.isdigit() or int(text) > INT_MAX:
            raise DomainError(f"{detail.label}应为 0 到 {INT_MAX} 之间的整数", field=detail.key)
        return int(text)
    text = checked_text(str(value), label=detail.label, field=detail.key, limit=detail.max_length,
                        required=detail.required, multiline=detail.multiline)
    if detail.type == "choice" and text not in detail.choices:
        raise DomainError(f"{detail.label}应为：{'、'.join(detail.choices)}", field=detail.key)
    return text


def clean_details(kind: str, values: dict) -> dict:
    """``values`` (form or API input, by key) checked against ``kind``'s fields; unknown keys are refused."""
    declared = fields_of(kind)
    known = {detail.key for detail in declared}
    unknown = sorted(set(values) - known)
    if unknown:
        raise DomainError(f"该类记录没有这些字段：{'、'.join(unknown)}", field="details")
    cleaned = {}
    for detail in declared:
        value = _clean(detail, values.get(detail.key))
        if value is not None:
            cleaned[detail.key] = value
    if kind == RecordKind.BRANCH:
        expected, present = cleaned.get("expected", 0), cleaned.get("present", 0)
        if present > expected:
            raise DomainError("实到人数不能多于应到人数", field="present")
        if cleaned.get("absent_with_reason", 0) > expected - present:
            raise DomainError("请假人数不能多于缺席人数（应到减实到）", field="absent_with_reason")
        if cleaned.get("remote", 0) > present:
            raise DomainError("视频参会人数不能多于实到人数", field="remote")
    return cleaned


def shown(kind: str, details: dict) -> list[tuple[str, str]]:
    """The record's details as (label, text) pairs, in declaration order, the empty ones left out."""
    return [(d.label, str(details[d.key])) for d in fields_of(kind) if details.get(d.key) not in (None, "")]


def summary(kind: str, details: dict, elder_name: str = "") -> str:
    """The record's one-line title for lists: what it was and for whom."""
    if kind == RecordKind.VISIT:
        return f"{elder_name} · {details.get('visit_type', '')}（{details.get('method', '')}）"
    if kind == RecordKind.AID:
        return f"{elder_name} · {details.get('cause', '')}帮扶（{details.get('grade', '')}，{details.get('aid_state', '')}）"
    if kind == RecordKind.BRANCH:
        return f"{details.get('branch', '')} · {details.get('activity_type', '')}"
    return f"{elder_name} · {details.get('activity', '')}"
