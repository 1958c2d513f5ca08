"""End to end in Chromium, under the labor profile: a permission administrator limited to 零工驿站 (seed
004 §7: 权限管理员可根据需要按子系统分设) tries to grant a 共享用工 role on the console and is refused
with the reason shown; nothing is granted, the refusal is on record, and a 零工驿站 role goes through."""

import re

import pytest
from playwright.sync_api import expect

from fenji.core.access import policy
from fenji.core.access.models import Grant
from fenji.core.access.roles import PERMISSION_ADMIN
from fenji.core.access.services import grant_create
from fenji.core.audit.models import AuditEvent, Outcome
from fenji.modules.labor import subsystems as sub
from fenji.testing import PASSWORD, make_account, second_factor_code

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def sign_in_administrator(page, account):
    page.goto("/login/")
    page.get_by_label("手机号码").fill(account.mobile)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/login/verify/$"))
    page.get_by_role("textbox", name=re.compile(r"^动态口令")).fill(second_factor_code(account, margin=3))
    page.get_by_role("button", name="验证并登录").click()
    expect(page.locator(".who-name")).to_have_text(account.person.real_name)


def open_grant_form(page, account):
    page.goto(f"/access/grants/new/?account={account.pk}")
    page.wait_for_load_state("load")  # the unit picker and the role select are script-driven
    expect(page.get_by_label(re.compile(r"^角色"))).to_be_visible()


def test_a_permission_administrator_of_one_subsystem_is_refused_another_subsystems_role(
        live_server, new_page, tree, settings, screenshot):
    settings.FENJI_PROFILE = "labor"
    county = tree.county
    admin = make_account(county, name="谭驿站")
    grant_create(actor=policy.SYSTEM, account=admin, role=PERMISSION_ADMIN.code, unit=county, subsystem=sub.GIG)
    second_factor_code(admin)  # an administrator with a confirmed authenticator
    operator = make_account(county, name="吴共享")

    page = new_page()
    sign_in_administrator(page, admin)
    open_grant_form(page, operator)
    page.get_by_label(re.compile(r"^角色")).select_option("labor_sharing_clerk")
    page.get_by_label(re.compile(r"^范围")).select_option("unit")
    page.get_by_role("button", name="授权", exact=True).click()
    page.wait_for_load_state("load")
    expect(page.get_by_text("您的权限管理员授权限于“零工驿站”子系统，不能授予“共享用工”子系统的角色“共享用工经办员”")
           ).to_be_visible()
    screenshot(page, "subsystem-limit-refused")
    assert not Grant.objects.unscoped(reason="test").filter(account=operator).exists()
    refusal = AuditEvent.objects.filter(outcome=Outcome.DENIED, actor_id=admin.pk, action="access.grant.create").get()
    assert refusal.details["rule"] == "subsystem_limit"

    # its own subsystem's role goes through
    open_grant_form(page, operator)
    page.get_by_label(re.compile(r"^角色")).select_option("labor_gig_clerk")
    page.get_by_label(re.compile(r"^范围")).select_option("unit")
    page.get_by_role("button", name="授权", exact=True).click()
    page.wait_for_load_state("load")
    expect(page.locator(".messages")).to_contain_text("已授予吴共享“零工驿站经办员”")
    grant = Grant.objects.unscoped(reason="test").get(account=operator, revoked_at__isnull=True)
    assert (grant.role, grant.subsystem, grant.granted_by_id) == ("labor_gig_clerk", sub.GIG, admin.pk)
