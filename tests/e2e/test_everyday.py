"""End to end in Chromium, the everyday flows of issue 14: a town clerk finds a new notice at the top of
the home page with its countdown and signs it (the sender's tracking shows it on time); an imported member
activates the account by SMS code and signs in on the phone; an administrator resets a password and the
holder must change it; a person resets a forgotten password; the auditor reads the log in Chinese and
filters it by 登录."""

import re

import pytest
from playwright.sync_api import expect

from fenji.core.access import policy
from fenji.core.access.roles import AUDITOR, DEPT_HEAD, STAFF, SYSTEM_ADMIN
from fenji.core.dispatch.models import Delivery, DispatchKind
from fenji.core.dispatch.services import Targets, dispatch_send
from fenji.core.notify.sms import read_outbox
from fenji.testing import PASSWORD, make_account, second_factor_code

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

NEW = "Xinjiekou#2026"


def console_login(page, mobile, password=PASSWORD):
    page.goto("/login/")
    page.get_by_label("手机号码").fill(mobile)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def admin_login(page, account):
    """An administrator's console sign-in: the password, then the second factor (enrolled here)."""
    second_factor_code(account)
    console_login(page, account.mobile)
    expect(page).to_have_url(re.compile(r"/login/verify/$"))
    page.get_by_role("textbox", name=re.compile(r"^动态口令")).fill(second_factor_code(account, margin=3))
    page.get_by_role("button", name="验证并登录").click()
    expect(page.locator(".topbar")).to_contain_text(account.person.real_name)


def last_code(mobile) -> str:
    return re.search(r"验证码 (\d{6})", read_outbox(mobile)[-1].text).group(1)


def set_password_by_code(page, mobile, *, button):
    """The 找回密码 / 激活账号 page: ask for a code, then enter it with the new password twice."""
    page.locator("#code-request").get_by_label("手机号码").fill(mobile)
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_role("status")).to_contain_text("验证码已通过短信发送")
    form = page.locator("#code-set")
    form.get_by_label("手机号码").fill(mobile)
    form.get_by_label("短信验证码").fill(last_code(mobile))
    form.get_by_label(re.compile(r"^新密码")).fill(NEW)
    form.get_by_label("再次输入新密码").fill(NEW)
    page.get_by_role("button", name=button).click()


def test_the_clerk_sees_the_notice_first_with_its_countdown_and_signs_it_on_time(live_server, new_page, tree,
                                                                                screenshot):
    head = make_account(tree.city, name="市办主任", role=DEPT_HEAD)
    clerk = make_account(tree.town, name="新街口收文员", role=STAFF)
    dispatch = dispatch_send(actor=policy.actor_for(head), kind=DispatchKind.NOTICE, title="关于防汛值班的紧急通知",
                             targets=Targets(units=[tree.town]), sign_within_minutes=10)

    page = new_page()
    console_login(page, clerk.mobile)
    expect(page).to_have_url(f"{live_server.url}/")
    todo = page.locator("#todos .todo").first
    expect(todo).to_contain_text("关于防汛值班的紧急通知")
    expect(todo.locator(".countdown")).to_have_text(re.compile(r"剩余 (9|10) 分钟"))
    expect(page.locator(".todo-link .count")).to_have_text("1")
    screenshot(page, "home-todos")
    todo.get_by_role("link", name="关于防汛值班的紧急通知").click()
    page.get_by_role("button", name="签收").click()
    expect(page.locator(".dispatch-body")).to_be_visible()
    page.goto("/")
    expect(page.locator("#todos")).to_have_count(0)

    # The console on a phone: the menu behind a button, the inbox table as cards labelled by their columns.
    phone = new_page(mobile=True)
    console_login(phone, clerk.mobile)
    phone.goto("/dispatch/inbox/")
    expect(phone.locator("#sidebar")).to_be_hidden()
    phone.get_by_role("button", name=re.compile("菜单")).click()
    expect(phone.locator("#sidebar")).to_be_visible()
    expect(phone.locator("table.list thead")).to_be_hidden()
    expect(phone.locator("table.list tbody td[data-label]").first).to_be_visible()
    screenshot(phone, "console-phone")

    sender = new_page()
    console_login(sender, head.mobile)
    sender.goto(f"/dispatch/{dispatch.pk}/")
    delivery = Delivery.objects.unscoped(reason="test").get(dispatch=dispatch)
    row = sender.locator(f"#delivery-{delivery.pk}")
    expect(row).to_contain_text("按时")
    expect(sender.locator('[data-count="signed"]')).to_have_text("1")


def test_an_imported_member_activates_by_sms_code_and_signs_in_on_the_phone(live_server, new_page, tree, settings):
    member = make_account(tree.town, kind="member", name="导入团员")
    member.set_unusable_password()
    member.save(update_fields=["password"])
    phone = new_page(mobile=True)
    phone.goto("/m/login/")
    phone.get_by_role("link", name="激活账号（首次登录）").click()
    set_password_by_code(phone, member.mobile, button="激活并设置密码")
    expect(phone).to_have_url(f"{live_server.url}/m/login/")
    phone.get_by_label("手机号码").fill(member.mobile)
    phone.get_by_label("密码").fill(NEW)
    phone.get_by_role("button", name="登录").click()
    expect(phone).to_have_url(f"{live_server.url}/m/")
    expect(phone.locator("h1")).to_contain_text("导入团员")


def test_a_password_reset_by_the_administrator_forces_a_change_and_self_service_reset_works(live_server, new_page,
                                                                                           tree):
    admin = make_account(tree.city, name="市管理员", role=SYSTEM_ADMIN)
    staff = make_account(tree.town, name="忘记密码者")
    page = new_page()
    admin_login(page, admin)
    page.goto(f"/people/accounts/{staff.pk}/")
    page.get_by_role("link", name="重置密码").click()
    expect(page.locator("#confirm-text")).to_contain_text("原密码立即失效")
    page.get_by_role("button", name="确认重置并发送短信").click()
    expect(page.get_by_role("status").first).to_contain_text("新的初始密码已以短信发送")
    initial = re.search(r"新的初始密码：(\S+?)。", read_outbox(staff.mobile)[-1].text).group(1)

    holder = new_page()
    console_login(holder, staff.mobile, initial)
    expect(holder).to_have_url(re.compile(r"/password/"))

    # The holder forgets the new one too: 找回密码 by SMS code.
    other = new_page()
    other.goto("/login/")
    other.get_by_role("link", name="忘记密码").click()
    set_password_by_code(other, staff.mobile, button="设置新密码")
    expect(other).to_have_url(f"{live_server.url}/login/")
    console_login(other, staff.mobile, NEW)
    expect(other).to_have_url(f"{live_server.url}/")


def test_the_auditor_reads_the_log_in_chinese_and_filters_by_login(live_server, new_page, tree, screenshot):
    auditor = make_account(tree.province, name="安全审计员", role=AUDITOR)
    member = make_account(tree.town, kind="member", name="登录会员")
    phone = new_page(mobile=True)
    phone.goto("/m/login/")
    phone.get_by_label("手机号码").fill(member.mobile)
    phone.get_by_label("密码").fill("wrong-password")
    phone.get_by_role("button", name="登录").click()

    page = new_page()
    admin_login(page, auditor)
    page.goto("/audit/events/")
    table = page.locator("#audit-events")
    expect(table).not_to_contain_text("people.login")
    page.get_by_label("动作关键词").fill("登录")
    page.get_by_role("button", name="查询").click()
    expect(table).to_contain_text("登录")
    expect(table).to_contain_text("失败")
    expect(table).to_contain_text("人员账号")
    expect(table).not_to_contain_text("查询审计日志")
    page.get_by_role("link", name="登录日志").click()
    expect(table).not_to_contain_text("查询审计日志")
    screenshot(page, "audit-log-login")
