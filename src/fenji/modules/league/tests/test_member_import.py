"""批量导入团员 (seed 002): a branch's members entered from an Excel sheet with the League's columns — each row under the
rules of a member entered by hand, the refused ones reported by row with the reason and nothing half written; another
branch's administrator cannot import into the branch; a member entered more than 15 working days after joining is
counted late (团员录入及时率)."""

import datetime
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from fenji.core.access import policy
from fenji.core.access.roles import BUILTIN_ROLES
from fenji.core.audit.models import AuditEvent
from fenji.core.org.services import unit_create
from fenji.core.people.identity import check_char
from fenji.core.people.models import Account, Person
from fenji.modules.league import kinds, oversight, services
from fenji.modules.league.models import Member
from fenji.testing import actor, make_account, xlsx_file

TZ = datetime.timezone(datetime.timedelta(hours=8))
CADRE = BUILTIN_ROLES["league_cadre"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ("姓名", "身份证号", "手机号", "民族", "入团时间", "入团地点", "团员编号", "政治面貌", "学历", "职业", "在校学生")
WIDE = str.maketrans("0123456789", "０１２３４５６７８９")


def _id(birth: str, serial: int) -> str:
    first17 = f"440104{birth}{serial:03d}"
    return first17 + check_char(first17)


@pytest.fixture(autouse=True)
def league_profile(settings):
    settings.FENJI_PROFILE = "league"


@pytest.fixture
def w(db):
    class World:
        county = unit_create(actor=policy.SYSTEM, parent=None, name="越秀区团委", kind=kinds.COUNTY, code="LY-T")
    World.branch = unit_create(actor=policy.SYSTEM, parent=World.county, name="高一（1）班团支部", kind=kinds.BRANCH,
                               code="LY-T-G1")
    World.other = unit_create(actor=policy.SYSTEM, parent=World.county, name="盐运西社区团支部", kind=kinds.BRANCH,
                              code="LY-T-SQ1")
    World.admin = make_account(World.branch, name="高一（1）班团支部管理员", role=CADRE)
    # the other branch's secretary: a branch enters its own members (one by one or by the import)
    World.other_admin = make_account(World.other, name="社区团支部书记", role=BUILTIN_ROLES["league_branch_secretary"])
    return World


def _upload(client, branch, sheet, path="/league/members/import/"):
    return client.post(path, {"branch": branch.pk, "file": SimpleUploadedFile("团员名单.xlsx", sheet.getvalue(), XLSX)})


@time_machine.travel(datetime.datetime(2026, 6, 15, 10, tzinfo=TZ), tick=False)
def test_a_branch_imports_its_members_row_by_row_with_a_report_of_the_rest(w, client, login):
    existing = services.member_register(
        actor=actor(w.other_admin), branch=w.other, real_name="老团员", id_number=_id("20050301", 90),
        mobile="13700009990", join_date=datetime.date(2021, 5, 4), join_place="社区", development_no="202100000090")
    people, accounts = Person.objects.count(), Account.objects.unscoped(reason="test").count()
    sheet = xlsx_file(HEADER, [
        ("张晓", _id("20100301", 1).translate(WIDE), "１３７００００１００１", "汉族", "2026-06-10", "第十三中学",
         "202600000001", "共青团员", "高中、中专、职高", "学生", "是"),  # full-width digits: read as digits
        ("李华", _id("20050301", 2), "13700001002", "壮族", "2023年5月4日", "第十三中学", "２０２３００００００１２",
         "", "大学本科", "", "否"),  # entered three years after joining: late
        ("王五", _id("20050301", 3), "13700001003", "", "2023-05-04", "第十三中学", "202400000003", "", "", "", ""),
        ("赵六", _id("20040301", 4), "13700001004", "", "2018-03-01", "第十三中学", "", "", "", "", ""),
        ("重复", existing.person.id_number, "13700001005", "", "2021-05-04", "社区", "202100000091", "", "", "", ""),
        ("同号", _id("20100301", 1), "13700001006", "", "2026-06-10", "第十三中学", "202600000006", "", "", "", ""),
        ("学历错", _id("20050301", 7), "13700001007", "", "2023-05-04", "第十三中学", "202300000007", "", "小学", "", ""),
    ])
    login(w.admin)
    assert "批量导入团员" in client.get("/league/members/").content.decode()  # linked from the list
    response = _upload(client, w.branch, sheet)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "导入 2 行，失败 5 行" in page
    assert "前 4 位应为入团年份 2023" in page and "须填写发展团员编号" in page and "组织关系转接" in page
    assert "与第 2 行的身份证号相同" in page and "最高学历应为" in page
    zhang = Member.objects.unscoped(reason="test").get(person__real_name="张晓")
    assert (zhang.unit_id, zhang.development_no, zhang.education, zhang.student) == (
        w.branch.pk, "202600000001", "senior", True)
    account = zhang.person.account
    assert (account.kind, account.mobile, account.has_usable_password()) == ("member", "13700001001", False)
    li = Member.objects.unscoped(reason="test").get(person__real_name="李华")
    assert (li.development_no, li.ethnicity, li.education) == ("202300000012", "壮族", "bachelor")
    # whole rows only: two people, two accounts, two members more
    assert Person.objects.count() == people + 2
    assert Account.objects.unscoped(reason="test").count() == accounts + 2
    job = response["Location"].split("job=")[1]
    report = load_workbook(_download(client, f"/league/members/import/{job}/errors.xlsx"))
    rows = list(report.active.iter_rows(values_only=True))
    assert rows[0][-3:] == ("原行号", "错误列", "错误原因") and sorted(r[-3] for r in rows[1:]) == [4, 5, 6, 7, 8]
    template = load_workbook(_download(client, "/league/members/import/template.xlsx"))
    assert [c.value for c in template.active[1]][:3] == ["姓名", "身份证号", "手机号"]
    assert client.get(f"/api/v1/league/members/import/{job}").json()["created"] == 2
    # the late entry: in the import's record and in 团员录入及时率 (of those who joined in the period)
    event = AuditEvent.objects.filter(action="league.member.import").get()
    assert (event.details["created"], event.details["late"]) == (2, 1)
    rate = next(i for i in oversight.INDICATORS if i.code == "league.entry_rate")
    assert rate.values([w.county], datetime.date(2026, 6, 1), datetime.date(2026, 6, 30)) == {w.county.pk: 1.0}
    assert rate.values([w.county], datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)) == {w.county.pk: 0.0}

    # another branch's administrator: not their branch to choose, and the job is not theirs to see
    client.logout()
    login(w.other_admin)
    refused = _upload(client, w.branch, xlsx_file(HEADER, [("钱七", _id("20050301", 8), "13700001008", "",
                                                             "2023-05-04", "x", "202300000008", "", "", "", "")]))
    assert refused.status_code == 200 and "钱七" not in str(Member.objects.unscoped(reason="test").values_list(
        "person__real_name", flat=True))
    api = client.post("/api/v1/league/members/import", {"branch": w.branch.pk, "file": SimpleUploadedFile(
        "团员名单.xlsx", sheet.getvalue(), XLSX)})
    assert api.status_code == 404
    assert client.get(f"/league/members/import/{job}/").status_code == 404
    assert client.get(f"/league/members/import/{job}/errors.xlsx").status_code == 404
    assert client.get(f"/api/v1/league/members/import/{job}").status_code == 404
    not_a_sheet = client.post("/api/v1/league/members/import", {"branch": w.other.pk, "file": SimpleUploadedFile(
        "团员名单.csv", b"a,b", "text/csv")})
    assert not_a_sheet.status_code == 400 and ".xlsx" in str(not_a_sheet.json())
    # through the API, into their own branch
    api = client.post("/api/v1/league/members/import", {"branch": w.other.pk, "file": SimpleUploadedFile(
        "团员名单.xlsx", xlsx_file(HEADER, [("孙八", _id("20050301", 9), "13700001009", "", "2023-05-04", "社区",
                                             "202300000009", "", "", "", "")]).getvalue(), XLSX)})
    assert api.status_code == 202 and api.json()["branch"] == "盐运西社区团支部"
    status = client.get(f"/api/v1/league/members/import/{api.json()['id']}").json()
    assert (status["state"], status["created"], status["rejected"]) == ("done", 1, 0)


def _download(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return io.BytesIO(b"".join(response.streaming_content))
