"""Columns, posts reviewed level by level before publishing, and where the published posts appear."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.access.roles import DEPT_HEAD, SECURITY_ADMIN, STAFF, UNIT_LEADER
from fenji.core.audit.models import AuditEvent
from fenji.core.kernel.errors import AccessDenied, DomainError, NotVisible
from fenji.core.notify.models import Message
from fenji.core.publish import selectors, services
from fenji.core.publish.models import Approval, ColumnOwnership, Post, PostState
from fenji.core.web import nav
from fenji.testing import actor, make_account, sign_in

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


@pytest.fixture
def office(tree):
    class Office:
        clerk = make_account(tree.town, name="信息员", role=STAFF)
        colleague = make_account(tree.town, name="科员", role=STAFF)
        head = make_account(tree.town, name="科长", role=DEPT_HEAD)
        leader = make_account(tree.town, name="分管领导", role=UNIT_LEADER)
        other_head = make_account(tree.other_town, name="梅园科长", role=DEPT_HEAD)
    column = services.column_create(actor=actor(Office.head), unit=tree.town, name="街道动态", kind="news", public=True)
    services.column_managers_set(actor=actor(Office.head), column=column, accounts=[Office.clerk])
    Office.column = column
    return Office


def draft(office, *, title="社区义诊通知", body="本周六上午在社区服务中心开展义诊。", **kwargs):
    return services.post_save(actor=actor(office.clerk), column=office.column, title=title, body=body, **kwargs)


def through_review(office, post):
    post = services.post_submit(actor=actor(office.clerk), post=post)
    for reviewer in (office.colleague, office.head, office.leader):
        post = services.post_review(actor=actor(reviewer), post=post, approve=True, opinion="同意")
    return post


def test_a_post_is_published_only_after_every_level(tree, office):
    post = services.post_submit(actor=actor(office.clerk), post=draft(office))
    assert (post.state, post.level) == (PostState.REVIEWING, 1)
    post = services.post_review(actor=actor(office.colleague), post=post, approve=True)
    assert (post.state, post.level) == (PostState.REVIEWING, 2)
    with pytest.raises(AccessDenied):  # a staff member holds no 复审
        services.post_review(actor=actor(make_account(tree.town, role=STAFF)), post=post, approve=True)
    post = services.post_review(actor=actor(office.head), post=post, approve=True)
    assert not selectors.post_list_published(column=office.column).exists()
    post = services.post_review(actor=actor(office.leader), post=post, approve=True, opinion="同意发布")
    assert post.state == PostState.PUBLISHED and post.published_at is not None
    assert [(a.level_name, a.reviewer_id) for a in Approval.objects.filter(post=post)] == [
        ("初审", office.colleague.pk), ("复审", office.head.pk), ("终审", office.leader.pk)]
    assert AuditEvent.objects.filter(action="publish.post.publish", target_id=str(post.pk)).count() == 1


def test_nobody_reviews_their_own_post_nor_two_levels(tree, office):
    services.column_managers_set(actor=actor(office.head), column=office.column, accounts=[office.clerk, office.head])
    post = services.post_save(actor=actor(office.head), column=office.column, title="科长的稿件", body="正文")
    post = services.post_submit(actor=actor(office.head), post=post)
    post = services.post_review(actor=actor(office.colleague), post=post, approve=True)
    with pytest.raises(AccessDenied, match="不能审核自己撰写的稿件"):
        services.post_review(actor=actor(office.head), post=post, approve=True)
    other = services.post_submit(actor=actor(office.clerk), post=draft(office))
    services.post_review(actor=actor(office.head), post=other, approve=True)  # 初审 by the head
    with pytest.raises(AccessDenied, match="不同人员"):
        services.post_review(actor=actor(office.head), post=other, approve=True)  # and 复审 again: refused
    assert AuditEvent.objects.filter(action="publish.post.review_first", outcome="denied").count() == 0
    assert AuditEvent.objects.filter(outcome="denied", details__rule="reviewer_is_drafter").exists()


def test_a_rejection_returns_the_draft_with_the_opinion(tree, office, login):
    post = services.post_submit(actor=actor(office.clerk), post=draft(office))
    post = services.post_review(actor=actor(office.colleague), post=post, approve=True)
    with pytest.raises(DomainError, match="请填写审核意见"):
        services.post_review(actor=actor(office.head), post=post, approve=False, opinion="")
    post = services.post_review(actor=actor(office.head), post=post, approve=False, opinion="时间写错了")
    assert (post.state, post.level, post.opinion) == (PostState.DRAFT, 0, "时间写错了")
    assert Message.objects.filter(recipient=office.clerk, kind="publish.rejected").exists()
    assert "时间写错了" in login(office.clerk).get(f"/publish/posts/{post.pk}/").content.decode()
    post = services.post_save(actor=actor(office.clerk), column=office.column, post=post, title=post.title,
                              body="本周日上午开展义诊。")
    post = services.post_submit(actor=actor(office.clerk), post=post)
    assert (post.round, post.level) == (2, 1)  # a new round starts at the first level again
    assert Approval.objects.filter(post=post).count() == 2  # every decision kept


def test_sensitive_words_are_refused_before_review_with_the_hits(tree, office):
    security = make_account(tree.province, name="保密员", role=SECURITY_ADMIN)
    services.word_add(actor=actor(security), word="内部资料")
    with pytest.raises(AccessDenied):  # the list is the platform's: kept at the top
        services.word_add(actor=actor(make_account(tree.city, name="市保密员", role=SECURITY_ADMIN)), word="x")
    post = draft(office, body="附件为内部资料，请勿外传")
    with pytest.raises(DomainError, match="敏感词：内部资料"):
        services.post_submit(actor=actor(office.clerk), post=post)
    assert Post.objects.unscoped(reason="test").get(pk=post.pk).state == PostState.DRAFT
    with pytest.raises(DomainError, match="个人信息"):
        services.post_submit(actor=actor(office.clerk), post=draft(office, body="联系人手机 13912345678"))


def test_a_classified_post_is_refused_outright(tree, office):
    with pytest.raises(DomainError, match="涉密信息一律不得上网发布"):
        draft(office, classified=True)
    assert not Post.objects.unscoped(reason="test").exists()


def test_only_the_columns_managers_draft_in_it(tree, office):
    with pytest.raises(AccessDenied, match="不是栏目“街道动态”的管理员"):
        services.post_save(actor=actor(office.colleague), column=office.column, title="越权", body="正文")


def test_scheduled_posts_are_published_by_the_periodic_job(tree, office):
    later = timezone.now() + datetime.timedelta(hours=2)
    post = through_review(office, draft(office, publish_at=later))
    assert post.state == PostState.SCHEDULED
    assert services.post_publish_due() == 0
    Post.objects.unscoped(reason="test").filter(pk=post.pk).update(publish_at=timezone.now() - datetime.timedelta(minutes=1))
    assert services.post_publish_due() == 1
    post.refresh_from_db()
    assert post.state == PostState.PUBLISHED and selectors.post_list_published(column=office.column).count() == 1


def test_withdrawal_needs_a_reason_and_is_audited(tree, office):
    post = through_review(office, draft(office))
    with pytest.raises(DomainError):
        services.post_withdraw(actor=actor(office.head), post=post, reason="")
    with pytest.raises(AccessDenied):
        services.post_withdraw(actor=actor(office.other_head), post=post, reason="越权撤回")
    post = services.post_withdraw(actor=actor(office.head), post=post, reason="活动取消")
    assert post.state == PostState.WITHDRAWN
    event = AuditEvent.objects.get(action="publish.post.withdraw", outcome="ok")
    assert event.details["reason"] == "活动取消"
    with pytest.raises(NotVisible):
        selectors.post_get_public(pk=post.pk)


def test_columns_merge_and_change_owner_with_history(tree, office):
    news = services.column_create(actor=actor(office.head), unit=tree.town, name="社区新闻")
    services.column_managers_set(actor=actor(office.head), column=news, accounts=[office.clerk])
    post = services.post_save(actor=actor(office.clerk), column=news, title="旧栏目稿件", body="正文")
    services.column_merge(actor=actor(office.head), column=news, into=office.column)
    news.refresh_from_db()
    assert news.closed_at is not None and news.merged_into_id == office.column.pk
    assert Post.objects.unscoped(reason="test").get(pk=post.pk).column_id == office.column.pk
    county_leader = make_account(tree.county, name="区领导", role=UNIT_LEADER)
    with pytest.raises(AccessDenied):  # the town's head cannot hand it to the county
        services.column_reassign(actor=actor(office.head), column=office.column, unit=tree.county)
    services.column_reassign(actor=actor(county_leader), column=office.column, unit=tree.other_town)
    history = list(ColumnOwnership.objects.filter(column=office.column).values_list("unit_id", "until"))
    assert [u for u, _ in history] == [tree.town.pk, tree.other_town.pk] and history[0][1] and history[1][1] is None
    other_clerk = make_account(tree.other_town, name="梅园信息员", role=STAFF)
    services.column_managers_set(actor=actor(county_leader), column=office.column, accounts=[other_clerk])
    newer = services.post_save(actor=actor(other_clerk), column=office.column, title="新稿件", body="正文")
    assert newer.unit_id == tree.other_town.pk  # new posts belong to the new owner
    assert Post.objects.unscoped(reason="test").get(pk=post.pk).unit_id == tree.town.pk  # old ones keep theirs


def test_another_units_manager_cannot_reach_the_column_or_post(tree, office, login):
    post = services.post_submit(actor=actor(office.clerk), post=draft(office))
    client = login(office.other_head)
    assert client.get(f"/publish/columns/{office.column.pk}/").status_code == 404
    assert client.get(f"/publish/posts/{post.pk}/").status_code == 404
    assert client.post(f"/publish/posts/{post.pk}/", {"op": "review", "decision": "approve"}).status_code == 404
    assert client.get(f"/publish/posts/{post.pk}/approvals.pdf").status_code == 404
    with pytest.raises(AccessDenied):
        services.column_update(actor=actor(office.other_head), column=office.column, name="改名", kind="news",
                               public=True)
    with pytest.raises(AccessDenied):
        services.post_review(actor=actor(office.other_head), post=post, approve=True)
    mine = draft(office)
    assert client.get(f"/publish/posts/{mine.pk}/edit/").status_code == 404
    colleague = login(office.colleague)
    assert colleague.get(f"/publish/posts/{mine.pk}/").status_code == 404  # a draft is its drafter's
    assert colleague.get(f"/publish/posts/{mine.pk}/edit/").status_code == 404
    assert login(office.clerk).get(f"/publish/posts/{mine.pk}/edit/").status_code == 200


def test_the_review_is_on_the_reviewers_todo_list_and_done_on_the_page(tree, office, login):
    post = services.post_submit(actor=actor(office.clerk), post=draft(office))
    [todo] = [t for t in nav.todos_for(actor(office.colleague)) if t.kind == "publish.review"]
    assert todo.url == f"/publish/posts/{post.pk}/"
    assert not [t for t in nav.todos_for(actor(office.leader)) if t.kind == "publish.review"]  # not its level yet
    client = login(office.colleague)
    assert client.post(f"/publish/posts/{post.pk}/", {"op": "review", "decision": "approve", "opinion": "可"}
                       ).status_code == 302
    post.refresh_from_db()
    assert post.level == 2


def test_the_console_pages_draft_upload_and_submit(tree, office, login, settings):
    client = login(office.clerk)
    assert client.get("/publish/posts/").status_code == 200
    response = client.post("/publish/posts/new/", {
        "column": office.column.pk, "title": "图片新闻", "body": "正文",
        "files": SimpleUploadedFile("photo.png", PNG, content_type="image/png")})
    assert response.status_code == 302, response.content.decode()[:2000]
    post = Post.objects.unscoped(reason="test").get(title="图片新闻")
    assert [a.original_name for a in selectors.post_attachments(post)] == ["photo.png"]
    bad = client.post("/publish/posts/new/", {"column": office.column.pk, "title": "伪装", "body": "正文",
                                              "files": SimpleUploadedFile("x.png", b"<script>alert(1)</script>")})
    assert bad.status_code == 400 and not Post.objects.unscoped(reason="test").filter(title="伪装").exists()
    refused = client.post("/publish/posts/new/", {"column": office.column.pk, "title": "涉密", "body": "正文",
                                                  "classified": "on"})
    assert "涉密信息一律不得上网发布" in refused.content.decode()
    client.post(f"/publish/posts/{post.pk}/", {"op": "submit"})
    post.refresh_from_db()
    assert post.state == PostState.REVIEWING
    head = login(office.head)
    assert head.get("/publish/columns/").status_code == 200
    made = head.post("/publish/columns/", {"name": "通知公告", "kind": "notice", "unit": tree.town.pk,
                                           "parent": office.column.pk})
    assert made.status_code == 302
    head.post("/publish/columns/", {"name": "越权", "kind": "notice", "unit": tree.county.pk})  # not a choice offered
    assert sorted(c.name for c in selectors.column_list(actor=actor(office.head))) == ["街道动态", "通知公告"]
    assert head.get(f"/publish/columns/{office.column.pk}/").status_code == 200
    assert head.post(f"/publish/columns/{office.column.pk}/", {"op": "update", "name": "街道要闻", "kind": "news",
                                                               "public": "on"}).status_code == 302
    office.column.refresh_from_db()
    assert office.column.name == "街道要闻"


def test_the_approval_sheet_prints(tree, office, login):
    pytest.importorskip("weasyprint")
    post = through_review(office, draft(office))
    response = login(office.head).get(f"/publish/posts/{post.pk}/approvals.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(action="publish.approval.export").count() == 1


PHONE_OR_ID = re.compile(r"(?<!\d)(1[3-9]\d{9}|\d{17}[\dXx])(?![\dXx])")


def test_the_public_pages_show_only_public_published_posts_and_no_personal_data(tree, office):
    published = through_review(office, draft(office))
    pending = services.post_submit(actor=actor(office.clerk), post=draft(office, title="审核中的稿件"))
    inner = services.column_create(actor=actor(office.head), unit=tree.town, name="内部栏目")
    services.column_managers_set(actor=actor(office.head), column=inner, accounts=[office.clerk])
    hidden = through_review(office, services.post_save(actor=actor(office.clerk), column=inner, title="仅登录可见",
                                                       body="正文"))
    anonymous = Client()
    pages = {"/public/": 200, f"/public/columns/{office.column.pk}/": 200, f"/public/posts/{published.pk}/": 200,
             f"/public/posts/{pending.pk}/": 404, f"/public/posts/{hidden.pk}/": 404,
             f"/public/columns/{inner.pk}/": 404}
    seen = ""
    for path, status in pages.items():
        response = anonymous.get(path)
        assert response.status_code == status, path
        if status == 200:
            assert "public" in response["Cache-Control"] and "max-age" in response["Cache-Control"]
            assert not response.cookies  # nothing personal: no session, no CSRF cookie
            seen += response.content.decode()
    assert "社区义诊通知" in seen and "审核中的稿件" not in seen and "仅登录可见" not in seen
    people = [office.clerk, office.colleague, office.head, office.leader]
    for account in people:
        assert account.mobile not in seen and account.person.real_name not in seen
    assert not PHONE_OR_ID.search(re.sub(r"<[^>]+>", " ", seen)), "a phone or ID number on a public page"


def test_signed_in_accounts_read_their_columns_on_the_phone(tree, office):
    published = through_review(office, draft(office))
    inner = services.column_create(actor=actor(office.head), unit=tree.town, name="内部栏目")
    member = make_account(tree.town, kind="member", name="居民甲")
    outsider = make_account(tree.other_town, kind="member", name="居民乙")
    phone = sign_in(Client(), member, path="/m/login/")
    assert "内部栏目" in phone.get("/m/columns/").content.decode()
    assert "社区义诊通知" in phone.get(f"/m/columns/{office.column.pk}/").content.decode()
    assert phone.get(f"/m/posts/{published.pk}/").status_code == 200
    other = sign_in(Client(), outsider, path="/m/login/")
    assert "内部栏目" not in other.get("/m/columns/").content.decode()
    assert other.get(f"/m/columns/{inner.pk}/").status_code == 404
    assert other.get(f"/m/posts/{published.pk}/").status_code == 200  # a public column's post


def test_levels_are_configurable_per_column(tree, office):
    services.column_levels_set(actor=actor(office.head), column=office.column,
                               levels=[("审核", "publish.post.review_second")])
    post = services.post_submit(actor=actor(office.clerk), post=draft(office))
    post = services.post_review(actor=actor(office.head), post=post, approve=True)
    assert post.state == PostState.PUBLISHED
    with pytest.raises(DomainError, match="至少一级"):
        services.column_levels_set(actor=actor(office.head), column=office.column, levels=[])


def test_the_system_publishes_as_itself(tree, office):
    assert services.post_publish_due() == 0 and policy.SYSTEM.account_id is None


def test_attachments_are_served_through_their_post(tree, office, login):
    post = services.post_save(actor=actor(office.clerk), column=office.column, title="图片新闻", body="正文",
                              uploads=[SimpleUploadedFile("photo.png", PNG)])
    [attachment] = selectors.post_attachments(post)
    own = login(office.clerk)
    assert own.get(f"/publish/posts/{post.pk}/files/{attachment.pk}/").status_code == 200
    assert own.get(f"/publish/posts/{post.pk}/files/{attachment.pk + 1}/").status_code == 404
    assert Client().get(f"/public/posts/{post.pk}/files/{attachment.pk}/").status_code == 404  # not yet published
    post = through_review(office, post)
    assert login(office.other_head).get(f"/publish/posts/{post.pk}/files/{attachment.pk}/").status_code == 404
    public = Client().get(f"/public/posts/{post.pk}/files/{attachment.pk}/")
    assert public.status_code == 200 and b"".join(public.streaming_content) == PNG
    member = sign_in(Client(), make_account(tree.other_town, kind="member"), path="/m/login/")
    assert member.get(f"/m/posts/{post.pk}/files/{attachment.pk}/").status_code == 200
    inner = services.column_create(actor=actor(office.head), unit=tree.town, name="内部栏目")
    services.column_merge(actor=actor(office.head), column=office.column, into=inner)  # no longer public
    assert Client().get(f"/public/posts/{post.pk}/files/{attachment.pk}/").status_code == 404
    assert member.get(f"/m/posts/{post.pk}/files/{attachment.pk}/").status_code == 404


def test_only_a_top_level_security_administrator_removes_a_word(tree, login):
    top = make_account(tree.province, name="省保密员", role=SECURITY_ADMIN)
    word = services.word_add(actor=actor(top), word="绝密")
    city = login(make_account(tree.city, name="市保密员", role=SECURITY_ADMIN))
    assert city.post(f"/publish/words/{word.pk}/remove/").status_code == 403
    top_client = login(top)
    assert top_client.post(f"/publish/words/{word.pk + 1}/remove/").status_code == 404
    assert top_client.post(f"/publish/words/{word.pk}/remove/").status_code == 302
    assert not selectors.word_list().exists()


def test_posts_over_the_api_within_scope(tree, office):
    from fenji.core.api import services as token_services

    def api(account):
        _, plain = token_services.token_create(actor=policy.SYSTEM, account=account, name="发布接口测试")
        return Client(headers={"Authorization": f"Bearer {plain}"})

    def post(client, path, body=None):
        return client.post(path, body or {}, content_type="application/json")

    clerk = api(office.clerk)
    paths = set(clerk.get("/api/openapi.json").json()["paths"])
    assert {"/api/v1/publish/columns", "/api/v1/publish/posts", "/api/v1/publish/posts/awaiting",
            "/api/v1/publish/posts/{id}", "/api/v1/publish/posts/{id}/submit", "/api/v1/publish/posts/{id}/review",
            "/api/v1/publish/posts/{id}/withdraw"} <= paths
    refused = post(clerk, "/api/v1/publish/posts", {"column_id": office.column.pk, "title": "涉密", "body": "x",
                                                    "classified": True})
    assert refused.status_code == 400 and "涉密" in refused.json()["error"]["message"]
    made = post(clerk, "/api/v1/publish/posts", {"column_id": office.column.pk, "title": "接口稿件", "body": "正文"})
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert post(clerk, f"/api/v1/publish/posts/{pk}/submit").json()["state"] == "reviewing"
    other = api(office.other_head)
    missing = other.get("/api/v1/publish/posts/999999")
    outside = other.get(f"/api/v1/publish/posts/{pk}")
    assert outside.status_code == missing.status_code == 404 and outside.json() == missing.json()
    for action in ("submit", "review", "withdraw"):
        assert post(other, f"/api/v1/publish/posts/{pk}/{action}", {"approve": True, "reason": "x"}).status_code == 404
    colleague = api(office.colleague)
    assert [p["id"] for p in colleague.get("/api/v1/publish/posts/awaiting").json()] == [pk]
    own = post(clerk, f"/api/v1/publish/posts/{pk}/review", {"approve": True})
    assert own.status_code == 403
    for reviewer in (colleague, api(office.head), api(office.leader)):
        assert post(reviewer, f"/api/v1/publish/posts/{pk}/review", {"approve": True}).status_code == 200
    detail = clerk.get(f"/api/v1/publish/posts/{pk}").json()
    assert detail["state"] == "published" and [a["level_name"] for a in detail["approvals"]] == ["初审", "复审", "终审"]
    assert [c["name"] for c in api(office.head).get("/api/v1/publish/columns").json()] == ["街道动态"]
    assert post(api(office.head), f"/api/v1/publish/posts/{pk}/withdraw", {"reason": "撤稿"}).json()["state"] == \
        "withdrawn"


def test_column_health_names_blank_and_stale_columns(tree, office, login):
    from fenji.core.publish.health import BLANK, OK, STALE, column_health

    fresh = through_review(office, draft(office))
    policy_column = services.column_create(actor=actor(office.head), unit=tree.town, name="政策文件", kind="policy")
    services.column_create(actor=actor(office.head), unit=tree.town, name="空白栏目")
    services.column_managers_set(actor=actor(office.head), column=policy_column, accounts=[office.clerk])
    old = through_review(office, services.post_save(actor=actor(office.clerk), column=policy_column, title="旧政策",
                                                    body="正文"))
    Post.objects.unscoped(reason="test").filter(pk=old.pk).update(
        published_at=timezone.now() - datetime.timedelta(days=200))
    status = {row.column.name: row.status for row in column_health(actor=actor(office.head))}
    assert status == {"街道动态": OK, "政策文件": STALE, "空白栏目": BLANK}
    assert fresh.published_at is not None
    assert column_health(actor=actor(office.other_head)) == []  # another town's columns are not its own
    client = login(office.head)
    page = client.get("/publish/health/").content.decode()
    assert "空白栏目 1 个，长期未更新 1 个，正常 1 个" in page
    workbook = client.get(f"/publish/health/?unit={tree.town.pk}&output=xlsx")
    assert workbook.status_code == 200 and workbook["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEvent.objects.filter(action="publish.health.export").count() == 1


def test_the_public_home_costs_the_same_queries_for_any_number_of_columns(tree, office):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    through_review(office, draft(office))

    def cost():
        with CaptureQueriesContext(connection) as queries:
            assert Client().get("/public/").status_code == 200
        return len(queries)

    before = cost()
    for n in range(3):
        column = services.column_create(actor=actor(office.head), unit=tree.town, name=f"公开栏目{n}", public=True)
        services.column_managers_set(actor=actor(office.head), column=column, accounts=[office.clerk])
        through_review(office, services.post_save(actor=actor(office.clerk), column=column, title=f"稿件{n}",
                                                  body="正文"))
    page = Client().get("/public/").content.decode()
    assert all(f"稿件{n}" in page for n in range(3))
    assert cost() == before
