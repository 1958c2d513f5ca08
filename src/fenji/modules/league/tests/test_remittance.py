"""团费上缴和使用 (seed 002; design/domain/league.md §3): a branch remits what it collected to its parent within 5
working days of the payment, each higher level within 10 of its confirmation, keeping its 留存比例; the receiver
confirms, once; the use of retained dues by collective decision, published to the members, within the balance."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.access.roles import BUILTIN_ROLES
from fenji.core.calendar.workdays import add_working_days
from fenji.core.kernel.errors import AccessDenied, DomainError
from fenji.core.org.services import unit_create
from fenji.core.people.identity import check_char
from fenji.modules.league import kinds, reminders, remit, selectors, services
from fenji.modules.league.models import DuesBill, Organisation, Remittance
from fenji.testing import PASSWORD, actor, make_account, shared_world

CADRE, SECRETARY = BUILTIN_ROLES["league_cadre"], BUILTIN_ROLES["league_branch_secretary"]


def _id(serial: int) -> str:
    first17 = f"44010420080301{serial:03d}"
    return first17 + check_char(first17)


class World:
    pass


def build():
    w = World()
    w.county = unit_create(actor=policy.SYSTEM, parent=None, name="越秀区团委", kind=kinds.COUNTY, code="RM-T")
    w.school = unit_create(actor=policy.SYSTEM, parent=w.county, name="第十三中学团委", kind=kinds.COMMITTEE,
                           code="RM-T-13Z")
    w.branch = unit_create(actor=policy.SYSTEM, parent=w.school, name="高一（1）班团支部", kind=kinds.BRANCH,
                           code="RM-T-13Z-G1")
    today = timezone.localdate()
    Organisation.objects.create(unit=w.branch, unit_path=w.branch.path, approved_on=today, entry_due=today,
                                retention_pct=Decimal("12.5"))
    w.county_cadre = make_account(w.county, name="团区委干部", role=CADRE)
    w.school_cadre = make_account(w.school, name="学校团委书记", role=CADRE)
    w.secretary = make_account(w.branch, name="团支部书记", role=SECRETARY)
    w.members = [services.member_register(
        actor=actor(w.county_cadre), branch=w.branch, real_name=f"团员{n}", id_number=_id(n), mobile=f"1371111{n:04d}",
        join_date=datetime.date(2023, 5, 4), join_place="第十三中学", development_no=f"2023{n:08d}", student=False,
        income=income) for n, income in ((1, "3000"), (2, "1001"))]  # 15.00 and 5.01 a month
    account = w.members[0].person.account
    account.set_password(PASSWORD)
    account.must_change_password = False
    account.save()
    services.bills_generate(actor=actor(w.county_cadre), unit=w.county, month=today)
    return w


_world, w = shared_world(build, profile="league")


@pytest.fixture(autouse=True)
def default_retention(settings):
    settings.FENJI_LEAGUE_RETENTION_PCT = "20"


def collect(w):
    for m in w.members:
        services.dues_pay(actor=actor(w.secretary), member=m, months=1, channel="cash")


def test_the_retained_part_is_rounded_half_up_to_the_fen():
    assert remit.split(Decimal("0.10"), Decimal("5")) == (Decimal("0.01"), Decimal("0.09"))  # 0.005 → 0.01
    assert remit.split(Decimal("20.01"), Decimal("12.5")) == (Decimal("2.50"), Decimal("17.51"))
    assert remit.split(Decimal("10.00"), Decimal("0")) == (Decimal("0.00"), Decimal("10.00"))


def test_a_branch_remits_up_the_chain_and_each_receiver_confirms_once(w):
    with pytest.raises(DomainError, match="没有待上缴"):  # nothing collected yet
        remit.remittance_create(actor=actor(w.secretary), unit=w.branch)
    collect(w)
    with pytest.raises(DomainError, match="超过已收缴的 20.01 元"):
        remit.remittance_create(actor=actor(w.secretary), unit=w.branch, amount="25")
    with pytest.raises(DomainError, match="应上缴 17.51 元"):
        remit.remittance_create(actor=actor(w.secretary), unit=w.branch, amount="20.01")
    assert not Remittance.objects.unscoped(reason="test").exists()  # nothing half written
    r = remit.remittance_create(actor=actor(w.secretary), unit=w.branch, amount="17.51")
    assert (r.collected, r.retention_pct, r.retained, r.amount, r.to_unit_id) == (
        Decimal("20.01"), Decimal("12.5"), Decimal("2.50"), Decimal("17.51"), w.school.pk)
    assert r.due_on == add_working_days(timezone.localdate(), 5, provisional=True) and not r.late
    assert DuesBill.objects.unscoped(reason="test").filter(remittance=r).count() == 2
    with pytest.raises(DomainError, match="不能重复上缴"):  # the same money twice
        remit.remittance_create(actor=actor(w.secretary), unit=w.branch)
    with pytest.raises(DomainError, match="没有待上缴"):  # the school received nothing confirmed yet
        remit.remittance_create(actor=actor(w.school_cadre), unit=w.school)
    for outsider in (w.secretary, w.county_cadre):  # the sender; the level above the receiver
        with pytest.raises(AccessDenied, match="第十三中学团委"):
            remit.remittance_confirm(actor=actor(outsider), remittance=r)
    r = remit.remittance_confirm(actor=actor(w.school_cadre), remittance=r)
    assert r.state == "confirmed" and r.confirmed_on == timezone.localdate()
    with pytest.raises(DomainError, match="不能重复确认"):
        remit.remittance_confirm(actor=actor(w.school_cadre), remittance=r)
    up = remit.remittance_create(actor=actor(w.school_cadre), unit=w.school)  # the deployment's 20%
    assert (up.collected, up.retained, up.amount, up.to_unit_id) == (
        Decimal("17.51"), Decimal("3.50"), Decimal("14.01"), w.county.pk)
    assert up.due_on == add_working_days(r.confirmed_on, 10, provisional=True)
    assert list(selectors.remittance_parts(up)[1]) == [r]
    with pytest.raises(DomainError, match="没有上级团组织"):
        remit.remittance_create(actor=actor(w.county_cadre), unit=w.county)
    remit.remittance_confirm(actor=actor(w.county_cadre), remittance=up)
    assert remit.balance(w.county) == Decimal("14.01")  # the top keeps all it received


def test_overdue_collections_are_counted_and_on_the_to_do_list(w):
    collect(w)
    DuesBill.objects.unscoped(reason="test").update(paid_at=timezone.now() - datetime.timedelta(days=30))
    school = actor(w.school_cadre)
    assert selectors.remit_overdue(school) == {"late": 0, "waiting": 1, "total": 1}
    todos = selectors.remit_todos(actor(w.secretary))
    assert [(t.label, t.title) for t in todos] == [("待上缴的团费", "高一（1）班团支部：20.01 元")]
    assert reminders.remit_reminders() == 1 and reminders.remit_reminders() == 0  # the branch's secretary, once
    r = remit.remittance_create(actor=actor(w.secretary), unit=w.branch)
    assert r.late
    assert selectors.remit_overdue(school) == {"late": 1, "waiting": 0, "total": 1}
    assert [t.label for t in selectors.remit_todos(school)] == ["待确认的团费上缴"]


def test_dues_are_used_by_decision_within_the_balance_and_published(w, client):
    today = timezone.localdate()
    use = {"purpose": "五四主题团日活动", "decided_on": today, "decision_ref": "支委会 2026-5 号"}
    with pytest.raises(DomainError, match="结余 0.00 元"):
        remit.dues_use_record(actor=actor(w.secretary), unit=w.branch, amount="1", **use)
    collect(w)
    remit.remittance_create(actor=actor(w.secretary), unit=w.branch)  # 2.50 retained
    with pytest.raises(DomainError, match="超过本组织留存团费结余 2.50 元"):
        remit.dues_use_record(actor=actor(w.secretary), unit=w.branch, amount="2.51", **use)
    with pytest.raises(DomainError, match="不能晚于今天"):
        remit.dues_use_record(actor=actor(w.secretary), unit=w.branch, amount="1",
                              **{**use, "decided_on": today + datetime.timedelta(days=1)})
    remit.dues_use_record(actor=actor(w.secretary), unit=w.branch, amount="2.00", **use)
    assert remit.balance(w.branch) == Decimal("0.50")
    account = w.members[0].person.account
    assert client.post("/m/login/", {"mobile": account.mobile, "password": PASSWORD}).status_code == 302
    page = client.get("/m/league/dues/").content.decode()
    assert "团费使用公示" in page and "五四主题团日活动" in page and "支委会 2026-5 号" in page


def test_the_pages_and_api_keep_to_scope(w, client, login):
    collect(w)
    login(w.secretary)
    page = client.get("/league/remittances/").content.decode()
    assert "待上缴" in page and "20.01" in page
    response = client.post("/league/remittances/", {"unit": w.branch.pk, "amount": "99", "note": ""})
    assert response.status_code == 200 and "超过已收缴" in response.content.decode()
    assert client.post("/league/remittances/", {"unit": w.branch.pk, "amount": "", "note": ""}).status_code == 302
    r = Remittance.objects.unscoped(reason="test").get()
    client.post(f"/league/remittances/{r.pk}/", {"op": "confirm"})  # the sender: refused
    assert Remittance.objects.unscoped(reason="test").get().state == "pending"
    client.logout()
    login(w.school_cadre)
    page = client.get(f"/league/remittances/{r.pk}/").content.decode()
    assert 'id="confirm"' in page and "data-confirm" in page
    assert client.post(f"/league/remittances/{r.pk}/", {"op": "confirm"}).status_code == 302
    assert client.get(f"/api/v1/league/remittances/{r.pk}").json()["state"] == "confirmed"
    assert client.post(f"/api/v1/league/remittances/{r.pk}/confirm").status_code == 400
    assert client.get("/league/remittances/?state=confirmed&format=xlsx")["Content-Type"].startswith(
        "application/vnd.openxmlformats")
    body = client.post("/api/v1/league/remittances", {"unit": w.school.pk}, content_type="application/json").json()
    assert body["amount"] == "14.01"
    body = client.post("/api/v1/league/dues-uses", {"unit": w.school.pk, "amount": "3.50", "purpose": "团课教材",
                                                    "decided_on": timezone.localdate().isoformat(),
                                                    "decision_ref": "团委会议纪要 3 号"},
                       content_type="application/json")
    assert body.status_code == 201
    assert client.get("/api/v1/league/dues-uses").json()["total"] == 1
    assert "团课教材" in client.get("/league/dues-uses/").content.decode()
    assert client.get("/league/dues-uses/?format=xlsx").status_code == 200
    assert client.get("/api/v1/league/remittances").json()["total"] == 2
    outsider = make_account(unit_create(actor=policy.SYSTEM, parent=None, name="别处团委", kind=kinds.COUNTY),
                            name="别处干部", role=CADRE)
    client.logout()
    login(outsider)
    assert client.get(f"/league/remittances/{r.pk}/").status_code == 404
    assert client.get(f"/api/v1/league/remittances/{r.pk}").status_code == 404
    assert client.post(f"/api/v1/league/remittances/{r.pk}/confirm").status_code == 404
    assert client.get("/api/v1/league/remittances").json()["total"] == 0


def test_the_retention_ratio_is_set_on_the_organisation(w):
    from fenji.modules.league import orgs

    org = Organisation.objects.unscoped(reason="test").get(unit=w.branch)
    with pytest.raises(DomainError, match="0 至 100"):
        orgs.org_update(actor=actor(w.county_cadre), org=org, industry="school", retention_pct="101")
    orgs.org_update(actor=actor(w.county_cadre), org=org, industry="school", retention_pct="")
    assert remit.retention_pct(w.branch) == Decimal("20")  # the deployment's default
    orgs.org_update(actor=actor(w.county_cadre), org=org, industry="school", retention_pct="5")
    assert remit.retention_pct(w.branch) == Decimal("5")
