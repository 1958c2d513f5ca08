"""League members entered by their branch (seed 002, design/domain/league.md §1) and their dues (§3): the key rules
at entry (a 团支部 only, the development number, one record per person: the answer is a transfer), monthly bills
owned by the member's branch, payment of the oldest months — at most six, never ahead — and the collection rate."""

import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone
from openpyxl import load_workbook

from fenji.core.access import policy
from fenji.core.access.roles import BUILTIN_ROLES
from fenji.core.kernel.errors import AccessDenied, DomainError
from fenji.core.org.services import unit_create
from fenji.core.people.identity import check_char
from fenji.modules.league import kinds, oversight, selectors, services
from fenji.modules.league.models import DuesBill
from fenji.testing import PASSWORD, actor, make_account

TZ = datetime.timezone(datetime.timedelta(hours=8))
CADRE, SECRETARY = BUILTIN_ROLES["league_cadre"], BUILTIN_ROLES["league_branch_secretary"]


def _id(birth: str, serial: int) -> str:
    first17 = f"440104{birth}{serial:03d}"
    return first17 + check_char(first17)


@pytest.fixture(autouse=True)
def league_profile(settings):
    settings.FENJI_PROFILE = "league"
    settings.FENJI_LEAGUE_DUES_RULES = "seed"


@pytest.fixture
def w(db):
    class World:
        county = unit_create(actor=policy.SYSTEM, parent=None, name="越秀区团委", kind=kinds.COUNTY, code="LY-T")
    World.school = unit_create(actor=policy.SYSTEM, parent=World.county, name="第十三中学团委", kind=kinds.COMMITTEE,
                               code="LY-T-13Z")
    World.branch = unit_create(actor=policy.SYSTEM, parent=World.school, name="高一（1）班团支部", kind=kinds.BRANCH,
                               code="LY-T-13Z-G1")
    World.other = unit_create(actor=policy.SYSTEM, parent=World.county, name="盐运西社区团支部", kind=kinds.BRANCH,
                              code="LY-T-SQ1")
    World.cadre = make_account(World.county, name="团区委干部", role=CADRE)
    World.secretary = make_account(World.other, name="社区团支部书记", role=SECRETARY)
    return World


def member(w, n=1, **kwargs):
    values = {"branch": w.branch, "real_name": f"团员{n}", "id_number": _id("20080301", n), "mobile": f"1370000{n:04d}",
              "join_date": datetime.date(2023, 5, 4), "join_place": "第十三中学", "development_no": f"2023{n:08d}",
              "student": True}
    values.update(kwargs)
    return services.member_register(actor=actor(w.cadre), **values)


def test_a_member_is_entered_with_the_key_rules(w):
    m = member(w)
    assert m.person.account.kind == "member" and not m.person.account.has_usable_password()
    with pytest.raises(DomainError, match="组织关系转接"):  # already a member: a transfer, never a second record
        member(w, 2, id_number=m.person.id_number)
    with pytest.raises(DomainError, match="入团年份 2023"):
        member(w, 3, development_no="202400000003")
    with pytest.raises(DomainError, match="须填写发展团员编号"):
        member(w, 4, development_no="")
    assert member(w, 5, development_no="", join_date=datetime.date(2016, 5, 4),
                  id_number=_id("20010301", 5)).development_no is None  # joined before 2017: none needed
    with pytest.raises(DomainError, match="只能编入团支部"):
        member(w, 6, branch=w.school)
    with pytest.raises(DomainError, match="年满 13 周岁"):
        member(w, 7, id_number=_id("20150301", 7))
    with pytest.raises(AccessDenied):  # a secretary of another branch
        services.member_register(actor=actor(w.secretary), branch=w.branch, real_name="越权", id_number=_id("20080301", 8),
                                 mobile="13700000008", join_date=datetime.date(2023, 5, 4), join_place="x",
                                 development_no="202300000008")


def test_a_branch_with_members_is_not_revoked(w):
    from fenji.core.org.services import unit_revoke

    member(w)
    with pytest.raises(DomainError, match="仍有 1 个"):  # named with how many (the account is counted first)
        unit_revoke(actor=policy.SYSTEM, unit=w.branch, revoked_on=timezone.localdate(), reference="团发〔2026〕1号")


def test_bills_pay_the_oldest_months_never_ahead_and_the_rate_follows(w):
    a = member(w, 1)
    b = member(w, 2, student=False, income="4000")
    with time_machine.travel(datetime.datetime(2026, 10, 1, 9, tzinfo=TZ), tick=False):
        assert services.bills_generate(actor=actor(w.cadre), unit=w.county, month=datetime.date(2026, 10, 1)) == 2
        assert services.bills_generate(actor=actor(w.cadre), unit=w.county, month=datetime.date(2026, 10, 1)) == 0
        with pytest.raises(DomainError, match="以后月份"):
            services.bills_generate(actor=actor(w.cadre), unit=w.county, month=datetime.date(2026, 11, 1))
    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, tzinfo=TZ), tick=False):
        services.bills_generate(actor=actor(w.cadre), unit=w.county, month=datetime.date(2026, 11, 1))
        amounts = {bill.member_id: bill.amount for bill in DuesBill.objects.unscoped(reason="test")}
        assert amounts == {a.pk: Decimal("0.20"), b.pk: Decimal("40.00")}  # students 0.20; 4000 × 1%
        with pytest.raises(DomainError, match="不能预缴"):
            services.dues_pay(actor=actor(w.cadre), member=a, months=3, channel="cash")
        paid = services.dues_pay(actor=actor(w.cadre), member=a, months=1, channel="cash")
        assert [f"{bill.month:%Y-%m}" for bill in paid] == ["2026-10"]  # the oldest first
        services.dues_pay(actor=actor(w.cadre), member=a, months=1, channel="cash")
        with pytest.raises(DomainError, match="没有未缴"):
            services.dues_pay(actor=actor(w.cadre), member=a, months=1, channel="cash")
        rows = selectors.bill_list(actor=actor(w.cadre), month=datetime.date(2026, 11, 1))
        branch = selectors.collection_by_branch(rows)[0]
        assert (branch["bills"], branch["paid"], branch["rate"]) == (2, 1, 0.5)
        rate = oversight.INDICATORS[0].values([w.county, w.other], datetime.date(2026, 10, 1), datetime.date(2026, 11, 30))
        assert rate == {w.county.pk: 0.5, w.other.pk: None}  # 2 of 4 bills paid; nothing billed at the other


def test_the_periodic_job_bills_every_member_once_a_month(w):
    member(w)
    with time_machine.travel(datetime.datetime(2026, 12, 1, 0, 30, tzinfo=TZ), tick=False):
        assert services.bills_generate_due() == "1 bills"
        assert services.bills_generate_due() == "0 bills"  # the next run finds the month done
    assert DuesBill.objects.unscoped(reason="test").get().month == datetime.date(2026, 12, 1)


def test_a_member_pays_online_on_the_phone(w, client):
    m = member(w)
    account = m.person.account
    account.set_password(PASSWORD)
    account.must_change_password = False
    account.save()
    services.bills_generate(actor=actor(w.cadre), unit=w.county, month=timezone.localdate())
    assert client.post("/m/login/", {"mobile": account.mobile, "password": PASSWORD}).status_code == 302
    assert "我的团费" in client.get("/m/").content.decode()
    page = client.get("/m/league/dues/").content.decode()
    assert "未缴 1 个月" in page
    assert client.post("/m/league/dues/", {"months": 1}).status_code == 302
    bill = DuesBill.objects.unscoped(reason="test").get(member=m)
    assert bill.paid_at is not None and bill.channel == "online"
    with pytest.raises(AccessDenied):  # a member records no cash payment for themself
        services.dues_pay(actor=actor(account), member=m, months=1, channel="cash")


def test_the_pages_and_api_keep_to_scope(w, client, login):
    m = member(w)
    services.bills_generate(actor=actor(w.cadre), unit=w.county, month=timezone.localdate())
    login(w.secretary)  # the community branch's secretary: the school's member is out of reach
    assert client.get(f"/league/members/{m.pk}/").status_code == 404
    assert client.get(f"/api/v1/league/members/{m.pk}").status_code == 404
    assert client.post(f"/api/v1/league/members/{m.pk}/payments", {"months": 1, "channel": "cash"},
                       content_type="application/json").status_code == 404
    client.logout()
    login(w.cadre)
    page = client.get(f"/league/members/{m.pk}/").content.decode()
    assert m.person.real_name in page and "未缴" in page
    response = client.post(f"/league/members/{m.pk}/", {"op": "pay", "pay-months": 1, "pay-channel": "cash"})
    assert response.status_code == 302
    dues = client.get("/league/dues/").content.decode()
    assert "已缴 1 人次" in dues
    assert client.get("/league/dues/?format=xlsx").status_code == 200


@pytest.fixture
def far(w):
    """A branch in another county, outside the school's reach, with its own secretary."""
    class Far:
        county = unit_create(actor=policy.SYSTEM, parent=None, name="天河区团委", kind=kinds.COUNTY, code="LY-F")
    Far.branch = unit_create(actor=policy.SYSTEM, parent=Far.county, name="石牌东社区团支部", kind=kinds.BRANCH,
                             code="LY-F-SP1")
    Far.secretary = make_account(Far.branch, name="石牌东支部书记", role=SECRETARY)
    return Far


def test_a_member_transfers_to_another_county_and_the_next_bill_follows(w, far):
    from fenji.modules.league.models import TransferState

    m = member(w)
    school_secretary = make_account(w.branch, name="高一（1）班支部书记", role=SECRETARY)
    account = m.person.account
    t = services.transfer_start(actor=actor(account), member=m, to_unit=far.branch, reason="school",
                                initiator="member")
    assert t.state == TransferState.OUT_REVIEW and t.out_due is not None
    with pytest.raises(AccessDenied):  # the receiver waits for the sender
        services.transfer_approve(actor=actor(far.secretary), transfer=t)
    with pytest.raises(DomainError, match="办理中的转接"):
        services.transfer_start(actor=actor(w.cadre), member=m, to_unit=w.other, reason="job")
    services.transfer_approve(actor=actor(school_secretary), transfer=t)
    t.refresh_from_db()
    assert t.state == TransferState.IN_REVIEW and t.in_due is not None
    # each side sees the transfer; the receiver does not see the sender's members
    assert list(selectors.transfer_list(actor=actor(far.secretary))) == [t]
    assert not selectors.member_list(actor=actor(far.secretary), action=perms_view()).filter(pk=m.pk).exists()
    services.transfer_approve(actor=actor(far.secretary), transfer=t)
    m.refresh_from_db()
    account.refresh_from_db()
    assert m.unit_id == far.branch.pk and account.unit_id == far.branch.pk
    services.bills_generate(actor=policy.SYSTEM, unit=far.county, month=timezone.localdate())
    assert DuesBill.objects.unscoped(reason="test").get(member=m).unit_id == far.branch.pk
    with pytest.raises(DomainError, match="不能撤回"):
        services.transfer_withdraw(actor=actor(account), transfer=t, reason="改主意")
    rate = oversight.INDICATORS[1].values([w.county, far.county], t.out_due, t.in_due)
    assert rate == {w.county.pk: 1.0, far.county.pk: 1.0}


def test_a_transfer_is_refused_returned_or_withdrawn_with_its_reason(w, far):
    from fenji.modules.league.models import TransferState

    m = member(w)
    with pytest.raises(DomainError, match="相同"):
        services.transfer_start(actor=actor(w.cadre), member=m, to_unit=w.branch, reason="job")
    t = services.transfer_start(actor=actor(w.cadre), member=m, to_unit=far.branch, reason="job")
    assert t.state == TransferState.IN_REVIEW  # started by the sender: only the receiver reviews
    with pytest.raises(DomainError, match="退回理由"):
        services.transfer_return(actor=actor(far.secretary), transfer=t, reason="")
    services.transfer_return(actor=actor(far.secretary), transfer=t, reason="本支部无此岗位人员")
    t.refresh_from_db()
    assert t.state == TransferState.RETURNED and t.end_reason == "本支部无此岗位人员"
    again = services.transfer_start(actor=actor(far.secretary), member=m, to_unit=far.branch, reason="job",
                                    initiator="receiver")
    assert again.state == TransferState.OUT_REVIEW  # started by the receiver: only the sender reviews
    services.transfer_withdraw(actor=actor(far.secretary), transfer=again, reason="发错了人")
    m.refresh_from_db()
    assert m.unit_id == w.branch.pk


def test_the_transfer_pages_keep_each_side_to_its_own(w, far, client, login):
    m = member(w)
    login(w.cadre)
    response = client.post(f"/league/members/{m.pk}/transfer/", {"to_code": far.branch.code, "reason": "job"})
    assert response.status_code == 302
    from fenji.modules.league.models import Transfer

    t = Transfer.objects.unscoped(reason="test").get()
    client.logout()
    login(far.secretary)
    assert far.branch.name in client.get("/league/transfers/").content.decode()
    assert client.get(f"/league/members/{m.pk}/").status_code == 404  # the member's record stays the sender's
    assert client.post(f"/league/transfers/{t.pk}/", {"op": "approve"}).status_code == 302
    m.refresh_from_db()
    assert m.unit_id == far.branch.pk


def test_transfers_over_the_api_and_the_lists_filters_and_excel(w, far, client, login):
    from fenji.modules.league.models import Transfer

    first, second = member(w), member(w, 2)
    login(far.secretary)  # 办理转入: the receiving branch names the member by ID number
    body = {"to_unit": far.branch.pk, "id_number": first.person.id_number, "reason": "job"}
    started = client.post("/api/v1/league/transfers", body, content_type="application/json")
    assert started.status_code == 201 and started.json()["state"] == "out_review"
    assert started.json()["member"] == "团员1" and started.json()["to_branch"] == far.branch.name
    unknown = client.post("/api/v1/league/transfers", {**body, "id_number": _id("20080301", 99)},
                          content_type="application/json")
    assert unknown.status_code == 400 and "没有找到该身份证号码的团员" in unknown.json()["error"]["message"]
    elsewhere = client.post("/api/v1/league/transfers", {**body, "to_unit": w.other.pk},
                            content_type="application/json")
    assert elsewhere.status_code == 404  # a branch outside the receiver's reach answers like a missing one
    client.logout()
    login(w.cadre)
    pk = started.json()["id"]
    assert client.post(f"/api/v1/league/transfers/{pk}/approve").json()["state"] == "done"
    out = client.post(f"/api/v1/league/members/{second.pk}/transfer-out",
                      {"to_code": far.branch.code, "reason": "other", "note": "随父母迁居"},
                      content_type="application/json")
    assert out.status_code == 201 and out.json()["state"] == "in_review"
    withdrawn = client.post(f"/api/v1/league/transfers/{out.json()['id']}/withdraw", {"reason": "填错了"},
                            content_type="application/json")
    assert withdrawn.json()["state"] == "withdrawn" and withdrawn.json()["end_reason"] == "填错了"
    Transfer.objects.unscoped(reason="test").filter(pk=pk).update(
        created_at=timezone.now() - datetime.timedelta(days=40))
    today = timezone.localdate()
    listed = client.get("/api/v1/league/transfers", {"since": f"{today:%Y-%m-%d}"}).json()
    assert [t["member"] for t in listed["items"]] == ["团员2"] and listed["total"] == 1
    assert client.get("/api/v1/league/transfers", {"state": "done", "q": "团员"}).json()["total"] == 1
    refused = client.get("/api/v1/league/transfers", {"since": f"{today:%Y-%m-%d}", "until": "2020-01-01"})
    assert refused.status_code == 400
    page = client.get("/league/transfers/", {"since": f"{today:%Y-%m-%d}"}).content.decode()
    assert "团员2" in page and "团员1" not in page
    bad = client.get("/league/transfers/", {"since": f"{today:%Y-%m-%d}", "until": "2020-01-01"}).content.decode()
    assert 'id="filter-errors"' in bad and "截止日期应不早于起始日期" in bad
    sheet = client.get("/league/transfers/", {"format": "xlsx", "state": "withdrawn"})
    assert sheet["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(b"".join(sheet.streaming_content))).active.values)
    assert rows[0][:3] == ("团员", "转出团支部", "转入团支部") and [r[0] for r in rows[1:]] == ["团员2"]
    client.logout()
    login(w.secretary)  # another branch of the county: neither side
    assert client.get(f"/api/v1/league/transfers/{pk}").status_code == 404
    assert client.post(f"/api/v1/league/transfers/{pk}/return", {"reason": "x"},
                       content_type="application/json").status_code == 404
    assert client.get("/api/v1/league/transfers").json()["total"] == 0


def perms_view():
    from fenji.modules.league.module import MEMBER_VIEW

    return MEMBER_VIEW


def test_a_member_edits_non_key_fields_and_the_branch_reviews(w, client):
    from fenji.modules.league.models import EditState

    m = member(w, student=False, income="3000")
    secretary = make_account(w.branch, name="高一（1）班支部书记", role=SECRETARY)
    account = m.person.account
    account.set_password(PASSWORD)
    account.must_change_password = False
    account.save()
    assert client.post("/m/login/", {"mobile": account.mobile, "password": PASSWORD}).status_code == 302
    response = client.post("/m/league/me/", {"ethnicity": "汉族", "political_status": "member", "education": "bachelor",
                                             "occupation": "enterprise", "work_unit": "广州某科技公司",
                                             "income": "6000"})
    assert response.status_code == 302
    edit = selectors.edit_list(actor=actor(secretary)).get()
    assert edit.after == {"education": "bachelor", "occupation": "enterprise", "work_unit": "广州某科技公司",
                          "income": "6000.00"}
    with pytest.raises(DomainError, match="关键信息"):
        services.member_edit_submit(actor=actor(account), member=m, join_place="别处")
    with pytest.raises(DomainError, match="等待团支部审核"):
        services.member_edit_submit(actor=actor(account), member=m, work_unit="另一家公司")
    with pytest.raises(AccessDenied):  # the branch of another member reviews nothing here
        services.member_edit_decide(actor=actor(w.secretary), edit=edit, approve=True)
    services.member_edit_decide(actor=actor(secretary), edit=edit, approve=True)
    m.refresh_from_db()
    assert (m.education, m.work_unit, m.income, edit.due_on is not None) == ("bachelor", "广州某科技公司",
                                                                             Decimal("6000.00"), True)
    again = services.member_edit_submit(actor=actor(account), member=m, ethnicity="壮族")
    services.member_edit_decide(actor=actor(secretary), edit=again, approve=False, reason="民族以户口簿为准")
    again.refresh_from_db()
    m.refresh_from_db()
    assert again.state == EditState.RETURNED and m.ethnicity == "汉族"
    assert "民族以户口簿为准" in client.get("/m/league/me/").content.decode()
