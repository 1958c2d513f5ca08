"""End to end in Chromium (the discipline profile): a town commission proposes a case, the principal leader approves
it, filing is refused until the same-level Party committee leader's approval is recorded, the case goes through
审理 to a decision of 记过 shown with its end date, and closing it opens its 以案促改 item."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fenji.core.access import policy
from fenji.core.access.roles import BUILTIN_ROLES
from fenji.core.org.services import unit_create
from fenji.modules.discipline import kinds
from fenji.modules.discipline.models import Case
from fenji.modules.discipline.sanctions import sanction_end
from fenji.testing import PASSWORD, make_account

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


@pytest.fixture(autouse=True)
def discipline_profile(settings):
    settings.FENJI_PROFILE = "discipline"


def console_login(page, account):
    page.goto("/login/")
    page.get_by_label("手机号码").fill(account.mobile)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state("load")


def step(page, form, fields):
    """Fill the step's form (fields by name: a select by its option's label) and send it."""
    box = page.locator(f"#{form}")
    for name, value in fields.items():
        field = box.locator(f"[name='{form}-{name}']")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(label=value)
        else:
            field.fill(value)
    box.get_by_role("button").click()
    page.wait_for_load_state("load")


def test_a_case_is_filed_with_both_approvals_and_closes_into_its_rectification(live_server, new_page, screenshot):
    county = unit_create(actor=policy.SYSTEM, parent=None, name="中牟县纪委监委", kind=kinds.COMMISSION, code="JW-E")
    town = unit_create(actor=policy.SYSTEM, parent=county, name="白沙镇纪委", kind=kinds.TOWN, code="JW-E-T1")
    officer = make_account(town, name="褚亮", role=BUILTIN_ROLES["case_officer"])
    leader = make_account(town, name="陈书记", role=BUILTIN_ROLES["unit_leader"])
    today = timezone.localdate().isoformat()

    page = new_page()
    console_login(page, officer)
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="案件", exact=True).click()
    page.wait_for_load_state("load")
    page.get_by_role("link", name="立案呈批").click()
    page.wait_for_load_state("load")
    page.get_by_label("主要违纪违法事实").fill("张某虚报冒领农机补贴 3 万元。")
    page.get_by_label("审查调查对象1 姓名").fill("张某")
    page.get_by_label("审查调查对象1 单位").fill("白沙镇农业服务中心")
    page.get_by_label("审查调查对象1 职级").select_option(label="一般干部")
    page.get_by_role("button", name="报主要负责人审批").click()
    page.wait_for_load_state("load")
    expect(page.locator(".messages")).to_contain_text("待主要负责人审批")
    case = Case.objects.unscoped(reason="test").get()

    boss = new_page()
    console_login(boss, leader)
    boss.goto(f"/discipline/cases/{case.pk}/")
    step(boss, "approve", {"approve": "同意立案"})
    expect(boss.locator(".messages")).to_contain_text("已审批")

    page.goto(f"/discipline/cases/{case.pk}/")
    step(page, "file", {"filed_on": today})
    expect(page.locator("#file")).to_contain_text("须经同级党委主要负责人批准")
    step(page, "file", {"party_approver": "镇党委书记", "party_approved_on": today, "filed_on": today})
    expect(page.locator("#state")).to_have_text("已立案审查调查")
    step(page, "transfer", {"report": "事实清楚，证据确凿。"})
    step(page, "review", {"participants": "全体委员", "opinion": "建议给予记过处分。"})
    subject = case.subjects.get()
    step(page, "decide", {"decision_ref": "白纪〔2026〕1号", f"p{subject.pk}_gov": "记过"})
    end = sanction_end("gov_demerit", timezone.localdate()).isoformat()
    expect(page.locator("#sanctions")).to_contain_text(end)
    page.once("dialog", lambda dialog: dialog.accept())
    step(page, "execute", {})
    expect(page.locator("#state")).to_have_text("已执行结案")
    page.goto("/discipline/rectifications/")
    page.wait_for_load_state("load")
    expect(page.locator("#rectifications")).to_contain_text(case.number)
    screenshot(page, "discipline-case-rectification")
