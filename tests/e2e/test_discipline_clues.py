"""End to end in Chromium (the discipline profile): a town commission registers a clue in its ledger and proposes
its handler, the principal leader approves the assignment, 移送审查调查 is refused without a 集体研究 and taken with
one, the handler signs and the clue is concluded as 立案; another town's officer cannot open it."""

import pytest
from playwright.sync_api import expect

from fenji.core.access import policy
from fenji.core.access.roles import BUILTIN_ROLES
from fenji.core.org.services import unit_create
from fenji.modules.discipline import kinds
from fenji.modules.discipline.models import Clue
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


def test_a_clue_goes_from_the_ledger_to_its_outcome(live_server, new_page, screenshot):
    county = unit_create(actor=policy.SYSTEM, parent=None, name="中牟县纪委监委", kind=kinds.COMMISSION, code="JW-X")
    town = unit_create(actor=policy.SYSTEM, parent=county, name="白沙镇纪委", kind=kinds.TOWN, code="JW-X-T1")
    other = unit_create(actor=policy.SYSTEM, parent=county, name="姚家镇纪委", kind=kinds.TOWN, code="JW-X-T2")
    officer = make_account(town, name="褚亮", role=BUILTIN_ROLES["case_officer"])
    leader = make_account(town, name="陈书记", role=BUILTIN_ROLES["unit_leader"])
    stranger = make_account(other, name="姚家镇委员", role=BUILTIN_ROLES["case_officer"])

    page = new_page()
    console_login(page, officer)
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="线索台账", exact=True).click()
    page.wait_for_load_state("load")
    page.get_by_role("link", name="登记问题线索").click()
    page.wait_for_load_state("load")
    page.get_by_label("线索来源").select_option(label="巡视巡察移交")
    page.get_by_label("主要问题").fill("巡察移交：反映村会计违规报销招待费。")
    page.get_by_label("反映对象1 姓名").fill("钱某")
    page.get_by_label("反映对象1 单位").fill("白沙镇某村村委会")
    page.get_by_label("反映对象1 职级").select_option(label="村（社区）干部")
    page.get_by_role("button", name="登记", exact=True).click()
    page.wait_for_load_state("load")
    expect(page.locator(".messages")).to_contain_text("已登记")
    clue = Clue.objects.unscoped(reason="test").get()
    page.locator("#assign").get_by_label("褚亮").check()
    page.locator("#assign").get_by_role("button").click()
    page.wait_for_load_state("load")
    expect(page.locator(".messages")).to_contain_text("待主要负责人审批")
    expect(page.locator("#approve")).to_have_count(0)

    boss = new_page()
    console_login(boss, leader)
    boss.goto(f"/discipline/clues/{clue.pk}/")
    boss.wait_for_load_state("load")
    boss.locator("#approve select[name=approve-approve]").select_option(label="同意分办")
    boss.locator("#approve").get_by_role("button").click()
    boss.wait_for_load_state("load")
    expect(boss.locator(".messages")).to_contain_text("已审批")

    page.goto(f"/discipline/clues/{clue.pk}/")
    page.wait_for_load_state("load")
    dispose = page.locator("#dispose")
    dispose.get_by_label("移送审查调查").check()
    dispose.get_by_role("button").click()
    page.wait_for_load_state("load")
    expect(page.locator("#dispose")).to_contain_text("须经集体研究")
    dispose = page.locator("#dispose")
    dispose.get_by_label("移送审查调查").check()
    dispose.get_by_label("集体研究日期").fill(clue.received_on.isoformat())
    dispose.get_by_label("集体研究参加人员").fill("书记、副书记、委员")
    dispose.get_by_label("集体研究结论").fill("同意移送审查调查")
    dispose.get_by_role("button").click()
    page.wait_for_load_state("load")
    page.locator("#sign").get_by_role("button", name="签字", exact=True).click()
    page.wait_for_load_state("load")
    page.locator("#conclude").get_by_label("处置结果").select_option(label="立案")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#conclude").get_by_role("button").click()
    page.wait_for_load_state("load")
    expect(page.locator("dl.facts")).to_contain_text("已了结")
    expect(page.locator("dl.facts")).to_contain_text("立案")
    expect(page.locator("#timeline")).to_contain_text("主要负责人审批分办")
    screenshot(page, "discipline-clue-concluded")

    outsider = new_page()
    console_login(outsider, stranger)
    response = outsider.goto(f"/discipline/clues/{clue.pk}/")
    assert response.status == 404
