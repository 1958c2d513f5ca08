"""Excel files cannot make the server hold more than the settings allow: a 1 MB upload whose
shared-string part unfolds to 80 MB (compressed about 90 times, under the ZIP-bomb ratio of 200) is
refused from the ZIP's directory, with a clear message, before a byte is inflated; so are too many
shared strings, and texts longer than Excel allows. The calendar import is held to the same rules."""

import io
import tracemalloc
import zipfile

import pytest
import xlsxwriter

from fenji.core.calendar.importer import read_workbook
from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.xlsx.reader import NotXlsx, iter_rows
from fenji.core.people.models import AccountKind, Person
from fenji.core.people.services import member_import
from fenji.testing import actor

HEADER = ["姓名", "身份证号", "手机号", "所在单位代码"]
SHARED = "xl/sharedStrings.xml"
OPENING = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')


def small_workbook(rows=(), *, header=HEADER) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("名单")
    for line, values in enumerate([header, *rows]):
        for column, value in enumerate(values):
            sheet.write_string(line, column, value)
    book.close()
    return out.getvalue()


def with_shared_strings(workbook: bytes, strings, *, name="会员名单.xlsx") -> io.BytesIO:
    """``workbook`` with its shared-string part replaced by ``strings`` (an iterable of str), written
    to the ZIP piece by piece (the test never holds the whole part either)."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as target:
        for info in source.infolist():
            if info.filename != SHARED:
                target.writestr(info, source.read(info.filename))
        with target.open(SHARED, "w") as part:
            part.write(OPENING)
            batch = []
            for text in strings:
                batch.append(f"<si><t>{text}</t></si>")
                if len(batch) == 4096:
                    part.write("".join(batch).encode())
                    batch = []
            part.write(("".join(batch) + "</sst>").encode())
    out.seek(0)
    out.name = name
    return out


def bloated(megabytes: int) -> io.BytesIO:
    """The attack's shape: a valid member list whose shared-string table unfolds to ``megabytes`` MB."""
    pad = "备注" * 40  # 263 bytes a string: compresses about 90 times, well under the bomb ratio
    count = megabytes * 1024 * 1024 // 263 + 1
    return with_shared_strings(small_workbook(), (f"{pad}{n:07d}" for n in range(count)))


def test_a_small_upload_with_a_huge_shared_string_part_is_refused_unread(tree, city_admin, login, settings,
                                                                         tmp_path):
    settings.FENJI_IMPORT_DIR = tmp_path / "imports"
    upload = bloated(80)
    info = zipfile.ZipFile(upload).getinfo(SHARED)
    assert info.file_size > 80 * 1024 * 1024 and info.file_size < 200 * info.compress_size  # not a "bomb"
    assert len(upload.getvalue()) < 2 * 1024 * 1024  # fits any upload limit
    upload.seek(0)
    client = login(city_admin)
    tracemalloc.start()
    try:
        page = client.post("/people/accounts/import/", {"unit": tree.town.pk, "file": upload})
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024 * 1024, f"peak {peak / 2 ** 20:.1f} MB while refusing an 80 MB part"
    text = page.content.decode()
    assert "Excel 文件中的“xl/sharedStrings.xml”解压后超过 64 MB 的上限，已拒绝" in text
    assert not Person.objects.filter(account__kind=AccountKind.MEMBER).exists()


def test_the_part_cap_is_a_setting(tree, city_admin, settings):
    settings.XLSX_MAX_PART_MB = 1
    with pytest.raises(DomainError, match="解压后超过 1 MB 的上限"):
        member_import(actor=actor(city_admin), unit=tree.town, file=bloated(2))


def test_too_many_shared_strings_are_refused(settings):
    settings.XLSX_MAX_SHARED_STRINGS = 100
    upload = with_shared_strings(small_workbook(), (f"姓名{n}" for n in range(101)))
    with pytest.raises(NotXlsx, match="共享字符串超过 100 个的上限"):
        list(iter_rows(upload))
    settings.XLSX_MAX_SHARED_STRINGS = 101
    assert [cells for _number, cells in iter_rows(upload)][0][0] == "姓名0"


@pytest.mark.parametrize("where", ["shared", "inline"])
def test_a_text_longer_than_excel_allows_is_refused(where):
    long_text = "长" * 32_768
    if where == "shared":
        upload = with_shared_strings(small_workbook(), ["姓名", long_text])
    else:
        sheet = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                 '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row>'
                 f'<row r="2"><c r="A2" t="inlineStr"><is><t>{long_text}</t></is></c></row>'
                 '</sheetData></worksheet>').encode()
        source = zipfile.ZipFile(io.BytesIO(small_workbook()))
        upload = io.BytesIO()
        with zipfile.ZipFile(upload, "w", compression=zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                target.writestr(info, sheet if info.filename == "xl/worksheets/sheet1.xml"
                                else source.read(info.filename))
        upload.seek(0)
    with pytest.raises(NotXlsx, match="超过 32,767 个字符"):
        list(iter_rows(upload))


def test_the_calendar_import_is_held_to_the_same_rules(tmp_path):
    path = tmp_path / "节假日.xlsx"
    path.write_bytes(with_shared_strings(small_workbook(header=["日期", "类型", "名称"]),
                                         (f"{'说明' * 40}{n:07d}" for n in range(20_000))).getvalue())
    with pytest.raises(DomainError, match="解压后超过 4 MB 的上限"):
        read_workbook(path)
    good = tmp_path / "good.xlsx"
    good.write_bytes(small_workbook([["2026-10-01", "放假", "国庆节"]], header=["日期", "类型", "名称"]))
    with open(good, "rb") as stream:
        assert read_workbook(stream).ok
