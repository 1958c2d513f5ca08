"""通知公告, 活动 and 意见反馈: a unit's staff and its members, on the console and on the phone."""

import datetime
import re

import pytest
from django.utils import timezone

from fenji.core.access.roles import DEPT_HEAD, STAFF, SYSTEM_ADMIN
from fenji.core.community import services
from fenji.core.community.models import Activity, Feedback, FeedbackState, FeedbackTopic
from fenji.core.kernel.errors import AccessDenied, DomainError, NotVisible
from fenji.core.notify.models import Message
from fenji.core.web import nav
from fenji.testing import actor, make_account, sign_in


def phone_of(account):
    from django.test import Client

    return sign_in(Client(), account, path="/m/login/")


@pytest.fixture
def town(tree):
    class Town:
        head = make_account(tree.town, name="街道主任", role=DEPT_HEAD)
        clerk = make_account(tree.town, name="街道干事", role=STAFF)
        member = make_account(tree.town, kind="member", name="团员甲")
        elder = make_account(tree.town, kind="elder", name="老同志乙")
        other = make_account(tree.other_town, kind="member", name="梅园团员")
    return Town


def activity(town, tree, *, unit=None, capacity=None, subtree=False):
    now = timezone.now()
    return services.activity_create(actor=actor(town.head), unit=unit or tree.town, title="重阳节登山",
                                    starts_at=now + datetime.timedelta(days=3), place="紫金山",
                                    signup_until=now + datetime.timedelta(days=2), capacity=capacity,
                                    include_subtree=subtree)


def test_a_notice_reaches_the_members_and_elders_of_the_unit_and_they_read_it_on_the_phone(tree, town, login):
    page = login(town.head).post("/community/notices/", {"title": "停水通知", "body": "明日停水"}).content.decode()
    assert "将发送给 2 名成员" in page  # the consequence first
    notice = services.notice_send(actor=actor(town.head), unit=tree.town, title="停水通知", body="明日 8 时至 12 时停水")
    assert notice.recipient_count == 2
    assert set(Message.objects.filter(kind="community.notice").values_list("recipient_id", flat=True)) == {
        town.member.pk, town.elder.pk}
    phone = phone_of(town.member)
    assert "停水通知" in phone.get("/m/notices/").content.decode()
    assert "明日 8 时至 12 时停水" in phone.get(f"/m/notices/{notice.pk}/").content.decode()
    assert Message.objects.get(recipient=town.member, kind="community.notice").read_at is not None
    assert phone_of(town.other).get(f"/m/notices/{notice.pk}/").status_code == 404  # not addressed to them


def test_members_sign_up_within_capacity_and_before_the_deadline(tree, town):
    offered = activity(town, tree, capacity=1)
    services.activity_signup(actor=actor(town.member), activity=offered, join=True)
    with pytest.raises(DomainError, match="名额已满"):
        services.activity_signup(actor=actor(town.elder), activity=offered, join=True)
    services.activity_signup(actor=actor(town.member), activity=offered, join=False)
    assert services.activity_signup(actor=actor(town.elder), activity=offered, join=True).signup_count == 1
    Activity.objects.unscoped(reason="test").filter(pk=offered.pk).update(
        signup_until=timezone.now() - datetime.timedelta(minutes=1))
    with pytest.raises(DomainError, match="报名已截止"):
        services.activity_signup(actor=actor(town.member), activity=offered, join=True)
    with pytest.raises(NotVisible):  # not offered to the other town
        services.activity_signup(actor=actor(town.other), activity=offered, join=True)


def test_an_activity_of_the_county_offered_to_its_subtree_reaches_the_town(tree, town):
    county_head = make_account(tree.county, name="区主任", role=DEPT_HEAD)
    now = timezone.now()
    offered = services.activity_create(actor=actor(county_head), unit=tree.county, title="全区志愿服务",
                                       starts_at=now + datetime.timedelta(days=3), place="广场",
                                       signup_until=now + datetime.timedelta(days=1), include_subtree=True)
    assert services.activity_signup(actor=actor(town.other), activity=offered, join=True).signup_count == 1


def test_feedback_goes_to_the_unit_is_answered_and_the_answer_shows_on_the_phone(tree, town, login):
    phone = phone_of(town.member)
    phone.post("/m/feedback/", {"content": "希望增加周末活动"})
    item = Feedback.objects.unscoped(reason="test").get()
    assert item.unit_id == tree.town.pk and item.state == FeedbackState.OPEN and item.due_at > timezone.now()
    [todo] = [t for t in nav.todos_for(actor(town.clerk)) if t.kind == "community.feedback"]
    assert "希望增加周末活动" in todo.title
    with pytest.raises(AccessDenied):
        services.feedback_answer(actor=actor(make_account(tree.sibling_city, role=STAFF)), feedback=item, answer="越权")
    login(town.clerk).post(f"/community/feedback/{item.pk}/", {"answer": "下月起每周六开放"})
    page = phone.get("/m/feedback/").content.decode()
    assert "下月起每周六开放" in page
    assert Message.objects.filter(recipient=town.member, kind="community.feedback").exists()


@pytest.mark.parametrize("kind", ["member", "elder"])
def test_every_tile_of_the_mobile_home_works(tree, kind):
    person = make_account(tree.town, kind=kind, name="瓦片测试")
    client = phone_of(person)
    home = client.get("/m/").content.decode()
    assert not re.search(r'<span class="m-tile"', home), "a tile that is not a link"
    links = re.findall(r'<a class="m-tile" href="([^"]+)"', home)
    assert {"/m/notices/", "/m/activities/", "/m/feedback/", "/m/todos/", "/m/password/"} <= set(links)
    for link in links:
        response = client.get(link)
        assert response.status_code == 200 and "<h1>" in response.content.decode(), link


def test_the_phone_lists_page_with_a_total_instead_of_stopping(tree, town):
    for n in range(23):
        services.notice_send(actor=actor(town.head), unit=tree.town, title=f"第{n:02d}号通知", body="内容")
    phone = phone_of(town.member)
    first = phone.get("/m/notices/").content.decode()
    assert first.count("号通知</a>") == 20 and "第22号通知" in first and "共 23" in first
    second = phone.get("/m/notices/", {"page": "2"}).content.decode()
    assert second.count("号通知</a>") == 3 and "第00号通知" in second


def test_an_opinion_about_the_system_goes_to_the_unit_administrator_who_passes_it_up(tree, town, login):
    town_admin = make_account(tree.town, name="街道系统管理员", role=SYSTEM_ADMIN)
    county_admin = make_account(tree.county, name="区系统管理员", role=SYSTEM_ADMIN)
    staff = login(town.clerk)
    assert "提意见建议" in staff.get("/").content.decode()  # every console user may write one
    staff.post("/community/opinions/mine/", {"content": "导出按钮希望放到列表上方"})
    item = Feedback.objects.unscoped(reason="test").get(topic=FeedbackTopic.SYSTEM)
    assert item.unit_id == tree.town.pk
    assert [t.kind for t in nav.todos_for(actor(town_admin))] == ["community.opinion"]
    assert not [t for t in nav.todos_for(actor(town.head)) if t.kind == "community.opinion"]  # not the unit's staff
    with pytest.raises(DomainError, match="转呈说明"):
        services.feedback_pass_up(actor=actor(town_admin), feedback=item, note="")

    login(town_admin).post(f"/community/opinions/{item.pk}/", {"op": "pass_up", "note": "涉及全区统一配置"})
    item.refresh_from_db()
    assert item.unit_id == tree.county.pk and len(item.hops) == 1 and item.hops[0]["to"] == "玄武区"
    assert Message.objects.filter(recipient=town.clerk, title="您的意见建议已转呈上级").exists()
    assert [t.kind for t in nav.todos_for(actor(county_admin))] == ["community.opinion"]
    with pytest.raises(AccessDenied):  # it stands above the town now
        services.feedback_answer(actor=actor(town_admin), feedback=item, answer="本级答复")

    county = login(county_admin)
    page = county.get(f"/community/opinions/{item.pk}/").content.decode()
    assert "涉及全区统一配置" in page and "街道系统管理员" in page
    county.post(f"/community/opinions/{item.pk}/", {"answer": "下一版本调整"})
    mine = login(town.clerk).get("/community/opinions/mine/").content.decode()
    assert "下一版本调整" in mine and "玄武区" in mine


def test_only_opinions_about_the_system_pass_up_and_never_beyond_the_top(tree, town):
    member_feedback = services.feedback_submit(actor=actor(town.member), content="活动太少")
    town_admin = make_account(tree.town, name="街道系统管理员", role=SYSTEM_ADMIN)
    with pytest.raises(DomainError, match="只有对本系统的意见建议"):
        services.feedback_pass_up(actor=actor(town_admin), feedback=member_feedback, note="转上级")
    top_admin = make_account(tree.province, name="省系统管理员", role=SYSTEM_ADMIN)
    at_top = services.feedback_submit(actor=actor(top_admin), content="希望有夜间模式", topic=FeedbackTopic.SYSTEM)
    with pytest.raises(DomainError, match="已是最上级单位"):
        services.feedback_pass_up(actor=actor(top_admin), feedback=at_top, note="转上级")


def test_the_phone_shows_an_activity_and_the_unit_exports_its_sign_ups(tree, town, login):
    from io import BytesIO

    from openpyxl import load_workbook

    from fenji.core.audit.models import AuditEvent

    item = activity(town, tree, capacity=5)
    phone = phone_of(town.member)
    detail = phone.get(f"/m/activities/{item.pk}/").content.decode()
    assert "紫金山" in detail and "0/5" in detail
    after = phone.post(f"/m/activities/{item.pk}/signup/", follow=True).content.decode()
    assert "已报名" in after and "1/5" in after
    assert phone_of(town.other).get(f"/m/activities/{item.pk}/").status_code == 404  # not offered to them

    response = login(town.head).get(f"/community/activities/{item.pk}/", {"format": "xlsx"})
    rows = list(load_workbook(BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("序号", "姓名", "类型", "单位") and rows[1][1] == "团员甲" and rows[1][3] == "新街口街道"
    assert AuditEvent.objects.filter(action="community.activity.export", actor_id=town.head.pk).exists()


def test_an_activity_cannot_end_before_it_starts(tree, town):
    now = timezone.now()
    with pytest.raises(DomainError, match="结束时间应晚于开始时间"):
        services.activity_create(actor=actor(town.head), unit=tree.town, title="夜跑", place="玄武湖",
                                 starts_at=now + datetime.timedelta(days=3), ends_at=now + datetime.timedelta(days=2),
                                 signup_until=now + datetime.timedelta(days=1))
