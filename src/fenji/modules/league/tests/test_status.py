"""League status (团籍, design/domain/league.md §2d): the periodic check proposes 满28离团 (not for cadres in office)
and 自行脱团 after six unpaid months in a row; the member asks for 自愿退团; a member who left is restored; each
change waits for review and the record is never deleted."""

import datetime

import pytest
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.access.roles import BUILTIN_ROLES
from fenji.core.kernel.errors import DomainError
from fenji.core.org.services import unit_create
from fenji.modules.league import kinds, orgs, services, status
from fenji.modules.league.models import DuesBill, Member, Organisation, StatusCase
from fenji.testing import PASSWORD, actor, make_account

from .test_members_and_dues import _id


@pytest.fixture(autouse=True)
def league_profile(settings):
    settings.FENJI_PROFILE = "league"


@pytest.fixture
def w(db):
    class World:
        county = unit_create(actor=policy.SYSTEM, parent=None, name="越秀区团委", kind=kinds.COUNTY, code="LY-T")
    World.branch = unit_create(actor=policy.SYSTEM, parent=World.county, name="盐运西社区团支部", kind=kinds.BRANCH)
    World.cadre = make_account(World.county, name="团区委干部", role=BUILTIN_ROLES["league_cadre"])
    c = actor(World.cadre)

    def member(n, birth):
        return services.member_register(actor=c, branch=World.branch, real_name=f"团员{n}", mobile=f"1370000{n:04d}",
                                        id_number=_id(birth, n), join_date=datetime.date(2018, 5, 4), join_place="x",
                                        development_no=f"2018{n:08d}")

    World.old, World.old_cadre = member(1, "19970301"), member(2, "19960301")
    World.lapsing, World.five = member(3, "20030301"), member(4, "20030301")
    org = Organisation.objects.create(unit=World.branch, unit_path=World.branch.path,
                                           approved_on=datetime.date(2018, 1, 2), entry_due=datetime.date(2018, 2, 9))
    orgs.cadre_add(actor=c, org=org, name="团员2", position="secretary", nature="part",
                   since=datetime.date(2024, 1, 1), member=World.old_cadre)
    month = timezone.localdate().replace(day=1)
    for _ in range(6):  # six months of bills, the latest this month
        services.bills_generate(actor=c, unit=World.county, month=month)
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    for m, months in ((World.old, 6), (World.old_cadre, 6), (World.five, 1)):  # the oldest months first
        services.dues_pay(actor=c, member=m, months=months, channel="cash")
    return World


def test_the_periodic_check_proposes_and_review_decides(w):
    assert status.unpaid_streak(w.lapsing) == 6 and status.unpaid_streak(w.five) == 5
    assert status.status_proposals_due() == "2 status cases"
    cases = {c.member_id: c for c in StatusCase.objects.unscoped(reason="test").all()}
    assert cases.keys() == {w.old.pk, w.lapsing.pk}  # the cadre in office and five unpaid months are spared
    assert cases[w.old.pk].kind == "age" and cases[w.lapsing.pk].kind == "lapsed"
    assert status.status_proposals_due() == "0 status cases"  # an open case is not proposed twice
    w.old.refresh_from_db()
    assert w.old.status == "normal"  # nothing changes before the review
    c = actor(w.cadre)
    with pytest.raises(DomainError, match="未满 28 周岁"):
        status.status_propose(actor=c, member=w.five, kind="age")
    with pytest.raises(DomainError, match="任职期间保留团籍"):
        status.status_propose(actor=c, member=w.old_cadre, kind="age")
    with pytest.raises(DomainError, match="已有待审核"):
        status.status_propose(actor=c, member=w.old, kind="withdraw", reason="本人书面申请")
    with pytest.raises(DomainError, match="审核意见"):  # turning a case down needs its reason
        status.status_decide(actor=c, case=cases[w.lapsing.pk], approve=False)
    status.status_decide(actor=c, case=cases[w.lapsing.pk], approve=False, note="已补交，参加了组织生活")
    status.status_decide(actor=c, case=cases[w.old.pk], approve=True)
    w.old.refresh_from_db()
    assert w.old.status == "left" and Member.objects.unscoped(reason="test").filter(pk=w.old.pk).exists()
    assert services.bills_generate(actor=c, unit=w.county, month=timezone.localdate()) == 0  # none owed after
    restore = status.status_propose(actor=c, member=w.old, kind="restore", reason="经核实仍担任团干部")
    status.status_decide(actor=c, case=restore, approve=True)
    w.old.refresh_from_db()
    assert w.old.status == "normal"
    # the member asks to leave on their own (自愿退团); the organisation reviews
    own = status.status_propose(actor=actor(w.five.person.account), member=w.five, kind="withdraw",
                                reason="本人书面申请")
    status.status_decide(actor=c, case=own, approve=True)
    w.five.refresh_from_db()
    assert w.five.status == "withdrawn" and DuesBill.objects.unscoped(reason="test").filter(member=w.five).exists()


def test_the_pages_and_api(w, client, login):
    case = status.status_propose(actor=actor(w.cadre), member=w.lapsing, kind="lapsed")
    login(w.cadre)
    assert "团员3" in client.get("/league/status/").content.decode()
    assert "连续未交团费" in client.get(f"/league/status/{case.pk}/").content.decode()
    assert client.post(f"/league/status/{case.pk}/", {"decision": "approve"}).status_code == 302
    w.lapsing.refresh_from_db()
    assert w.lapsing.status == "lapsed"
    response = client.post(f"/league/members/{w.old.pk}/status/", {"kind": "age"})
    assert response.status_code == 302
    body = client.get("/api/v1/league/status-cases").json()
    assert body["total"] == 1 and body["items"][0]["kind"] == "age"
    pk = body["items"][0]["id"]
    assert client.post(f"/api/v1/league/status-cases/{pk}/decision", {"approve": False},
                       content_type="application/json").status_code == 400  # no reason given
    outsider = make_account(unit_create(actor=policy.SYSTEM, parent=None, name="别处团委", kind=kinds.COUNTY),
                            name="别处干部", role=BUILTIN_ROLES["league_cadre"])
    client.logout()
    login(outsider)
    assert client.get(f"/league/status/{pk}/").status_code == 404
    assert client.post(f"/api/v1/league/status-cases/{pk}/decision", {"approve": True},
                       content_type="application/json").status_code == 404
    assert client.post(f"/api/v1/league/members/{w.old.pk}/status-cases", {"kind": "withdraw", "reason": "x"},
                       content_type="application/json").status_code == 404
    client.logout()  # the member asks on the phone (自愿退团)
    account = w.five.person.account
    account.set_password(PASSWORD)
    account.must_change_password = False
    account.save()
    assert client.post("/m/login/", {"mobile": account.mobile, "password": PASSWORD}).status_code == 302
    assert client.post("/m/league/me/", {"op": "withdraw", "withdraw-reason": "本人书面申请"}).status_code == 302
    assert StatusCase.objects.unscoped(reason="test").get(member=w.five).kind == "withdraw"
    assert "自愿退团 · 待审" in client.get("/m/league/me/").content.decode()
