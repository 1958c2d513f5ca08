"""End to end in Chromium: an operator permission request (附件2) goes from the staff member who files
it, through the department head and the unit leader, to the permission administrator who carries it
out — four people in four browsers — and the new grant shows in the permission ledger with who
requested, approved and granted it.
"""

import re

import pytest
from playwright.sync_api import expect

from fenji.core.access.models import Grant
from fenji.core.access.roles import DEPT_HEAD, OPERATOR, PERMISSION_ADMIN, STAFF, UNIT_LEADER
from fenji.core.workflow.models import Request, RequestState
from fenji.testing import PASSWORD, make_account, second_factor_code

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

KIND = "operator.permission.grant"


def sign_in(page, account, *, administrator=False):
    page.goto("/login/")
    page.get_by_label("手机号码").fill(account.mobile)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    if administrator:
        expect(page).to_have_url(re.compile(r"/login/verify/$"))
        page.get_by_role("textbox", name=re.compile(r"^动态口令")).fill(second_factor_code(account, margin=3))
        page.get_by_role("button", name="验证并登录").click()
    expect(page.locator(".who-name")).to_have_text(account.person.real_name)


def open_awaiting(page, title):
    page.goto("/requests/awaiting/")
    row = page.locator("tr", has_text=title)
    expect(row).to_have_count(1)
    row.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)


def test_an_operator_permission_request_is_filed_endorsed_approved_and_granted(live_server, new_page, tree,
                                                                                screenshot):
    county = tree.county
    clerk = make_account(county, name="赵文书", role=STAFF)
    head = make_account(county, name="钱处长", role=DEPT_HEAD)
    leader = make_account(county, name="孙分管", role=UNIT_LEADER)
    admin = make_account(county, name="李权限", role=PERMISSION_ADMIN)
    second_factor_code(admin)  # an administrator with a confirmed authenticator
    operator = make_account(county, name="周操作")

    # --- the staff member files the request ----------------------------------------------------
    page = new_page()
    sign_in(page, clerk)
    page.locator("nav.sidebar").get_by_role("link", name="我的申请").click()
    page.get_by_role("link", name="新建申请").click()
    page.locator(f'[id="type-{KIND}"]').get_by_role("link", name="填写").click()
    expect(page).to_have_url(re.compile(rf"/requests/new/{re.escape(KIND)}/$"))
    page.get_by_label(re.compile(r"^人员")).select_option(str(operator.pk))
    page.get_by_label(re.compile(r"^岗位角色")).select_option(OPERATOR.code)
    page.get_by_label(re.compile(r"^授权范围")).select_option("unit")
    page.get_by_label(re.compile(r"^具体要求")).fill("负责本单位业务系统日常操作")
    screenshot(page, "request-file")
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator(".messages")).to_contain_text("已提交申请")
    request = Request.objects.unscoped(reason="test").get(kind=KIND)
    title = request.title
    assert "周操作" in title
    expect(page.locator("#steps tbody tr")).to_have_count(3)
    expect(page.get_by_role("link", name="撤回")).to_be_visible()
    page.goto("/requests/mine/")
    expect(page.locator(f"#request-{request.pk}")).to_contain_text("申请部门意见")

    # --- the department head endorses it --------------------------------------------------------
    page = new_page()
    sign_in(page, head)
    open_awaiting(page, title)
    page.get_by_label(re.compile(r"^意见")).fill("同意，请领导审批")
    page.get_by_role("button", name="同意", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已签署同意意见")

    # --- the unit leader first starts to disagree, backs out of the confirmation, then approves --
    page = new_page()
    sign_in(page, leader)
    open_awaiting(page, title)
    page.get_by_label(re.compile(r"^意见")).fill("再议")
    page.get_by_role("button", name="不同意").click()
    expect(page.get_by_role("alertdialog")).to_contain_text("确定在")
    screenshot(page, "request-reject-confirm")
    page.get_by_role("link", name="返回修改").click()
    assert Request.objects.unscoped(reason="test").get(pk=request.pk).state == RequestState.PENDING
    page.get_by_label(re.compile(r"^意见")).fill("同意")
    page.get_by_role("button", name="同意", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已签署同意意见")

    # --- the permission administrator carries it out -------------------------------------------
    page = new_page()
    sign_in(page, admin, administrator=True)
    open_awaiting(page, title)
    page.get_by_role("button", name="办理", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已授予周操作")
    expect(page.get_by_role("heading", level=1)).to_contain_text("已办结")
    screenshot(page, "request-done")

    grant = Grant.objects.unscoped(reason="test").get(account=operator, role=OPERATOR.code, revoked_at__isnull=True)
    assert (grant.requested_by_id, grant.approved_by_id, grant.granted_by_id) == (clerk.pk, leader.pk, admin.pk)

    # --- the grant is in the permission ledger, with who asked, who approved, who granted -------
    page.goto("/ledgers/permissions/")
    row = page.locator(f"#grant-{grant.pk}")
    expect(row).to_contain_text("周操作")
    expect(row).to_contain_text("操作员")
    expect(row).to_contain_text("赵文书")
    expect(row).to_contain_text("孙分管")
    expect(row).to_contain_text("李权限")

    # --- and the requester sees it done -------------------------------------------------------
    page = new_page()
    sign_in(page, clerk)
    page.goto("/requests/mine/")
    expect(page.locator(f"#request-{request.pk}")).to_contain_text("已办结")
