"""批量导入会员 (C2.6): streamed .xlsx, every row checked, valid rows written chunk by chunk, an error report."""

import datetime
import io
import re
import zipfile

import pytest
import xlsxwriter
from django.db import connection
from django.utils import timezone
from openpyxl import load_workbook

from fenji.core.access import policy
from fenji.core.audit.models import AuditEvent, Outcome
from fenji.core.kernel.crypto import blind_index, keyring
from fenji.core.kernel.crypto import decrypt as crypto_decrypt
from fenji.core.kernel.errors import AccessDenied, DomainError
from fenji.core.kernel.xlsx import run as run_module
from fenji.core.kernel.xlsx.reader import NotXlsx, Number, iter_rows
from fenji.core.kernel.xlsx.report import report_headers
from fenji.core.org.services import unit_revoke
from fenji.core.people import member_import as importer
from fenji.core.people.identity import check_char
from fenji.core.people.models import Account, AccountKind, Person
from fenji.core.people.services import ImportStopped, member_import
from fenji.testing import actor, make_account

HEADER = ["姓名", "身份证号", "手机号", "所在单位代码"]


def id_number(seed: int) -> str:
    first17 = f"32010219900{seed % 8 + 2}{seed % 28 + 1:02d}{seed % 1000:03d}"  # months 02-09: not fenji.testing's
    return first17 + check_char(first17)


def wrong_check_digit(number: str) -> str:
    return number[:17] + ("1" if number[17] != "1" else "2")


def workbook(rows, header=HEADER, *, constant_memory=False, above=()) -> io.BytesIO:
    """An .xlsx with ``header`` and ``rows``: ``str`` cells as text, numbers as numbers, ``None`` left empty."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": constant_memory, "in_memory": True})
    sheet = book.add_worksheet("名单")
    line = 0
    for text in above:
        sheet.write_string(line, 0, text)
        line += 1
    for values in [header, *rows]:
        for column, value in enumerate(values):
            if isinstance(value, int | float):
                sheet.write_number(line, column, value)
            elif value is not None:
                sheet.write_string(line, column, value)
        line += 1
    book.close()
    out.seek(0)
    out.name = "会员名单.xlsx"
    return out


def accounts():
    return Account.objects.unscoped(reason="test")


def import_events(**filters):
    return AuditEvent.objects.filter(action=importer.IMPORT_ACTION, **filters)


def reasons(result) -> dict[int, list[tuple[str, str]]]:
    found = {}
    for error in result.errors:
        found.setdefault(error.row, []).append((error.column, error.reason))
    return found


def report_rows(result) -> list[list]:
    sheet = load_workbook(result.report, read_only=False).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


# --- valid rows ------------------------------------------------------------------------------------


def test_valid_rows_become_member_accounts_with_a_working_login_identity(tree, city_admin):
    file = workbook([
        ["周晓明", id_number(1), "13911110001", None],
        [" 王 芳 ", id_number(2), "139 1111 0002", "320102003"],  # spaces are tidied; a unit by its code
        ["李雷", id_number(3).lower(), "13911110003", ""],
    ])
    result = member_import(actor=actor(city_admin), unit=tree.county, file=file)

    assert (result.read, result.created, result.rejected) == (3, 3, 0)
    assert result.report is None and result.errors == []
    first = Account.objects.get_by_natural_key("13911110001")  # the login's own lookup, by the blind index
    second = Account.objects.get_by_natural_key("13911110002")
    third = Account.objects.get_by_natural_key("139-1111-0003")
    assert first.unit == tree.county and second.unit == tree.town and third.unit == tree.county
    assert second.person.real_name == "王 芳"
    assert {a.kind for a in (first, second, third)} == {AccountKind.MEMBER} and first.mobile_only
    assert first.person.id_number == id_number(1) and third.person.id_number == id_number(3).upper()
    assert first.person.gender == ("M" if int(id_number(1)[16]) % 2 else "F")
    assert first.person.birth_date == datetime.date(1990, 3, 2)
    assert first.opened_by_id == city_admin.pk and first.must_change_password
    assert not first.has_usable_password()  # no password and no SMS: opening the login is done separately
    assert Person.objects.get(id_number=id_number(2)) == second.person  # the ID number's blind index works too
    # at rest: ciphertext and keyed hashes, computed by the model fields as for an account opened by hand
    with connection.cursor() as cursor:
        cursor.execute("SELECT mobile, mobile_hash FROM people_account WHERE id = %s", [first.pk])
        stored_mobile, stored_hash = cursor.fetchone()
    assert stored_mobile.startswith("v") and "13911110001" not in stored_mobile
    assert stored_hash == blind_index("13911110001")

    [event] = import_events()
    assert event.outcome == Outcome.OK and event.actor_id == city_admin.pk
    assert event.target_unit_path == tree.county.path
    details = event.details
    assert (details["read"], details["created"], details["rejected"]) == (3, 3, 0)
    file.seek(0)
    assert details["sha256"] == __import__("hashlib").sha256(file.read()).hexdigest()
    assert len(details["sm3"]) == 64 and details["file"] == "会员名单.xlsx"
    assert "13911110001" not in str(details) and id_number(1) not in str(details)


def test_imported_rows_are_the_rows_the_orm_would_write(tree, city_admin):
    """The rows are written with COPY / executemany (``bulk_rows``), not the ORM: every column must hold what
    ``Person``/``Account`` saved through their fields would hold — the numbers decrypt, the blind indexes
    find them, the defaults and the timestamps are there, the raw values have the ORM's database types."""
    reference = make_account(tree.town, name="手工开户", kind="member", mobile="13911110099")
    rows = [["周晓明", id_number(501), "13911150001", None],
            ["王\\N{芳}", id_number(502), "13911150002", "320102003"],  # COPY's escape and NULL marker, braces
            ["李 雷", id_number(503), "13911150003", None]]
    before = timezone.now()
    result = member_import(actor=actor(city_admin), unit=tree.county, file=workbook(rows))
    after = timezone.now()
    assert (result.created, result.rejected) == (3, 0), result.errors

    passwords, unusable = set(), Account()
    unusable.set_unusable_password()
    person_fields = [f for f in Person._meta.concrete_fields if f.attname not in ("id", "created_at")]
    account_fields = [f for f in Account._meta.concrete_fields if f.attname not in ("id", "created_at", "password")]
    for name, number, mobile, code in rows:
        account = Account.objects.get_by_natural_key(mobile)  # the login's lookup, by the mobile's blind index
        person = account.person
        assert Person.objects.get(id_number=number) == person  # the ID number's blind index
        unit = tree.town if code else tree.county
        # what the ORM writes for the same values: the fields' own pre_save (blind indexes, defaults)
        expected_person = Person(real_name=name, id_number=number, gender="M" if int(number[16]) % 2 else "F",
                                 birth_date=datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14])))
        expected_account = Account(mobile=mobile, person_id=person.pk, kind=AccountKind.MEMBER, unit_id=unit.pk,
                                   unit_path=unit.path, must_change_password=True, opened_by_id=city_admin.pk)
        for expected, loaded, fields in ((expected_person, person, person_fields),
                                         (expected_account, account, account_fields)):
            for f in fields:
                assert getattr(loaded, f.attname) == f.pre_save(expected, add=True), (type(loaded), f.attname)
            assert before <= loaded.created_at <= after
        assert not account.has_usable_password() and len(account.password) == len(unusable.password)
        passwords.add(account.password)
    assert len(passwords) == len(rows)  # each its own random unusable password, as set_unusable_password gives
    # at rest, column by column, the same database types as a row the ORM wrote; the numbers as ciphertext
    for table, imported in (("people_person", Person.objects.get(id_number=id_number(501)).pk),
                            ("people_account", Account.objects.get_by_natural_key("13911150001").pk)):
        own = reference.person_id if table == "people_person" else reference.pk
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {table} WHERE id IN (%s, %s) ORDER BY id", [own, imported])
            orm_row, import_row = cursor.fetchall()
        assert [type(v) for v, o in zip(import_row, orm_row, strict=True) if v is not None and o is not None] == \
            [type(o) for v, o in zip(import_row, orm_row, strict=True) if v is not None and o is not None], table
    with connection.cursor() as cursor:
        cursor.execute("SELECT mobile, mobile_hash FROM people_account WHERE mobile_hash = %s",
                       [blind_index("13911150002")])
        [(stored, _)] = cursor.fetchall()
    assert stored.startswith(f"v{keyring().newest_id}:") and crypto_decrypt(stored) == "13911150002"

    # the same rows again: every one refused as a duplicate, nothing written
    again = member_import(actor=actor(city_admin), unit=tree.county, file=workbook(rows))
    assert (again.read, again.created, again.rejected) == (3, 0, 3)
    assert {column for e in again.errors for column in [e.column]} == {"手机号", "身份证号"}
    assert accounts().filter(kind=AccountKind.MEMBER).count() == 4


def test_shared_strings_inline_strings_a_title_line_and_extra_columns(tree, city_admin):
    """Files saved by Excel keep text in a shared table; streamed writers put it inline. Both read alike,
    with a title line above the header, required marks in the titles and columns the template lacks."""
    header = ["序号", "*姓名", "性别", "身份证号码", "手机号码（必填）", "单位代码"]
    rows = [[1, "张伟", "男", id_number(10), "13911110010", None],
            [2, "刘洋", "女", id_number(11), "13911110011", "320102003"]]
    for constant_memory, offset in ((False, 0), (True, 20)):
        shifted = [[n, name, sex, id_number(20 + n + offset), f"139111101{n + offset:02d}", code]
                   for n, name, sex, _, _, code in rows]
        result = member_import(actor=actor(city_admin), unit=tree.county, file=workbook(
            shifted, header, constant_memory=constant_memory, above=["玄武区团员名单（2026年）"]))
        assert (result.read, result.created, result.rejected) == (2, 2, 0), result.errors
        assert result.header_row == 2 and result.ignored_columns == ["序号", "性别"]
    assert accounts().filter(kind=AccountKind.MEMBER).count() == 4


def test_the_templates_example_row_and_blank_lines_are_skipped(tree, city_admin):
    example = [importer.MEMBERS.example.get(c.key, "") for c in importer.MEMBERS.columns]
    result = member_import(actor=actor(city_admin), unit=tree.town, file=workbook([
        example, [None, None, None, None], ["", " ", None, ""], ["赵敏", id_number(30), "13911110030", None]]))
    assert (result.read, result.created, result.rejected) == (1, 1, 0)
    assert not Person.objects.filter(real_name="张三（示例）").exists()


# --- invalid rows ----------------------------------------------------------------------------------


def test_invalid_rows_are_reported_by_row_column_and_reason_and_write_nothing(tree, city_admin):
    good = id_number(40)
    file = workbook([
        ["", id_number(41), "13911110041", None],                          # row 2: no name
        ["钱多多", wrong_check_digit(id_number(42)), "13911110042", None],  # row 3: check digit
        ["孙悟空", 320102199001010000, "13911110043", None],                 # row 4: ID typed as a number
        ["周八", id_number(44), "1391111004", None],                        # row 5: 10 digits
        ["吴九", id_number(45), "13911110045", "999999"],                    # row 6: no such unit
        ["郑十", good, "13911110046", None],                                 # row 7: fine
        ["冯" * 51, "12345", "2391111004", None],                            # row 8: three errors at once
        ["陈1", id_number(48), "13911110048", None],                         # row 9: a digit in the name
    ])
    result = member_import(actor=actor(city_admin), unit=tree.town, file=file)

    assert (result.read, result.created, result.rejected) == (8, 1, 7)
    found = reasons(result)
    assert found[2] == [("姓名", "姓名不能为空")]
    assert found[3] == [("身份证号", "身份证号码校验位错误，请核对后重新输入")]
    assert found[4][0][0] == "身份证号" and "存成了数字" in found[4][0][1]
    assert found[5] == [("手机号", "手机号码应为11位数字，以1开头")]
    assert found[6][0][0] == "所在单位代码" and "“999999”不存在" in found[6][0][1]
    assert [column for column, _ in found[8]] == ["姓名", "身份证号", "手机号"]
    assert "不能超过 50 个字" in found[8][0][1]
    assert found[9][0] == ("姓名", "姓名不能包含数字")
    assert 7 not in found
    assert list(Person.objects.values_list("real_name", flat=True).exclude(pk=city_admin.person_id)) == ["郑十"]
    assert str(result.errors[0]) == "第 2 行 姓名：姓名不能为空"

    rows = report_rows(result)
    assert rows[0] == report_headers(importer.MEMBERS)
    assert [r[4] for r in rows[1:]] == [2, 3, 4, 5, 6, 8, 9]  # 原行号
    assert rows[2][1] == wrong_check_digit(id_number(42))  # ID numbers stay text, whole
    assert rows[3][1] == "320102199001010000"  # the number as Excel stored it, as text
    assert rows[6][5] == "姓名、身份证号、手机号"
    assert rows[6][6].startswith("姓名：姓名不能超过 50 个字")
    assert import_events().get().details["rejected"] == 7


def test_the_corrected_report_can_be_uploaded_again(tree, city_admin):
    result = member_import(actor=actor(city_admin), unit=tree.town, file=workbook([
        ["钱多多", wrong_check_digit(id_number(50)), "13911110050", None]]))
    assert result.rejected == 1
    book = load_workbook(result.report)
    book.active["B2"] = id_number(50)  # the clerk corrects the number in Excel
    fixed = io.BytesIO()
    book.save(fixed)
    again = member_import(actor=actor(city_admin), unit=tree.town, file=fixed)
    assert (again.read, again.created, again.rejected) == (1, 1, 0)
    assert again.ignored_columns == ["原行号", "错误列", "错误原因"]


def test_a_row_for_a_unit_outside_the_actors_scope_is_refused(tree, city_admin):
    file = workbook([
        ["苏州人", id_number(60), "13911110060", "320500"],   # 苏州市: outside 南京市
        ["省直人", id_number(61), "13911110061", "320000"],   # 江苏省: above 南京市
        ["南京人", id_number(62), "13911110062", "320102"],   # 玄武区: inside
    ])
    result = member_import(actor=actor(city_admin), unit=tree.city, file=file)
    assert (result.created, result.rejected, result.counts["out_of_scope"]) == (1, 2, 2)
    found = reasons(result)
    # out of reach reads like a missing code: the file does not learn which codes exist elsewhere
    assert found[2] == [("所在单位代码", "单位代码“320500”不存在，或不在您开设账号的管理范围内")]
    assert found[3] == [("所在单位代码", "单位代码“320000”不存在，或不在您开设账号的管理范围内")]
    assert not Person.objects.filter(real_name__in=["苏州人", "省直人"]).exists()
    assert import_events().get().details["out_of_scope"] == 2


def test_a_row_for_a_revoked_unit_is_refused(tree, city_admin):
    unit_revoke(actor=policy.SYSTEM, unit=tree.other_town, revoked_on=datetime.date(2026, 1, 5), reference="文号")
    result = member_import(actor=actor(city_admin), unit=tree.county, file=workbook([
        ["撤销人", id_number(63), "13911110063", "320102002"]]))
    assert result.rejected == 1 and "已撤销" in result.errors[0].reason


@pytest.mark.parametrize("chunk_size", [1000, 1])
def test_duplicates_within_the_file_and_against_existing_accounts_are_refused(tree, city_admin, chunk_size):
    existing = make_account(tree.town, name="老会员", kind="member", mobile="13911110070")
    file = workbook([
        ["甲", id_number(71), "13911110070", None],           # row 2: the existing account's mobile
        ["乙", existing.person.id_number, "13911110072", None],  # row 3: the existing person's ID number
        ["丙", id_number(73), "13911110073", None],           # row 4: fine
        ["丁", id_number(74), "13911110073", None],           # row 5: row 4's mobile
        ["戊", id_number(73), "13911110075", None],           # row 6: row 4's ID number
    ])
    result = member_import(actor=actor(city_admin), unit=tree.town, file=file, chunk_size=chunk_size)
    assert (result.read, result.created, result.rejected) == (5, 1, 4)
    found = reasons(result)
    assert found[2] == [("手机号", "该手机号已有账号：一人只能有一个账号，如需调整请联系其所在单位管理员")]
    assert found[3] == [("身份证号", "该身份证号已有账号：一人只能有一个账号，如需调整请联系其所在单位管理员")]
    if chunk_size == 1:  # row 4 was written with an earlier chunk: the database finds it
        assert found[5] == [("手机号", "与本文件前面已导入的行手机号相同")]
        assert found[6] == [("身份证号", "与本文件前面已导入的行身份证号相同")]
    else:  # the same chunk: the row is named
        assert found[5] == [("手机号", "与第 4 行的手机号相同：一个手机号只能开设一个账号")]
        assert found[6] == [("身份证号", "与第 4 行的身份证号相同：一人只能有一个账号")]
    assert accounts().filter(kind=AccountKind.MEMBER).count() == 2  # the old member and 丙


def test_a_chunk_that_loses_a_race_is_checked_again(tree, city_admin, monkeypatch):
    """Someone opens the same person between the chunk's check and its insert: the unique constraint
    refuses the insert, and the chunk is checked again and written without that row."""
    make_account(tree.town, name="刚开户", kind="member", mobile="13911110080")
    real_existing = importer.MemberWriter.existing
    calls = []

    def misses_once(self, candidates):
        calls.append(1)
        return ({}, {}) if len(calls) == 1 else real_existing(self, candidates)

    monkeypatch.setattr(importer.MemberWriter, "existing", misses_once)
    result = member_import(actor=actor(city_admin), unit=tree.town, file=workbook([
        ["甲", id_number(81), "13911110080", None], ["乙", id_number(82), "13911110082", None]]))
    assert len(calls) == 2
    assert (result.created, result.rejected) == (1, 1) and result.errors[0].row == 2
    assert Account.objects.get_by_natural_key("13911110082").person.real_name == "乙"


# --- whole-file refusals ---------------------------------------------------------------------------


def test_a_missing_column_is_a_clear_error_and_nothing_is_written(tree, city_admin):
    file = workbook([["周晓明", id_number(80), None]], header=["姓名", "身份证号", "电话号"])
    with pytest.raises(DomainError, match="第 1 行的表头缺少“手机号”列") as refused:
        member_import(actor=actor(city_admin), unit=tree.town, file=file)
    assert refused.value.code == "missing_column"
    with pytest.raises(DomainError, match="没有找到表头"):
        member_import(actor=actor(city_admin), unit=tree.town, file=workbook([["a", "b"]], header=["x", "y"]))
    with pytest.raises(DomainError, match="“手机号”列出现了两次"):
        member_import(actor=actor(city_admin), unit=tree.town, file=workbook([], header=HEADER + ["手机号码"]))
    assert accounts().count() == 1 and not import_events().exists()


def _zip(files: dict) -> io.BytesIO:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    out.seek(0)
    return out


@pytest.mark.parametrize("content, message", [
    (b"\xe5\xa7\x93\xe5\x90\x8d,\xe6\x89\x8b\xe6\x9c\xba\xe5\x8f\xb7\n", "不是有效的 Excel 工作簿"),  # a CSV
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "97-2003"),  # an .xls
    (b"%PDF-1.7\n", "不是有效的 Excel 工作簿"),
    (b"", "不是有效的 Excel 工作簿"),
    ("docx", "不是有效的 Excel 工作簿"),
    ("doctype", "文档类型声明"),
    ("truncated", "不是有效的 Excel 工作簿"),
    ("encrypted", "已加密或损坏"),
])
def test_content_that_is_not_an_xlsx_is_refused(tree, city_admin, content, message):
    if content == "docx":
        content = _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<document/>"}).read()
    elif content == "doctype":  # entity expansion tricks are refused before anything is expanded
        good = zipfile.ZipFile(workbook([["甲", id_number(90), "13911110090", None]]))
        parts = {name: good.read(name) for name in good.namelist()}
        parts["xl/workbook.xml"] = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>' + \
            parts["xl/workbook.xml"].split(b"?>", 1)[1]
        content = _zip(parts).read()
    elif content == "encrypted":  # the sheet's entry marked as password-protected (general purpose bit 0)
        data = bytearray(workbook([["甲", id_number(92), "13911110092", None]]).getvalue())
        sheet = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/worksheets/sheet1.xml")
        data[sheet.header_offset + 6] |= 0x1  # the local header's flags
        central = data.index(b"PK\x01\x02")
        while data[central + 46:central + 46 + len(sheet.filename)] != sheet.filename.encode():
            central = data.index(b"PK\x01\x02", central + 4)
        data[central + 8] |= 0x1  # the central directory's flags
        content = bytes(data)
    elif content == "truncated":
        content = workbook([["甲", id_number(91), "13911110091", None]]).read()[:300]
    with pytest.raises(DomainError, match=message):
        member_import(actor=actor(city_admin), unit=tree.town, file=io.BytesIO(content))
    assert accounts().count() == 1


def test_the_import_is_refused_outside_the_actors_reach_and_the_refusal_is_audited(tree, sibling_admin, city_clerk):
    file = workbook([["周晓明", id_number(95), "13911110095", None]])
    with pytest.raises(AccessDenied) as refused:
        member_import(actor=actor(sibling_admin), unit=tree.town, file=file)
    assert refused.value.rule == "out_of_scope"
    with pytest.raises(AccessDenied) as refused:
        member_import(actor=actor(city_clerk), unit=tree.town, file=file)
    assert refused.value.rule == "no_grant"
    assert not Person.objects.filter(real_name="周晓明").exists()
    denied = AuditEvent.objects.filter(action="people.account.open", outcome=Outcome.DENIED)
    assert set(denied.values_list("actor_id", flat=True)) == {sibling_admin.pk, city_clerk.pk}


def test_too_many_rows_are_refused_before_anything_is_written(tree, city_admin):
    rows = [[f"会员{chr(0x4e00 + n)}", id_number(100 + n), f"1391111{n + 100:04d}", None] for n in range(5)]
    with pytest.raises(DomainError, match="超过每次 4 行的上限"):
        member_import(actor=actor(city_admin), unit=tree.town, file=workbook(rows), max_rows=4)
    assert not accounts().filter(kind=AccountKind.MEMBER).exists()


def test_a_crash_mid_way_leaves_whole_chunks_only(tree, city_admin, monkeypatch):
    rows = [[f"会员{chr(0x4e00 + n)}", id_number(200 + n), f"1391112{n:04d}", None] for n in range(7)]
    real_write = importer.MemberWriter.write
    calls = []

    def write_then_fail(self, rows):
        calls.append(len(rows))
        created = real_write(self, rows)  # the second chunk is written inside its transaction…
        if len(calls) == 2:
            raise RuntimeError("power cut")  # …and the transaction never commits
        return created

    monkeypatch.setattr(importer.MemberWriter, "write", write_then_fail)
    with pytest.raises(RuntimeError):
        member_import(actor=actor(city_admin), unit=tree.town, file=workbook(rows), chunk_size=3)
    names = set(Person.objects.filter(real_name__startswith="会员").values_list("real_name", flat=True))
    assert names == {r[0] for r in rows[:3]}  # the first chunk, whole; nothing of the second
    assert set(accounts().filter(kind=AccountKind.MEMBER).values_list("person__real_name", flat=True)) == names
    [event] = import_events()
    assert event.outcome == Outcome.FAILED and event.details["created"] == 3 and event.details["error"] == "RuntimeError"


def test_a_file_that_breaks_off_keeps_what_was_written_and_says_so(tree, city_admin, monkeypatch):
    def rows_then_corrupt(*args, **kwargs):
        yield 1, HEADER
        yield 2, ["甲乙", id_number(300), "13911130000"]
        yield 3, ["丙丁", id_number(301), "13911130001"]
        raise NotXlsx("Excel 文件内容损坏，无法读取（not well-formed）")

    monkeypatch.setattr(run_module, "iter_rows", rows_then_corrupt)
    with pytest.raises(ImportStopped, match="在此之前已导入 2 行") as stopped:
        member_import(actor=actor(city_admin), unit=tree.town, file=workbook([]), chunk_size=2)
    assert stopped.value.result.created == 2
    assert import_events().get().outcome == Outcome.FAILED


# --- the reader on its own -------------------------------------------------------------------------


def test_the_reader_gives_cells_by_column_with_numbers_marked():
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    bold = book.add_format({"bold": True})
    sheet.write_string("A1", "姓名")
    sheet.write_rich_string("B1", bold, "身份", "证号")  # rich text: runs joined
    sheet.write_number("D1", 13912345678)
    sheet.write_boolean("E1", True)
    sheet.write_formula("F1", '="甲"&"乙"', None, "甲乙")
    sheet.write_string("C3", "隔一行")  # row 2 empty: skipped; row numbers as Excel shows them
    book.close()
    out.seek(0)
    info = {}
    rows = list(iter_rows(out, info=info))
    assert rows == [(1, ["姓名", "身份证号", None, "13912345678", "TRUE", "甲乙"]), (3, [None, None, "隔一行"])]
    assert isinstance(rows[0][1][3], Number) and not isinstance(rows[0][1][0], Number)
    assert info["last_row"] == 3


# --- the pages -------------------------------------------------------------------------------------


@pytest.fixture
def reports_dir(settings, tmp_path):
    settings.FENJI_IMPORT_DIR = tmp_path / "imports"
    return settings.FENJI_IMPORT_DIR


def upload(rows, name="名单.xlsx"):
    file = workbook(rows)
    file.name = name
    return file


def test_the_page_imports_shows_the_summary_and_serves_the_error_report(tree, city_admin, login, reports_dir):
    client = login(city_admin)
    listing = client.get("/people/accounts/").content.decode()
    assert "/people/accounts/import/" in listing and "批量导入会员" in listing
    page = client.get("/people/accounts/import/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "导入模板" in html and 'class="unit-picker"' in html and "江苏省 / 南京市" in html  # the default: the top of reach

    response = client.post("/people/accounts/import/", {"unit": tree.county.pk, "file": upload([
        ["周晓明", id_number(400), "13911140000", None],
        ["王芳", id_number(401), "13911140001", "320102003"],
        ["钱多多", wrong_check_digit(id_number(402)), "13911140002", None],
    ])})
    assert response.status_code == 302
    assert response["Location"].startswith(f"/people/accounts/import/?unit={tree.county.pk}&job=")
    result = client.get(response["Location"])
    html = result.content.decode()
    assert "读取 3 行，导入 2 行，失败 1 行" in html
    assert "身份证号码校验位错误" in html and "<td>4</td>" in html
    assert Account.objects.get_by_natural_key("13911140001").unit == tree.town

    link = re.search(r'href="(/people/accounts/import/\d+/errors\.xlsx)"', html).group(1)
    report = client.get(link)
    assert report.status_code == 200
    assert report["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(report.streaming_content))).active
    assert [c.value for c in sheet[2]][:2] == ["钱多多", wrong_check_digit(id_number(402))]
    assert sheet["B2"].data_type == "s"
    export = AuditEvent.objects.filter(action="people.account.export").latest("seq")
    assert export.details == {"list": "member_import_errors", "rows": 1}
    # on disk the report is ciphertext: neither the name nor the number is readable
    [sealed] = list(reports_dir.iterdir())
    assert "钱多多".encode() not in sealed.read_bytes() and b"PK" != sealed.read_bytes()[:2]


def test_the_template_downloads_and_imports_as_nothing(tree, city_admin, login, reports_dir):
    client = login(city_admin)
    response = client.get("/people/accounts/import/template.xlsx")
    assert response.status_code == 200
    assert "filename*=utf-8''%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content)).active
    assert [c.value for c in sheet[1]] == HEADER
    assert sheet["B2"].value == "11010519491231002X" and sheet["B2"].data_type == "s"
    file = io.BytesIO(content)
    file.name = "导入模板.xlsx"
    done = client.post("/people/accounts/import/", {"unit": tree.town.pk, "file": file})
    assert "读取 0 行，导入 0 行，失败 0 行" in client.get(done["Location"]).content.decode()


def test_the_page_refuses_bad_files_on_the_form(tree, city_admin, login, reports_dir):
    client = login(city_admin)
    csv = io.BytesIO("姓名,身份证号,手机号\n".encode())
    csv.name = "名单.csv"
    html = client.post("/people/accounts/import/", {"unit": tree.town.pk, "file": csv}).content.decode()
    assert "请上传 .xlsx 格式的 Excel 文件" in html
    renamed = io.BytesIO("姓名,身份证号,手机号\n".encode())
    renamed.name = "名单.xlsx"
    html = client.post("/people/accounts/import/", {"unit": tree.town.pk, "file": renamed}).content.decode()
    assert "文件不是有效的 Excel 工作簿" in html
    missing = workbook([["周晓明", id_number(410), None]], header=["姓名", "身份证号", "电话号"])
    html = client.post("/people/accounts/import/", {"unit": tree.town.pk, "file": missing}).content.decode()
    assert "表头缺少“手机号”列" in html
    assert not accounts().filter(kind=AccountKind.MEMBER).exists()


def test_out_of_scope_users_are_refused(tree, city_admin, sibling_admin, outsider, login, client, reports_dir):
    file = upload([["周晓明", id_number(420), "13911142000", None], ["钱多多", "1", "13911142001", None]])
    login(city_admin)
    done = client.post("/people/accounts/import/", {"unit": tree.town.pk, "file": file})["Location"]
    link = re.search(r'href="(/people/accounts/import/\d+/errors\.xlsx)"', client.get(done).content.decode())[1]
    client.post("/logout/")

    login(sibling_admin)  # holds the action, in 苏州市 only
    assert client.get(f"/people/accounts/import/?unit={tree.town.pk}").status_code == 404
    assert "玄武区" not in client.get("/people/accounts/import/").content.decode()
    file = upload([["越权", id_number(421), "13911142002", None]])
    assert client.post("/people/accounts/import/", {"unit": tree.town.pk, "file": file}).status_code == 404
    assert not Person.objects.filter(real_name="越权").exists()
    assert client.get(link).status_code == 404  # another account's report
    job = done.rsplit("job=", 1)[1]
    assert client.get(f"/people/accounts/import/?job={job}").status_code == 404  # another account's result
    assert client.get(f"/people/accounts/import/{job}/").status_code == 404
    client.post("/logout/")

    login(outsider)  # no grant at all
    for path in ("/people/accounts/import/", "/people/accounts/import/template.xlsx", link):
        assert client.get(path).status_code == 403
