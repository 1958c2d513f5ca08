"""End to end in Chromium (the labor profile, seed 004 业务需求运维管理暂行办法): a county department files a requirement
with its policy file; its head signs, the prefecture's counterpart department reviews, the information centre takes
it in and hands it to the vendor, the vendor numbers and assesses it, the centre sets the development due date, the
vendor develops and tests internally, the centre and the department each sign the business test, the vendor plans
and reports the release; the ticket is then in the centre's ledger with both annexes as PDF."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fenji.core.access import policy
from fenji.core.access.roles import BUILTIN_ROLES, DEPT_HEAD
from fenji.core.access.services import grant_create
from fenji.core.org.services import unit_create
from fenji.modules.labor import kinds as k
from fenji.modules.labor.models import Ticket, TicketState
from fenji.testing import PASSWORD, make_account

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
TITLE = "零工岗位按工种筛选"


@pytest.fixture(autouse=True)
def labor_profile(settings):
    settings.FENJI_PROFILE = "labor"


def login(page, account):
    page.goto("/login/")
    page.get_by_label("手机号码").fill(account.mobile)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".topbar")).to_be_visible()


def test_a_county_requirement_goes_from_its_department_to_release(live_server, new_page, screenshot):
    system, role = policy.SYSTEM, BUILTIN_ROLES.__getitem__
    root = unit_create(actor=system, parent=None, name="恩施州人社局", kind=k.PREFECTURE, code="RS-E")
    centre_unit = unit_create(actor=system, parent=root, name="州人社信息中心", kind=k.DEPARTMENT)
    employment = unit_create(actor=system, parent=root, name="州就业服务局", kind=k.DEPARTMENT)
    county = unit_create(actor=system, parent=root, name="恩施市人社局", kind=k.COUNTY)
    department = unit_create(actor=system, parent=county, name="恩施市就业服务中心", kind=k.DEPARTMENT)
    vendor = unit_create(actor=system, parent=root, name="恩施云智信息技术有限公司", kind=k.VENDOR)
    filer = make_account(department, name="邓丽", role=role("labor_requester"))
    head = make_account(department, name="向华", role=DEPT_HEAD)
    reviewer = make_account(employment, name="陈科", role=role("labor_reviewer"))
    centre = make_account(centre_unit, name="田中心")
    grant_create(actor=system, account=centre, role="labor_centre", unit=root)
    developer = make_account(vendor, name="覃开发", role=role("labor_vendor"))
    lead = make_account(vendor, name="黄经理", role=role("labor_vendor"))

    # --- the county department files it ------------------------------------------------------------------
    page = new_page()
    login(page, filer)
    page.goto("/labor/tickets/")
    page.get_by_role("link", name="填报业务需求").click()
    page.get_by_label("子系统").select_option(label="零工驿站子系统")
    page.get_by_label("需求名称").fill(TITLE)
    page.get_by_label("需求类型").select_option(label="新增")
    page.get_by_label("需求描述").fill("求职者可按工种筛选零工岗位。")
    page.get_by_label("联系电话").fill("0718-8221234")
    page.get_by_label("州级对口科室").select_option(label="州就业服务局")
    page.get_by_label("政策文件或依据").set_input_files(files=[{"name": "零工市场建设通知.pdf",
                                                             "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".messages")).to_contain_text("已保存草稿")
    ticket = Ticket.objects.unscoped(reason="test").get(title=TITLE)
    url = f"/labor/tickets/{ticket.pk}/"
    expect(page.locator("#ticket-facts")).to_contain_text("零工市场建设通知.pdf")
    page.wait_for_load_state("load")  # the submit asks before it is sent (a deferred script binds the question)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="提交").click()
    expect(page.locator("#ticket-state")).to_contain_text("待部门负责人签批")

    pages = {filer.pk: page}  # each person signs in once, in a browser of their own

    def act(account, fill, state):
        step = pages.get(account.pk)
        if step is None:
            step = pages[account.pk] = new_page()
            login(step, account)
        step.goto(url)
        fill(step)
        step.get_by_role("button", name="提交").click()
        expect(step.locator(".messages")).to_contain_text("已办理")
        expect(step.locator("#ticket-state")).to_contain_text(state)
        return step

    def agree(step):
        step.get_by_label("同意").check()
        step.get_by_label("意见或退回理由").fill("同意")

    act(head, agree, "待州级业务部门审核")
    act(reviewer, agree, "待信息中心受理")
    act(centre, lambda p: (agree(p), p.get_by_label("运维公司").select_option(label="恩施云智信息技术有限公司")),
        "运维公司评估中")
    assessed = act(developer, lambda p: (p.get_by_label("可实施", exact=True).check(),
                                         p.get_by_label("评估意见").fill("现有接口可支撑"),
                                         p.get_by_label("实施计划").fill("一周开发，三天内部测试")), "待信息中心排期")
    expect(assessed.get_by_role("heading", level=1)).to_contain_text(f"XQ{timezone.localdate().year}-0001")
    due = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    act(centre, lambda p: p.get_by_label("开发完成期限").fill(due), "开发中")
    act(developer, lambda p: p.get_by_label("说明").fill("已完成开发"), "内部测试中")
    act(lead, lambda p: (p.get_by_label("通过", exact=True).check(), p.get_by_label("情况说明").fill("用例全部通过")),
        "业务测试中")

    def business_test(step):
        step.get_by_label("通过", exact=True).check()
        step.get_by_label("测试结果").fill("符合需求")

    act(centre, business_test, "业务测试中")  # the department has yet to sign
    act(filer, business_test, "待制定发布计划")
    start = timezone.localtime() + datetime.timedelta(days=1)
    act(lead, lambda p: (p.get_by_label("影响业务范围").fill("零工驿站岗位查询"),
                         p.get_by_label("发布开始时间").fill(start.strftime("%Y-%m-%dT20:00")),
                         p.get_by_label("发布结束时间").fill(start.strftime("%Y-%m-%dT22:00")),
                         p.get_by_label("项目负责人").fill("黄经理")), "发布中")
    released = act(lead, lambda p: (p.get_by_label("发布成功").check(), p.get_by_label("结果说明").fill("已上线")),
                   "已发布")
    expect(released.locator("#timeline tbody tr")).to_have_count(11)
    ticket.refresh_from_db()
    assert ticket.state == TicketState.RELEASED

    # --- the information centre's ledger, and the two annexes --------------------------------------------
    ledger = new_page()
    login(ledger, centre)
    ledger.goto("/labor/ledger/")
    row = ledger.locator(f"#ledger-{ticket.pk}")
    expect(row).to_contain_text(ticket.number)
    expect(row).to_contain_text("已发布")
    screenshot(ledger, "labor-ledger")
    for form in ("application", "release"):
        response = ledger.request.get(f"{live_server.url}{url}{form}.pdf")
        assert response.status == 200 and response.headers["content-type"] == "application/pdf"
        assert response.body().startswith(b"%PDF")
