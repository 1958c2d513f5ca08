"""The 5-working-day entry rule (seed 000 §18) on the official calendar: the fifth working day is on time, the
sixth late; weekends, holidays and 调休 make-up days as published (2026 National Day: 10-01..10-07 off, Saturday
10-10 worked)."""

import datetime

import pytest

from fenji.core.audit.services import PLATFORM
from fenji.core.calendar import services
from fenji.modules.veterans.records import entered_on_time

D = datetime.date


@pytest.fixture
def calendar(db):
    services.calendar_seed(actor=PLATFORM, first=2026, last=2026)


CASES = [
    (D(2026, 6, 1), D(2026, 6, 1), True),  # the same day
    (D(2026, 6, 1), D(2026, 5, 30), True),  # entered before the end (a record of a planned visit)
    (D(2026, 6, 1), D(2026, 6, 8), True),  # Monday → the fifth working day is Monday 06-08
    (D(2026, 6, 1), D(2026, 6, 9), False),  # the sixth
    (D(2026, 6, 5), D(2026, 6, 12), True),  # Friday: across the weekend, the fifth is Friday 06-12
    (D(2026, 6, 5), D(2026, 6, 13), False),
    (D(2026, 9, 30), D(2026, 10, 10), True),  # across National Day: 10-08, 10-09, the Saturday 10-10 …
    (D(2026, 9, 30), D(2026, 10, 12), True),  # … 10-11 is a Sunday, Monday 10-12 the fourth, 10-13 the fifth
    (D(2026, 9, 30), D(2026, 10, 13), True),
    (D(2026, 9, 30), D(2026, 10, 14), False),
    (D(2027, 6, 4), D(2027, 6, 11), True),  # a year not yet confirmed: weekends only (Friday → Friday)
    (D(2027, 6, 4), D(2027, 6, 14), False),
]


def test_five_working_days_on_the_official_calendar(calendar):
    """One calendar for every case (seeding it is the slow part)."""
    wrong = [(end, entered) for end, entered, on_time in CASES if entered_on_time(end, entered) is not on_time]
    assert not wrong
