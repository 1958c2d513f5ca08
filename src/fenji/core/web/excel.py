"""Excel exports: one worksheet written row by row to a temporary file (constant memory), answered as
a download. Text stays text (ID and mobile numbers never become numbers or scientific notation),
times are local dates, rates are percentages with "—" when there is nothing to rate."""

import datetime
import tempfile
from dataclasses import dataclass

from django.http import FileResponse
from django.utils import timezone

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NO_RATE = "—"


@dataclass(frozen=True)
class Rate:
    """A share between 0 and 1 written as a percentage; ``None`` (nothing to rate) as "—"."""

    value: float | None


def stamp() -> str:
    """Local time for export file names: ``20261123-142501``."""
    return f"{timezone.localtime():%Y%m%d-%H%M%S}"


class ExcelSheet:
    """``sheet = ExcelSheet(title, headers)``; ``sheet.add([...])`` per row; ``return sheet.response(name)``.

    With ``heading`` the sheet opens with that line in bold and the column headers two rows below;
    ``sheet.next_sheet(title, headers)`` goes on in another worksheet.
    """

    def __init__(self, title: str, headers: list[str], widths: dict[int, int] | None = None, *,
                 heading: str = "", seconds: bool = False):
        import xlsxwriter  # ~10 MB: loaded by the first export, not by every server process

        self.handle = tempfile.TemporaryFile()
        self.book = xlsxwriter.Workbook(self.handle, {"constant_memory": True, "in_memory": False,
                                                      "remove_timezone": True})
        self.sheet = self.book.add_worksheet(title[:31])
        self.text = self.book.add_format({"num_format": "@"})
        self.when = self.book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss" if seconds else "yyyy-mm-dd hh:mm"})
        self.percent = self.book.add_format({"num_format": "0.0%"})
        self.bold = self.book.add_format({"bold": True})
        self._begin(headers, widths, heading)
        self.rows = 0

    def _begin(self, headers: list[str], widths: dict[int, int] | None, heading: str) -> None:
        for column, width in (widths or {}).items():
            self.sheet.set_column(column, column, width)
        self.line = 0
        if heading:
            self.sheet.write_string(0, 0, heading, self.bold)
            self.line = 2
        self.sheet.write_row(self.line, 0, headers, self.bold)
        self.sheet.freeze_panes(self.line + 1, 0)

    def next_sheet(self, title: str, headers: list[str], widths: dict[int, int] | None = None, *,
                   heading: str = "") -> None:
        """Go on in a new worksheet (a workbook of several tables); the earlier ones are finished (rows are
        written in order, in constant memory). ``rows`` keeps counting across the worksheets."""
        self.sheet = self.book.add_worksheet(title[:31])
        self._begin(headers, widths, heading)

    def new_sheet(self, title: str, headers: list[str]) -> None:
        """Go on in a new worksheet of the same workbook (an export of several tables): ``add`` writes there."""
        self.sheet = self.book.add_worksheet(title[:31])
        self.line = 0
        self.sheet.write_row(0, 0, headers, self.bold)
        self.sheet.freeze_panes(1, 0)

    def add(self, values: list) -> None:
        self.rows += 1
        self.line += 1
        for column, value in enumerate(values):
            if isinstance(value, datetime.datetime):
                local = timezone.localtime(value) if timezone.is_aware(value) else value
                self.sheet.write_datetime(self.line, column, local.replace(tzinfo=None), self.when)
            elif isinstance(value, Rate):
                if value.value is None:
                    self.sheet.write_string(self.line, column, NO_RATE, self.text)
                else:
                    self.sheet.write_number(self.line, column, value.value, self.percent)
            elif isinstance(value, bool) or value is None or value == "":
                self.sheet.write_string(self.line, column, "" if value in (None, "") else str(value), self.text)
            elif isinstance(value, int | float):
                self.sheet.write_number(self.line, column, value)
            else:  # ID and mobile numbers stay text: never a number, never scientific notation
                self.sheet.write_string(self.line, column, str(value), self.text)

    def response(self, filename: str) -> FileResponse:
        self.book.close()
        self.handle.seek(0)
        return FileResponse(self.handle, as_attachment=True, filename=filename, content_type=XLSX)
