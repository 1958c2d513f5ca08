"""League organisations (seed 002, design/domain/league.md §1 Organization and Cadre, §2e): a core unit of a League
kind with the League's record; the entry complete with the approval document, due 30 working days after the
approval; a revocation due 15 working days after the decision and only with no member left; both counted in 团组织建设
及时率; cadres per organisation."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from fenji.core.access import policy
from fenji.core.access.roles import BUILTIN_ROLES, SYSTEM_ADMIN
from fenji.core.calendar.workdays import add_working_days
from fenji.core.files.tests.samples import PDF
from fenji.core.kernel.errors import AccessDenied, DomainError
from fenji.core.notify.models import Message
from fenji.core.org.services import unit_create
from fenji.modules.league import kinds, orgs, oversight, reminders, selectors, services
from fenji.testing import actor, make_account

from .test_members_and_dues import _id

TZ = datetime.timezone(datetime.timedelta(hours=8))
MONDAY = datetime.datetime(2026, 3, 2, 10, tzinfo=TZ)


@pytest.fixture(autouse=True)
def league_profile(settings):
    settings.FENJI_PROFILE = "league"


@pytest.fixture
def w(db):
    with time_machine.travel(MONDAY, tick=False):
        class World:
            county = unit_create(actor=policy.SYSTEM, parent=None, name="越秀区团委", kind=kinds.COUNTY, code="LY-T")
        World.school = orgs.org_create(actor=policy.SYSTEM, parent=World.county, name="第十三中学团委",
                                           kind=kinds.COMMITTEE, approved_on=datetime.date(2026, 2, 2),
                                           approval_ref="穗越团〔2026〕1号", industry="school",
                                           approval_doc=SimpleUploadedFile("批复.pdf", PDF))
        World.admin = make_account(World.county, name="团区委系统管理员", role=SYSTEM_ADMIN)
        World.cadre = make_account(World.county, name="团区委干部", role=BUILTIN_ROLES["league_cadre"])
    return World


def branch(w, name="高一（1）班团支部", approved=datetime.date(2026, 2, 27), **kwargs):
    return orgs.org_create(actor=actor(w.admin), parent=w.school.unit, name=name, kind=kinds.BRANCH,
                               approved_on=approved, approval_ref="穗越团〔2026〕2号", **kwargs)


@time_machine.travel(MONDAY, tick=False)
def test_an_organisation_is_entered_and_its_approval_document_is_due(w):
    org = branch(w)
    assert org.unit.kind == kinds.BRANCH and org.unit.parent_id == w.school.unit_id  # a core unit of a League kind
    assert org.entry_due == add_working_days(datetime.date(2026, 2, 27), 30, provisional=True)
    assert org.entry_done_on is None  # entered without its approval document: not complete yet
    todos = selectors.org_todos(actor(w.cadre))
    assert [t.title for t in todos] == ["高一（1）班团支部"] and todos[0].label == "待上传成立批复的团组织"
    assert reminders.org_reminders(MONDAY) == 0  # the deadline is weeks away
    near = datetime.datetime.combine(org.entry_due, datetime.time(9), tzinfo=TZ)
    assert reminders.org_reminders(near) == 1 and reminders.org_reminders(near) == 0  # the cadre above, once
    assert Message.objects.get(recipient=w.cadre).link == f"/league/orgs/{org.pk}/"
    orgs.org_document_upload(actor=actor(w.cadre), org=org, upload=SimpleUploadedFile("批复.pdf", PDF))
    assert org.entry_done_on == MONDAY.date() and selectors.org_todos(actor(w.cadre)) == []
    with pytest.raises(DomainError, match="批准成立日期不能晚于今天"):
        branch(w, "明天的支部", approved=datetime.date(2026, 3, 3))
    with pytest.raises(DomainError, match="团组织类型"):
        orgs.org_create(actor=actor(w.admin), parent=w.county, name="科室", kind="department",
                            approved_on=datetime.date(2026, 2, 2), approval_ref="x")
    with pytest.raises(AccessDenied):  # the tree is the system administrator's: a 团干部 keeps the record
        orgs.org_create(actor=actor(w.cadre), parent=w.school.unit, name="越权支部", kind=kinds.BRANCH,
                            approved_on=datetime.date(2026, 2, 2), approval_ref="x")
    with pytest.raises(DomainError, match="只能编入团支部"):  # members belong to a 团支部 only
        services.member_register(actor=actor(w.cadre), branch=w.school.unit, real_name="团员", mobile="13700000001",
                                 id_number=_id("20080301", 1), join_date=datetime.date(2023, 5, 4), join_place="x",
                                 development_no="202300000001")
    cadre = orgs.cadre_add(actor=actor(w.cadre), org=org, name="周子涵", position="secretary", nature="part",
                               since=datetime.date(2026, 3, 1))
    orgs.cadre_end(actor=actor(w.cadre), cadre=cadre, until=datetime.date(2026, 3, 2))
    with pytest.raises(DomainError, match="已于 2026-03-02 离任"):
        orgs.cadre_end(actor=actor(w.cadre), cadre=cadre, until=datetime.date(2026, 3, 2))


def test_a_revocation_waits_for_the_members_and_its_deadline_is_counted(w):
    with time_machine.travel(MONDAY, tick=False):
        org = branch(w, approval_doc=SimpleUploadedFile("批复.pdf", PDF))
        m = services.member_register(actor=actor(w.cadre), branch=org.unit, real_name="团员", mobile="13700000001",
                                     id_number=_id("20080301", 1), join_date=datetime.date(2023, 5, 4),
                                     join_place="x", development_no="202300000001")
        with pytest.raises(DomainError, match="请先登记撤销决定"):
            orgs.org_revoke(actor=actor(w.admin), org=org)
        orgs.org_revoke_decide(actor=actor(w.cadre), org=org, decided_on=MONDAY.date(), reference="撤〔2026〕1号")
        assert org.revoke_due == add_working_days(MONDAY.date(), 15, provisional=True)
        assert "待办理撤销的团组织" in [t.label for t in selectors.org_todos(actor(w.cadre))]
        with pytest.raises(DomainError, match="还有 1 名团员"):
            orgs.org_revoke(actor=actor(w.admin), org=org)
        other = branch(w, "高一（2）班团支部", approval_doc=SimpleUploadedFile("批复.pdf", PDF))
        transfer = services.transfer_start(actor=actor(w.cadre), member=m, to_unit=other.unit, reason="school")
        services.transfer_approve(actor=actor(w.cadre), transfer=transfer)  # the member moves: the branch is empty
        with pytest.raises(AccessDenied):  # carried out with the tree's right
            orgs.org_revoke(actor=actor(w.cadre), org=org)
    late = branch(w, "迟录支部", approved=datetime.date(2026, 1, 5))  # the document never came
    with time_machine.travel(MONDAY + datetime.timedelta(days=10), tick=False):
        orgs.org_revoke(actor=actor(w.admin), org=org)
        assert not org.unit.is_active and org.revoked_on == datetime.date(2026, 3, 12)
        values = oversight._org_values([w.county], datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    # three entries and the revocation on time, the late branch's entry overdue
    assert late.entry_due < datetime.date(2026, 3, 12) and values[w.county.pk] == 4 / 5


@time_machine.travel(MONDAY, tick=False)
def test_the_pages_and_api(w, client, login):
    org = branch(w)
    login(w.cadre)
    page = client.get("/league/orgs/").content.decode()
    assert "高一（1）班团支部" in page and "待上传" in page and "录入新建团组织" not in page
    response = client.post(f"/league/orgs/{org.pk}/", {"op": "cadre", "cadre-name": "周子涵",
                                                        "cadre-position": "secretary", "cadre-nature": "part",
                                                        "cadre-since": "2026-03-01"})
    assert response.status_code == 302
    assert "周子涵" in client.get(f"/league/orgs/{org.pk}/").content.decode()
    response = client.post(f"/league/orgs/{org.pk}/", {"op": "document",
                                                        "doc-upload": SimpleUploadedFile("批复.pdf", PDF)})
    assert response.status_code == 302
    assert client.get("/league/orgs/?format=xlsx")["Content-Type"].startswith("application/vnd.openxmlformats")
    body = client.get("/api/v1/league/orgs").json()
    assert body["total"] == 2 and {o["name"] for o in body["items"]} == {"第十三中学团委", "高一（1）班团支部"}
    response = client.post(f"/api/v1/league/orgs/{org.pk}/revocation", {"decided_on": "2026-03-02", "reference": "撤1"},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["revoke_due"]
    client.logout()
    login(w.admin)
    response = client.post("/league/orgs/", {"parent": w.school.unit_id, "name": "高二（2）班团支部", "kind": kinds.BRANCH,
                                             "industry": "school", "approved_on": "2026-02-27",
                                             "approval_ref": "穗越团〔2026〕3号",
                                             "approval_doc": SimpleUploadedFile("批复.pdf", PDF)})
    assert response.status_code == 302
    assert client.post(f"/api/v1/league/orgs/{org.pk}/revoke").status_code == 200
    outsider = make_account(unit_create(actor=policy.SYSTEM, parent=None, name="别处团委", kind=kinds.COUNTY),
                            name="别处干部", role=BUILTIN_ROLES["league_cadre"])
    client.logout()
    login(outsider)
    assert client.get(f"/league/orgs/{org.pk}/").status_code == 404
    assert client.get(f"/api/v1/league/orgs/{org.pk}").status_code == 404
