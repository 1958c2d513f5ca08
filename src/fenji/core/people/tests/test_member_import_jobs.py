"""批量导入会员 as the kernel's import: numbers Excel stored as numbers are refused for their row, and the page
queues the file and shows its progress (已处理 N / 共 M 行) until the worker has run it."""

import io
import re

import pytest
from django.core.management import call_command
from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend
from openpyxl import Workbook, load_workbook

from fenji.core.kernel.models import ImportJob
from fenji.core.people.models import Account, AccountKind, Person
from fenji.core.people.services import member_import
from fenji.core.people.tests.test_member_import import HEADER, id_number, reasons
from fenji.testing import DATABASE_TASKS, actor


def excel_file(rows) -> io.BytesIO:
    """Saved by openpyxl as Excel saves what a clerk typed into cells formatted as 常规: numbers as numbers."""
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "会员名单.xlsx"
    return out


def test_id_and_mobile_numbers_stored_as_numbers_are_refused_never_altered(tree, city_admin):
    result = member_import(actor=actor(city_admin), unit=tree.town, file=excel_file([
        ["甲", 3.20102199001011e+17, "13911160001", None],  # what Excel keeps of an 18-digit ID number
        ["乙", id_number(601), 13800000001, None],          # a mobile number typed into a 常规 cell
        ["丙", id_number(602), "13911160002", 320102003],   # a unit code may be a number: it is a code
    ]))
    assert (result.read, result.created, result.rejected) == (3, 1, 2)
    found = reasons(result)
    assert found[2] == [("身份证号", "身份证号被 Excel 存成了数字，请将该列设为文本格式后重新填写")]
    assert found[3] == [("手机号", "手机号被 Excel 存成了数字，请将该列设为文本格式后重新填写")]
    assert not Person.objects.filter(real_name__in=["甲", "乙"]).exists()
    assert Account.objects.get_by_natural_key("13911160002").unit == tree.town
    report = load_workbook(result.report).active
    assert [c.value for c in report[2]][:2] == ["甲", "320102199001011000"]  # shown as Excel shows it
    assert [c.value for c in report[3]][2] == "13800000001"


@pytest.fixture
def queue(settings, tmp_path):
    settings.TASKS = DATABASE_TASKS  # the file waits for ``fenji worker`` as in production
    settings.FENJI_IMPORT_DIR = tmp_path / "imports"
    assert isinstance(task_backends["default"], DatabaseBackend)


def test_the_page_queues_the_file_shows_its_progress_and_then_its_result(transactional_db, queue, tree, city_admin,
                                                                         login):
    client = login(city_admin)
    file = excel_file([["周晓明", id_number(610), "13911161000", None],
                       ["王芳", id_number(611), "13911161001", "320102003"],
                       ["钱多多", id_number(612)[:17] + "0", "13911161002", None]])
    response = client.post("/people/accounts/import/", {"unit": tree.county.pk, "file": file})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert response["Location"] == f"/people/accounts/import/?unit={tree.county.pk}&job={job.pk}"

    page = client.get(response["Location"]).content.decode()
    assert "排队中" in page and "已处理 0 / 共 3 行" in page
    poll = re.search(r'hx-get="([^"]+)" hx-trigger="every (\d+)s"', page)
    assert poll and poll[1] == f"/people/accounts/import/{job.pk}/"
    assert not Account.objects.unscoped(reason="test").filter(kind=AccountKind.MEMBER).exists()

    call_command("worker", "--once", verbosity=0)

    piece = client.get(poll[1])
    html = piece.content.decode()
    assert piece.status_code == 200 and "hx-get" not in html  # done: the page stops asking
    assert "读取 3 行，导入 2 行，失败 1 行" in html and "身份证号码校验位错误" in html
    report = client.get(f"/people/accounts/import/{job.pk}/errors.xlsx")
    assert load_workbook(io.BytesIO(b"".join(report.streaming_content))).active["A2"].value == "钱多多"
    assert Account.objects.get_by_natural_key("13911161001").unit == tree.town
    listing = client.get("/people/accounts/import/").content.decode()
    assert "最近的导入" in listing and "已完成" in listing


def test_a_job_whose_grant_was_taken_back_before_it_ran_imports_nothing(transactional_db, queue, tree, city_admin,
                                                                       login):
    from django.utils import timezone

    from fenji.core.access.models import Grant

    client = login(city_admin)
    client.post("/people/accounts/import/", {"unit": tree.town.pk, "file": excel_file([
        ["周晓明", id_number(620), "13911162000", None]])})
    Grant.objects.unscoped(reason="test").filter(account=city_admin).update(revoked_at=timezone.now())
    call_command("worker", "--once", verbosity=0)
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.FAILED and "权限" in job.message
    assert not Person.objects.filter(real_name="周晓明").exists()


def test_the_job_writes_its_reasons_in_the_uploaders_language_whatever_the_worker_speaks(transactional_db, queue,
                                                                                        tree, city_admin, login):
    from django.utils import translation

    client = login(city_admin)
    client.post("/people/accounts/import/", {"unit": tree.town.pk, "file": excel_file([
        ["周晓明", id_number(630), 13911163000, None]])})
    with translation.override("en"):  # a worker process whose language is not the uploader's
        call_command("worker", "--once", verbosity=0)
    job = ImportJob.objects.get()
    html = client.get(f"/people/accounts/import/{job.pk}/").content.decode()
    assert "手机号被 Excel 存成了数字，请将该列设为文本格式后重新填写" in html

