"""End to end in Chromium (the league profile, seed 002): a branch's secretary drafts and publishes an activity; the
member finds it on the phone and signs up; once it began the secretary records it held and who attended, writes the
summary with a photo and closes it after the confirmation dialog."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fenji.core.access import policy
from fenji.core.access.roles import BUILTIN_ROLES
from fenji.core.org.services import unit_create
from fenji.core.people.identity import check_char
from fenji.modules.league import kinds, services
from fenji.modules.league.content import sample_photo
from fenji.modules.league.models import Activity
from fenji.testing import PASSWORD, make_account

from .test_league_transfer_and_dues import login

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


@pytest.fixture(autouse=True)
def league_profile(settings):
    settings.FENJI_PROFILE = "league"


def test_a_branch_publishes_the_member_signs_up_and_the_branch_closes_with_a_photo(live_server, new_page, screenshot):
    branch = unit_create(actor=policy.SYSTEM, parent=None, name="高一（1）班团支部", kind=kinds.BRANCH, code="LY-A")
    secretary = make_account(branch, name="团支部书记", role=BUILTIN_ROLES["league_branch_secretary"])
    first17 = "44010420080301041"
    member = services.member_register(actor=policy.SYSTEM, branch=branch, real_name="周子涵",
                                      id_number=first17 + check_char(first17), mobile="13700007788",
                                      join_date=datetime.date(2023, 5, 4), join_place="第十三中学",
                                      development_no="202300000041", student=True)
    account = member.person.account
    account.set_password(PASSWORD)
    account.must_change_password = False
    account.save()
    start = timezone.localtime() + datetime.timedelta(days=2)

    page = new_page()
    login(page, secretary)
    page.goto("/league/activities/")
    page.get_by_role("link", name="新建活动").click()
    page.get_by_label("发布组织").select_option(label="高一（1）班团支部")
    page.get_by_label("活动主题").fill("五四主题团日")
    page.get_by_label("开始时间").fill(f"{start:%Y-%m-%dT%H:%M}")
    page.get_by_label("结束时间").fill(f"{start + datetime.timedelta(hours=2):%Y-%m-%dT%H:%M}")
    page.locator("#id_place").fill("学校报告厅")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".messages")).to_contain_text("已保存草稿")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#publish").get_by_role("button", name="发布").click()
    expect(page.locator("#activity-state")).to_contain_text("已发布")

    phone = new_page(mobile=True)
    login(phone, account, "/m/login/")
    expect(phone.locator("body")).to_contain_text("待报名的团组织活动")
    phone.get_by_role("link", name="团组织活动", exact=True).click()
    phone.get_by_role("button", name="报名").click()
    expect(phone.get_by_role("status")).to_contain_text("报名成功")

    activity = Activity.objects.unscoped(reason="test").get()
    Activity.objects.unscoped(reason="test: it began").filter(pk=activity.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=1))
    page.reload()
    expect(page.locator("#activity-counts")).to_contain_text("报名 1 人")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="活动已举行").click()
    page.locator("#attendance").get_by_label("参加").check()
    page.get_by_role("button", name="保存参加人员").click()
    expect(page.locator("#activity-counts")).to_contain_text("参加 1 人")
    expect(page.locator("#close-reason")).to_contain_text("活动总结")
    page.get_by_label("活动总结").fill("重温入团誓词，团员交流学习体会。")
    page.get_by_label("活动照片").set_input_files(
        files=[{"name": "合影.png", "mimeType": "image/png", "buffer": sample_photo()}])
    page.get_by_role("button", name="保存总结").click()
    expect(page.locator("#activity-photos")).to_contain_text("合影.png")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#close").get_by_role("button", name="结项").click()
    expect(page.locator("#activity-state")).to_contain_text("已结项")
    screenshot(page, "league-activity")
