"""团内统计 (seed 002; design/domain/league.md §4): organisations by kind and industry, 空心团支部 and branches without
cadres, members by education and income band, transfers by state, dues paid and unpaid by month — within the reader's
scope, the same figures on the page, in its Excel and through the API, in a number of queries that does not grow
with the tree."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.access.roles import BUILTIN_ROLES
from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.pagination import keyset_page
from fenji.core.org.services import unit_create
from fenji.core.people.identity import check_char
from fenji.modules.league import kinds, services, stats
from fenji.modules.league.models import Cadre, DuesBill, Organisation, Transfer, TransferState
from fenji.testing import actor, make_account, shared_world

CADRE = BUILTIN_ROLES["league_cadre"]


def _id(serial: int) -> str:
    first17 = f"44010520000301{serial:03d}"
    return first17 + check_char(first17)


class World:
    pass


def _org(unit, industry="other"):
    today = timezone.localdate()
    return Organisation.objects.create(unit=unit, unit_path=unit.path, approved_on=today, entry_due=today,
                                       industry=industry)


def _cadre(unit, *, until=None):
    return Cadre.objects.create(unit=unit, unit_path=unit.path, name="书记", position="secretary", nature="part",
                                since=datetime.date(2024, 1, 1), until=until)


def _member(w, branch, n, **fields):
    return services.member_register(
        actor=policy.SYSTEM, branch=branch, real_name=f"统计团员{n}", id_number=_id(n), mobile=f"1372222{n:04d}",
        join_date=datetime.date(2015, 5, 4), join_place="第一中学", **fields)


def build():
    w = World()
    w.n = 0
    w.county = unit_create(actor=policy.SYSTEM, parent=None, name="荔湾区团委", kind=kinds.COUNTY, code="ST-A")
    w.school = unit_create(actor=policy.SYSTEM, parent=w.county, name="第一中学团委", kind=kinds.COMMITTEE,
                           code="ST-A-1Z")
    w.full = unit_create(actor=policy.SYSTEM, parent=w.school, name="高一（1）班团支部", kind=kinds.BRANCH, code="ST-A-1")
    w.hollow = unit_create(actor=policy.SYSTEM, parent=w.school, name="高一（2）班团支部", kind=kinds.BRANCH, code="ST-A-2")
    w.bare = unit_create(actor=policy.SYSTEM, parent=w.school, name="高一（3）班团支部", kind=kinds.BRANCH, code="ST-A-3")
    w.other = unit_create(actor=policy.SYSTEM, parent=None, name="海珠区团委", kind=kinds.COUNTY, code="ST-B")
    w.other_branch = unit_create(actor=policy.SYSTEM, parent=w.other, name="海珠一支部", kind=kinds.BRANCH, code="ST-B-1")
    _org(w.county, "party_gov")
    _org(w.school, "school")
    for branch in (w.full, w.hollow, w.bare):
        _org(branch, "school")
    _org(w.other)
    _org(w.other_branch, "private")
    _cadre(w.full)
    _cadre(w.hollow)
    _cadre(w.bare, until=datetime.date(2025, 1, 1))  # left office: the branch has no cadre now
    _cadre(w.other_branch)
    w.cadre = make_account(w.county, name="荔湾团干部", role=CADRE)
    w.other_cadre = make_account(w.other, name="海珠团干部", role=CADRE)
    w.members = [_member(w, w.full, 1, education="bachelor", income="1500"),
                 _member(w, w.full, 2, education="bachelor", income="3000", political_status="party"),
                 _member(w, w.full, 3, education="master", income="12000"),
                 _member(w, w.bare, 4, education="senior", income="6000", occupation="enterprise")]
    w.stranger = _member(w, w.other_branch, 5, education="doctor", income="9000")
    # a transfer in each state from 高一（1）班 to 高一（3）班, and one into 高一（3）班 from the other county
    for state in TransferState.values:
        Transfer.objects.create(unit=w.full, unit_path=w.full.path, member=w.members[0], to_unit=w.bare,
                                initiator="member", reason="school", state=state)
    Transfer.objects.create(unit=w.other_branch, unit_path=w.other_branch.path, member=w.stranger, to_unit=w.bare,
                            initiator="member", reason="job", state=TransferState.IN_REVIEW)
    # bills: this month for everyone, 2 paid; last month one unpaid
    w.this_month = timezone.localdate().replace(day=1)
    w.last_month = (w.this_month - datetime.timedelta(days=1)).replace(day=1)
    now = timezone.now()
    for m, amount, paid in ((w.members[0], "3.00", True), (w.members[1], "15.00", True), (w.members[2], "240.00", False),
                            (w.members[3], "90.00", False), (w.stranger, "135.00", True)):
        DuesBill.objects.create(unit=m.unit, unit_path=m.unit_path, member=m, month=w.this_month, amount=Decimal(amount),
                                rule_set="seed", paid_at=now if paid else None, channel="cash" if paid else "")
    DuesBill.objects.create(unit=w.full, unit_path=w.full.path, member=w.members[2], month=w.last_month,
                            amount=Decimal("240.00"), rule_set="seed")
    return w


_world, w = shared_world(build, profile="league")


def _by(rows, key="count"):
    return {r["label"]: r[key] for r in rows}


def test_the_counts_on_a_small_tree(w):
    period = stats.stats_period("")
    figures = stats.league_stats(actor=actor(w.cadre), unit=w.county, period=period)
    orgs = figures["orgs"]
    assert orgs["total"] == 5 and _by(orgs["by_kind"]) == {"团县委": 1, "团委": 1, "团支部": 3}
    assert _by(orgs["by_industry"])["普通中学"] == 4 and _by(orgs["by_industry"])["党政机关"] == 1
    assert figures["branches"] == {"branches": 3, "hollow": 1, "no_cadre": 1, "both": 0}
    gaps = stats.branch_gaps(actor=actor(w.cadre), unit=w.county)
    assert sorted(o.unit.name for o in gaps) == ["高一（2）班团支部", "高一（3）班团支部"]
    assert [o.unit_id for o in stats.branch_gaps(actor=actor(w.cadre), unit=w.county, gap="hollow")] == [w.hollow.pk]
    assert [o.unit_id for o in stats.branch_gaps(actor=actor(w.cadre), unit=w.county, gap="no_cadre")] == [w.bare.pk]
    members = figures["members"]
    assert members["total"] == 4
    assert {k: v for k, v in _by(members["by_education"]).items() if v} == {"大学本科": 2, "硕士研究生": 1,
                                                                           "高中、中专、职高": 1}
    assert list(_by(members["by_income"]).values()) == [1, 1, 1, 0, 1]  # 1500; 3000; 6000; —; 12000
    assert _by(members["by_political"])["中共党员"] == 1 and _by(members["by_occupation"])["企业职工"] == 1
    transfers = {r["code"]: (r["out"], r["inward"]) for r in figures["transfers"]["rows"]}
    assert transfers == {"out_review": (1, 1), "in_review": (1, 2), "done": (1, 1), "returned": (1, 1),
                         "withdrawn": (1, 1)}
    dues = figures["dues"]
    assert len(dues["rows"]) == 12 and dues["rows"][-1]["month"] == w.this_month
    now, before = dues["rows"][-1], dues["rows"][-2]
    assert (now["bills"], now["paid"], now["unpaid"], now["collected"], now["outstanding"]) == (
        4, 2, 2, Decimal("18.00"), Decimal("330.00"))
    assert (before["bills"], before["paid"], before["outstanding"]) == (1, 0, Decimal("240.00"))
    assert (dues["bills"], dues["paid"], dues["rate"]) == (5, 2, 0.4)
    month = stats.stats_period(f"{w.last_month:%Y-%m}")
    assert [r["bills"] for r in stats.dues_by_month(actor=actor(w.cadre), unit=w.county, period=month)["rows"]] == [1]
    # below the county: the school's branch 高一（1）班 alone
    alone = stats.league_stats(actor=actor(w.cadre), unit=w.full, period=period)
    assert alone["members"]["total"] == 3 and alone["branches"]["branches"] == 1 and alone["orgs"]["total"] == 1


def test_a_period_is_a_year_or_a_month(w):
    assert stats.stats_period("２０２６").months[0] == datetime.date(2026, 1, 1)  # full-width digits
    assert len(stats.stats_period("2026").months) == 12
    assert stats.stats_period("2026-3").months == [datetime.date(2026, 3, 1)]
    for bad in ("2026-13", "26", "去年", "2026-03-01"):
        with pytest.raises(DomainError, match="统计期间应为年份"):
            stats.stats_period(bad)


def test_the_query_count_does_not_grow_with_the_tree(w):
    period = stats.stats_period("")

    def measure():
        with CaptureQueriesContext(connection) as queries:
            figures = stats.league_stats(actor=actor(w.cadre), unit=w.county, period=period)
            keyset_page(stats.branch_gaps(actor=actor(w.cadre), unit=w.county), total=1)
        return len(queries), figures

    small, _ = measure()
    for n in range(3):  # three more branches, each with a member, a cadre, a bill and a transfer
        branch = unit_create(actor=policy.SYSTEM, parent=w.school, name=f"高二（{n}）班团支部", kind=kinds.BRANCH)
        _org(branch, "school")
        _cadre(branch)
        m = _member(w, branch, 10 + n, education="college", income="2500")
        DuesBill.objects.create(unit=branch, unit_path=branch.path, member=m, month=w.this_month, amount=Decimal("12.50"),
                                rule_set="seed")
        Transfer.objects.create(unit=branch, unit_path=branch.path, member=m, to_unit=w.full, initiator="member",
                                reason="school", state=TransferState.OUT_REVIEW)
    large, figures = measure()
    assert figures["orgs"]["total"] == 8 and figures["members"]["total"] == 7
    assert large == small <= 8


def test_the_page_excel_and_api_agree_and_keep_to_scope(w, client, login):
    login(w.cadre)
    response = client.get("/league/stats/")
    page = response.content.decode()
    assert response.status_code == 200 and "空心" in page and "高一（2）班团支部" in page and "硕士研究生" in page
    assert "league_branch" not in page and "out_review" not in page.replace('id="transfer-out_review"', "").replace(
        "?state=out_review", "")  # labels, never codes
    assert f'/league/members/?unit={w.county.pk}' in page and "/league/transfers/?state=in_review" in page
    body = client.get("/api/v1/league/stats").json()
    assert body["members"] == response.context["members"]
    assert body["branches"] == response.context["branches"]
    assert [(r["code"], r["out"], r["inward"]) for r in body["transfers"]["rows"]] == [
        (r["code"], r["out"], r["inward"]) for r in response.context["transfers"]["rows"]]
    assert body["dues"]["rows"][-1]["collected"] == "18.00" and body["dues"]["paid"] == 2
    assert client.get("/api/v1/league/stats?period=2026-13").status_code == 400
    assert "/api/v1/league/stats" in client.get("/api/openapi.json").json()["paths"]
    assert "统计期间应为年份" in client.get("/league/stats/?period=2026-13").content.decode()
    book = openpyxl.load_workbook(io.BytesIO(b"".join(client.get("/league/stats/?format=xlsx").streaming_content)))
    assert {"团组织（按类型）", "团员（按学历）", "团员（按收入）", "组织关系转接", "团费收缴", "空心和无团干部团支部"} <= set(
        book.sheetnames)
    education = {row[0]: row[1] for row in book["团员（按学历）"].iter_rows(min_row=2, values_only=True)}
    assert education["大学本科"] == 2 and education["合计"] == 4
    assert [row[0] for row in book["空心和无团干部团支部"].iter_rows(min_row=2, values_only=True)] == [
        "高一（2）班团支部", "高一（3）班团支部"]
    client.logout()
    login(w.other_cadre)  # another county: its own figures; the first county's organisations answer like missing
    assert client.get("/api/v1/league/stats").json()["members"]["total"] == 1
    assert client.get(f"/league/stats/?unit={w.full.pk}").status_code == 404
    assert client.get(f"/api/v1/league/stats?unit={w.full.pk}").status_code == 404
    assert client.get("/api/v1/league/stats?unit=999999").status_code == 404
    inward = {r["code"]: r for r in client.get("/api/v1/league/stats").json()["transfers"]["rows"]}["in_review"]
    assert (inward["out"], inward["inward"]) == (1, 0)  # its member's transfer out, not the other side's
