"""End to end in Chromium: a province administrator opens a member's account in the console, the
member receives the initial password by SMS and is made to change it on the mobile pages.

Runs against the real demo data (the whole of Jiangsu, built by ``build_demo``) on the live server.
"""

import re
import time

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from fenji.core.mfa import services as mfa
from fenji.core.notify.sms import read_outbox
from fenji.core.org.models import Unit
from fenji.core.people.bootstrap import build_demo
from fenji.core.people.identity import check_char
from fenji.core.people.models import Account
from fenji.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

DEMO_PASSWORD = "Demo#2026jiangsu"
PROVINCE_ADMIN_MOBILE = "13800000001"  # 王建国, 省级系统管理员

NEW_NAME = "陈思远"
NEW_MOBILE = "13900009999"
NEW_ID_FIRST17 = "320102" + "19950315" + "021"
NEW_ID = NEW_ID_FIRST17 + check_char(NEW_ID_FIRST17)
NEW_PASSWORD = "Qingdao#2026x"
SHORT_PASSWORD = "abc12345!"  # 9 characters


def console_login(page, mobile, password):
    page.goto("/login/")
    page.get_by_label("手机号码").fill(mobile)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def mobile_login(page, mobile, password):
    page.goto("/m/login/")
    page.get_by_label("手机号码").fill(mobile)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def pass_second_factor(page, secret):
    """The TOTP page after an administrator's password: type the code the authenticator shows now."""
    expect(page).to_have_url(re.compile(r"/login/verify/$"))
    if mfa.seconds_left_in_step() < 3:  # the live server checks it a moment later: not at the step's end
        time.sleep(mfa.seconds_left_in_step() + 0.05)
    page.get_by_role("textbox", name=re.compile(r"^动态口令")).fill(mfa.code_at(secret, mfa.current_step()))
    page.get_by_role("button", name="验证并登录").click()


def fill_password_change(page, old, new, again=None):
    page.get_by_label(re.compile(r"^原密码")).fill(old)
    page.get_by_label(re.compile(r"^新密码")).fill(new)
    page.get_by_label(re.compile(r"^再次输入新密码")).fill(new if again is None else again)
    page.get_by_role("button", name="确认修改").click()


def test_open_account_in_console_then_first_login_on_mobile(live_server, new_page, screenshot):
    build_demo(password=DEMO_PASSWORD)
    province = Unit.objects.get(code="320000")
    city = Unit.objects.get(code="320100")
    town = Unit.objects.get(code="320102003")

    # --- Console: the province administrator walks the tree down to 新街口街道 -------------------
    page = new_page()
    console_login(page, PROVINCE_ADMIN_MOBILE, DEMO_PASSWORD)
    # An administrator: the password alone gives no session; the demo enrolled a fixed TOTP secret.
    expect(page.get_by_role("heading", name="动态口令验证")).to_be_visible()
    screenshot(page, "mfa-verify")
    page.goto("/org/units/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/org/units/$"))
    page.goto("/login/verify/")  # the pending login waits there (5 minutes)
    pass_second_factor(page, mfa.demo_secret(PROVINCE_ADMIN_MOBILE))
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator(".topbar")).to_contain_text("王建国")
    expect(page.get_by_role("heading", name=re.compile("管理范围"))).to_contain_text("江苏省")

    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="组织机构").click()
    expect(page).to_have_url(f"{live_server.url}/org/units/")
    expect(page.get_by_role("heading", level=1)).to_have_text("组织机构")
    page.wait_for_load_state()  # the tree's buttons work once htmx has read the page (a click before is lost)

    node = page.locator(f"#unit-{province.pk}")
    expect(node.get_by_role("link", name="南京市")).to_have_count(0)
    node.locator(".tree-toggle").first.click()  # htmx fetches the branch
    nanjing = node.locator(f"#kids-{province.pk}").get_by_role("link", name="南京市", exact=True)
    expect(nanjing).to_be_visible()
    # htmx binds the swapped-in toggles only when the swap settles (a timer after it shows): a click before is lost
    expect(node.locator(f"#kids-{province.pk} .htmx-added")).to_have_count(0)
    # A second level unfolds inside the first.
    page.locator(f"#unit-{city.pk} > .tree-toggle").click()
    expect(page.locator(f"#kids-{city.pk}").get_by_role("link", name="玄武区", exact=True)).to_be_visible()

    nanjing.click()
    expect(page).to_have_url(f"{live_server.url}/org/units/{city.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("南京市")
    page.locator("table.list").get_by_role("link", name="玄武区", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("玄武区")
    page.locator("table.list").get_by_role("link", name="新街口街道", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/org/units/{town.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("新街口街道")
    expect(page.locator(".breadcrumbs")).to_contain_text("玄武区")
    screenshot(page, "console-unit")

    # --- Console: open a member's account --------------------------------------------------------
    page.get_by_role("link", name="开设账号").click()
    expect(page).to_have_url(f"{live_server.url}/org/units/{town.pk}/accounts/new/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("新街口街道")
    page.get_by_label("姓名").fill(NEW_NAME)
    page.get_by_label("身份证号码").fill(NEW_ID)
    page.get_by_label("手机号码").fill(NEW_MOBILE)
    page.get_by_label("账号类型").select_option(label="会员/团员")
    page.get_by_role("button", name="开设账号").click()

    account = Account.objects.unscoped(reason="test").select_related("person", "unit").get(mobile=NEW_MOBILE)
    expect(page).to_have_url(f"{live_server.url}/people/accounts/{account.pk}/")
    expect(page.get_by_role("status")).to_contain_text(f"已为{NEW_NAME}开设账号")
    expect(page.get_by_role("status")).to_contain_text("139****9999")
    expect(page.get_by_role("heading", level=1)).to_contain_text(NEW_NAME)
    details = page.locator(".card table")
    expect(details).to_contain_text("会员/团员")
    expect(details).to_contain_text("新街口街道")
    expect(details).to_contain_text("1995年3月15日")
    expect(details).to_contain_text(NEW_ID[:4] + "*" * 10 + NEW_ID[-4:])
    assert NEW_ID not in page.content()  # the full ID number is never shown
    assert account.unit == town and account.kind == "member" and account.must_change_password

    # --- The SMS carries the login and the initial password ---------------------------------------
    outbox = read_outbox(NEW_MOBILE)
    assert len(outbox) == 1, outbox
    assert f"登录账号：{NEW_MOBILE}" in outbox[0].text
    match = re.search(r"初始密码：(.+?)。", outbox[0].text)
    assert match, outbox[0].text
    initial_password = match.group(1)
    assert initial_password not in page.content()  # it travels only by SMS

    # --- Mobile: first login forces a password change ---------------------------------------------
    phone = new_page(mobile=True)
    mobile_login(phone, NEW_MOBILE, initial_password)
    expect(phone).to_have_url(f"{live_server.url}/m/password/")
    expect(phone.get_by_text("首次登录或密码已到期")).to_be_visible()
    phone.goto("/m/")
    expect(phone).to_have_url(f"{live_server.url}/m/password/")

    fill_password_change(phone, initial_password, SHORT_PASSWORD)
    expect(phone).to_have_url(f"{live_server.url}/m/password/")
    expect(phone.locator(".field-error")).to_contain_text("至少需要 10 个字符")

    fill_password_change(phone, initial_password, NEW_PASSWORD)
    expect(phone).to_have_url(f"{live_server.url}/m/")
    expect(phone.get_by_role("status")).to_contain_text("密码已修改")
    expect(phone.get_by_role("heading", level=1)).to_contain_text(f"{NEW_NAME}，您好")
    expect(phone.locator(".m-card")).to_contain_text("新街口街道")
    screenshot(phone, "mobile-home")

    account.refresh_from_db()
    assert not account.must_change_password
    assert account.check_password(NEW_PASSWORD)


def test_member_is_sent_to_the_mobile_pages_from_the_console_login(live_server, page, town_member):
    console_login(page, town_member.mobile, PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/login/")
    expect(page.get_by_role("alert")).to_contain_text("移动端")
    # Not signed in: the console still asks for a login.
    page.goto("/org/units/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/org/units/$"))

    # The link on the page leads to the mobile login, where the same credentials work.
    page.get_by_role("link", name="移动端").click()
    expect(page).to_have_url(re.compile(r"/m/login/$"))
    page.get_by_label("手机号码").fill(town_member.mobile)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{live_server.url}/m/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("街道会员，您好")


def test_guard_blocks_and_records_requests_outside_the_host(live_server, page, guard):
    response = page.goto("/login/")
    # the pages themselves forbid loading anything from another host
    assert "default-src 'self'" in response.headers["content-security-policy"]
    # a navigation is not bound by the page's policy: the guard must catch it
    with pytest.raises(PlaywrightError):
        page.goto("http://fenji-airgap.invalid/x.png")
    assert guard.outside == ["http://fenji-airgap.invalid/x.png"]
    guard.outside.clear()  # expected here; any other test making such a request fails at teardown
