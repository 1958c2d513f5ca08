"""End to end in Chromium: a town's clerk drafts a post in a public column and sends it for review; 初审, 复审
and 终审 each approve it on the post's page; it then appears on the public page without login. A post sent
back at 初审 returns to its drafter as a draft with the reviewer's opinion."""

import pytest
from playwright.sync_api import expect

from fenji.core.access.roles import DEPT_HEAD, STAFF, UNIT_LEADER
from fenji.core.publish import services
from fenji.core.publish.models import Post
from fenji.testing import PASSWORD, actor, make_account

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

TITLE = "新街口街道开展冬季义诊活动"


def console_login(page, account):
    page.goto("/login/")
    page.get_by_label("手机号码").fill(account.mobile)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def draft_and_submit(page, title):
    page.goto("/publish/posts/")
    page.get_by_role("link", name="撰写稿件").click()
    page.get_by_label("标题").fill(title)
    page.get_by_label("正文").fill("本周六上午九时在社区服务中心开展义诊，欢迎居民参加。")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator("#post-state")).to_have_text("草稿")
    page.get_by_role("button", name="送审").click()
    expect(page.locator("#post-state")).to_have_text("审核中")
    return Post.objects.unscoped(reason="test").get(title=title)


def review(new_page, account, post, *, approve=True, opinion="同意"):
    page = new_page()
    console_login(page, account)
    page.goto(f"/publish/posts/{post.pk}/")
    page.get_by_label("同意" if approve else "退回修改").check()
    page.get_by_label("审核意见").fill(opinion)
    page.get_by_role("button", name="提交").click()
    expect(page).to_have_url(f"{page.url.split('/publish/')[0]}/publish/posts/")
    page.context.close()


def test_a_post_passes_three_reviews_and_appears_on_the_public_page(live_server, new_page, tree, screenshot):
    clerk = make_account(tree.town, name="信息员", role=STAFF)
    first = make_account(tree.town, name="初审科员", role=STAFF)
    head = make_account(tree.town, name="科长", role=DEPT_HEAD)
    leader = make_account(tree.town, name="分管领导", role=UNIT_LEADER)
    column = services.column_create(actor=actor(head), unit=tree.town, name="街道动态", kind="news", public=True)
    services.column_managers_set(actor=actor(head), column=column, accounts=[clerk])

    page = new_page()
    console_login(page, clerk)
    post = draft_and_submit(page, TITLE)
    screenshot(page, "publish-submitted")

    anonymous = new_page(mobile=True)
    anonymous.goto("/public/")
    expect(anonymous.get_by_role("heading", name="街道动态")).to_be_visible()
    expect(anonymous.get_by_text(TITLE)).to_have_count(0)  # not before the last review

    for reviewer in (first, head, leader):
        review(new_page, reviewer, post)

    # The public page may be cached for 60 s (Cache-Control: public): refreshing asks the server again.
    anonymous.goto("/public/")
    anonymous.reload()
    anonymous.get_by_role("link", name=TITLE).click()
    expect(anonymous.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(anonymous.get_by_text("本周六上午九时")).to_be_visible()
    screenshot(anonymous, "publish-public")

    page.goto(f"/publish/posts/{post.pk}/")
    expect(page.locator("#post-state")).to_have_text("已发布")
    expect(page.locator("#approvals")).to_contain_text("终审")


def test_a_rejected_post_returns_to_its_drafter_with_the_opinion(live_server, new_page, tree):
    clerk = make_account(tree.town, name="信息员", role=STAFF)
    first = make_account(tree.town, name="初审科员", role=STAFF)
    head = make_account(tree.town, name="科长", role=DEPT_HEAD)
    column = services.column_create(actor=actor(head), unit=tree.town, name="街道动态", public=True)
    services.column_managers_set(actor=actor(head), column=column, accounts=[clerk])

    page = new_page()
    console_login(page, clerk)
    post = draft_and_submit(page, "待退回的稿件")
    review(new_page, first, post, approve=False, opinion="活动时间请与卫生院核实")
    page.goto(f"/publish/posts/{post.pk}/")
    expect(page.locator("#post-state")).to_have_text("草稿")
    expect(page.locator("#rejection")).to_contain_text("活动时间请与卫生院核实")
