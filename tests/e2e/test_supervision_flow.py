"""End to end in Chromium: 南京市 plans an inspection of two counties, samples 玄武区's accounts (10%, rounded
up), marks one record wrong and one correct and issues the 整改通知; 玄武区's clerk finds the rectification on
the to-do list, answers it; the city accepts it, and 玄武区's information accuracy shows the result (50%).
"""

import re

import pytest
from playwright.sync_api import expect

from fenji.core.access import policy
from fenji.core.access.roles import DEPT_HEAD, STAFF
from fenji.core.org.models import UnitKind
from fenji.core.org.services import unit_create
from fenji.core.supervision.models import Finding, FindingState
from fenji.testing import PASSWORD, make_account

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def console_login(page, account):
    page.goto("/login/")
    page.get_by_label("手机号码").fill(account.mobile)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_the_city_inspects_samples_and_accepts_the_countys_rectification(live_server, new_page, tree, screenshot):
    county_b = unit_create(actor=policy.SYSTEM, parent=tree.city, name="秦淮区", kind=UnitKind.COUNTY, code="320104")
    head = make_account(tree.city, name="市检查组长", role=DEPT_HEAD)
    clerk = make_account(tree.county, name="玄武科员", role=STAFF)
    for n in range(3):
        make_account(tree.town, name=f"街道干事{n}", role=STAFF)  # 玄武区's subtree: 4 accounts, half is 2
    make_account(county_b, name="秦淮科员", role=STAFF)

    # --- the city plans the inspection of both counties -------------------------------------------
    page = new_page()
    console_login(page, head)
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="监督检查", exact=True).click()
    page.get_by_role("link", name="新建检查").click()
    page.get_by_label("检查名称").fill("2026年度系统应用检查")
    page.get_by_label("玄武区").check()
    page.get_by_label("秦淮区").check()
    page.get_by_role("button", name="制定检查计划").click()
    expect(page.locator(".messages")).to_contain_text("已制定检查计划")
    expect(page.get_by_role("region", name="秦淮区")).to_be_visible()

    # --- it samples 玄武区's accounts and checks the drawn records ---------------------------------
    page.get_by_label("被抽查单位").select_option(label="玄武区")
    page.get_by_label("抽查比例（%）").fill("50")
    page.get_by_role("button", name="抽取样本").click()
    expect(page.locator(".messages")).to_contain_text("已抽取 2 条记录")
    expect(page.locator("#progress")).to_contain_text("已核查 0/2 条")
    records = page.locator("section.sample-item")
    first = records.nth(0)
    first.get_by_label("有误").check()
    first.get_by_label("核查说明").fill("身份证号码与证件不符")
    first.get_by_role("button", name="保存核查结果").click()
    expect(page.locator("#progress")).to_contain_text("已核查 1/2 条，有误 1 条")
    page.locator("section.sample-item").nth(1).get_by_label("准确").check()
    page.locator("section.sample-item").nth(1).get_by_role("button", name="保存核查结果").click()
    expect(page.locator("#progress")).to_contain_text("已核查 2/2 条，有误 1 条")
    screenshot(page, "supervision-sample")
    page.get_by_role("link", name="返回检查").click()
    # the confirmation is bound by a deferred script: a submit before the page has loaded skips it
    page.wait_for_load_state("load")

    # --- the rectification notice goes to 玄武区 ---------------------------------------------------
    county_section = page.get_by_role("region", name="玄武区")
    expect(county_section.locator(".accuracy")).to_have_text("50.0%")
    page.once("dialog", lambda dialog: dialog.accept())
    county_section.get_by_role("button", name=re.compile("下发整改通知")).click()
    expect(page.locator(".messages")).to_contain_text("已下发整改通知")
    finding = Finding.objects.unscoped(reason="test").get()
    assert finding.state == FindingState.ISSUED and finding.unit_id == tree.county.pk

    # --- 玄武区's clerk answers it from the to-do list ---------------------------------------------
    county = new_page()
    console_login(county, clerk)
    county.get_by_role("link", name=re.compile("抽查：账号信息")).first.click()
    county.get_by_label("整改措施和结果").fill("已核对本人身份证并更正系统信息")
    county.get_by_role("button", name="提交整改情况").click()
    expect(county.locator(".messages")).to_contain_text("等待检查单位验收")

    # --- the city accepts, and the county's accuracy stands at 50% ---------------------------------
    page.goto(f"/supervision/rectifications/{finding.pk}/")
    expect(page.locator("#measures")).to_contain_text("已核对本人身份证")
    page.get_by_label("验收通过").check()
    page.get_by_role("button", name="提交验收结论").click()
    expect(page.locator(".messages")).to_contain_text("已保存验收结论")
    assert Finding.objects.unscoped(reason="test").get().state == FindingState.ACCEPTED
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="信息准确性").click()
    row = page.locator("#accuracy tr", has_text="玄武区")
    expect(row).to_contain_text("50.0%")
    screenshot(page, "supervision-accuracy")
