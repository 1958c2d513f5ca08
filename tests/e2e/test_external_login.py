"""电子社保卡扫码登录 in Chromium: a staff member clicks the button on the console's login page, signs in at the
identity provider (the local test provider of ``tests/idp``, on 127.0.0.1 beside fenji on localhost, under the
air-gap guard) and lands on the console home as themselves, without typing a password at fenji."""

import re

import pytest
from playwright.sync_api import expect

from fenji.testing import make_account

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_a_staff_member_signs_in_with_the_card_button(live_server, page, idp, tree, screenshot):
    staff = make_account(tree.city, name="南京科员")
    username, password = idp.user(staff.person.id_number)

    page.goto("/login/")
    screenshot(page, "external-login-button")
    page.get_by_role("link", name="电子社保卡扫码登录").click()
    page.wait_for_load_state("load")
    expect(page).to_have_url(re.compile(rf"^{re.escape(idp.issuer)}/login/"))
    screenshot(page, "external-login-provider")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="确认登录").click()
    page.wait_for_load_state("load")

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator(".topbar")).to_contain_text("南京科员")
    screenshot(page, "external-login-home")
