"""Reading a State Council holiday notice typed into Excel: columns 日期, 类型 (放假 / 调休上班), 名称.

``read_workbook`` checks every row and reports every bad one by its row number; nothing is written
unless the whole file is clean (``services.calendar_import`` then writes it in one transaction).
"""

import datetime
import zipfile
from dataclasses import dataclass, field

from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.text import control_message, has_control_inside
from fenji.core.kernel.xlsx import zipparts

from .models import DayKind
from .services import ImportRow, check_day

COLUMNS = ("日期", "类型", "名称")
PART_MAX_BYTES = 4 * 1024 * 1024  # a holiday notice is a few dozen rows: 4 MB of any part is plenty
KINDS = {"放假": DayKind.HOLIDAY, "休息": DayKind.HOLIDAY, "调休上班": DayKind.WORKDAY, "上班": DayKind.WORKDAY}


@dataclass
class ImportReport:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row number, message)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    def describe(self) -> str:
        return "\n".join(f"第 {row} 行：{message}" for row, message in self.errors)


def _date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip().replace("/", "-").replace(".", "-")
    for pattern in ("%Y-%m-%d", "%Y年%m月%d日"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise DomainError(f"日期“{text}”无法识别（应为 YYYY-MM-DD）")


def _check_parts(source) -> None:
    """Refuse, before openpyxl reads it (it holds the shared strings as Python objects), a workbook any
    part of which is over ``PART_MAX_BYTES`` (or the ``XLSX_MAX_PART_MB`` cap) uncompressed or
    compressed like a bomb, decided from the ZIP's directory."""
    try:
        with zipfile.ZipFile(source) as book:
            zipparts.check_parts(book, limit=min(zipparts.max_part_bytes(), PART_MAX_BYTES))
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise DomainError(f"无法读取 Excel 文件：{error}") from None
    finally:
        if hasattr(source, "seek"):
            source.seek(0)


def read_workbook(source) -> ImportReport:
    """``source``: a path or a binary file object of an .xlsx workbook (first sheet)."""
    from openpyxl import load_workbook

    _check_parts(source)
    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise DomainError(f"无法读取 Excel 文件：{error}") from None
    try:
        sheet = book.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        header = [str(cell or "").strip() for cell in next(lines, ())]
        positions = {}
        for column in COLUMNS:
            match = [i for i, title in enumerate(header) if title.startswith(column)]
            if not match:
                raise DomainError(f"第 1 行缺少“{column}”列（应有：{'、'.join(COLUMNS)}）")
            positions[column] = match[0]
        report, seen = ImportReport(), {}
        for number, line in enumerate(lines, start=2):
            cells = [line[positions[c]] if positions[c] < len(line) else None for c in COLUMNS]
            if all(cell in (None, "") for cell in cells):
                continue
            raw_date, raw_kind, raw_name = cells
            controls = [control_message(column) for column, cell in zip(COLUMNS, cells, strict=True) if has_control_inside(cell)]
            if controls:  # NUL, C0/C1 controls and line breaks: refused in every column, the column named
                report.errors.append((number, "；".join(controls)))
                continue
            try:
                day = _date(raw_date)
                kind = KINDS.get(str(raw_kind or "").strip())
                if kind is None:
                    raise DomainError(f"类型“{raw_kind or ''}”无法识别（应为“放假”或“调休上班”）")
                day, kind, name = check_day(day, kind, str(raw_name or ""))
                if day in seen:
                    raise DomainError(f"{day}与第 {seen[day]} 行重复")
            except DomainError as error:
                report.errors.append((number, error.message))
                continue
            seen[day] = number
            report.rows.append(ImportRow(number, day, kind, name))
        if not report.rows and not report.errors:
            report.errors.append((2, "文件中没有可导入的行"))
        return report
    finally:
        book.close()
