"""Elders and their service records (seed 000 §18, design/domain/office-and-veterans.md §4): entered for the
actor's own unit about an elder in reach, flagged late after the fifth working day, corrected with before and
after kept (and shown on a sample drawn earlier), the quarterly visit cadence, volunteer hours, the pages and the
API with their scope."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from fenji.core.access.roles import BUILTIN_ROLES, DEPT_HEAD
from fenji.core.audit.services import PLATFORM
from fenji.core.calendar import services as calendar
from fenji.core.kernel.errors import AccessDenied, DomainError, NotVisible
from fenji.core.supervision import services as supervision
from fenji.core.web import nav
from fenji.modules.veterans import oversight, selectors, services
from fenji.modules.veterans.models import RecordKind, RecordRevision
from fenji.testing import actor, make_account, xlsx_file

WORKER = BUILTIN_ROLES["veterans_worker"]
TZ = datetime.timezone(datetime.timedelta(hours=8))
VISIT = {"visit_type": "日常走访", "method": "上门走访"}
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")


def _id(birth: str, serial: int) -> str:
    from fenji.core.people.identity import check_char

    first17 = f"320102{birth}{serial:03d}"
    return first17 + check_char(first17)


@pytest.fixture(autouse=True)
def veterans_profile(settings):
    settings.FENJI_PROFILE = "veterans"


@pytest.fixture
def w(tree):
    class World:
        worker = make_account(tree.town, name="街道老干部干事", role=WORKER)
        other_worker = make_account(tree.other_town, name="梅园干事", role=WORKER)
        city_worker = make_account(tree.city, name="市局干事", role=WORKER)
        inspector = make_account(tree.city, name="市局检查组长", role=DEPT_HEAD)
    World.elder = services.elder_register(actor=actor(World.worker), unit=tree.town, real_name="吴国华",
                                          id_number=_id("19400315", 11), retirement="lixiu", mobile="13700008801")
    World.young = services.elder_register(actor=actor(World.worker), unit=tree.town, real_name="钱淑珍",
                                          id_number=_id("19600601", 12), retirement="tuixiu")
    World.far = services.elder_register(actor=actor(World.other_worker), unit=tree.other_town, real_name="孙明",
                                        id_number=_id("19550101", 13), retirement="tuixiu")
    return World


def visit(w, tree, *, ended_on=None, elder=None, who=None, **kwargs):
    return services.record_enter(actor=actor(who or w.worker), unit=tree.town, kind=RecordKind.VISIT,
                                 elder=elder or w.elder, ended_on=ended_on or timezone.localdate(), workers="赵敏",
                                 details=kwargs.pop("details", VISIT), **kwargs)


def test_an_elder_gets_a_person_and_a_mobile_account_to_activate(w):
    person = w.elder.person
    assert person.birth_date == datetime.date(1940, 3, 15) and person.gender in ("M", "F")
    account = person.account
    assert account.kind == "elder" and not account.has_usable_password()  # activated by SMS code
    assert not hasattr(w.young.person, "account")
    with pytest.raises(DomainError, match="已登记"):  # one person, one record
        services.elder_register(actor=actor(w.worker), unit=w.elder.unit, real_name="重复", retirement="tuixiu",
                                id_number=person.id_number)


def test_a_record_on_the_sixth_working_day_is_late_and_counted(w, tree):
    calendar.calendar_seed(actor=PLATFORM, first=2026, last=2026)
    ended = datetime.date(2026, 6, 1)  # Monday: the fifth working day after it is Monday 06-08
    with time_machine.travel(datetime.datetime(2026, 6, 8, 10, tzinfo=TZ), tick=False):
        on_time = visit(w, tree, ended_on=ended)
    with time_machine.travel(datetime.datetime(2026, 6, 9, 10, tzinfo=TZ), tick=False):
        late = visit(w, tree, ended_on=ended)
    assert on_time.on_time and not late.on_time
    rows = selectors.record_list(actor=actor(w.city_worker))
    counts = selectors.record_counts(rows)
    assert (counts["total"], counts["late"]) == (2, 1)
    assert list(selectors.record_list(actor=actor(w.city_worker), late=True)) == [late]
    values = oversight.INDICATORS[0].values([tree.town, tree.other_town], datetime.date(2026, 6, 1),
                                            datetime.date(2026, 6, 30))
    assert values == {tree.town.pk: 0.5, tree.other_town.pk: None}  # nothing entered there: nothing to measure


def test_bad_records_are_refused_with_the_reason_and_keep_nothing(w, tree):
    today = timezone.localdate()
    with pytest.raises(NotVisible, match="不在您的管理范围内"):  # an elder of the neighbouring town
        visit(w, tree, elder=w.far)
    with pytest.raises(DomainError, match="不能晚于今天"):
        visit(w, tree, ended_on=today + datetime.timedelta(days=1))
    with pytest.raises(DomainError, match="开始日期不能晚于结束日期"):
        visit(w, tree, started_on=today, ended_on=today - datetime.timedelta(days=1))
    with pytest.raises(DomainError, match="走访方式应为"):
        visit(w, tree, details={"visit_type": "日常走访", "method": "飞鸽传书"})
    with pytest.raises(DomainError, match="没有这些字段"):
        visit(w, tree, details={**VISIT, "salary": "1"})
    with pytest.raises(DomainError, match="实到人数不能多于应到人数"):
        services.record_enter(actor=actor(w.worker), unit=tree.town, kind=RecordKind.BRANCH, ended_on=today,
                              workers="赵敏", details={"branch": "一支部", "activity_type": "党课", "place": "活动室",
                                                     "chair": "书记", "expected": 10, "present": 11, "content": "学习"})
    with pytest.raises(DomainError, match="请填写服务时长"):
        services.record_enter(actor=actor(w.worker), unit=tree.town, kind=RecordKind.VOLUNTEER, elder=w.elder,
                              ended_on=today, workers="赵敏",
                              details={"activity": "宣讲", "place": "社区", "content": "党史宣讲"})
    with pytest.raises(DomainError, match="控制字符"):
        visit(w, tree, details={**VISIT, "requests": "坏\x00字符"})
    with pytest.raises(AccessDenied):  # a worker records for their own unit only
        services.record_enter(actor=actor(w.other_worker), unit=tree.town, kind=RecordKind.VISIT, elder=w.far,
                              ended_on=today, workers="x", details=VISIT)
    assert not selectors.record_list(actor=actor(w.city_worker)).exists()


def test_a_correction_keeps_before_and_after_and_the_sample_shows_it(w, tree, client, login):
    record = visit(w, tree, amount="500")
    inspection = supervision.inspection_plan(
        actor=actor(w.inspector), unit=tree.city, title="老干部信息抽查", targets=[tree.county], checklist=["服务记录"],
        period_start=timezone.localdate() - datetime.timedelta(days=30), period_end=timezone.localdate())
    target = supervision.target_of(inspection, tree.county.pk)
    sample = supervision.sample_draw(actor=actor(w.inspector), inspection=inspection, target=target,
                                     record_type_code="veterans.record")
    assert [i.record_id for i in sample.items.all()] == [record.pk]
    login(w.inspector)
    assert "抽取后已修改" not in client.get(f"/supervision/samples/{sample.pk}/").content.decode()

    services.record_update(actor=actor(w.worker), record=record, reason="慰问金金额登记错误", ended_on=record.ended_on,
                           workers="赵敏", amount="800", details=VISIT)
    revision = RecordRevision.objects.get(record=record)
    assert (revision.before, revision.after) == ({"amount": "500.00"}, {"amount": "800.00"})
    assert revision.reason == "慰问金金额登记错误"
    page = client.get(f"/supervision/samples/{sample.pk}/").content.decode()
    assert "抽取后已修改" in page and "修改次数" in page
    with pytest.raises(DomainError, match="没有修改任何内容"):
        services.record_update(actor=actor(w.worker), record=record, reason="再改", ended_on=record.ended_on,
                               workers="赵敏", amount="800", details=VISIT)


def test_the_visit_cadence_lists_who_is_due_this_quarter(w, tree):
    # 吴国华 is 86: due until visited this quarter; 钱淑珍 (66, not alone, self-sufficient) is not covered
    due = list(selectors.visit_due_list(actor=actor(w.worker)))
    assert due == [w.elder]
    todos = [t for t in nav.todos_for(actor(w.worker)) if t.kind == "veterans.visit"]
    assert [t.title.split("（")[0] for t in todos] == ["吴国华"]
    services.elder_update(actor=actor(w.worker), elder=w.young, retirement="tuixiu", living_alone=True)
    assert {e.pk for e in selectors.visit_due_list(actor=actor(w.worker))} == {w.elder.pk, w.young.pk}
    visit(w, tree)
    visit(w, tree, elder=w.young, details={"visit_type": "日常走访", "method": "电话问候"})
    assert not selectors.visit_due_list(actor=actor(w.worker)).exists()
    coverage = selectors.visit_coverage(actor=actor(w.city_worker))
    assert (coverage["covered"], coverage["visited"]) == (2, 2)
    today = timezone.localdate()
    assert oversight.INDICATORS[1].values([tree.town], today.replace(day=1), today) == {tree.town.pk: 1.0}


def test_workers_are_told_once_a_quarter_who_still_waits_for_a_visit(w, tree, province_admin, login,
                                                                   django_capture_on_commit_callbacks):
    from fenji.core.notify.models import Message
    from fenji.core.notify.sms import read_outbox
    from fenji.modules.veterans.reminders import due_by_unit, visit_reminders

    # thirty days before the quarter's end by default: nothing in mid-November, the reminder in December
    assert visit_reminders(now=datetime.datetime(2026, 11, 15, 10, tzinfo=TZ)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert visit_reminders(now=datetime.datetime(2026, 12, 10, 10, tzinfo=TZ)) == 1
    [told] = Message.objects.filter(kind="veterans.visit_due")
    assert told.recipient_id == w.worker.pk and "1 位老同志" in told.title and "2026-12-31" in told.body
    assert [sms.mobile for sms in read_outbox()] == [w.worker.mobile]
    assert visit_reminders(now=datetime.datetime(2026, 12, 20, 10, tzinfo=TZ)) == 0  # once per unit and quarter
    # the kind has its rule on 提醒设置 under this profile, like the core's
    client = login(province_admin)
    assert 'id="alert-veterans.visit_due"' in client.get("/ops/alerts/").content.decode()
    response = client.post("/ops/alerts/", {"kind": "veterans.visit_due", "lead_minutes": "1440"})
    assert response.status_code == 302
    # next quarter, with a day's lead: not on 10 March, on its last day
    assert visit_reminders(now=datetime.datetime(2027, 3, 10, 10, tzinfo=TZ)) == 0
    assert visit_reminders(now=datetime.datetime(2027, 3, 31, 9, tzinfo=TZ)) == 1
    assert due_by_unit(timezone.localdate()) == {tree.town.pk: 1}
    visit(w, tree)  # visited this quarter: the unit has nobody due any more
    assert due_by_unit(timezone.localdate()) == {}


def test_the_usage_statistics_count_the_records_entered_and_on_time(w, tree, login):
    from fenji.core.supervision import selectors as usage_selectors
    from fenji.core.supervision import usage

    visit(w, tree)
    visit(w, tree, elder=w.young)
    usage.usage_rebuild()
    month = usage.month_start(timezone.localdate())
    top, rows = usage_selectors.usage_report(unit=tree.city, months=[month])
    [records] = top.records
    assert (str(records["label"]), records["entered"], records["on_time"], records["rate"]) == ("服务记录录入", 2, 2, 1.0)
    assert [(r.unit_name, r.records[0]["entered"]) for r in rows] == [("玄武区", 2)]  # drilled down to the child
    page = login(w.inspector).get(f"/supervision/usage/?unit={tree.city.pk}").content.decode()
    assert "服务记录录入" in page and "按时录入率" in page


def test_volunteer_hours_add_up_and_the_certificate_prints(w, tree, client, login):
    for hours in ("2.5", "3"):
        services.record_enter(actor=actor(w.worker), unit=tree.town, kind=RecordKind.VOLUNTEER, elder=w.elder,
                              ended_on=timezone.localdate(), workers="赵敏", hours=hours,
                              details={"activity": "党史宣讲", "place": "新街口社区", "content": "为青少年讲党史"})
    assert selectors.volunteer_hours(w.elder)["hours"] == pytest.approx(5.5)
    login(w.worker)
    response = client.get(f"/veterans/elders/{w.elder.pk}/certificate.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"%PDF" in response.content[:8]


def test_the_pages_register_an_elder_and_enter_a_visit_with_a_photo(w, tree, client, login):
    login(w.worker)
    response = client.post("/veterans/elders/", {
        "real_name": "冯老", "id_number": _id("19380808", 21), "mobile": "", "retirement": "lixiu", "rank": "county",
        "health": "poor", "self_care": "partial"})
    assert response.status_code == 302
    elder = selectors.elder_list(actor=actor(w.worker), text="冯老").get()
    form = client.get(f"/veterans/records/new/visit/?elder={elder.pk}").content.decode()
    assert "冯老" in form and "吴国华" not in form  # the elder chosen from the list is the one offered
    response = client.post(f"/veterans/records/new/visit/?elder={elder.pk}", {
        "elder": elder.pk, "ended_on": timezone.localdate().isoformat(), "workers": "赵敏", "amount": "1000",
        "d_visit_type": "住院慰问", "d_method": "医院探望", "d_follow_up": "出院后一周内上门",
        "uploads": SimpleUploadedFile("现场.png", PNG, content_type="image/png")})
    assert response.status_code == 302, response.content.decode()[:2000]
    record = selectors.record_list(actor=actor(w.worker), elder=elder).get()
    assert record.on_time and selectors.record_photos(record).count() == 1 and record.amount == 1000
    page = client.get(f"/veterans/records/{record.pk}/").content.decode()
    assert "住院慰问" in page and "出院后一周内上门" in page and "现场.png" in page
    listing = client.get("/veterans/records/?kind=visit").content.decode()
    assert f"record-{record.pk}" in listing
    export = client.get("/veterans/records/?format=xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    # an elder from another town is not offered, and posting its id is refused like a bad choice
    response = client.post("/veterans/records/new/visit/", {
        "elder": w.far.pk, "ended_on": timezone.localdate().isoformat(), "workers": "赵敏", "d_visit_type": "日常走访",
        "d_method": "上门走访"})
    assert response.status_code == 200 and not selectors.record_list(actor=actor(w.city_worker), elder=w.far).exists()


def test_a_photo_is_served_only_through_its_record(w, tree, client, login):
    record = visit(w, tree, uploads=[SimpleUploadedFile("a.png", PNG, content_type="image/png")])
    photo = selectors.record_photos(record).get()
    other = visit(w, tree)
    login(w.city_worker)
    assert client.get(f"/veterans/records/{record.pk}/photos/{photo.pk}/").status_code == 200
    assert client.get(f"/veterans/records/{other.pk}/photos/{photo.pk}/").status_code == 404  # not that record's
    client.logout()
    login(w.other_worker)  # the neighbouring town: the record is out of scope
    assert client.get(f"/veterans/records/{record.pk}/photos/{photo.pk}/").status_code == 404


def test_the_elder_sees_what_was_done_for_them_on_the_phone(w, tree, client):
    from fenji.testing import PASSWORD

    visit(w, tree)
    account = w.elder.person.account
    account.set_password(PASSWORD)
    account.must_change_password = False
    account.save()
    response = client.post("/m/login/", {"mobile": account.mobile, "password": PASSWORD})
    assert response.status_code == 302
    home = client.get("/m/").content.decode()
    assert "我的服务记录" in home
    mine = client.get("/m/veterans/mine/").content.decode()
    assert "走访慰问" in mine and tree.town.name in mine
    console = client.get("/veterans/records/")  # an elder has no console: sent to the phone's home
    assert console.status_code == 302 and console["Location"] == "/m/"


def test_the_api_enters_and_lists_records_within_scope(w, tree, client, login):
    login(w.worker)
    response = client.post("/api/v1/veterans/records", {
        "kind": "visit", "elder": w.elder.pk, "ended_on": timezone.localdate().isoformat(), "workers": "赵敏",
        "details": VISIT}, content_type="application/json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["on_time"] and created["details"] == VISIT
    refused = client.post("/api/v1/veterans/records", {
        "kind": "visit", "elder": w.far.pk, "ended_on": timezone.localdate().isoformat(), "workers": "赵敏",
        "details": VISIT}, content_type="application/json")
    assert refused.status_code == 404
    future = client.post("/api/v1/veterans/records", {
        "kind": "visit", "elder": w.elder.pk, "ended_on": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
        "workers": "赵敏", "details": VISIT}, content_type="application/json")
    assert future.status_code == 400 and "不能晚于今天" in future.content.decode()
    client.logout()
    login(w.other_worker)
    assert client.get(f"/api/v1/veterans/records/{created['id']}").status_code == 404
    assert client.put(f"/api/v1/veterans/records/{created['id']}", {
        "reason": "越权", "ended_on": timezone.localdate().isoformat(), "workers": "x", "details": VISIT},
        content_type="application/json").status_code == 404
    assert client.get(f"/api/v1/veterans/elders/{w.elder.pk}").status_code == 404
    assert client.put(f"/api/v1/veterans/elders/{w.elder.pk}", {"retirement": "tuixiu"},
                      content_type="application/json").status_code == 404
    assert client.get("/api/v1/veterans/records").json()["total"] == 0
    client.logout()
    login(w.city_worker)
    assert client.get("/api/v1/veterans/records").json()["total"] == 1
    assert client.get("/api/v1/veterans/elders").json()["total"] == 3


def test_staff_enter_a_visit_on_the_phone_with_a_photo(w, tree, client):
    from fenji.testing import PASSWORD

    response = client.post("/m/login/", {"mobile": w.worker.mobile, "password": PASSWORD})
    assert response.status_code == 302
    assert "录入服务记录" in client.get("/m/").content.decode()
    due = client.get("/m/veterans/records/").content.decode()
    assert f"due-{w.elder.pk}" in due  # 吴国华 (86) is due this quarter
    response = client.post(f"/m/veterans/records/new/visit/?elder={w.elder.pk}", {
        "elder": w.elder.pk, "ended_on": timezone.localdate().isoformat(), "workers": "街道老干部干事",
        "d_visit_type": "日常走访", "d_method": "上门走访", "uploads": SimpleUploadedFile("p.png", PNG, "image/png")})
    assert response.status_code == 302 and response["Location"].startswith("/m/veterans/records/")
    record = selectors.record_list(actor=actor(w.worker), elder=w.elder).get()
    assert selectors.record_photos(record).count() == 1
    assert f"due-{w.elder.pk}" not in client.get("/m/veterans/records/").content.decode()


def test_elders_are_imported_row_by_row_with_a_report_of_the_rest(w, tree, client, login):
    header = ("姓名", "身份证号", "离休/退休", "手机号", "健康状况", "独居", "离退休时间", "所在单位代码")
    sheet = xlsx_file(header, [
        ("冯老", _id("19380808", 31), "离休", "13700007001", "重病", "是", "1998-06-01", ""),
        ("陈老", _id("19450101", 32), "退休", "", "良好", "否", "2005/1/1", tree.other_town.code),  # a sibling town
        ("错号", "320102194501010001", "退休", "", "", "", "", ""),  # wrong check digit
        ("类别错", _id("19460101", 33), "退职", "", "", "", "", ""),
        ("重复", w.elder.person.id_number, "退休", "", "", "", "", ""),  # already registered
        ("孙老", _id("19500505", 34), "退休", "", "一般", "", "2010年5月1日", ""),
    ])
    login(w.worker)
    response = client.post("/veterans/elders/import/", {"unit": tree.town.pk, "file": SimpleUploadedFile(
        "老干部名单.xlsx", sheet.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "导入 2 行，失败 4 行" in page
    names = set(selectors.elder_list(actor=actor(w.city_worker)).values_list("person__real_name", flat=True))
    assert {"冯老", "孙老"} <= names and not {"陈老", "错号", "类别错"} & names
    feng = selectors.elder_list(actor=actor(w.worker), text="冯老").get()
    assert (feng.retirement, feng.health, feng.living_alone, feng.retired_on) == (
        "lixiu", "serious", True, datetime.date(1998, 6, 1))
    assert feng.person.account.kind == "elder" and not feng.person.account.has_usable_password()
    assert "离休/退休应为" in page and "不在您的管理范围内" in page and "已登记" in page
    job = response["Location"].split("job=")[1]
    report = client.get(f"/veterans/elders/import/{job}/errors.xlsx")
    assert report.status_code == 200
    assert client.get("/veterans/elders/import/template.xlsx").status_code == 200
    client.logout()
    login(w.city_worker)  # a job is its uploader's only, even for the unit above
    assert client.get(f"/veterans/elders/import/{job}/").status_code == 404
    assert client.get(f"/veterans/elders/import/{job}/errors.xlsx").status_code == 404
