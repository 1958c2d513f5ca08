"""The 公文 elements a dispatch carries (DOCUMENTS.md §1.1–1.2; 党政机关公文处理工作条例 第八、九条).

Pure functions, no database: the form, the API and the service call the same checks, so a refusal reads
the same wherever it comes from.

- **发文字号**: 机关代字 + 〔四位年份〕 + 序号 + 号, e.g. ``新政办〔2026〕12号``. Six-cornered brackets
  〔〕 only (not [], (), （） or 【】), no “第”, no leading zeros in the sequence (1, never 01).
  Full-width digits are accepted and written back half-width.
- **文种**: one of the 15 kinds of 第八条; any other genre word (汇报, 请示报告…) is not a 文种.
- **紧急程度**: 特急, 加急 or 平急 (电报 use 平急), or none.
- **签发人**: an upward document (上行文) must carry it. A dispatch only goes *down* (its targets lie in
  the sender's scope), so on a dispatch it stays optional; ``elements_check(direction=UPWARD)`` is what
  an upward channel calls.
- **密级**: this network is non-classified (seed 001 §12): any value is refused, and there is no
  column to hold one.
"""

import re
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocKind(models.TextChoices):
    """The 15 文种 of 条例 第八条."""

    RESOLUTION = "resolution", _("决议")
    DECISION = "decision", _("决定")
    ORDER = "order", _("命令（令）")
    COMMUNIQUE = "communique", _("公报")
    ANNOUNCEMENT = "announcement", _("公告")
    PUBLIC_NOTICE = "public_notice", _("通告")
    OPINION = "opinion", _("意见")
    NOTICE = "notice", _("通知")
    CIRCULAR = "circular", _("通报")
    REPORT = "report", _("报告")
    REQUEST = "request", _("请示")
    REPLY = "reply", _("批复")
    MOTION = "motion", _("议案")
    LETTER = "letter", _("函")
    MINUTES = "minutes", _("纪要")


# 上行文 only: a 报告 or a 请示 goes up, never down (DOCUMENTS.md §1.2).
UPWARD_ONLY = frozenset({DocKind.REPORT, DocKind.REQUEST})


class Urgency(models.TextChoices):
    EXTRA = "extra", _("特急")
    URGENT = "urgent", _("加急")
    NORMAL = "normal", _("平急")


DOWNWARD, UPWARD = "down", "up"
CODE_MAX = 20
SIGNER_MAX = 60
NOT_CLASSIFIED = "本网为非涉密网络，不得传输涉密公文，密级必须为空"

_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_WRONG_BRACKETS = re.compile(r"[\[\]()（）【】〖〗［］{}｛｝<>《》〈〉]")
_NUMBER = re.compile(r"(?P<code>[^〔〕\s]*)〔(?P<year>[^〔〕]*)〕(?P<seq>[^〔〕]*)")


class ElementError(ValueError):
    """A 公文 element that breaks its rule: ``message`` is the Chinese sentence shown, ``field`` the input."""

    def __init__(self, message: str, *, field: str):
        super().__init__(message)
        self.message, self.field = message, field


def doc_number_normalise(text: str) -> str:
    """The 发文字号 ``text`` checked and written the one way (half-width digits, no spaces), or
    ``ElementError``. Empty stays empty (the number is optional)."""
    value = re.sub(r"\s+", "", str(text or "")).translate(_FULL_WIDTH_DIGITS)
    if not value:
        return ""

    def refuse(message: str):
        raise ElementError(message + "，如：新政办〔2026〕12号", field="doc_number")

    if "〔" not in value or "〕" not in value:
        if _WRONG_BRACKETS.search(value):
            refuse("发文字号的年份须用六角括号“〔〕”，不能用方括号、圆括号或其他括号")
        refuse("发文字号须写作“机关代字〔年份〕序号号”，年份用六角括号“〔〕”括入")
    match = _NUMBER.fullmatch(value)
    if match is None:
        refuse("发文字号须写作“机关代字〔年份〕序号号”，只能有一对六角括号")
    code, year, rest = match["code"], match["year"], match["seq"]
    if not code:
        refuse("发文字号缺少机关代字")
    if len(code) > CODE_MAX:
        refuse(f"机关代字不能超过 {CODE_MAX} 个字")
    if _WRONG_BRACKETS.search(code) or re.search(r"\d", code):
        refuse("机关代字不能含有数字或括号")
    if not re.fullmatch(r"[1-9][0-9]{3}", year):
        refuse("发文字号的年份须为四位数字的完整年份")
    if not rest.endswith("号"):
        refuse("发文字号须以“号”字结尾")
    seq = rest[:-1]
    if seq.startswith("第"):
        refuse("发文字号的序号前不加“第”字")
    if not seq:
        refuse("发文字号缺少序号")
    if not seq.isascii() or not seq.isdigit():
        refuse("发文字号的序号须为阿拉伯数字")
    if seq.startswith("0"):
        refuse("发文字号的序号不编虚位，不能以 0 开头（1 不编为 01）")
    return f"{code}〔{year}〕{seq}号"


def doc_kind_check(value: str, *, direction: str = DOWNWARD) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    if value not in DocKind.values:
        raise ElementError(f"文种只能是条例规定的 15 种之一（{'、'.join(str(label) for label in DocKind.labels)}）",
                           field="doc_kind")
    if direction == DOWNWARD and value in UPWARD_ONLY:
        raise ElementError(f"“{DocKind(value).label}”是上行文，不能向下级单位下发", field="doc_kind")
    return value


def urgency_check(value: str) -> str:
    value = (value or "").strip()
    if value and value not in Urgency.values:
        raise ElementError("紧急程度只能是特急、加急、平急，或不标注", field="urgency")
    return value


def classification_check(value: str) -> str:
    """密级: always refused on this network (any value, even “非密”: the field is to be left empty)."""
    if str(value or "").strip():
        raise ElementError(NOT_CLASSIFIED, field="classification")
    return ""


@dataclass(frozen=True)
class Elements:
    doc_number: str = ""
    doc_kind: str = ""
    urgency: str = ""
    signer: str = ""


def elements_check(*, doc_number: str = "", doc_kind: str = "", urgency: str = "", signer: str = "",
                   classification: str = "", direction: str = DOWNWARD) -> Elements:
    """Every element checked, in the order of the page (密级 first: nothing else matters if it is set)."""
    classification_check(classification)
    signer = re.sub(r"\s+", " ", str(signer or "")).strip()
    if len(signer) > SIGNER_MAX:
        raise ElementError(f"签发人不能超过 {SIGNER_MAX} 个字", field="signer")
    if direction == UPWARD and not signer:
        raise ElementError("上行文必须标注签发人", field="signer")
    return Elements(doc_number=doc_number_normalise(doc_number), doc_kind=doc_kind_check(doc_kind, direction=direction),
                    urgency=urgency_check(urgency), signer=signer)
