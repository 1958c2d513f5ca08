"""End to end in Chromium: the province sends a notice (with its 发文字号, 紧急程度 and a PDF) down to 南京市's
subtree; the clerk of 新街口街道 signs for it on the mobile pages within the deadline and downloads the file,
the clerk of 梅园新村街道 does not sign; the tracking page shows who opened the file, the laggard as overdue,
and the bulletin ranks the signer above the laggard.
"""

import re

import pytest
from playwright.sync_api import expect

from fenji.core.access.roles import DEPT_HEAD, STAFF
from fenji.core.dispatch.models import Delivery, Dispatch
from fenji.core.files.tests.samples import PDF
from fenji.testing import PASSWORD, make_account

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

TITLE = "关于做好冬季安全生产工作的通知"


def console_login(page, account):
    page.goto("/login/")
    page.get_by_label("手机号码").fill(account.mobile)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def mobile_login(page, account):
    page.goto("/m/login/")
    page.get_by_label("手机号码").fill(account.mobile)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_notice_down_signed_on_time_by_one_town_and_overdue_at_the_other(live_server, new_page, tree, screenshot):
    head = make_account(tree.province, name="省办主任", role=DEPT_HEAD)
    signer = make_account(tree.town, name="新街口收文员", role=STAFF)
    laggard = make_account(tree.other_town, name="梅园收文员", role=STAFF)

    # --- The province sends a notice to 南京市 and everything below it -----------------------------
    page = new_page()
    console_login(page, head)
    expect(page).to_have_url(f"{live_server.url}/")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="发文", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/dispatch/")
    page.get_by_role("link", name="新建发文").click()
    # htmx is a deferred script: typing into the unit search before the page has loaded sends nothing
    expect(page).to_have_url(f"{live_server.url}/dispatch/new/")
    page.wait_for_load_state("load")
    page.get_by_label("标题").fill(TITLE)
    page.get_by_label("正文").fill("请各单位落实冬季安全生产责任。")
    page.get_by_label("发文字号").fill("苏政办〔2026〕12号")
    page.get_by_label("紧急程度").select_option(label="加急")
    page.get_by_label("公文文件").set_input_files(files=[{"name": "安全生产通知.pdf", "mimeType": "application/pdf",
                                                        "buffer": PDF}])
    with page.expect_request(lambda r: "/dispatch/units/" in r.url) as picker:
        page.get_by_label("搜索单位").fill("南京")  # htmx swaps in the matching units
    assert "q=" in picker.value.url and "csrfmiddlewaretoken" not in picker.value.url
    # 南京市 is already listed before the search (a city below the province): wait for the swap itself, or
    # boxes ticked before it lands would be replaced by unticked ones
    expect(page.locator("#unit-candidates")).not_to_contain_text("苏州市")
    expect(page.get_by_label("南京市含下级")).to_be_visible()
    page.get_by_label("发送给南京市").check()
    page.get_by_label("南京市含下级").check()
    screenshot(page, "dispatch-new")
    page.get_by_role("button", name="下发").click()
    expect(page.locator("#send-consequence")).to_contain_text("将发送至 4 个单位")
    expect(page.locator("#confirm-elements")).to_contain_text("苏政办〔2026〕12号")
    expect(page.locator("#confirm-elements")).to_contain_text("安全生产通知.pdf")
    page.get_by_role("button", name="确认下发").click()

    dispatch = Dispatch.objects.unscoped(reason="test").get(title=TITLE)
    expect(page).to_have_url(f"{live_server.url}/dispatch/{dispatch.pk}/")
    expect(page.get_by_role("status")).to_contain_text("共 4 个收文单位")
    expect(page.locator('[data-count="total"]')).to_have_text("4")
    expect(page.locator('[data-count="overdue"]')).to_have_text("0")

    # --- 新街口街道 signs for it on the phone, within the 10 minutes ----------------------------------
    phone = new_page(mobile=True)
    mobile_login(phone, signer)
    phone.goto("/m/dispatch/")
    card = phone.locator(".m-card", has_text=TITLE)
    expect(card).to_contain_text("签收期限")
    screenshot(phone, "dispatch-mobile-inbox")
    card.get_by_role("button", name="签收").click()
    expect(phone.get_by_role("status")).to_contain_text("已签收")
    expect(phone.locator(".m-card", has_text=TITLE)).to_contain_text("按时")
    phone.locator(".m-card", has_text=TITLE).get_by_role("link", name=TITLE).click()
    expect(phone.locator(".dispatch-body")).to_contain_text("冬季安全生产责任")
    expect(phone.locator("#doc-elements")).to_contain_text("加急")
    with phone.expect_download() as download:  # the 公文 file, after signing; the sender sees the open
        phone.get_by_role("link", name="安全生产通知.pdf").click()
    assert download.value.suggested_filename == "安全生产通知.pdf"

    # --- 梅园新村街道 lets the deadline pass ----------------------------------------------------------
    # The live server answers from another thread, so instead of travelling in time (or sleeping ten
    # minutes) the test moves the unsigned deliveries' sign deadline into the past in the database.
    Delivery.objects.unscoped(reason="test: the sign deadline has passed").filter(
        dispatch=dispatch, signed_at__isnull=True).update(sign_due_at=dispatch.sent_at)
    # …and the dispatch's own (the units without a delivery row yet take theirs from it, ADR 0027)
    Dispatch.objects.unscoped(reason="test: the sign deadline has passed").filter(pk=dispatch.pk).update(
        sign_due_at=dispatch.sent_at)
    laggard_delivery = Delivery.objects.unscoped(reason="test").get(dispatch=dispatch, unit=tree.other_town)
    signed_delivery = Delivery.objects.unscoped(reason="test").get(dispatch=dispatch, unit=tree.town)

    page.reload()
    expect(page.locator('[data-count="signed"]')).to_have_text("1")
    expect(page.locator('[data-count="overdue"]')).to_have_text("3")
    expect(page.locator('[data-count="opened"]')).to_have_text("1")
    expect(page.locator(f"#delivery-{signed_delivery.pk} .file-opens")).to_contain_text("新街口收文员")
    row = page.locator(f"#delivery-{laggard_delivery.pk}")
    expect(row).to_contain_text("梅园新村街道")
    expect(row).to_contain_text("已超期")
    expect(row).to_have_class(re.compile(r"\boverdue\b"))
    page.get_by_label("状态").select_option(label="超期未签收")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("#deliveries")).to_contain_text("梅园新村街道")
    expect(page.locator("#deliveries")).not_to_contain_text("新街口街道")
    screenshot(page, "dispatch-tracking")

    # The laggard's clerk sees it red in the inbox.
    late_page = new_page()
    console_login(late_page, laggard)
    late_page.goto("/dispatch/inbox/")
    expect(late_page.locator(f"#delivery-{laggard_delivery.pk}")).to_contain_text("已超期")

    # --- The bulletin ranks the signer above the laggard --------------------------------------------
    page.goto("/dispatch/bulletin/")
    page.get_by_label("单位").select_option(label="南京市")
    page.get_by_role("button", name="统计").click()
    rows = page.locator("#bulletin tbody tr")
    expect(rows.first).to_contain_text("新街口街道")
    expect(rows.first).to_contain_text("100.0%")
    page.wait_for_load_state("load")  # rows.all() does not wait: read the table once the page is whole
    names = [r.get_attribute("data-unit") for r in rows.all()]
    assert names.index("新街口街道") < names.index("梅园新村街道"), names
    expect(page.locator('#bulletin tr[data-unit="梅园新村街道"]')).to_contain_text("0.0%")
    screenshot(page, "dispatch-bulletin")
