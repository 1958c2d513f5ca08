"""End to end in Chromium (the league profile, seed 002): a member of a school branch changes a non-key field on the
phone and the branch secretary approves it within its deadline; the member then applies on the
phone to transfer to a community branch in another district; the school's branch secretary approves, then the
receiving secretary; the member's next dues bill belongs to the new branch, where the secretary records a cash
payment."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fenji.core.access import policy
from fenji.core.access.roles import BUILTIN_ROLES
from fenji.core.org.services import unit_create
from fenji.core.people.identity import check_char
from fenji.modules.league import kinds, services
from fenji.modules.league.models import DuesBill, Member, MemberEdit
from fenji.testing import PASSWORD, make_account

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]
SECRETARY = BUILTIN_ROLES["league_branch_secretary"]


@pytest.fixture(autouse=True)
def league_profile(settings):
    settings.FENJI_PROFILE = "league"


def login(page, account, path="/login/"):
    page.goto(path)
    page.get_by_label("手机号码").fill(account.mobile)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_a_member_moves_to_another_district_and_pays_there(live_server, new_page, screenshot):
    city = unit_create(actor=policy.SYSTEM, parent=None, name="广州市团委", kind=kinds.CITY, code="LY-E")
    yuexiu = unit_create(actor=policy.SYSTEM, parent=city, name="越秀区团委", kind=kinds.COUNTY, code="LY-E1")
    school = unit_create(actor=policy.SYSTEM, parent=yuexiu, name="高一（1）班团支部", kind=kinds.BRANCH, code="LY-E1-G1")
    tianhe = unit_create(actor=policy.SYSTEM, parent=city, name="天河区团委", kind=kinds.COUNTY, code="LY-E2")
    community = unit_create(actor=policy.SYSTEM, parent=tianhe, name="石牌东社区团支部", kind=kinds.BRANCH,
                            code="LY-E2-SP1")
    sender = make_account(school, name="高一（1）班支部书记", role=SECRETARY)
    receiver = make_account(community, name="石牌东支部书记", role=SECRETARY)
    first17 = "44010420080301011"
    member = services.member_register(actor=policy.SYSTEM, branch=school, real_name="周子涵",
                                      id_number=first17 + check_char(first17), mobile="13700007777",
                                      join_date=datetime.date(2023, 5, 4), join_place="第十三中学",
                                      development_no="202300000011", student=True)
    account = member.person.account
    account.set_password(PASSWORD)
    account.must_change_password = False
    account.save()

    # --- the member changes a non-key field, then applies for the transfer, on the phone ----------------
    phone = new_page(mobile=True)
    login(phone, account, "/m/login/")
    phone.get_by_role("link", name="我的信息").click()
    phone.get_by_label("工作单位或学校").fill("广州市第十三中学高中部")
    phone.get_by_role("button", name="提交修改").click()
    expect(phone.get_by_role("status")).to_contain_text("已提交，团支部审核后生效")
    expect(phone.locator(".m-card").filter(has_text="修改待审")).to_be_visible()
    phone.goto("/m/")
    phone.get_by_role("link", name="组织关系转接").click()
    phone.get_by_label("转入团支部代码").fill("LY-E2-SP1")
    phone.get_by_label("转接原因").select_option(label="就业、工作调动")
    phone.get_by_role("button", name="提交申请").click()
    expect(phone.get_by_role("status")).to_contain_text("已提交转接申请")
    expect(phone.locator(".m-card").filter(has_text="石牌东社区团支部")).to_contain_text("转出团支部待审")

    # --- the sending secretary approves the edit, within its five working days ---------------------------
    page = new_page()
    login(page, sender)
    page.goto("/league/edits/")
    page.locator("#edits").get_by_role("link", name="周子涵").click()
    expect(page.locator("table.list")).to_contain_text("广州市第十三中学高中部")
    page.get_by_label("审核").select_option(label="同意修改")
    page.get_by_role("button", name="确定").click()
    expect(page.locator(".messages")).to_contain_text("已审核")
    edit = MemberEdit.objects.unscoped(reason="test").get(member=member)
    assert edit.due_on >= timezone.localdate() and edit.get_state_display() == "已生效"
    member.refresh_from_db()
    assert member.work_unit == "广州市第十三中学高中部"

    # --- the sending secretary, then the receiving one, approve the transfer ----------------------------
    for secretary in (sender, receiver):
        if secretary is receiver:
            page = new_page()
            login(page, secretary)
        page.goto("/league/transfers/")
        page.get_by_role("link", name="周子涵").click()
        page.get_by_role("button", name="审核通过").click()
        expect(page.locator(".messages")).to_contain_text("已审核通过")
    expect(page.locator("dl.facts")).to_contain_text("接转成功")
    member.refresh_from_db()
    assert member.unit_id == community.pk

    # --- the next bill is the new branch's; its secretary records the cash ----------------------------------
    services.bills_generate(actor=policy.SYSTEM, unit=tianhe, month=timezone.localdate())
    bill = DuesBill.objects.unscoped(reason="test").get(member=member)
    assert bill.unit_id == community.pk
    page.goto(f"/league/members/{member.pk}/")
    page.get_by_label("缴纳方式").select_option(label="向支部现金缴纳")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已登记缴纳 1 个月团费")
    expect(page.locator(f"#bill-{bill.pk}")).to_contain_text("已缴")
    screenshot(page, "league-transfer-and-dues")
    assert Member.objects.unscoped(reason="test").get(pk=member.pk).unit_id == community.pk
