"""End to end in Chromium (the league profile, seed 002): a branch's secretary records a member's dues in cash and
remits the collection to the school's committee (keeping the branch's 留存比例); the committee's 团干部 confirms
receipt after the confirmation dialog."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fenji.core.access import policy
from fenji.core.access.roles import BUILTIN_ROLES
from fenji.core.org.services import unit_create
from fenji.core.people.identity import check_char
from fenji.modules.league import kinds, services
from fenji.modules.league.models import Organisation, Remittance
from fenji.testing import make_account

from .test_league_transfer_and_dues import login

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


@pytest.fixture(autouse=True)
def league_profile(settings):
    settings.FENJI_PROFILE = "league"
    settings.FENJI_LEAGUE_DUES_RULES = "seed"


def test_a_branch_collects_in_cash_and_remits_and_the_parent_confirms(live_server, new_page, screenshot):
    school = unit_create(actor=policy.SYSTEM, parent=None, name="第十三中学团委", kind=kinds.COMMITTEE, code="LY-R")
    branch = unit_create(actor=policy.SYSTEM, parent=school, name="高一（1）班团支部", kind=kinds.BRANCH, code="LY-R-1")
    today = timezone.localdate()
    Organisation.objects.create(unit=branch, unit_path=branch.path, approved_on=today, entry_due=today,
                                retention_pct=Decimal(10))
    secretary = make_account(branch, name="团支部书记", role=BUILTIN_ROLES["league_branch_secretary"])
    cadre = make_account(school, name="学校团委书记", role=BUILTIN_ROLES["league_cadre"])
    first17 = "44010420000301031"
    member = services.member_register(actor=policy.SYSTEM, branch=branch, real_name="陈思彤",
                                      id_number=first17 + check_char(first17), mobile="13700007777",
                                      join_date=datetime.date(2015, 5, 4), join_place="第十三中学", income="4000")
    services.bills_generate(actor=policy.SYSTEM, unit=school, month=today)  # 4000 × 1% = 40.00

    page = new_page()
    login(page, secretary)
    page.goto(f"/league/members/{member.pk}/")
    page.get_by_label("缴纳方式").select_option(label="向支部现金缴纳")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已登记缴纳 1 个月团费")
    page.goto("/league/remittances/")
    expect(page.locator("#backlog")).to_contain_text("40.00")
    page.get_by_label("上缴单位").select_option(label="高一（1）班团支部")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="上缴", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已上缴 36.00 元")  # 10% kept by the branch
    expect(page.locator("#remit-state")).to_contain_text("待接收单位确认")

    page = new_page()
    login(page, cadre)
    page.goto("/league/remittances/")
    page.get_by_role("link", name="高一（1）班团支部").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="确认收到").click()
    expect(page.locator(".messages")).to_contain_text("已确认收到")
    expect(page.locator("#remit-state")).to_contain_text("已确认")
    screenshot(page, "league-remittance")
    remittance = Remittance.objects.unscoped(reason="test").get()
    assert (remittance.state, remittance.amount, remittance.to_unit_id) == ("confirmed", Decimal("36.00"), school.pk)
