"""The two workbooks an import hands out: the template to fill in, and the error report of the rows it refused.

The report repeats the columns of the template first, every cell as text, then 原行号, 错误列 and 错误原因:
corrected in Excel, it is uploaded again as it is (the three extra columns are ignored as unknown). Both
are written row by row to a temporary file (constant memory); their columns are formatted as text, so a
corrected ID number stays text.
"""

import tempfile
from decimal import Decimal

from django.utils.translation import gettext as _

from .reader import Number
from .spec import ImportSpec

CELL_MAX = 200  # a cell longer than this is cut in the report
EXTRA_WIDTHS = (8, 16, 60)


def report_headers(spec: ImportSpec) -> list[str]:
    return spec.titles + [_("原行号"), _("错误列"), _("错误原因")]


class _Book:
    def __init__(self, title: str, headers: list[str], widths: list[int]):
        import xlsxwriter  # ~10 MB: loaded by the first report written, not by every server process

        self.handle = tempfile.TemporaryFile()
        self.book = xlsxwriter.Workbook(self.handle, {"constant_memory": True, "in_memory": False})
        self.sheet = self.book.add_worksheet(title[:31])
        self.text = self.book.add_format({"num_format": "@"})
        bold = self.book.add_format({"bold": True})
        for index, width in enumerate(widths):
            self.sheet.set_column(index, index, width, self.text)
        self.sheet.write_row(0, 0, headers, bold)
        self.sheet.freeze_panes(1, 0)
        self.line = 0

    def add(self, values: list) -> None:
        self.line += 1
        for column, value in enumerate(values):
            if isinstance(value, int):
                self.sheet.write_number(self.line, column, value)
            elif value:
                self.sheet.write_string(self.line, column, value, self.text)

    def finish(self):
        self.book.close()
        self.handle.seek(0)
        return self.handle


def template(spec: ImportSpec):
    """导入模板: the header row and the example row (skipped if left in), as a file object at 0."""
    book = _Book(spec.title, spec.titles, [c.width for c in spec.columns])
    if spec.example:
        book.add([str(spec.example.get(c.key, "")) for c in spec.columns])
    return book.finish()


def report_cell(value) -> str:
    """A cell as text; a number as Excel shows it (at most 15 significant digits: an ID number typed as a
    number shows the zeros Excel left)."""
    if isinstance(value, Number):
        try:
            number = float(value)
            text = format(Decimal(f"{number:.15g}"), "f") if number.is_integer() else str(value)
        except (ValueError, OverflowError):
            text = str(value)
    else:
        text = "" if value is None else str(value)
    return text[:CELL_MAX]


class ErrorReport:
    """The refused rows, written as they come; ``finish()`` gives the workbook (``None`` if no row failed)."""

    def __init__(self, spec: ImportSpec):
        self.spec = spec
        self.book = None
        self.rows = 0

    def add(self, row: int, raw: dict, errors) -> None:
        if self.book is None:
            self.book = _Book(_("导入失败的行"), report_headers(self.spec),
                              [c.width for c in self.spec.columns] + list(EXTRA_WIDTHS))
        self.rows += 1
        values = [report_cell(raw.get(c.key)) for c in self.spec.columns]
        columns = "、".join(dict.fromkeys(e.column for e in errors if e.column))
        reasons = "；".join(f"{e.column}：{e.reason}" if e.column else e.reason for e in errors)
        self.book.add(values + [row, columns[:CELL_MAX], reasons[:4 * CELL_MAX]])

    def finish(self):
        return None if self.book is None else self.book.finish()
