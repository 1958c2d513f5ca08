"""Reports up in Chromium: a town clerk drafts a report with an attachment, the town's leader reviews
and seals it (which submits it to the county), the county signs for it and sees the seal verified.
One byte of the stored attachment is then changed on disk: the badge turns red, and the exported
sealed package fails `fenji seal verify`."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from fenji.core.access import policy
from fenji.core.access.roles import DEPT_HEAD, STAFF, UNIT_LEADER
from fenji.core.seals.services import seal_key_create
from fenji.core.submissions.models import Submission, SubmissionState
from fenji.core.submissions.selectors import submission_attachments
from fenji.testing import PASSWORD, make_account

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

TITLE = "关于新街口街道三季度安全生产工作的报告"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def sign_in(page, account):
    page.goto("/login/")
    page.get_by_label("手机号码").fill(account.mobile)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".topbar")).to_contain_text(account.person.real_name)


def sign_out(page):
    page.get_by_role("button", name="退出").click()


def test_a_sealed_report_goes_up_and_tampering_shows(live_server, new_page, tree, tmp_path, screenshot):
    clerk = make_account(tree.town, name="街道科员", role=STAFF)
    leader = make_account(tree.town, name="街道主任", role=UNIT_LEADER)
    county = make_account(tree.county, name="区办科长", role=DEPT_HEAD)
    seal_key_create(actor=policy.SYSTEM, unit=tree.town)
    attachment_file = tmp_path / "安全生产情况表.pdf"
    attachment_file.write_bytes(PDF)

    # --- the clerk drafts and sends it to the leader -----------------------------------------------
    page = new_page()
    sign_in(page, clerk)
    page.get_by_role("link", name="信息报送").click()
    page.get_by_role("link", name="起草上报").click()
    page.get_by_label("文种").select_option(label="报告")
    page.get_by_label("标题").fill(TITLE)
    page.get_by_label("正文").fill("一、基本情况：全街道未发生安全生产事故。\n二、下一步工作。")
    page.get_by_label("联系人及电话").fill("张三 025-84000000")
    page.get_by_label("附件").set_input_files(str(attachment_file))
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_role("heading", name=re.compile(TITLE))).to_be_visible()
    expect(page.locator("#attachments")).to_contain_text("安全生产情况表.pdf")
    page.get_by_role("button", name="送负责人审核").click()
    expect(page.locator("h1")).to_contain_text("待负责人审核")
    sign_out(page)

    # --- the leader reviews and seals: submitted to the county --------------------------------------
    sign_in(page, leader)
    page.goto("/submissions/")
    page.locator("#awaiting").get_by_role("link", name=TITLE).click()
    page.get_by_role("button", name="审核通过并盖章报送").click()
    expect(page.locator("h1")).to_contain_text("已盖章报送")
    expect(page.locator("#seal-badge")).to_have_text("验章通过")
    sign_out(page)

    # --- the county signs for it and sees the seal verified ------------------------------------------
    sign_in(page, county)
    page.goto("/submissions/")
    page.locator("#incoming").get_by_role("link", name=TITLE).click()
    page.get_by_role("button", name="签收").click()
    expect(page.locator("h1")).to_contain_text("上级已签收")
    badge = page.locator("#seal-badge")
    expect(badge).to_have_text("验章通过")
    expect(badge).to_have_class(re.compile("badge-ok"))
    screenshot(page, "submission-sealed")

    # --- one byte of the stored attachment changes on disk: red -----------------------------------------
    submission = Submission.objects.unscoped(reason="test").get(title=TITLE)
    assert submission.state == SubmissionState.RECEIVED
    stored = submission_attachments(submission)[0].path
    data = bytearray(stored.read_bytes())
    data[len(data) // 2] ^= 0x01
    stored.write_bytes(bytes(data))
    page.reload()
    expect(badge).to_have_text("验章失败")
    expect(badge).to_have_class(re.compile("badge-off"))
    expect(page.locator("#seal")).to_contain_text("安全生产情况表.pdf")
    screenshot(page, "submission-tampered")

    # --- the exported package fails the offline check -------------------------------------------------
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载签章文件包").click()
    package = tmp_path / "package.zip"
    download_info.value.save_as(package)
    with pytest.raises(SystemExit) as exited:
        call_command("seal", "verify", str(package))
    assert exited.value.code != 0
