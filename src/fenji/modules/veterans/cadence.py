"""The visit cadence (design/domain/office-and-veterans.md §4, issue M1): an elder aged 80 or more, living alone,
not self-sufficient or seriously ill gets a visit or a call at least once every calendar quarter.

Pure functions of the elder's facts and the day; the age limit is ``FENJI_VETERANS_VISIT_AGE`` (a local rule:
some provinces start at 85)."""

import datetime

from django.conf import settings


def age_on(birth_date: datetime.date | None, day: datetime.date) -> int | None:
    """Whole years of age on ``day`` (None when the birth date is unknown)."""
    if birth_date is None:
        return None
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def needs_quarterly_visit(*, age: int | None, living_alone: bool, self_care: str, health: str) -> bool:
    """Is the elder among those visited or called every quarter?"""
    limit = settings.FENJI_VETERANS_VISIT_AGE
    return ((age is not None and age >= limit) or living_alone or self_care in ("partial", "none")
            or health == "serious")


def quarter_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the calendar quarter holding ``day``."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = datetime.date(day.year, first_month, 1)
    following = datetime.date(day.year + (first_month == 10), 1 if first_month == 10 else first_month + 3, 1)
    return start, following - datetime.timedelta(days=1)


def covered_q(day: datetime.date, prefix: str = ""):
    """The elders the cadence covers on ``day`` as a filter on ``Elder`` (``prefix``: the path to it, with ``__``):
    born on or before the day they turned the age limit, living alone, not self-sufficient or seriously ill."""
    from django.db.models import Q

    limit = settings.FENJI_VETERANS_VISIT_AGE
    try:
        born_by = day.replace(year=day.year - limit)
    except ValueError:  # 29 February
        born_by = day.replace(year=day.year - limit, day=28)
    return (Q(**{f"{prefix}person__birth_date__lte": born_by}) | Q(**{f"{prefix}living_alone": True})
            | Q(**{f"{prefix}self_care__in": ("partial", "none")}) | Q(**{f"{prefix}health": "serious"}))
