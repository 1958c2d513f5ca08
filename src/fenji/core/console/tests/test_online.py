from django.test import Client

from fenji.core.access.roles import SECURITY_ADMIN
from fenji.core.audit.models import AuditEvent
from fenji.testing import PASSWORD, make_account


def signed_in_member(tree):
    member = make_account(tree.town, kind="member", name="在线会员")
    client = Client()
    client.post("/m/login/", {"mobile": member.mobile, "password": PASSWORD})
    assert client.get("/m/").status_code == 200
    return member, client


def test_the_security_administrator_sees_who_is_online_in_scope_and_signs_one_out(tree, login):
    member, member_client = signed_in_member(tree)
    security = make_account(tree.province, name="保密员", role=SECURITY_ADMIN)
    admin = login(security)
    page = admin.get("/security/online/").content.decode()
    assert "在线会员" in page and "新街口街道" in page

    assert admin.post(f"/security/online/{member.pk}/sign-out/", {"reason": " "}).status_code == 200  # the form again
    assert member_client.get("/m/").status_code == 200  # nothing happened
    confirm = admin.get(f"/security/online/{member.pk}/sign-out/").content.decode()
    assert "将结束 在线会员（新街口街道）的全部登录会话" in confirm
    response = admin.post(f"/security/online/{member.pk}/sign-out/", {"reason": "手机丢失"})
    assert response.status_code == 302
    assert member_client.get("/m/")["Location"].startswith("/m/login/")  # signed out
    event = AuditEvent.objects.get(action="people.session.sign_out")
    assert event.actor_id == security.pk and event.target_id == str(member.pk) and event.details["reason"] == "手机丢失"
    after = admin.get("/security/online/").content.decode()
    assert "已强制 在线会员 下线" in after and "在线会员" not in after.split('id="online"', 1)[1]


def test_out_of_scope_is_not_listed_and_answers_like_missing(tree, login):
    member, member_client = signed_in_member(tree)
    other = make_account(tree.sibling_city, name="苏州保密员", role=SECURITY_ADMIN)
    admin = login(other)
    assert "在线会员" not in admin.get("/security/online/").content.decode()
    assert admin.post(f"/security/online/{member.pk}/sign-out/", {"reason": "试探"}).status_code == 404
    assert member_client.get("/m/").status_code == 200
    assert not AuditEvent.objects.filter(action="people.session.sign_out").exists()


def test_others_cannot_open_the_page(tree, city_admin, login):
    assert login(city_admin).get("/security/online/").status_code == 403
