"""kernel.xlsx: an import declared in a few lines — columns with headers, aliases, parsers and checks — run over
a real .xlsx: valid rows handed to the writer chunk by chunk, refused rows reported by row, column and reason
in a workbook that can be corrected and uploaded again, numbers Excel stored as numbers refused, the progress
of a background job readable while it runs."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from fenji.core.kernel.errors import DomainError, NotVisible
from fenji.core.kernel.models import ImportJob
from fenji.core.kernel.xlsx import jobs
from fenji.core.kernel.xlsx.run import RowWriter, import_rows
from fenji.core.kernel.xlsx.spec import CellError, Column, ImportSpec


def _amount(text: str) -> int:
    if not text.isdigit():
        raise CellError("金额应为整数（元）")
    return int(text)


def _positive(value: int) -> None:
    if value == 0:
        raise CellError("金额不能为 0")


DUES = jobs.register(ImportSpec("tests.dues", "党费收缴", (
    Column("name", "姓名", required=True, max_length=10),
    Column("card", "证件号码", aliases=("身份证号",), required=True, text_only=True),
    Column("amount", "金额", aliases=("缴纳金额",), required=True, parse=_amount, check=_positive),
    Column("note", "备注"),
), example={"name": "张三（示例）", "card": "X", "amount": "10"}))


class Kept(RowWriter):
    """Keeps the rows it is given (what a module's writer would insert) and what the job's row said meanwhile."""

    def __init__(self, job_pk=None):
        self.rows, self.chunks, self.seen = [], [], []
        self.job_pk = job_pk

    def write(self, rows):
        self.chunks.append(len(rows))
        self.rows.extend(r.values for r in rows)
        if self.job_pk is not None:
            self.seen.append(ImportJob.objects.values_list("processed", "total").get(pk=self.job_pk))
        return len(rows)


def xlsx(rows, header=("姓名", "证件号码", "金额", "备注")) -> io.BytesIO:
    """A real workbook written by openpyxl, the way Excel stores what a clerk types: numbers as numbers."""
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "党费.xlsx"
    return out


def test_valid_rows_are_parsed_and_handed_on_refused_ones_reported_by_row_column_and_reason(db):
    writer = Kept()
    result = import_rows(DUES, xlsx([
        ["张三（示例）", "X", "10", None],             # the template's example row: skipped
        ["李四", "320102199001010016", "50", "一月"],   # row 3: fine
        ["王五", 320102199001010016, "50", None],      # row 4: the number Excel made of an ID number
        ["", "1", "abc", None],                       # row 5: two reasons
        ["赵六" * 6, "2", "0", None],                  # row 6: too long, and a value its check refuses
        [None, None, None, None],                     # a blank line
        ["钱七", "3", 20, None],                       # row 8: a number where numbers are fine
    ]), writer=writer, chunk_size=2)

    assert (result.read, result.created, result.rejected) == (5, 2, 3)
    assert writer.rows == [{"name": "李四", "card": "320102199001010016", "amount": 50, "note": "一月"},
                           {"name": "钱七", "card": "3", "amount": 20, "note": None}]
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (4, "证件号码", "证件号码被 Excel 存成了数字，请将该列设为文本格式后重新填写"),
        (5, "姓名", "姓名不能为空"), (5, "金额", "金额应为整数（元）"),
        (6, "姓名", "姓名不能超过 10 个字（当前 12 个）"), (6, "金额", "金额不能为 0"),
    ]
    sheet = load_workbook(result.report).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["姓名", "证件号码", "金额", "备注", "原行号", "错误列", "错误原因"]
    assert rows[1][:6] == ["王五", "320102199001010000", "50", None, 4, "证件号码"]  # as Excel showed it
    assert rows[2][6] == "姓名：姓名不能为空；金额：金额应为整数（元）"
    assert sheet["B2"].number_format == "@"  # corrected in Excel, the number stays text


def test_the_corrected_report_is_an_import_file_again(db):
    first = import_rows(DUES, xlsx([["王五", 320102199001010016, "50", None]]), writer=Kept())
    book = load_workbook(first.report)
    book.active["B2"] = "320102199001010016"
    fixed = io.BytesIO()
    book.save(fixed)
    writer = Kept()
    again = import_rows(DUES, fixed, writer=writer)
    assert (again.created, again.rejected, again.ignored_columns) == (1, 0, ["原行号", "错误列", "错误原因"])


def test_headers_are_found_by_alias_under_a_title_line_and_a_missing_one_is_named(db):
    writer = Kept()
    result = import_rows(DUES, xlsx([["2026 年一季度"], ["*姓名", "身份证号", "缴纳金额（元）"], ["孙八", "4", "30"]],
                                    header=("党费收缴表",)), writer=writer)
    assert result.header_row == 3 and writer.rows == [{"name": "孙八", "card": "4", "amount": 30}]
    with pytest.raises(DomainError, match="第 1 行的表头缺少“金额”列"):
        import_rows(DUES, xlsx([], header=("姓名", "证件号码")), writer=Kept())


def test_a_spec_refuses_two_columns_under_one_header():
    with pytest.raises(ValueError, match="names two columns"):
        ImportSpec("tests.bad", "表", (Column("a", "姓名"), Column("b", "名字", aliases=("姓名",))))


def test_a_background_job_shows_its_progress_while_it_runs_and_its_result_after(db, settings, tmp_path):
    settings.FENJI_IMPORT_DIR = tmp_path / "imports"
    writer = Kept()

    @jobs.runs(DUES)
    def run(job, stream, progress):
        writer.job_pk = job.pk
        return import_rows(DUES, stream, writer=writer, chunk_size=2, progress=progress)

    file = xlsx([[f"会员{n}", str(n), "10", None] for n in range(5)] + [["坏行", "9", "x", None]])
    job = jobs.job_start(DUES, file, account_id=7, file_name="党费.xlsx")  # queued and, in tests, run at once

    assert writer.seen == [(0, 6), (2, 6), (4, 6)]  # what the page read before each chunk: 已处理 N / 共 6 行
    assert (job.state, job.processed, job.created, job.rejected) == (ImportJob.State.DONE, 6, 5, 1)
    assert job.errors == [[7, "金额", "金额应为整数（元）"]]
    assert load_workbook(jobs.report_open(job)).active["A2"].value == "坏行"
    assert [p.name for p in (tmp_path / "imports").iterdir()] == [f"{job.token}.report.sm4"]  # the upload is gone
    assert "坏行".encode() not in (tmp_path / "imports" / f"{job.token}.report.sm4").read_bytes()
    with pytest.raises(NotVisible):  # another account's job is not there
        jobs.job_get(account_id=8, pk=job.pk, spec=DUES)


def test_a_job_whose_file_stops_mid_way_ends_with_a_reason_and_no_500(db, settings, tmp_path):
    settings.FENJI_IMPORT_DIR = tmp_path / "imports"

    @jobs.runs(DUES)
    def run(job, stream, progress):
        raise RuntimeError("the worker lost its database")

    job = jobs.job_start(DUES, xlsx([["甲", "1", "10", None]]), account_id=7, file_name="党费.xlsx")
    assert job.state == ImportJob.State.FAILED and "系统错误" in job.message
    assert not list((tmp_path / "imports").iterdir())
