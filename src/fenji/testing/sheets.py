"""Excel files for import tests, built in memory the way a user's spreadsheet is (text cells as typed)."""

import io


def xlsx_file(header, rows) -> io.BytesIO:
    """A one-sheet .xlsx with ``header`` as its first row and ``rows`` below, at position 0."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out
