"""The working-day calendar's console page (C6.1): everyone with a staff grant reads it; only a
top-level system administrator changes it (the calendar is one for the whole platform)."""

import datetime

import pytest

from fenji.core.audit.models import AuditEvent, Outcome
from fenji.core.audit.services import PLATFORM
from fenji.core.calendar import services as calendar
from fenji.core.calendar.models import CalendarYear, DayKind, DayOverride
from fenji.core.kernel.errors import AccessDenied
from fenji.core.ops import calendar_services
from fenji.testing import actor

D = datetime.date


@pytest.fixture
def seeded(db):
    calendar.calendar_seed(actor=PLATFORM, first=2026, last=2026)


def test_staff_read_the_year(seeded, city_clerk, login):
    client = login(city_clerk)
    page = client.get("/ops/calendar/?year=2026").content.decode()
    assert "工作日历" in page and 'id="day-2026-10-01"' in page and "国庆节" in page and "已确认" in page
    assert "登记放假或调休上班" not in page  # no forms for readers
    assert client.post("/ops/calendar/set/", {"date": "2026-06-02", "kind": "holiday", "name": "x"}).status_code == 403
    assert not DayOverride.objects.filter(date=D(2026, 6, 2)).exists()


def test_the_nav_shows_the_calendar(seeded, city_clerk, login):
    page = login(city_clerk).get("/ops/calendar/").content.decode()
    assert 'href="/ops/calendar/"' in page


def test_the_province_administrator_enters_and_confirms_a_new_year(seeded, province_admin, login):
    client = login(province_admin)
    page = client.get("/ops/calendar/?year=2027").content.decode()
    assert "未确认" in page and "确认 2027 年安排" in page
    response = client.post("/ops/calendar/set/", {"date": "2027-10-01", "kind": "holiday", "name": "国庆节"})
    assert response.status_code == 302 and response["Location"] == "/ops/calendar/?year=2027"
    row = DayOverride.objects.get(date=D(2027, 10, 1))
    assert (row.kind, row.source, row.created_by_id) == (DayKind.HOLIDAY, "console", province_admin.pk)
    refused = client.post("/ops/calendar/set/", {"date": "2027-10-02", "kind": "holiday", "name": "国庆节"})
    assert refused.status_code == 200 and "本来就是休息日" in refused.content.decode()
    client.post("/ops/calendar/confirm/", {"year": "2027"})
    assert CalendarYear.objects.get(year=2027).confirmed
    client.post("/ops/calendar/remove/", {"date": "2027-10-01"})
    assert not DayOverride.objects.filter(date=D(2027, 10, 1)).exists()
    assert CalendarYear.objects.get(year=2027).version == 3
    actions = list(AuditEvent.objects.filter(action__startswith="calendar.", actor_id=province_admin.pk)
                   .values_list("action", flat=True))
    assert actions == ["calendar.day.set", "calendar.year.confirm", "calendar.day.remove"]


def test_a_city_administrator_reads_but_may_not_change_the_platform_calendar(seeded, city_admin, login):
    client = login(city_admin)
    page = client.get("/ops/calendar/?year=2026").content.decode()
    assert "国庆节" in page and "登记放假或调休上班" not in page
    response = client.post("/ops/calendar/set/", {"date": "2026-06-02", "kind": "holiday", "name": "端午"})
    assert response.status_code == 403
    assert not DayOverride.objects.filter(date=D(2026, 6, 2)).exists()
    denied = AuditEvent.objects.filter(outcome=Outcome.DENIED, action="calendar.day.manage").last()
    assert denied is not None
    with pytest.raises(AccessDenied, match="最上级单位"):
        calendar_services.day_set(actor=actor(city_admin), date=D(2026, 6, 2), kind="holiday", name="端午")


def _workbook(rows) -> bytes:
    import io

    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet()
    for r, row in enumerate([("日期", "类型", "名称"), *rows]):
        sheet.write_row(r, 0, row)
    book.close()
    return buffer.getvalue()


def _upload(client, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post("/ops/calendar/import/", {"workbook": SimpleUploadedFile(
        "2027.xlsx", content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")})


def test_the_new_years_notice_is_imported_from_excel_in_the_console(seeded, province_admin, login):
    client = login(province_admin)
    response = _upload(client, _workbook([("2027-01-01", "放假", "元旦"), ("2027-02-07", "调休上班", "春节")]))
    assert response.status_code == 302 and response["Location"] == "/ops/calendar/?year=2027"
    assert DayOverride.objects.get(date=D(2027, 2, 7)).kind == DayKind.WORKDAY
    assert CalendarYear.objects.get(year=2027).confirmed
    assert AuditEvent.objects.filter(action="calendar.year.import", outcome=Outcome.OK).exists()


def test_a_workbook_with_a_bad_row_imports_nothing_and_names_the_row(seeded, province_admin, login):
    client = login(province_admin)
    page = _upload(client, _workbook([("2027-01-01", "放假", "元旦"), ("2027-13-40", "放假", "错日")])).content.decode()
    assert "第 3 行" in page and "未导入任何日期" in page
    assert not DayOverride.objects.filter(date=D(2027, 1, 1)).exists()
    assert "无法读取" in _upload(client, b"not a workbook").content.decode()


def test_a_city_administrator_cannot_import(seeded, city_admin, login):
    response = _upload(login(city_admin), _workbook([("2027-01-01", "放假", "元旦")]))
    assert response.status_code == 403
    assert not DayOverride.objects.filter(date=D(2027, 1, 1)).exists()
