"""补录导入 (issue 18 item 8, seed 003 §19): the paper kept during an outage entered many at once. Each row keeps its
paper date and its deadlines count from it, is marked 补录 and audited; a refused row writes nothing and is
reported with its reason, the rank guard's refusal with the upward task it opened; the others are imported."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from fenji.core.access.roles import BUILTIN_ROLES
from fenji.core.audit.models import AuditEvent
from fenji.core.calendar.workdays import add_working_days
from fenji.modules.discipline import selectors
from fenji.modules.discipline.models import Petition, UpwardReport
from fenji.testing import actor, make_account, shared_world, xlsx_file

from .world import discipline_tree

HEADER = ("收件日期", "来源渠道", "类别", "实名/匿名", "信访人", "联系电话", "反映的主要问题", "被反映人姓名",
          "被反映人单位", "被反映人职级", "是否党员")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class World:
    pass


def build():
    w = World()
    w.county, w.town, w.other = discipline_tree("JW-I")
    w.officer = make_account(w.town, name="白沙镇纪委委员", role=BUILTIN_ROLES["petition_officer"])
    w.other_officer = make_account(w.other, name="姚家镇纪委委员", role=BUILTIN_ROLES["petition_officer"])
    return w


_world, w = shared_world(build, profile="discipline")


def _upload(rows, name="停电期间信访件.xlsx"):
    return SimpleUploadedFile(name, xlsx_file(HEADER, rows).getvalue(), XLSX)


def test_a_sheet_of_paper_records_keeps_their_dates_and_reports_the_rest(w, client, login):
    today = timezone.localdate()
    paper = today - datetime.timedelta(days=40)  # older than a plain registration may be
    wide = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in f"{paper:%Y-%m-%d}")  # full-width digits
    upward_before = UpwardReport.objects.unscoped(reason="t").filter(unit=w.town).count()
    rows = [
        (f"{paper:%Y-%m-%d}", "来信", "检举", "实名", "李某", "13700002222", "反映村务不公开", "王某", "某村村委会",
         "村（社区）干部", "是"),
        (wide, "来访", "控告", "匿名", "", "", "反映低保优亲厚友", "赵某", "镇民政办", "一般干部", "否"),
        (f"{paper:%Y-%m-%d}", "来信", "检举", "实名", "周某", "", "反映乱收费", "钱某", "镇财政所", "股级", ""),
        (f"{paper:%Y-%m-%d}", "来电", "检举", "匿名", "", "", "反映副镇长", "孙某", "白沙镇政府", "副科", ""),
        (f"{paper:%Y-%m-%d}", "传真", "检举", "匿名", "", "", "反映问题", "吴某", "某村", "群众", ""),
        (f"{today + datetime.timedelta(days=1):%Y-%m-%d}", "来信", "检举", "匿名", "", "", "反映", "郑某", "某村", "群众", ""),
    ]
    login(w.officer)
    assert "批量补录" in client.get("/discipline/petitions/").content.decode()
    response = client.post("/discipline/petitions/import/", {"file": _upload(rows)})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "导入 2 行，失败 4 行" in page
    assert "实名举报须留有可核实的联系电话" in page and "来源渠道应为" in page and "收件日期无效" in page
    [report] = UpwardReport.objects.unscoped(reason="t").filter(unit=w.town).order_by("-pk")[:1]
    assert UpwardReport.objects.unscoped(reason="t").filter(unit=w.town).count() == upward_before + 1
    assert report.reference in page  # the row names the task the guard opened; nothing about 孙某 was kept
    imported = selectors.petition_list(actor=actor(w.officer)).filter(backfilled=True)
    assert imported.count() == 2
    real = imported.get(real_name=True)
    assert real.received_on == paper and real.notice_due == add_working_days(paper, 15, provisional=True)
    assert imported.get(real_name=False).received_on == paper  # the full-width date read as typed
    assert Petition.objects.unscoped(reason="t").filter(unit=w.town).count() == 2  # the refused rows wrote nothing
    event = AuditEvent.objects.filter(action="discipline.petition.import").latest("seq")
    assert (event.actor_id, event.details["created"], event.details["rejected"], event.details["rank_refused"]) == (
        w.officer.pk, 2, 4, 1)
    assert AuditEvent.objects.filter(action="discipline.petition.register", target_id=str(real.pk),
                                     details__backfilled=True).exists()
    job = response["Location"].split("job=")[1]
    assert client.get(f"/discipline/petitions/import/{job}/errors.xlsx").status_code == 200
    assert client.get("/discipline/petitions/import/template.xlsx").status_code == 200
    client.logout()
    login(w.other_officer)  # a job is its starter's only
    assert client.get(f"/discipline/petitions/import/{job}/").status_code == 404
    assert client.get(f"/discipline/petitions/import/{job}/errors.xlsx").status_code == 404
    assert client.get(f"/api/v1/discipline/petitions/imports/{job}").status_code == 404


def test_the_api_queues_the_sheet_and_answers_its_job(w, client, login):
    paper = timezone.localdate() - datetime.timedelta(days=3)
    login(w.other_officer)
    response = client.post("/api/v1/discipline/petitions/import", {"file": _upload([
        (f"{paper:%Y/%m/%d}", "网络举报", "批评建议", "匿名", "", "", "反映办事拖拉", "冯某", "姚家镇农技站", "一般干部", "")])})
    assert response.status_code == 202, response.content
    job = response.json()
    assert (job["created"], job["rejected"], job["finished"], job["unit"]) == (1, 0, True, "姚家镇纪委")
    assert client.get(f"/api/v1/discipline/petitions/imports/{job['id']}").json()["created"] == 1
    assert selectors.petition_list(actor=actor(w.other_officer)).get().received_on == paper
    wrong = client.post("/api/v1/discipline/petitions/import",
                        {"file": SimpleUploadedFile("名单.xlsx", xlsx_file(("姓名", "身份证号"), [("张三", "1")]).getvalue(), XLSX)})
    assert wrong.status_code == 400 and "收件日期" in wrong.content.decode()  # the missing column named, nothing queued
