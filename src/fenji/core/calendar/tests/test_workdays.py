"""Working-day arithmetic against the official calendar (State Council notices for 2024 and 2026).

2024 National Day: 10-01..10-07 off; Sunday 09-29 and Saturday 10-12 worked.
2024 Spring Festival: 02-10..02-17 off; Sunday 02-04 and Sunday 02-18 worked.
2026 Spring Festival: 02-15..02-23 off; Saturday 02-14 and Saturday 02-28 worked.
2026 National Day: 10-01..10-07 off; Sunday 09-20 and Saturday 10-10 worked.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fenji.core.audit.services import PLATFORM
from fenji.core.calendar import services, workdays
from fenji.core.calendar.models import CalendarYear, DayKind, DayOverride
from fenji.core.calendar.workdays import (
    Deadline,
    add_minutes,
    add_working_days,
    deadline,
    is_working_day,
    working_days_between,
)
from fenji.core.kernel.errors import DomainError

D = datetime.date
FIRST, LAST = 2023, 2026


@pytest.fixture
def seeded(db):
    services.calendar_seed(actor=PLATFORM, first=FIRST, last=LAST)


def test_make_up_days_and_holidays_of_2024(seeded):
    for worked in (D(2024, 2, 4), D(2024, 2, 18), D(2024, 9, 29), D(2024, 10, 12)):
        assert worked.weekday() >= 5 and is_working_day(worked), worked
    for day in range(1, 8):
        assert not is_working_day(D(2024, 10, day))
    assert not is_working_day(D(2024, 9, 28))  # an ordinary Saturday
    assert is_working_day(D(2024, 10, 8))


def test_only_non_default_days_are_stored(seeded):
    # 10-05 and 10-06 of 2024 are a Saturday and a Sunday inside the holiday: off by default, not stored.
    assert not DayOverride.objects.filter(date__in=[D(2024, 10, 5), D(2024, 10, 6)]).exists()
    row = DayOverride.objects.get(date=D(2024, 10, 1))
    assert (row.kind, row.name) == (DayKind.HOLIDAY, "国庆节") and row.source.startswith("library:chinesecalendar ")
    assert DayOverride.objects.get(date=D(2024, 9, 29)).kind == DayKind.WORKDAY
    for row in DayOverride.objects.all():
        assert (row.kind == DayKind.WORKDAY) == (row.date.weekday() >= 5)


def test_national_day_2024(seeded):
    assert add_working_days(D(2024, 9, 30), 1) == D(2024, 10, 8)
    # From Friday 09-27: Sun 09-29 (1), Mon 09-30 (2), Tue 10-08 (3), Wed 10-09 (4), Thu 10-10 (5).
    assert add_working_days(D(2024, 9, 27), 5) == D(2024, 10, 10)
    assert add_working_days(D(2024, 9, 27), 1) == D(2024, 9, 29)
    assert add_working_days(D(2024, 10, 11), 1) == D(2024, 10, 12)  # the Saturday make-up day
    assert working_days_between(D(2024, 9, 27), D(2024, 10, 10)) == 5


def test_spring_festival_2024(seeded):
    # Fri 02-02 → Sun 02-04 (1), Mon 02-05 … Fri 02-09 (2..6), Sun 02-18 (7), Mon 02-19 (8).
    assert add_working_days(D(2024, 2, 2), 7) == D(2024, 2, 18)
    assert add_working_days(D(2024, 2, 2), 8) == D(2024, 2, 19)


def test_spring_festival_and_national_day_2026(seeded):
    # Fri 02-13 → Sat 02-14 (1), then 02-15..02-23 off, Tue 02-24 (2).
    assert add_working_days(D(2026, 2, 13), 2) == D(2026, 2, 24)
    # Fri 09-18 → Sun 09-20 (1), 09-21..09-24 (2..5), Fri 09-25 off (Mid-Autumn), Mon 09-28 (6).
    assert not is_working_day(D(2026, 9, 25))
    assert add_working_days(D(2026, 9, 18), 6) == D(2026, 9, 28)
    # Wed 09-30 → 10-01..10-07 off, Thu 10-08 (1), Fri 10-09 (2), Sat 10-10 (3), Mon 10-12 (4).
    assert add_working_days(D(2026, 9, 30), 4) == D(2026, 10, 12)


def test_zero_days_and_datetimes(seeded):
    assert add_working_days(D(2024, 10, 3), 0) == D(2024, 10, 3)
    from django.utils import timezone

    start = timezone.make_aware(datetime.datetime(2024, 9, 30, 16, 45))
    due = add_working_days(start, 1)
    assert isinstance(due, datetime.datetime)
    assert timezone.localtime(due).replace(tzinfo=None) == datetime.datetime(2024, 10, 8, 16, 45)
    # An aware UTC datetime counts from its local (Beijing) date: 2024-09-29 20:00 UTC is 09-30 04:00 local.
    utc = datetime.datetime(2024, 9, 29, 20, 0, tzinfo=datetime.UTC)
    assert timezone.localtime(add_working_days(utc, 1)).replace(tzinfo=None) == datetime.datetime(2024, 10, 8, 4, 0)
    naive = datetime.datetime(2024, 9, 30, 9, 0)
    assert add_working_days(naive, 1) == datetime.datetime(2024, 10, 8, 9, 0)


def test_minutes_are_plain_minutes():
    start = datetime.datetime(2024, 9, 30, 23, 30, tzinfo=datetime.UTC)
    assert add_minutes(start, 90) == datetime.datetime(2024, 10, 1, 1, 0, tzinfo=datetime.UTC)
    with pytest.raises(DomainError):
        add_minutes(start, -1)


def test_negative_days_are_refused(seeded):
    with pytest.raises(DomainError, match="不能为负数"):
        add_working_days(D(2024, 1, 2), -1)


def test_between_is_exclusive_of_the_start_and_inclusive_of_the_end(seeded):
    assert working_days_between(D(2024, 10, 8), D(2024, 10, 8)) == 0
    assert working_days_between(D(2024, 10, 7), D(2024, 10, 8)) == 1
    assert working_days_between(D(2024, 9, 30), D(2024, 10, 7)) == 0
    assert working_days_between(D(2024, 10, 10), D(2024, 9, 27)) == -5


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
days_in_confirmed_years = st.dates(min_value=D(FIRST, 1, 1), max_value=D(LAST, 10, 31))


@SETTINGS
@given(start=days_in_confirmed_years, n=st.integers(min_value=0, max_value=40))
def test_between_inverts_add(seeded, start, n):
    due = add_working_days(start, n)
    assert working_days_between(start, due) == n
    assert n == 0 or is_working_day(due)
    if n:
        assert working_days_between(start, due - datetime.timedelta(days=1)) == n - 1


@SETTINGS
@given(a=days_in_confirmed_years, b=days_in_confirmed_years)
def test_between_agrees_with_the_library(seeded, a, b):
    import chinese_calendar

    first, last = min(a, b), max(a, b)
    expected = sum(chinese_calendar.is_workday(first + datetime.timedelta(days=i))
                   for i in range(1, (last - first).days + 1))
    assert working_days_between(first, last) == expected


def test_past_the_last_confirmed_year_is_refused_in_chinese(seeded):
    with pytest.raises(DomainError) as caught:
        add_working_days(D(2026, 12, 30), 5)
    assert "2027 年的节假日安排尚未公布" in caught.value.message and "已确认至 2026 年" in caught.value.message
    with pytest.raises(DomainError, match="2031 年的节假日安排尚未公布"):
        is_working_day(D(2031, 3, 3))
    with pytest.raises(DomainError, match="2022 年"):
        working_days_between(D(2022, 12, 1), D(2023, 1, 5))


def test_a_provisional_deadline_counts_weekends_and_says_so(seeded):
    # Thu 2026-12-31 → Fri 2027-01-01 (1: provisional, the New Year holiday is not entered yet), Mon 01-04 (2).
    result = deadline(D(2026, 12, 31), 2, provisional_ok=True)
    assert result == Deadline(D(2027, 1, 4), True, "2027.p0")
    assert add_working_days(D(2026, 12, 31), 2, provisional=True) == D(2027, 1, 4)
    confirmed = deadline(D(2026, 12, 30), 1)
    assert confirmed.provisional is False and confirmed.value == D(2026, 12, 31)
    assert confirmed.calendar_version == f"2026.{CalendarYear.objects.get(year=2026).version}"


def test_a_provisional_deadline_is_recomputed_once_the_year_is_entered(seeded):
    stored = deadline(D(2026, 12, 31), 2, provisional_ok=True)
    assert workdays.is_current(stored.calendar_version)
    services.day_override_set(actor=PLATFORM, date=D(2027, 1, 1), kind=DayKind.HOLIDAY, name="元旦")
    services.calendar_year_confirm(actor=PLATFORM, year=2027)
    assert not workdays.is_current(stored.calendar_version)
    again = deadline(D(2026, 12, 31), 2)
    assert again == Deadline(D(2027, 1, 5), False, "2027.2")  # 01-01 off now: Mon 01-04 (1), Tue 01-05 (2)
    assert workdays.is_current(again.calendar_version)


def test_editing_an_override_bumps_the_year_version(seeded):
    before = CalendarYear.objects.get(year=2025).version
    other = CalendarYear.objects.get(year=2024).version
    services.day_override_set(actor=PLATFORM, date=D(2025, 6, 3), kind=DayKind.HOLIDAY, name="试验")
    assert CalendarYear.objects.get(year=2025).version == before + 1
    assert not is_working_day(D(2025, 6, 3))
    services.day_override_remove(actor=PLATFORM, date=D(2025, 6, 3))
    assert CalendarYear.objects.get(year=2025).version == before + 2
    assert is_working_day(D(2025, 6, 3))
    assert CalendarYear.objects.get(year=2024).version == other


def test_the_overrides_are_read_once_per_process_until_a_version_changes(seeded):
    add_working_days(D(2024, 1, 2), 3)
    with CaptureQueriesContext(connection) as queries:
        add_working_days(D(2024, 9, 27), 5)
        working_days_between(D(2024, 1, 1), D(2024, 12, 31))
    assert len(queries) == 2  # one version check per call, no override reload
    # Another process changes a year: only its version tells.
    DayOverride.objects.create(date=D(2024, 10, 8), kind=DayKind.HOLIDAY, name="假设", source="console")
    assert is_working_day(D(2024, 10, 8))  # the cache does not know yet
    CalendarYear.objects.filter(year=2024).update(version=999)
    assert not is_working_day(D(2024, 10, 8))
