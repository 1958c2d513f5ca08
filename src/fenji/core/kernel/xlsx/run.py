"""Running an Excel import: the rows of an .xlsx read by ``reader`` (streamed, constant memory), each checked
against its ``ImportSpec``, and handed chunk by chunk to a ``RowWriter`` the importing app supplies.

For each chunk of ``chunk_size`` rows:

1. every row is checked on its own by the spec: a control character, a number in a text-only column, an
   empty required cell, then each column's ``parse`` and ``check``; then ``writer.compute(rows)`` (per-row
   work of the row alone: a ciphertext, a blind index) — for a large file of a ``parallel`` writer, both in
   worker processes (``parallel``), the chunks coming back in file order;
2. ``writer.prepare(rows)`` checks what needs a lookup or the other rows (a unit by its code, a duplicate in
   the chunk): it refuses a row with ``row.fail(column key, reason)``;
3. the rows still valid go to ``writer.write(rows)`` inside one transaction, which returns how many it
   created and may still refuse rows (a number taken in the database). An ``IntegrityError`` (a unique
   constraint: someone wrote the same row between the check and the insert) rolls the chunk back and it is
   written again, checked anew; after the commit, ``writer.committed()``.

A refused row writes nothing and goes to the error report (``report.ErrorReport``); a crash leaves whole
chunks only. The last chunk's transaction also holds ``writer.audit(result)``, so the record of the import
commits with its last rows; an import stopped by an error calls ``writer.failed(result, reason)`` in its own
transaction. A file that cannot be imported at all (not an .xlsx, no header, a required column missing, too
many rows) is refused with ``DomainError`` before anything is written; one that breaks off after some
chunks were written raises ``ImportStopped`` carrying what was done.
"""

import dataclasses
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ..errors import DomainError
from ..text import control_message, has_control_inside
from . import parallel
from .reader import Number, iter_rows
from .report import ErrorReport
from .spec import CellError, ImportSpec

logger = logging.getLogger(__name__)

CHUNK_ROWS = 1000  # SQLite holds its write lock while a chunk is written: keep it short
ERROR_SAMPLE = 200  # errors kept in memory for the page; the report has them all
WRITE_ATTEMPTS = 3


@dataclass
class RowError:
    row: int
    column: str  # the column's title, or "" for the row as a whole
    reason: str

    def __str__(self):
        where = _("第 %(row)s 行") % {"row": self.row}
        return f"{where} {self.column}：{self.reason}" if self.column else f"{where}：{self.reason}"


@dataclass
class Row:
    """One row of the file: its cells by column key (``raw``), the parsed values and the reasons it is refused."""

    number: int
    raw: dict
    values: dict = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    titles: dict = field(default_factory=dict, repr=False)

    def fail(self, column: str, reason: str) -> None:
        """Refuse the row: ``column`` is a column key (or "" for the row as a whole)."""
        self.errors.append(RowError(self.number, self.titles.get(column, column), str(reason)))

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportResult:
    """What an import did. ``report`` is the error workbook (a file object at 0), ``None`` if no row failed."""

    spec: str
    file_name: str
    size: int
    sm3: str
    sha256: str
    header_row: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    total: int | None = None  # rows under the header as the sheet declares them (blank lines included)
    read: int = 0
    created: int = 0
    rejected: int = 0
    counts: dict = field(default_factory=dict)  # what the writer counts besides
    errors: list[RowError] = field(default_factory=list)  # the first ERROR_SAMPLE
    report: object = None
    seconds: float = 0.0

    @property
    def summary(self) -> str:
        return _("读取 %(read)s 行，导入 %(created)s 行，失败 %(rejected)s 行") % {
            "read": self.read, "created": self.created, "rejected": self.rejected}


class ImportStopped(DomainError):
    """The file could not be read to its end; ``result`` says what was written before."""

    def __init__(self, message: str, result: ImportResult):
        super().__init__(message, field="file", code="import_stopped")
        self.result = result


class RowWriter:
    """What an import does with its rows. Subclass and override what applies; see the module."""

    parallel = False  # True: ``compute`` and the spec's checks may run in worker processes (``parallel``)

    def compute(self, rows: list[Row]) -> None:
        """Per-row work that needs neither the database nor the other rows (a ciphertext, a blind index), on
        the rows parsed — valid or not; with ``parallel`` in a forked worker, on a copy of this writer."""

    def prepare(self, rows: list[Row]) -> None:
        """Checks that need a lookup or the chunk's other rows, before its transaction (``row.fail``)."""

    def write(self, rows: list[Row]) -> int:
        """Write the valid ``rows`` (inside the chunk's transaction); returns how many were created."""
        raise NotImplementedError

    def committed(self) -> None:
        """After the chunk's transaction committed."""

    def audit(self, result: ImportResult) -> None:
        """Record the import; called inside the last chunk's transaction with the final counts."""

    def failed(self, result: ImportResult, reason: str) -> None:
        """Record an import stopped by ``reason`` (its own transaction)."""


def cell_text(value) -> str:
    """A cell as text: a whole number as its digits (a code typed as a number), else as written."""
    if value is None:
        return ""
    if isinstance(value, Number):
        try:
            number = float(value)
        except ValueError:
            return str(value)
        return str(int(number)) if number.is_integer() and abs(number) < 2**53 else str(value)
    return str(value).strip()


def parse_row(spec: ImportSpec, number: int, raw: dict, titles: dict) -> Row:
    """The row checked column by column against ``spec`` (only the columns the file has)."""
    row = Row(number, raw, titles=titles)
    control = [c for c in spec.columns if has_control_inside(raw.get(c.key))]
    if control:  # NUL or a control character inside a cell: no column is multi-line
        for column in control:
            row.fail(column.key, control_message(column.title))
        return row
    for column in spec.columns:
        if column.key not in raw:
            continue
        cell = raw[column.key]
        if isinstance(cell, Number) and column.text_only:  # (a lazy reason costs a gettext to test)
            row.fail(column.key, column.number_reason())
            continue
        text = cell_text(cell)
        if not text:
            if column.required:
                row.fail(column.key, column.empty_reason())
            else:
                row.values[column.key] = None
            continue
        try:
            row.values[column.key] = column.value(text)
        except CellError as error:
            row.fail(column.key, error.reason)
    return row


def digest(stream) -> tuple[int, str, str]:
    """Size, SM3 and SHA-256 of the file (read in pieces; the stream is left at 0)."""
    stream.seek(0)
    sm3, sha = hashes.Hash(hashes.SM3()), hashes.Hash(hashes.SHA256())
    size = 0
    while chunk := stream.read(1024 * 1024):
        size += len(chunk)
        sm3.update(chunk)
        sha.update(chunk)
    stream.seek(0)
    return size, sm3.finalize().hex(), sha.finalize().hex()


def read_header(spec: ImportSpec, file, *, max_rows: int | None = None) -> tuple[int, int | None]:
    """Check a file before it is queued: an .xlsx with the spec's header and at most ``max_rows`` rows as its
    sheet declares them. Returns (header row, declared rows or ``None``); refuses with ``DomainError``."""
    stream, close = _open(file)
    try:
        info: dict = {}
        rows = iter_rows(stream, info=info)
        try:
            header_row, _positions, _ignored = spec.find_header(rows)
            total = _declared(info, header_row, max_rows)
        finally:
            rows.close()
        return header_row, total
    finally:
        stream.seek(0)
        if close:
            stream.close()


def _declared(info: dict, header_row: int, max_rows: int | None) -> int | None:
    if "last_row" not in info:
        return None
    total = max(info["last_row"] - header_row, 0)
    if max_rows is not None and total > max_rows:
        raise DomainError(_("文件约有 %(rows)s 行，超过每次 %(max)s 行的上限：请分成多个文件导入") % {
            "rows": total, "max": max_rows}, field="file", code="too_many_rows")
    return total


def _open(file):
    if isinstance(file, str | Path):
        return open(file, "rb"), True  # noqa: SIM115 - closed by the caller
    return file, False


class _Run:
    def __init__(self, spec: ImportSpec, writer: RowWriter, result: ImportResult, progress):
        self.spec, self.writer, self.result, self.progress = spec, writer, result, progress
        self.report = ErrorReport(spec)

    def reject(self, row: Row) -> None:
        self.result.rejected += 1
        room = ERROR_SAMPLE - len(self.result.errors)
        if room > 0:
            self.result.errors.extend(row.errors[:room])
        self.report.add(row.number, row.raw, row.errors)

    def chunk(self, rows: list[Row], *, last: bool = False) -> None:
        self.writer.prepare(rows)
        valid = []
        for row in rows:
            if row.ok:
                valid.append(row)
            else:
                self.reject(row)
        for attempt in range(WRITE_ATTEMPTS):
            for row in valid:
                row.errors.clear()
            try:
                with transaction.atomic():
                    created = self.writer.write(valid) if valid else 0
                    if last:
                        late = sum(not row.ok for row in valid)
                        self.writer.audit(dataclasses.replace(
                            self.result, created=self.result.created + created,
                            rejected=self.result.rejected + late))
            except IntegrityError:
                # Someone wrote one of these rows between our check and our insert (PostgreSQL's READ
                # COMMITTED; SQLite's IMMEDIATE transactions cannot interleave): check again.
                if attempt == WRITE_ATTEMPTS - 1:
                    raise
                continue
            break
        self.writer.committed()
        for row in valid:
            if not row.ok:
                self.reject(row)
        self.result.created += created
        if self.progress is not None:
            self.progress(self.result)


def import_rows(spec: ImportSpec, file, *, writer: RowWriter, file_name: str = "", chunk_size: int = CHUNK_ROWS,
                max_rows: int | None = None, progress: Callable[[ImportResult], None] | None = None) -> ImportResult:
    """Import the .xlsx ``file`` (a binary file object or a path) by ``spec`` through ``writer``; see the module.
    ``progress(result)`` is told after each chunk (``result.read`` of ``result.total``)."""
    clock = time.perf_counter()
    stream, close = _open(file)
    try:
        given = file if isinstance(file, str | Path) else getattr(file, "name", "")
        name = file_name or (Path(given).name if isinstance(given, str | Path) else "")
        size, sm3, sha256 = digest(stream)
        result = ImportResult(spec=spec.name, file_name=name[:200], size=size, sm3=sm3, sha256=sha256)
        info: dict = {}
        rows = iter_rows(stream, info=info)
        result.header_row, positions, result.ignored_columns = spec.find_header(rows)
        result.total = _declared(info, result.header_row, max_rows)
        titles = {c.key: c.title for c in spec.columns}
        example = {key: cell_text(spec.example.get(key)) for key in positions} if spec.example else None
        run = _Run(spec, writer, result, progress)
        stage = parallel.Serial(spec, writer, titles)
        try:
            batch = []
            for number, cells in rows:
                raw = {key: (cells[i] if i < len(cells) else None) for key, i in positions.items()}
                texts = {key: cell_text(value) for key, value in raw.items()}
                if not any(texts.values()) or texts == example:
                    continue  # a blank line, or the template's example row
                result.read += 1
                if max_rows is not None and result.read > max_rows:
                    raise DomainError(_("文件超过每次 %(max)s 行的上限：请分成多个文件导入") % {"max": max_rows},
                                      field="file", code="too_many_rows")
                batch.append((number, raw))
                if len(batch) >= chunk_size:
                    if type(stage) is parallel.Serial and parallel.wanted(writer, max(result.total or 0, result.read)):
                        stage = parallel.Pool(spec, writer, titles, parallel.worker_count())
                    for checked in stage.feed(batch):
                        run.chunk(checked)
                    batch = []
            *checked, final = stage.finish(batch)
            for chunk in checked:
                run.chunk(chunk)
            run.chunk(final, last=True)
        except DomainError as error:
            result.report = run.report.finish()
            with transaction.atomic():
                writer.failed(result, error.message)
            if result.created:
                raise ImportStopped(_("%(error)s。在此之前已导入 %(created)s 行（已保存，不会撤回）") % {
                    "error": error.message, "created": result.created}, result) from None
            raise
        except Exception as error:
            try:
                with transaction.atomic():
                    writer.failed(result, type(error).__name__)
            except Exception:  # the database itself failed: the original error is the one to raise
                logger.exception("import %s: the failure could not be recorded", spec.name)
            raise
        finally:
            stage.close()
        result.report = run.report.finish()
        result.seconds = time.perf_counter() - clock
        return result
    finally:
        if close:
            stream.close()
