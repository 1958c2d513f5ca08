"""批量导入会员 in Chromium: the file is queued, the page shows 已处理 N / 共 M 行 while it waits for the worker,
and the result with the error report replaces the progress by itself once the worker has run it."""

import re

import pytest
from django.core.management import call_command
from openpyxl import Workbook
from playwright.sync_api import expect

from fenji.core.access.roles import SYSTEM_ADMIN
from fenji.core.people.models import Account
from fenji.core.people.tests.test_member_import import HEADER, id_number
from fenji.testing import DATABASE_TASKS, PASSWORD, make_account, second_factor_code

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_the_import_page_follows_the_job_to_its_result(live_server, new_page, tree, settings, tmp_path, screenshot):
    settings.TASKS = DATABASE_TASKS  # the import waits for ``fenji worker``, as in production
    settings.FENJI_IMPORT_DIR = tmp_path / "imports"
    admin = make_account(tree.city, name="南京管理员", role=SYSTEM_ADMIN)
    book = Workbook()
    for row in [HEADER, ["周晓明", id_number(700), "13911170000"], ["王芳", id_number(701), "13911170001"],
                ["李雷", id_number(702), 13911170002]]:  # the last mobile typed as a number
        book.active.append(row)
    path = tmp_path / "会员名单.xlsx"
    book.save(path)

    second_factor_code(admin)  # its authenticator is enrolled
    page = new_page()
    page.goto("/login/")
    page.get_by_label("手机号码").fill(admin.mobile)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/login/verify/$"))
    page.get_by_role("textbox", name=re.compile(r"^动态口令")).fill(second_factor_code(admin, margin=3))
    page.get_by_role("button", name="验证并登录").click()
    expect(page.locator(".topbar")).to_contain_text("南京管理员")

    page.goto("/people/accounts/import/")
    page.get_by_label("Excel 文件").set_input_files(str(path))
    page.get_by_role("button", name="开始导入").click()
    job = page.locator("#import-job")
    expect(job).to_contain_text("排队中")
    expect(job).to_contain_text("已处理 0 / 共 3 行")
    screenshot(page, "member-import-queued")

    call_command("worker", "--once", verbosity=0)

    expect(job).to_contain_text("读取 3 行，导入 2 行，失败 1 行")  # the page asked again and got the result
    expect(job).to_contain_text("手机号被 Excel 存成了数字，请将该列设为文本格式后重新填写")
    expect(job.get_by_role("link", name="下载错误报告（Excel）")).to_be_visible()
    screenshot(page, "member-import-done")
    assert Account.objects.get_by_natural_key("13911170001").person.real_name == "王芳"
