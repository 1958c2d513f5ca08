"""An administrator's first login in Chromium: the password, then enrolling an authenticator from a QR
code drawn by the server itself (the air-gap guard fails the test on any request off the loopback
host), the ten recovery codes shown once, and the console."""

import re
import time

import pytest
from playwright.sync_api import expect

from fenji.core.access.roles import SECURITY_ADMIN
from fenji.core.mfa import services as mfa
from fenji.testing import PASSWORD, make_account

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_first_login_enrols_an_authenticator_offline(live_server, page, tree, screenshot):
    admin = make_account(tree.province, name="省保密员", role=SECURITY_ADMIN)
    page.goto("/login/?next=/org/units/")
    page.get_by_label("手机号码").fill(admin.mobile)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    expect(page).to_have_url(f"{live_server.url}/login/verify/")
    expect(page.get_by_role("heading", name="绑定动态口令验证器")).to_be_visible()
    qr = page.get_by_role("img", name="动态口令绑定二维码")
    expect(qr.locator("svg")).to_be_visible()
    assert qr.locator("svg").bounding_box()["width"] >= 100
    secret = page.locator("code.secret").inner_text().replace(" ", "")
    assert secret == mfa.enrolment_secret(admin)
    screenshot(page, "mfa-enrol")

    if mfa.seconds_left_in_step() < 3:
        time.sleep(mfa.seconds_left_in_step() + 0.05)
    page.get_by_role("textbox", name=re.compile(r"^动态口令")).fill(mfa.code_at(secret, mfa.current_step()))
    page.get_by_role("button", name="绑定并登录").click()

    expect(page.get_by_role("heading", name="动态口令已绑定")).to_be_visible()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    screenshot(page, "mfa-recovery-codes")
    page.get_by_role("link", name="我已保存恢复码，继续").click()
    expect(page).to_have_url(f"{live_server.url}/org/units/")
    expect(page.locator(".topbar")).to_contain_text("省保密员")
