"""What an Excel import expects: its columns, each with the header a user types (and the other names found in
hand-made lists), how a cell becomes a value, what makes the value wrong, and the Chinese reason shown on the
error report.

Declaring an import::

    MEMBERS = ImportSpec("people.members", "会员名单", (
        Column("real_name", "姓名", aliases=("名字",), required=True, parse=tidy_spaces, max_length=50),
        Column("id_number", "身份证号", aliases=("身份证号码",), required=True, text_only=True,
               parse=parse_id_number),
        Column("unit_code", "所在单位代码", aliases=("单位代码",)),
    ), example={"real_name": "张三（示例）", "id_number": "11010519491231002X"})

``parse(text)`` gets the cell as text (spaces at both ends removed) and returns the value; ``check(value)``
may refuse it. Either refuses with ``CellError(reason)`` (or a ``DomainError``, whose message is the reason).
A numeric cell of a ``text_only`` column is refused: Excel keeps 15 significant digits, so an 18-digit ID
number stored as a number has lost its last digits, and a mobile number typed as a number is not changed
silently into text either.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _

from ..errors import DomainError

HEADER_NOISE = re.compile(r"[\s*＊:：]|[（(【\[].*?[）)】\]]")  # "*姓名", "手机号（必填）", "身份证号:"


class CellError(Exception):
    """A cell's value is refused: ``reason`` is shown on the error report, after the column's title."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


_SPACES = re.compile(r"[\s\u3000]+")


def by_label(choices, title: str) -> Callable[[str], str]:
    """A ``parse`` for a column of a model's choices (``TextChoices``) given by their Chinese labels, or their codes:
    the sheet is read in Chinese whatever the language of the page that uploaded it. Anything else is refused
    naming the labels."""
    with translation.override("zh-hans"):
        labels = {str(label): value for value, label in choices.choices}

    def parse(text: str) -> str:
        text = _SPACES.sub("", text)
        if text in labels:
            return labels[text]
        if text in choices.values:
            return text
        raise CellError(_("%(title)s应为：%(labels)s") % {"title": title, "labels": "、".join(labels)})

    return parse


def header_key(text) -> str:
    """A header cell as it is compared: without spaces, required marks and remarks in brackets."""
    return HEADER_NOISE.sub("", str(text or ""))


@dataclass(frozen=True)
class Column:
    key: str  # the name of the value in a parsed row
    title: str  # the header of the template and of the error report
    aliases: tuple[str, ...] = ()  # other headers found in hand-made lists
    required: bool = False  # the header must be there and the cell filled in
    parse: Callable[[str], object] | None = None  # text → value (raise CellError / DomainError); None: the text
    check: Callable[[object], None] | None = None  # refuse a parsed value (raise CellError / DomainError)
    text_only: object = False  # a numeric cell is refused (True: the standard reason; a text: this reason)
    max_length: int | None = None  # characters of the parsed text
    empty: object = ""  # the reason when a required cell is empty (default: "<title>不能为空")
    width: int = 16  # in the template and the report

    @property
    def names(self) -> tuple[str, ...]:
        return (header_key(self.title), *(header_key(a) for a in self.aliases))

    def number_reason(self) -> str:
        if self.text_only is not True:
            return str(self.text_only)
        return _("%(title)s被 Excel 存成了数字，请将该列设为文本格式后重新填写") % {"title": self.title}

    def empty_reason(self) -> str:
        return str(self.empty) if self.empty else _("%(title)s不能为空") % {"title": self.title}

    def value(self, text: str):
        """The cell's value from its text (already known to be filled in), or ``CellError``."""
        try:
            value = self.parse(text) if self.parse is not None else text
            length = len(value) if isinstance(value, str) else len(text)
            if self.max_length is not None and length > self.max_length:
                raise CellError(_("%(title)s不能超过 %(max)s 个字（当前 %(n)s 个）") % {
                    "title": self.title, "max": self.max_length, "n": length})
            if self.check is not None:
                self.check(value)
        except DomainError as error:
            raise CellError(error.message) from None
        except OverflowError:  # a number past what a date or an integer holds ("2024-1-99999999999999999999")
            raise CellError(_("%(title)s的数值超出范围") % {"title": self.title}) from None
        return value


@dataclass(frozen=True)
class ImportSpec:
    name: str  # unique, e.g. "people.members": names the import's jobs
    title: str  # the worksheet's name in the template, e.g. "会员名单"
    columns: tuple[Column, ...]
    example: dict = field(default_factory=dict)  # the template's example row, skipped if left in the file
    header_search_rows: int = 10  # a title line or two above the column names is common in hand-made lists

    def __post_init__(self):
        keys = [c.key for c in self.columns]
        if len(set(keys)) != len(keys):
            raise ValueError(f"import {self.name}: a column key is declared twice")
        names = [n for c in self.columns for n in c.names]
        if len(set(names)) != len(names):
            raise ValueError(f"import {self.name}: a header or alias names two columns")

    @property
    def titles(self) -> list[str]:
        return [c.title for c in self.columns]

    def by_header(self) -> dict[str, Column]:
        return {name: c for c in self.columns for name in c.names}

    def find_header(self, rows) -> tuple[int, dict[str, int], list[str]]:
        """Read ``rows`` (``(row number, cells)``) up to the header: its row number, each known column's
        position and the titles of the columns the spec does not know. Refuses (``DomainError``) a file
        without a header, with a required column missing or a column given twice."""
        known = self.by_header()
        first = header_key(self.columns[0].title)
        for seen, (number, cells) in enumerate(rows, start=1):
            keys = [header_key(c) for c in cells]
            if first in keys or sum(k in known for k in keys) >= min(2, len(self.columns)):
                positions, ignored = {}, []
                for index, key in enumerate(keys):
                    column = known.get(key)
                    if column is None:
                        if key:
                            ignored.append(str(cells[index]).strip())
                        continue
                    if column.key in positions:
                        raise DomainError(_("第 %(row)s 行的表头中“%(title)s”列出现了两次") % {
                            "row": number, "title": column.title}, field="file", code="bad_header")
                    positions[column.key] = index
                missing = [c.title for c in self.columns if c.required and c.key not in positions]
                if missing:
                    raise DomainError(_("第 %(row)s 行的表头缺少“%(missing)s”列：表头应为 %(columns)s（可下载导入模板）")
                                      % {"row": number, "missing": "”“".join(missing),
                                         "columns": "、".join(self.titles)}, field="file", code="missing_column")
                return number, positions, ignored
            if seen >= self.header_search_rows:
                break
        raise DomainError(_("没有找到表头：第一行应为列名 %(columns)s（可下载导入模板）") % {
            "columns": "、".join(self.titles)}, field="file", code="missing_column")
