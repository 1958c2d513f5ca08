"""What users type, read safely: row ids and dates, with the ranges the databases and Python can hold.

A number beyond 64 bits is a valid ``int`` but not a row id: SQLite raises ``OverflowError`` when it
is bound, and ``str.isdigit()`` accepts characters (``²``) that ``int()`` refuses. A date at the end
of Python's range (9999-12-31) cannot be extended by the day that makes a period's end exclusive.
Views and forms read ids with ``parse_id`` / ``parse_ids``, dates with ``DateField`` /
``DateTimeField`` (bounded to ``DATE_MIN``–``DATE_MAX``) and search boxes with ``search_text``, so bad
input is a missing row, a form error or an empty result, never a server error. ``tests/test_bad_input.py`` walks every route with such values.
"""

import datetime

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from .text import CONTROL  # NUL (refused by PostgreSQL text), C0, DEL and C1

ID_MAX = 2**63 - 1  # the largest bigint: SQLite INTEGER and PostgreSQL bigint primary keys
INT_MIN, INT_MAX = -(2**31), 2**31 - 1  # an IntegerField column (PostgreSQL integer)
DATE_MIN = datetime.date(1900, 1, 1)
DATE_MAX = datetime.date(2999, 12, 31)


def parse_id(value) -> int | None:
    """A row id from a request (``"42"`` → 42); ``None`` for anything else: empty, not ASCII digits,
    zero, or beyond 64 bits."""
    text = str(value).strip() if value is not None else ""
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(ID_MAX)):
        return None
    number = int(text)
    return number if 0 < number <= ID_MAX else None


def parse_ids(values) -> list[int]:
    """The valid ids among ``values`` (``request.GET.getlist(…)``), in order, each once."""
    return list(dict.fromkeys(n for n in map(parse_id, values) if n is not None))




def search_text(value, *, limit: int = 100) -> str:
    """What a search box sent, as text to search for: control characters dropped, trimmed, at most ``limit``
    characters (a NUL would make PostgreSQL refuse the query)."""
    return CONTROL.sub("", str(value or "")).strip()[:limit]


def parse_month(text) -> datetime.date | None:
    """A month as typed in a month field or a link (``2026-10``) → its first day; None when it is no month."""
    try:
        year, month = (int(part) for part in str(text or "").strip().split("-"))
        return datetime.date(year, month, 1)
    except (ValueError, OverflowError):
        return None


def date_in_range(value: datetime.date) -> bool:
    day = value.date() if isinstance(value, datetime.datetime) else value
    return DATE_MIN <= day <= DATE_MAX


def _bounds(minimum, maximum):
    return [MinValueValidator(minimum), MaxValueValidator(maximum)]


class DateField(forms.DateField):
    """A date between ``DATE_MIN`` and ``DATE_MAX`` (the refusal is Django's, in the user's language).

    An ``<input type="date">`` takes and shows ISO dates only: its value is written ``YYYY-MM-DD`` whatever
    the language's date format (``2026/12/01`` would leave the browser's field empty)."""

    default_validators = _bounds(DATE_MIN, DATE_MAX)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if isinstance(self.widget, forms.DateInput) and self.widget.input_type == "date":
            self.widget.format = "%Y-%m-%d"


class DateTimeField(forms.DateTimeField):
    """A date and time within the same years as ``DateField``."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.extend(_bounds(
            datetime.datetime.combine(DATE_MIN, datetime.time.min, tzinfo=datetime.UTC),
            datetime.datetime.combine(DATE_MAX, datetime.time.max, tzinfo=datetime.UTC)))
