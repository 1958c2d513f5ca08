"""团组织活动 (seed 002; design/domain/league.md §2h): published to the invited members only (an invitation and an
in-app message each), signed up on the phone by them only and before the start, held, attendance counted, closed
only with a summary and at least one photo; organisers see their subtree's activities, nobody else's."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.access.roles import BUILTIN_ROLES
from fenji.core.kernel.errors import AccessDenied, DomainError, NotVisible
from fenji.core.notify.models import Message
from fenji.core.org.services import unit_create
from fenji.core.people.identity import check_char
from fenji.modules.league import activities, kinds, selectors, services
from fenji.modules.league.content import sample_photo
from fenji.modules.league.models import Activity, ActivityState, Invitation
from fenji.testing import PASSWORD, actor, make_account, shared_world

CADRE, SECRETARY = BUILTIN_ROLES["league_cadre"], BUILTIN_ROLES["league_branch_secretary"]


def _id(serial: int) -> str:
    first17 = f"44010420080302{serial:03d}"
    return first17 + check_char(first17)


class World:
    pass


def build():
    w = World()
    w.county = unit_create(actor=policy.SYSTEM, parent=None, name="越秀区团委", kind=kinds.COUNTY, code="AC-T")
    w.school = unit_create(actor=policy.SYSTEM, parent=w.county, name="第十三中学团委", kind=kinds.COMMITTEE,
                           code="AC-T-13Z")
    w.g1 = unit_create(actor=policy.SYSTEM, parent=w.school, name="高一（1）班团支部", kind=kinds.BRANCH, code="AC-T-G1")
    w.g2 = unit_create(actor=policy.SYSTEM, parent=w.school, name="高二（3）班团支部", kind=kinds.BRANCH, code="AC-T-G2")
    w.cadre = make_account(w.school, name="学校团委书记", role=CADRE)
    w.secretary = make_account(w.g1, name="团支部书记", role=SECRETARY)
    w.outsider = make_account(unit_create(actor=policy.SYSTEM, parent=None, name="别处团委", kind=kinds.COUNTY),
                              name="别处干部", role=CADRE)
    w.members = [services.member_register(
        actor=policy.SYSTEM, branch=branch, real_name=f"团员{n}", id_number=_id(n), mobile=f"1372222{n:04d}",
        join_date=datetime.date(2023, 5, 4), join_place="第十三中学", development_no=f"2023{n:08d}", student=True)
        for n, branch in ((1, w.g1), (2, w.g1), (3, w.g2))]
    for m in w.members:
        account = m.person.account
        account.set_password(PASSWORD)
        account.must_change_password = False
        account.save()
    return w


_world, w = shared_world(build, profile="league")


def _draft(w, *, by=None, unit=None, **extra):
    start = timezone.now() + datetime.timedelta(days=2)
    fields = {"theme": "五四主题团日", "starts_at": start, "ends_at": start + datetime.timedelta(hours=2),
              "place": "报告厅", "reach": "branches", "branches": [w.g1.pk], **extra}
    return activities.activity_create(actor=actor(by or w.cadre), unit=unit or w.school, **fields)


def _begin(activity):
    """The activity's start moved into the past (it began an hour ago)."""
    Activity.objects.unscoped(reason="test").filter(pk=activity.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=1))
    activity.refresh_from_db()
    return activity


def _member(w, n):
    return actor(w.members[n].person.account)


def _photo(name="合影.png"):
    return SimpleUploadedFile(name, sample_photo(), content_type="image/png")


def test_publishing_invites_and_messages_the_chosen_branches_members_only(w):
    with pytest.raises(DomainError, match="只能邀请“高一（1）班团支部”下属的团支部"):
        _draft(w, by=w.secretary, unit=w.g1, branches=[w.g2.pk])
    with pytest.raises(DomainError, match="开始时间应晚于现在"):
        _draft(w, starts_at=timezone.now() - datetime.timedelta(hours=1))
    activity = _draft(w)
    assert activity.state == ActivityState.DRAFT and not Invitation.objects.exists()
    with pytest.raises(AccessDenied):
        activities.activity_publish(actor=actor(w.secretary), activity=activity)  # the school's, above the branch
    activities.activity_publish(actor=actor(w.cadre), activity=activity)
    invited = {w.members[0].pk, w.members[1].pk}
    assert set(Invitation.objects.filter(activity=activity).values_list("member_id", flat=True)) == invited
    messaged = set(Message.objects.filter(kind=activities.ALERT_KIND).values_list("recipient_id", flat=True))
    assert messaged == {w.members[0].person.account.pk, w.members[1].person.account.pk}
    with pytest.raises(DomainError, match="不能再次发布"):
        activities.activity_publish(actor=actor(w.cadre), activity=activity)
    whole = _draft(w, by=w.secretary, unit=w.g1, reach="subtree", branches=[])  # the branch's own members
    assert activities.invitees(whole).count() == 2


def test_only_invited_members_sign_up_and_only_before_the_start(w):
    activity = activities.activity_publish(actor=actor(w.cadre), activity=_draft(w))
    with pytest.raises(NotVisible):  # 高二（3）班's member was not invited
        activities.activity_signup(actor=_member(w, 2), activity=activity)
    activities.activity_signup(actor=_member(w, 0), activity=activity)
    with pytest.raises(DomainError, match="您已报名"):
        activities.activity_signup(actor=_member(w, 0), activity=activity)
    activities.activity_signup(actor=_member(w, 1), activity=activity)
    activities.activity_signup_cancel(actor=_member(w, 1), activity=activity)
    assert selectors.activity_counts([activity.pk])[activity.pk] == {"invited": 2, "signed": 1, "attended": 0}
    assert [t.title for t in selectors.signup_todos(_member(w, 1))] == ["五四主题团日"]  # on the phone's home
    _begin(activity)
    with pytest.raises(DomainError, match="报名已截止"):
        activities.activity_signup(actor=_member(w, 1), activity=activity)
    with pytest.raises(DomainError, match="报名已截止"):
        activities.activity_signup_cancel(actor=_member(w, 0), activity=activity)
    assert selectors.signup_todos(_member(w, 1)) == []


def test_closing_needs_the_summary_and_a_photo_and_attendance_is_counted(w):
    activity = activities.activity_publish(actor=actor(w.cadre), activity=_draft(w))
    activities.activity_signup(actor=_member(w, 0), activity=activity)
    with pytest.raises(DomainError, match="尚未开始"):
        activities.activity_hold(actor=actor(w.cadre), activity=activity)
    activities.activity_hold(actor=actor(w.cadre), activity=_begin(activity))
    assert [t.label for t in selectors.activity_todos(actor(w.cadre))] == ["待总结结项的团组织活动"]
    with pytest.raises(NotVisible):  # a member who was not invited
        activities.attendance_record(actor=actor(w.cadre), activity=activity, members=[w.members[2].pk])
    activities.attendance_record(actor=actor(w.cadre), activity=activity, members=[w.members[0].pk])
    with pytest.raises(DomainError, match="尚缺：活动总结、至少一张活动照片"):
        activities.activity_close(actor=actor(w.cadre), activity=activity)
    with pytest.raises(DomainError, match="JPEG 或 PNG"):
        activities.activity_summary(actor=actor(w.cadre), activity=activity, summary="开展顺利",
                                    photos=[SimpleUploadedFile("记录.txt", "会议记录".encode())])
    activities.activity_summary(actor=actor(w.cadre), activity=activity, summary="开展顺利")
    with pytest.raises(DomainError, match="尚缺：至少一张活动照片"):
        activities.activity_close(actor=actor(w.cadre), activity=activity)
    activities.activity_summary(actor=actor(w.cadre), activity=activity, summary="开展顺利，团员收获很大",
                                photos=[_photo()])
    activities.activity_close(actor=actor(w.cadre), activity=activity)
    activity.refresh_from_db()
    assert activity.state == ActivityState.CLOSED and activities.photos_of(activity).count() == 1
    assert selectors.activity_counts([activity.pk])[activity.pk] == {"invited": 2, "signed": 1, "attended": 1}
    assert selectors.activity_todos(actor(w.cadre)) == []
    with pytest.raises(DomainError, match="已结项"):
        activities.attendance_record(actor=actor(w.cadre), activity=activity, members=[])


def test_the_pages_phone_and_api_keep_to_scope(w, client, login):
    login(w.cadre)
    start = timezone.localtime() + datetime.timedelta(days=2)
    response = client.post("/league/activities/new/", {
        "unit": w.school.pk, "theme": "团课：学习团章", "starts_at": f"{start:%Y-%m-%dT%H:%M}",
        "ends_at": f"{start + datetime.timedelta(hours=1):%Y-%m-%dT%H:%M}", "place": "三楼会议室", "content": "",
        "reach": "branches", "branches": [w.g1.pk]})
    assert response.status_code == 302
    activity = Activity.objects.unscoped(reason="test").get()
    page = client.get(f"/league/activities/{activity.pk}/").content.decode()
    assert 'id="publish"' in page and "发布后将向 2 名团员推送" in page
    assert client.post(f"/league/activities/{activity.pk}/", {"op": "publish"}).status_code == 302
    client.logout()
    account = w.members[0].person.account
    assert client.post("/m/login/", {"mobile": account.mobile, "password": PASSWORD}).status_code == 302
    home = client.get("/m/").content.decode()
    assert "待报名的团组织活动" in home
    # the League's activities are the phone's (the core's member-activities tile is hidden in this profile)
    assert 'href="/m/league/activities/"' in home and 'href="/m/activities/"' not in home
    assert "团课：学习团章" in client.get("/m/league/activities/").content.decode()
    assert client.post("/m/league/activities/", {"op": "signup", "activity": activity.pk}).status_code == 302
    assert client.get("/api/v1/league/my/activities").json()["items"][0]["signed_up_at"] is not None
    client.logout()
    login(w.cadre)
    listing = client.get("/league/activities/?q=团章").content.decode()
    assert "团课：学习团章" in listing and "共 1" in listing
    assert client.get("/league/activities/?format=xlsx")["Content-Type"].startswith("application/vnd.openxmlformats")
    body = client.get(f"/api/v1/league/activities/{activity.pk}").json()
    assert (body["state"], body["invited"], body["signed_up"]) == ("published", 2, 1)
    _begin(activity)
    assert client.post(f"/api/v1/league/activities/{activity.pk}/hold").status_code == 200
    assert client.post(f"/api/v1/league/activities/{activity.pk}/attendance", {"members": [w.members[0].pk]},
                       content_type="application/json").json()["attended"] == 1
    refused = client.post(f"/api/v1/league/activities/{activity.pk}/close")
    assert refused.status_code == 400 and "活动总结" in refused.json()["error"]["message"]
    assert client.post(f"/api/v1/league/activities/{activity.pk}/summary",
                       {"summary": "学习了团章第一章", "photos": [_photo()]}).json()["photos"] == 1
    photo = activities.photos_of(activity).get()
    assert client.get(f"/league/activities/{activity.pk}/photos/{photo.pk}/").status_code == 200
    assert client.post(f"/league/activities/{activity.pk}/", {"op": "close"}).status_code == 302
    assert client.get(f"/api/v1/league/activities/{activity.pk}").json()["state"] == "closed"
    late = client.post(f"/league/activities/{activity.pk}/", {"op": "summary", "summary": "补充"}, follow=True)
    assert "已结项，不能填写总结" in late.content.decode()  # an outdated page's form: the reason, nothing changed
    assert client.get("/api/v1/league/activities").json()["total"] == 1
    client.logout()
    login(w.outsider)  # another county
    assert client.get(f"/league/activities/{activity.pk}/").status_code == 404
    assert client.get(f"/league/activities/{activity.pk}/photos/{photo.pk}/").status_code == 404
    assert client.get(f"/api/v1/league/activities/{activity.pk}").status_code == 404
    assert client.post(f"/api/v1/league/activities/{activity.pk}/close").status_code == 404
    assert client.get("/api/v1/league/activities").json()["total"] == 0
    assert client.post(f"/api/v1/league/my/activities/{activity.pk}/signup").status_code == 404


def test_a_draft_is_edited_or_deleted_before_publishing_and_never_after(w, client, login):
    from fenji.core.audit.models import AuditEvent

    draft = _draft(w)
    later = timezone.now() + datetime.timedelta(days=5)
    with pytest.raises(AccessDenied):  # the school's draft, seen from the branch below
        activities.activity_update(actor=actor(w.secretary), activity=draft, theme="改", starts_at=later,
                                   ends_at=later + datetime.timedelta(hours=1), place="操场")
    with pytest.raises(DomainError, match="只能邀请"):  # the same checks as a new draft
        activities.activity_update(actor=actor(w.cadre), activity=draft, theme="改", starts_at=later,
                                   ends_at=later + datetime.timedelta(hours=1), place="操场", reach="branches",
                                   branches=[w.outsider.unit_id])
    activities.activity_update(actor=actor(w.cadre), activity=draft, theme="青年大学习", starts_at=later,
                               ends_at=later + datetime.timedelta(hours=1), place="操场", reach="branches",
                               branches=[w.g2.pk])
    assert [m.pk for m in activities.invitees(draft)] == [w.members[2].pk]
    changed = AuditEvent.objects.filter(action="league.activity.update").latest("id").details["changed"]
    assert changed["theme"] == ["五四主题团日", "青年大学习"] and changed["place"] == ["报告厅", "操场"]

    login(w.cadre)
    start = timezone.localtime() + datetime.timedelta(days=3)
    form = {"theme": "团课", "starts_at": f"{start:%Y-%m-%dT%H:%M}", "place": "三楼会议室", "reach": "subtree",
            "ends_at": f"{start + datetime.timedelta(hours=1):%Y-%m-%dT%H:%M}", "content": "第一课\n第二课"}
    assert "第十三中学团委（不可更改）" in client.get(f"/league/activities/{draft.pk}/edit/").content.decode()
    assert client.post(f"/league/activities/{draft.pk}/edit/", form).status_code == 302
    draft.refresh_from_db()
    assert (draft.theme, draft.reach, draft.content) == ("团课", "subtree", "第一课\n第二课")
    body = client.put(f"/api/v1/league/activities/{draft.pk}", {**form, "starts_at": later.isoformat(),
                      "ends_at": (later + datetime.timedelta(hours=2)).isoformat(), "theme": "团课（改期）"},
                      content_type="application/json")
    assert body.status_code == 200 and body.json()["theme"] == "团课（改期）"

    activities.activity_publish(actor=actor(w.cadre), activity=draft)
    refused = client.delete(f"/api/v1/league/activities/{draft.pk}")
    assert refused.status_code == 400 and "只有草稿可以删除" in refused.json()["error"]["message"]
    page = client.post(f"/league/activities/{draft.pk}/edit/", form, follow=True).content.decode()
    assert "活动已发布，不能修改" in page
    draft.refresh_from_db()
    assert draft.theme == "团课（改期）"

    other = _draft(w)
    assert 'id="activity-delete"' in client.get(f"/league/activities/{other.pk}/").content.decode()
    assert client.post(f"/league/activities/{other.pk}/", {"op": "delete"}).status_code == 302
    assert not Activity.objects.unscoped(reason="test").filter(pk=other.pk).exists()
    gone = _draft(w)
    client.logout()
    login(w.outsider)  # another county: the draft answers like a missing one, and stays
    assert client.delete(f"/api/v1/league/activities/{gone.pk}").status_code == 404
    assert client.get(f"/league/activities/{gone.pk}/edit/").status_code == 404
    client.logout()
    login(w.cadre)
    assert client.delete(f"/api/v1/league/activities/{gone.pk}").status_code == 204
    assert not Activity.objects.unscoped(reason="test").filter(pk=gone.pk).exists()
