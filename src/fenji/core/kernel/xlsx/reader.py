"""Reading the first worksheet of an .xlsx file row by row, in constant memory.

An .xlsx is a ZIP of XML parts. The worksheet part is decompressed and parsed in 64 KB pieces with
expat (the C parser in the standard library), and the rows of each piece are handed out before the
next is read: a million-row sheet never sits in memory. openpyxl's read-only mode streams too but
builds an object per cell (about 8 k rows/s); python-calamine is fast but loads the whole sheet
(about 400 MB for a million rows of four columns). This reader keeps only what a row needs.

The one part that must be random-access is the shared-string table (files saved by Excel and WPS
keep every distinct text there and refer to it by number). It is held as one UTF-8 buffer plus an
offset array, about a fifth of the memory of a list of Python strings.

Cells come back as ``str`` (text, booleans as "TRUE"/"FALSE", errors as "#N/A"…) or ``Number`` (a
``str`` holding the number as Excel wrote it, so that a caller can tell a mobile number typed as a
number from one typed as text). Formulas give their cached value. Dates are numbers here (a member
list has no date column); the caller asks for text.

Refused: anything that is not a ZIP with ``xl/workbook.xml``, a document type declaration (no
entity tricks), a part compressed more than ``MAX_RATIO`` times (a ZIP bomb), a part read as a whole
(the shared-string table, the workbook, relationships) larger than ``XLSX_MAX_PART_MB`` uncompressed
(64 MB by default) and a worksheet larger than ``MAX_SHEET_BYTES``, all decided from the ZIP's
directory before a byte is inflated (``zipparts``); more than ``XLSX_MAX_SHARED_STRINGS``
shared strings; a text longer than Excel's own limit of 32,767 characters, or a row longer than
``MAX_ROW_CHARS``; and more than ``max_rows`` rows. What the reader holds is therefore bounded by the
settings, whatever the file: a 300 MB shared-string part in a 2 MB upload is refused unread.
"""

import zipfile
from array import array
from collections.abc import Iterator
from posixpath import dirname, join, normpath
from xml.parsers import expat

from ..errors import DomainError
from . import zipparts

CHUNK = 64 * 1024
# The worksheet is streamed (constant memory): its cap bounds the time, not the memory. 512 MB of sheet
# XML is about two million rows of a member list, ten times the page's row limit.
MAX_SHEET_BYTES = 512 * 1024 * 1024
MAX_RATIO = zipparts.MAX_RATIO
MAX_TEXT_CHARS = 32_767  # Excel's own limit for one cell
MAX_ROW_CHARS = 1_000_000  # all the cells of one row together
MAIN_NAMESPACES = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                   "http://purl.oclc.org/ooxml/spreadsheetml/main")  # transitional and strict
REL_NAMESPACES = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                  "http://purl.oclc.org/ooxml/officeDocument/relationships")
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
NS = " "  # expat's namespace separator: element names arrive as "<namespace> <local name>"


class NotXlsx(DomainError):
    def __init__(self, message: str = "文件不是有效的 Excel 工作簿（.xlsx）：请用 Excel 或 WPS 另存为 .xlsx 后重新上传"):
        super().__init__(message, field="file", code="not_xlsx")


class Number(str):
    """A numeric cell, as the text Excel stored (``13912345678``, ``3.20102198001E+17``, ``12.5``)."""

    __slots__ = ()


def _names(local: str) -> set[str]:
    return {f"{ns}{NS}{local}" for ns in MAIN_NAMESPACES}


def _new_parser() -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator=NS)
    parser.buffer_text = True
    parser.buffer_size = CHUNK
    parser.ordered_attributes = False

    def refuse_doctype(*_args):
        raise NotXlsx("Excel 文件包含不允许的文档类型声明（DTD）")

    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_doctype
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    return parser


def _feed(parser, stream, on_chunk=None) -> Iterator[None]:
    """Parse ``stream`` piece by piece, yielding after each piece (the caller drains what was parsed)."""
    try:
        while True:
            data = stream.read(CHUNK)
            if not data:
                parser.Parse(b"", True)
                yield
                return
            parser.Parse(data, False)
            if on_chunk is not None:
                on_chunk(len(data))
            yield
    except expat.ExpatError as error:
        raise NotXlsx(f"Excel 文件内容损坏，无法读取（{expat.ErrorString(error.code)}）") from None
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as error:
        raise NotXlsx(f"Excel 文件已损坏，无法解压（{error}）") from None


class SharedStrings:
    """The workbook's shared-string table: one UTF-8 buffer and the end offset of each string."""

    def __init__(self):
        self.blob = bytearray()
        self.ends = array("Q")

    def append(self, text: str) -> None:
        self.blob += text.encode()
        self.ends.append(len(self.blob))

    def __len__(self):
        return len(self.ends)

    def __getitem__(self, index: int) -> str:
        if index < 0:
            raise IndexError(index)
        start = self.ends[index - 1] if index else 0
        return self.blob[start:self.ends[index]].decode()


def _read_shared_strings(stream) -> SharedStrings:
    table = SharedStrings()
    parser = _new_parser()
    si, t, rph = _names("si"), _names("t"), _names("rPh")
    state = {"in_si": False, "in_t": False, "phonetic": 0, "parts": [], "chars": 0}
    most = zipparts.max_shared_strings()

    def start(name, _attrs):
        if name in t:
            state["in_t"] = True
        elif name in si:
            state["in_si"] = True
            state["parts"] = []
            state["chars"] = 0
        elif name in rph:
            state["phonetic"] += 1

    def end(name):
        if name in t:
            state["in_t"] = False
        elif name in si:
            if len(table) >= most:
                raise NotXlsx(f"Excel 文件的共享字符串超过 {most:,} 个的上限，已拒绝：请分成多个文件导入")
            table.append("".join(state["parts"]))
            state["in_si"] = False
        elif name in rph:
            state["phonetic"] -= 1

    def text(data):
        if state["in_t"] and state["in_si"] and not state["phonetic"]:
            state["chars"] += len(data)
            if state["chars"] > MAX_TEXT_CHARS:
                raise NotXlsx(f"Excel 文件中有文字超过 {MAX_TEXT_CHARS:,} 个字符（Excel 单元格的上限），已拒绝")
            state["parts"].append(data)

    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
    for _ in _feed(parser, stream):
        pass
    return table


def _column_index(ref: str, cache: dict) -> int:
    """``"AB12"`` → 27 (zero-based)."""
    letters = ref.rstrip("0123456789")
    index = cache.get(letters)
    if index is None:
        index = 0
        for char in letters.upper():
            index = index * 26 + (ord(char) - 64)
        index -= 1
        if not 0 <= index < 16384:
            raise NotXlsx(f"Excel 文件中的单元格引用“{ref}”无效")
        cache[letters] = index
    return index


def _rels(book: zipfile.ZipFile, part: str) -> dict[str, str]:
    """The relationships of ``part``: id → target part name (resolved against the part's folder)."""
    rels_name = join(dirname(part), "_rels", part.rsplit("/", 1)[-1] + ".rels")
    if rels_name not in book.NameToInfo:
        return {}
    found = {}
    parser = _new_parser()

    def start(name, attrs):
        if name == f"{PACKAGE_RELS}{NS}Relationship" and attrs.get("Id") and attrs.get("Target"):
            target = attrs["Target"]
            resolved = target.lstrip("/") if target.startswith("/") else normpath(join(dirname(part), target))
            found[attrs["Id"]] = resolved

    parser.StartElementHandler = start
    with _open_part(book, rels_name) as stream:
        for _ in _feed(parser, stream):
            pass
    return found


def _first_sheet(book: zipfile.ZipFile) -> tuple[str, str | None]:
    """The part name of the workbook's first worksheet, and of its shared-string table (or ``None``)."""
    first = {}
    parser = _new_parser()
    sheet = _names("sheet")

    def start(name, attrs):
        if name in sheet and "id" not in first:
            for ns in REL_NAMESPACES:
                if f"{ns}{NS}id" in attrs:
                    first["id"] = attrs[f"{ns}{NS}id"]

    parser.StartElementHandler = start
    with _open_part(book, "xl/workbook.xml") as stream:
        for _ in _feed(parser, stream):
            pass
    rels = _rels(book, "xl/workbook.xml")
    if "id" not in first or rels.get(first["id"]) not in book.NameToInfo:
        raise NotXlsx("Excel 工作簿中没有工作表")
    shared = "xl/sharedStrings.xml" if "xl/sharedStrings.xml" in book.NameToInfo else None
    for target in rels.values():
        if target.lower().endswith("sharedstrings.xml") and target in book.NameToInfo:
            shared = target
    return rels[first["id"]], shared


def _open_part(book: zipfile.ZipFile, name: str, *, limit: int | None = None):
    """A part's stream, after its size and ratio are checked from the ZIP directory (``limit``: the
    part cap from the settings unless given)."""
    info = book.getinfo(name)
    refusal = zipparts.part_refusal(info, zipparts.max_part_bytes() if limit is None else limit)
    if refusal:
        raise NotXlsx(refusal)
    try:
        return book.open(info)
    except (RuntimeError, NotImplementedError, zipfile.BadZipFile, OSError, ValueError):
        # a password-protected entry, a compression method zipfile lacks, a damaged header
        raise NotXlsx("Excel 文件已加密或损坏：请取消密码保护，用 Excel 或 WPS 另存为 .xlsx 后重新上传") from None


def open_workbook(fileobj) -> zipfile.ZipFile:
    """The ZIP behind an .xlsx, or ``NotXlsx`` (not a ZIP, an .xls, a .docx, a renamed CSV…)."""
    fileobj.seek(0)
    head = fileobj.read(8)
    fileobj.seek(0)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise NotXlsx("这是旧版 Excel 97-2003（.xls）或加密的工作簿：请用 Excel 或 WPS 另存为 .xlsx（不设密码）后重新上传")
    if not head.startswith(b"PK\x03\x04"):
        raise NotXlsx()
    try:
        book = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise NotXlsx() from None
    if "xl/workbook.xml" not in book.NameToInfo or "[Content_Types].xml" not in book.NameToInfo:
        book.close()
        raise NotXlsx()
    return book


def iter_rows(fileobj, *, max_rows: int | None = None, on_progress=None,
              info: dict | None = None) -> Iterator[tuple[int, list]]:
    """``(row number, cells)`` for every non-empty row of the first worksheet, in order.

    ``row number`` is the one Excel shows (1-based). ``cells`` is a list indexed by column (A = 0),
    with ``None`` for empty cells. ``on_progress(bytes)`` is told how much sheet XML was read.
    ``info``, if given, receives ``last_row`` from the sheet's declared dimension (``<dimension
    ref="A1:D100001">``, written before the rows by Excel, WPS and xlsxwriter) once the first rows are
    out, and ``sheet_bytes`` (the uncompressed size of the sheet XML).
    """
    book = open_workbook(fileobj)
    try:
        sheet_part, shared_part = _first_sheet(book)
        shared = SharedStrings()
        if shared_part is not None:
            with _open_part(book, shared_part) as stream:
                shared = _read_shared_strings(stream)
        info = {} if info is None else info
        info["sheet_bytes"] = book.getinfo(sheet_part).file_size
        with _open_part(book, sheet_part, limit=MAX_SHEET_BYTES) as stream:
            yield from _sheet_rows(stream, shared, max_rows=max_rows, on_progress=on_progress, info=info)
    finally:
        book.close()


def _sheet_rows(stream, shared: SharedStrings, *, max_rows, on_progress, info) -> Iterator[tuple[int, list]]:
    parser = _new_parser()
    row_names, cell_names, dimension_names = _names("row"), _names("c"), _names("dimension")
    value_names, text_names = _names("v"), _names("t")
    inline_names, phonetic_names = _names("is"), _names("rPh")
    columns: dict[str, int] = {}
    done: list[tuple[int, list]] = []
    # The state of the row and cell being parsed, in locals of the closures (the hot path).
    row: list = []
    row_number = 0
    cell_column = -1
    cell_type = ""
    collecting = False
    in_inline = False
    phonetic = 0
    parts: list[str] = []
    cell_chars = row_chars = 0

    def start(name, attrs):
        nonlocal row, row_number, cell_column, cell_type, collecting, in_inline, phonetic, parts, cell_chars
        nonlocal row_chars
        if name in cell_names:
            ref = attrs.get("r")
            cell_column = _column_index(ref, columns) if ref else cell_column + 1
            cell_type = attrs.get("t", "n")
            parts = []
            cell_chars = 0
        elif name in value_names:
            collecting = True
        elif name in text_names:
            collecting = in_inline and not phonetic
        elif name in row_names:
            number = attrs.get("r")
            row_number = int(number) if number else row_number + 1
            row = []
            cell_column = -1
            row_chars = 0
        elif name in inline_names:
            in_inline = True
        elif name in phonetic_names:
            phonetic += 1
        elif name in dimension_names:
            last = (attrs.get("ref") or "").rpartition(":")[2].lstrip("$ABCDEFGHIJKLMNOPQRSTUVWXYZ")
            if last.isdigit():
                info["last_row"] = int(last)

    def end(name):
        nonlocal collecting, in_inline, phonetic, row_chars
        if name in cell_names:
            if parts:
                raw = "".join(parts)
                if cell_type == "s":
                    try:
                        value = shared[int(raw)]
                    except (ValueError, IndexError):
                        raise NotXlsx(f"Excel 文件第 {row_number} 行引用了不存在的共享字符串") from None
                elif cell_type == "n":
                    value = Number(raw)
                elif cell_type == "b":
                    value = "TRUE" if raw == "1" else "FALSE"
                else:  # inlineStr, str (a formula's text), e (an error such as #N/A), d (ISO date)
                    value = raw
                row_chars += len(value)
                if row_chars > MAX_ROW_CHARS:
                    raise NotXlsx(f"Excel 文件第 {row_number} 行超过 {MAX_ROW_CHARS:,} 个字符，已拒绝")
                if cell_column >= len(row):
                    row.extend([None] * (cell_column + 1 - len(row)))
                row[cell_column] = value
        elif name in value_names or name in text_names:
            collecting = False
        elif name in row_names:
            if row:
                done.append((row_number, row))
        elif name in inline_names:
            in_inline = False
        elif name in phonetic_names:
            phonetic -= 1

    def text(data):
        nonlocal cell_chars
        if collecting:
            cell_chars += len(data)
            if cell_chars > MAX_TEXT_CHARS:
                raise NotXlsx(f"Excel 文件第 {row_number} 行有单元格超过 {MAX_TEXT_CHARS:,} 个字符"
                              "（Excel 单元格的上限），已拒绝")
            parts.append(data)

    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
    count = 0
    for _ in _feed(parser, stream, on_progress):
        if done:
            for item in done:
                count += 1
                if max_rows is not None and count > max_rows:
                    raise DomainError(f"文件超过 {max_rows:,} 行的上限：请分成多个文件导入", field="file",
                                      code="too_many_rows")
                yield item
            done.clear()
