"""Seeding from the library, console edits and the Excel import (all or nothing)."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from fenji.core.audit.models import AuditEvent
from fenji.core.audit.services import PLATFORM
from fenji.core.calendar import services
from fenji.core.calendar.importer import read_workbook
from fenji.core.calendar.models import CalendarYear, DayKind, DayOverride
from fenji.core.calendar.workdays import add_working_days
from fenji.core.kernel.errors import DomainError

D = datetime.date


def test_seed_is_idempotent_and_confirms_the_years(db):
    result = services.calendar_seed(actor=PLATFORM, first=2024, last=2025)
    assert result.changed_years == [2024, 2025]
    count, versions = DayOverride.objects.count(), dict(CalendarYear.objects.values_list("year", "version"))
    assert CalendarYear.objects.filter(confirmed=True).count() == 2
    events = AuditEvent.objects.filter(action="calendar.year.seed").count()
    assert events == 2
    again = services.calendar_seed(actor=PLATFORM, first=2024, last=2025)
    assert again.changed_years == []
    assert DayOverride.objects.count() == count
    assert dict(CalendarYear.objects.values_list("year", "version")) == versions
    assert AuditEvent.objects.filter(action="calendar.year.seed").count() == events


def test_seed_keeps_console_entries(db):
    services.day_override_set(actor=PLATFORM, date=D(2024, 10, 1), kind=DayKind.HOLIDAY, name="国庆（本地）")
    result = services.calendar_seed(actor=PLATFORM, first=2024, last=2024)
    assert result.years[2024]["kept"] == 1
    assert DayOverride.objects.get(date=D(2024, 10, 1)).name == "国庆（本地）"


def test_the_seed_command_defaults_to_every_published_year(db, capsys):
    call_command("calendar", "seed")
    first, last = services.library_years()
    assert first == 2004 and last >= 2026
    assert list(CalendarYear.objects.filter(confirmed=True).values_list("year", flat=True)) == list(
        range(first, last + 1))
    assert f"工作日历已确认至 {last} 年" in capsys.readouterr().out
    call_command("calendar", "seed", "--from", "2020", "--to", "2021")
    assert "2020：无变化" in capsys.readouterr().out
    with pytest.raises(CommandError, match="年份范围"):
        call_command("calendar", "seed", "--from", "1999")


def test_default_days_cannot_be_stored(db):
    with pytest.raises(DomainError, match="本来就是休息日"):
        services.day_override_set(actor=PLATFORM, date=D(2024, 10, 5), kind=DayKind.HOLIDAY, name="国庆节")
    with pytest.raises(DomainError, match="本来就是工作日"):
        services.day_override_set(actor=PLATFORM, date=D(2024, 10, 8), kind=DayKind.WORKDAY, name="调休")
    with pytest.raises(DomainError, match="没有登记调整"):
        services.day_override_remove(actor=PLATFORM, date=D(2024, 10, 8))
    assert not CalendarYear.objects.exists()


def test_set_and_remove_are_audited(db):
    services.day_override_set(actor=PLATFORM, date=D(2027, 10, 1), kind=DayKind.HOLIDAY, name="国庆节")
    event = AuditEvent.objects.get(action="calendar.day.set")
    assert event.details["date"] == "2027-10-01" and event.details["year_version"] == 1
    services.day_override_remove(actor=PLATFORM, date=D(2027, 10, 1))
    assert AuditEvent.objects.get(action="calendar.day.remove").target_id == "2027-10-01"
    assert CalendarYear.objects.get(year=2027).version == 2


def _workbook(path, rows):
    book = Workbook()
    sheet = book.active
    sheet.append(["日期", "类型", "名称"])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


GOOD_2027 = [
    [datetime.datetime(2027, 10, 1), "放假", "国庆节"],
    ["2027-10-04", "放假", "国庆节"],
    ["2027-10-05", "放假", "国庆节"],
    ["2027-10-06", "放假", "国庆节"],
    ["2027-10-07", "放假", "国庆节"],
    ["2027-09-26", "调休上班", "国庆节"],
    ["2027-10-09", "调休上班", "国庆节"],
]


def test_an_import_with_one_bad_row_writes_nothing_and_names_the_row(db, tmp_path):
    path = _workbook(tmp_path / "2027.xlsx", [*GOOD_2027[:3], ["2027-10-06", "补班", "国庆节"], *GOOD_2027[4:]])
    report = read_workbook(path)
    assert not report.ok
    assert report.errors == [(5, "类型“补班”无法识别（应为“放假”或“调休上班”）")]
    with pytest.raises(CommandError) as caught:
        call_command("calendar", "import", str(path))
    assert "未写入任何数据" in str(caught.value) and "第 5 行" in str(caught.value)
    assert not DayOverride.objects.exists() and not CalendarYear.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="calendar.").exists()


def test_every_bad_row_is_reported(db, tmp_path):
    path = _workbook(tmp_path / "bad.xlsx", [
        ["2027-10-02", "放假", "国庆节"],  # a Saturday
        ["2027-13-01", "放假", "国庆节"],
        ["2027-10-01", "放假", ""],
        ["2027-10-04", "放假", "国庆节"],
        ["2027-10-04", "放假", "国庆节"],
    ])
    report = read_workbook(path)
    assert [row for row, _ in report.errors] == [2, 3, 4, 6]
    assert "第 2 行：2027-10-02是周六，本来就是休息日" in report.describe()
    assert "与第 5 行重复" in report.describe()


def test_a_clean_import_confirms_the_year(db, tmp_path, capsys):
    path = _workbook(tmp_path / "2027.xlsx", GOOD_2027)
    call_command("calendar", "import", str(path))
    assert "2027：导入 7 天，已确认" in capsys.readouterr().out
    year = CalendarYear.objects.get(year=2027)
    assert year.confirmed and year.source == "import"
    assert DayOverride.objects.filter(date__year=2027, source="import").count() == 7
    services.calendar_seed(actor=PLATFORM, first=2026, last=2026)
    # Thu 2027-09-30 → 10-01..10-07 off, Fri 10-08 (1), Sat 10-09 (2), Mon 10-11 (3).
    assert add_working_days(D(2027, 9, 30), 3) == D(2027, 10, 11)


def test_the_import_service_is_all_or_nothing(db):
    rows = [services.ImportRow(2, D(2027, 10, 1), DayKind.HOLIDAY, "国庆节"),
            services.ImportRow(3, D(2027, 10, 2), DayKind.HOLIDAY, "国庆节")]
    with pytest.raises(DomainError, match="第 3 行"):
        services.calendar_import(actor=PLATFORM, rows=rows)
    assert not DayOverride.objects.exists()


def test_a_file_without_the_columns_is_refused(db, tmp_path):
    book = Workbook()
    book.active.append(["date", "kind"])
    book.save(tmp_path / "x.xlsx")
    with pytest.raises(DomainError, match="缺少“日期”列"):
        read_workbook(tmp_path / "x.xlsx")
