"""End to end in Chromium (the discipline profile, seed 003): a town commission back-enters a real-name petition
received on paper before National Day — it keeps its paper date, its acceptance-notice deadline skips the holiday
(2026-10-23, not 10-19) — 信访室 finds it in the county's statistics; a town user who names a 副镇长 is refused
with the upward-report task and nothing is stored."""

import pytest
from playwright.sync_api import expect

from fenji.core.access import policy
from fenji.core.access.roles import BUILTIN_ROLES
from fenji.core.audit.services import PLATFORM
from fenji.core.calendar import services as calendar
from fenji.core.org.services import unit_create
from fenji.modules.discipline import kinds
from fenji.modules.discipline.models import Petition, UpwardReport
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


def fill_petition(page, *, received_on, rank, backfilled=False):
    page.get_by_label("收件日期").fill(received_on)
    if backfilled:
        page.get_by_label("补录").check()
    page.get_by_label("来源渠道").select_option(label="来信")
    page.get_by_label("类别").select_option(label="检举")
    page.get_by_label("实名").check()
    page.get_by_label("信访人姓名或单位").fill("李某")
    page.get_by_label("联系电话").fill("13700001111")
    page.get_by_label("反映的主要问题").fill("反映有关人员虚报冒领农机补贴。")
    page.get_by_label("被反映人1 姓名").fill("张某")
    page.get_by_label("被反映人1 单位").fill("白沙镇农业服务中心")
    page.get_by_label("被反映人1 职级").select_option(label=rank)
    page.get_by_role("button", name="登记", exact=True).click()


def test_a_town_back_enters_a_petition_and_the_room_sees_it_and_the_rank_guard_refuses(live_server, new_page,
                                                                                      screenshot):
    calendar.calendar_seed(actor=PLATFORM, first=2026, last=2026)
    county = unit_create(actor=policy.SYSTEM, parent=None, name="中牟县纪委监委", kind=kinds.COMMISSION, code="JW-E")
    town = unit_create(actor=policy.SYSTEM, parent=county, name="白沙镇纪委", kind=kinds.TOWN, code="JW-E-T1")
    officer = BUILTIN_ROLES["petition_officer"]
    town_officer = make_account(town, name="褚亮", role=officer)
    room_officer = make_account(county, name="吴静", role=officer)

    page = new_page()
    console_login(page, town_officer)
    page.goto("/discipline/petitions/new/")
    fill_petition(page, received_on="2026-09-28", rank="一般干部")
    expect(page.locator(".form-errors")).to_contain_text("补录")  # an old paper date must say it is a back-entry
    fill_petition(page, received_on="2026-09-28", rank="一般干部", backfilled=True)
    expect(page.locator(".messages")).to_contain_text("已登记")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("2026-09-28")
    expect(facts).to_contain_text("补录")
    expect(facts).to_contain_text("2026-10-23")  # 15 working days after 9-28, National Day and 调休 counted
    petition = Petition.objects.unscoped(reason="test").get()
    assert petition.backfilled and str(petition.received_on) == "2026-09-28"

    # --- a 副镇长: refused, nothing stored, an upward-report task instead ----------------------------------
    page.goto("/discipline/petitions/new/")
    fill_petition(page, received_on="2026-12-01", rank="副科")
    report = UpwardReport.objects.unscoped(reason="test").get()
    expect(page.get_by_role("heading", level=1)).to_contain_text(report.reference)
    expect(page.locator(".messages")).to_contain_text("系统未保存任何内容")
    assert Petition.objects.unscoped(reason="test").count() == 1
    screenshot(page, "discipline-upward-report")

    # --- 信访室 reads the county's petitions and their statistics ---------------------------------------------
    room = new_page()
    console_login(room, room_officer)
    room.get_by_role("navigation", name="主菜单").get_by_role("link", name="信访件", exact=True).click()
    expect(room.locator("#counts")).to_contain_text("符合条件的信访件 1 件")
    expect(room.locator("#counts")).to_contain_text("补录 1 件")
    row = room.locator(f"#petition-{petition.pk}")
    expect(row).to_contain_text("白沙镇纪委")
    expect(row).to_contain_text("逾期")  # the notice was due on 10-23
    row.get_by_role("link", name=petition.number).click()
    expect(room.locator("dl.facts")).to_contain_text("（仅承办人可见）")  # the room is not this item's handler
