"""成员服务 over the API: the unit's side within its scope, the member's side their own, 404 elsewhere."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.access.roles import DEPT_HEAD, STAFF, SYSTEM_ADMIN
from fenji.core.api import services as token_services
from fenji.core.community.models import Feedback
from fenji.testing import make_account, sign_in


def api(account) -> Client:
    """Staff call with a token; members and elders (no tokens) with their phone's session."""
    if account.mobile_only:
        return sign_in(Client(), account, path="/m/login/")
    _, plain = token_services.token_create(actor=policy.SYSTEM, account=account, name="成员服务接口测试")
    return Client(headers={"Authorization": f"Bearer {plain}"})


def post(client, path, body=None):
    return client.post(path, body or {}, content_type="application/json")


@pytest.fixture
def people(tree):
    class People:
        head = make_account(tree.town, name="街道主任", role=DEPT_HEAD)
        clerk = make_account(tree.town, name="街道干事", role=STAFF)
        member = make_account(tree.town, kind="member", name="团员甲")
        stranger = make_account(tree.other_town, kind="member", name="梅园团员")
        other_head = make_account(tree.other_town, name="梅园主任", role=DEPT_HEAD)
        admin = make_account(tree.town, name="街道系统管理员", role=SYSTEM_ADMIN)
    return People


def test_every_community_operation_is_in_the_openapi_schema(tree, people):
    paths = set(api(people.clerk).get("/api/openapi.json").json()["paths"])
    assert {"/api/v1/community/notices", "/api/v1/community/activities", "/api/v1/community/activities/{id}/signups",
            "/api/v1/community/feedback", "/api/v1/community/feedback/{id}/answer",
            "/api/v1/community/feedback/{id}/pass-up", "/api/v1/community/my/notices",
            "/api/v1/community/my/activities", "/api/v1/community/my/activities/{id}/signup",
            "/api/v1/community/my/feedback"} <= paths


def test_a_notice_and_an_activity_reach_the_member_who_signs_up(tree, people):
    head, member = api(people.head), api(people.member)
    sent = post(head, "/api/v1/community/notices", {"title": "停水通知", "body": "明日停水\n请储水"})
    assert sent.status_code == 201 and sent.json()["recipient_count"] == 1
    assert [n["title"] for n in member.get("/api/v1/community/my/notices").json()["items"]] == ["停水通知"]
    now = timezone.now()
    created = post(head, "/api/v1/community/activities", {
        "title": "重阳节登山", "place": "紫金山", "capacity": 1,
        "starts_at": (now + datetime.timedelta(days=3)).isoformat(),
        "signup_until": (now + datetime.timedelta(days=2)).isoformat()})
    assert created.status_code == 201, created.content
    activity_id = created.json()["id"]
    assert post(member, f"/api/v1/community/my/activities/{activity_id}/signup", {"join": True}).json()[
        "signup_count"] == 1
    full = post(api(make_account(tree.town, kind="member", name="团员乙")),
                f"/api/v1/community/my/activities/{activity_id}/signup", {"join": True})
    assert full.status_code == 400 and full.json()["error"]["message"] == "名额已满"
    assert [s["name"] for s in head.get(f"/api/v1/community/activities/{activity_id}/signups").json()] == ["团员甲"]
    # Elsewhere: not offered to the other town's member, not managed by the other town's head.
    assert post(api(people.stranger), f"/api/v1/community/my/activities/{activity_id}/signup").status_code == 404
    assert api(people.other_head).get(f"/api/v1/community/activities/{activity_id}/signups").status_code == 404
    assert api(people.member).get("/api/v1/community/notices").status_code == 403  # no grant for the unit's side


def test_feedback_is_answered_by_its_handlers_only_and_opinions_pass_up(tree, people):
    mine = post(api(people.member), "/api/v1/community/my/feedback", {"content": "希望增加周末活动"})
    assert mine.status_code == 201 and mine.json()["topic"] == "unit"
    feedback_id = mine.json()["id"]
    assert post(api(people.other_head), f"/api/v1/community/feedback/{feedback_id}/answer",
                {"answer": "越权"}).status_code == 404
    assert post(api(people.admin), f"/api/v1/community/feedback/{feedback_id}/pass-up",
                {"note": "转"}).status_code == 404  # a member's feedback is the unit's, not the administrator's
    answered = post(api(people.clerk), f"/api/v1/community/feedback/{feedback_id}/answer", {"answer": "下月起开放"})
    assert answered.status_code == 200 and answered.json()["state"] == "answered"
    assert api(people.member).get("/api/v1/community/my/feedback").json()["items"][0]["answer"] == "下月起开放"

    opinion = post(api(people.clerk), "/api/v1/community/my/feedback", {"topic": "system", "content": "希望有夜间模式"})
    opinion_id = opinion.json()["id"]
    assert api(people.admin).get("/api/v1/community/feedback", {"topic": "system"}).json()["total"] == 1
    passed = post(api(people.admin), f"/api/v1/community/feedback/{opinion_id}/pass-up", {"note": "全区统一"})
    assert passed.status_code == 200 and passed.json()["unit"] == "玄武区"
    assert Feedback.objects.unscoped(reason="test").get(pk=opinion_id).unit_id == tree.county.pk
    assert post(api(people.admin), f"/api/v1/community/feedback/{opinion_id}/answer",
                {"answer": "本级答复"}).status_code == 404  # it stands above the town now
