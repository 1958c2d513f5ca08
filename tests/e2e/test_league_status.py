"""End to end in Chromium (the league profile, seed 002): the daily check proposes 满28离团 for a member who has
turned 28; the district's 团干部 reviews the case from the list and approves it; the member is 离团 and the record
stays."""

import datetime

import pytest
from playwright.sync_api import expect

from fenji.core.access import policy
from fenji.core.access.roles import BUILTIN_ROLES
from fenji.core.org.services import unit_create
from fenji.core.people.identity import check_char
from fenji.modules.league import kinds, services, status
from fenji.modules.league.models import Member
from fenji.testing import make_account

from .test_league_transfer_and_dues import login

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


@pytest.fixture(autouse=True)
def league_profile(settings):
    settings.FENJI_PROFILE = "league"


def test_the_district_approves_a_member_leaving_at_28(live_server, new_page, screenshot):
    county = unit_create(actor=policy.SYSTEM, parent=None, name="越秀区团委", kind=kinds.COUNTY, code="LY-S")
    branch = unit_create(actor=policy.SYSTEM, parent=county, name="都府社区团支部", kind=kinds.BRANCH, code="LY-S-1")
    cadre = make_account(county, name="团区委干部", role=BUILTIN_ROLES["league_cadre"])
    first17 = "44010419950301021"
    member = services.member_register(actor=policy.SYSTEM, branch=branch, real_name="梁嘉明",
                                      id_number=first17 + check_char(first17), mobile="13700008888",
                                      join_date=datetime.date(2010, 5, 4), join_place="第十三中学")
    assert status.status_proposals_due() == "1 status cases"

    page = new_page()
    login(page, cadre)
    page.goto("/league/status/")
    page.get_by_role("link", name="梁嘉明").click()
    expect(page.locator("dl.facts")).to_contain_text("满28周岁离团")
    page.get_by_label("批准", exact=True).check()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="提交").click()
    expect(page.locator(".messages")).to_contain_text("已审核")
    page.goto(f"/league/members/{member.pk}/")
    expect(page.locator("main")).to_contain_text("已批准")
    screenshot(page, "league-status-age")
    member = Member.objects.unscoped(reason="test").get(pk=member.pk)
    assert member.status == "left"
