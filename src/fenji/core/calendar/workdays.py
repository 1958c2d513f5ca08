"""Working-day arithmetic over the official calendar (C6.1).

Every call reads the years' versions once (one small query); the overrides themselves are kept in a
per-process cache that is reloaded when any year's version or confirmation differs from what the
cache was built from. Writes in this process drop the cache at once (``invalidate``).

A day is a working day when it is a weekday that is not a stored holiday, or a weekend day that is a
stored make-up working day. A computation that reaches a year whose arrangement is not confirmed is
refused with a ``DomainError`` — unless the caller accepts a provisional result, which then counts
weekends (and any overrides already entered for that year) and is marked provisional.
"""

import datetime
import threading
from dataclasses import dataclass

from fenji.core.kernel.errors import DomainError

from .models import CalendarYear, DayKind, DayOverride

MAX_WORKING_DAYS = 3650  # ten years' worth: anything longer is a mistake, not a deadline


@dataclass(frozen=True)
class _Snapshot:
    signature: tuple
    versions: dict[int, tuple[int, bool]]  # year → (version, confirmed)
    overrides: dict[datetime.date, str]  # date → DayKind

    @property
    def last_confirmed(self) -> int | None:
        confirmed = [year for year, (_, ok) in self.versions.items() if ok]
        return max(confirmed) if confirmed else None


_lock = threading.Lock()
_snapshot: _Snapshot | None = None


def invalidate() -> None:
    """Drop the cache (called by every write in this process; other processes see the version change)."""
    global _snapshot
    with _lock:
        _snapshot = None


def _load() -> _Snapshot:
    global _snapshot
    # ``changed_at`` too: a change rolled back here and another committed elsewhere may share a version.
    rows = tuple(CalendarYear.objects.order_by("year").values_list("year", "version", "confirmed", "changed_at"))
    current = _snapshot
    if current is not None and current.signature == rows:
        return current
    overrides = dict(DayOverride.objects.values_list("date", "kind"))
    fresh = _Snapshot(rows, {year: (version, confirmed) for year, version, confirmed, _ in rows}, overrides)
    with _lock:
        _snapshot = fresh
    return fresh


@dataclass(frozen=True)
class Deadline:
    """A computed deadline and the calendar it was computed from (store all three)."""

    value: datetime.date | datetime.datetime
    provisional: bool
    calendar_version: str


class _Walk:
    """One computation: the snapshot it reads and the years it touched."""

    def __init__(self, provisional_ok: bool):
        self.snapshot = _load()
        self.provisional_ok = provisional_ok
        self.years: set[int] = set()
        self.provisional = False

    def working(self, day: datetime.date) -> bool:
        year = day.year
        if year not in self.years:
            self.years.add(year)
            version = self.snapshot.versions.get(year)
            if version is None or not version[1]:
                if not self.provisional_ok:
                    raise _unconfirmed(year, self.snapshot.last_confirmed)
                self.provisional = True
        kind = self.snapshot.overrides.get(day)
        if kind == DayKind.HOLIDAY:
            return False
        if kind == DayKind.WORKDAY:
            return True
        return day.weekday() < 5

    def version(self) -> str:
        """``2024.3,2025.1``: each year touched with its version; ``2027.p0`` for an unconfirmed year."""
        parts = []
        for year in sorted(self.years):
            version, confirmed = self.snapshot.versions.get(year, (0, False))
            parts.append(f"{year}.{'' if confirmed else 'p'}{version}")
        return ",".join(parts)


def _unconfirmed(year: int, last: int | None) -> DomainError:
    known = f"（工作日历已确认至 {last} 年）" if last else "（工作日历尚未导入任何年度）"
    return DomainError(f"{year} 年的节假日安排尚未公布或尚未录入{known}，无法按工作日计算期限；"
                       "请系统管理员在“工作日历”中录入该年安排后再试", code="calendar_unconfirmed")


def _as_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return _local(value).date()
    if isinstance(value, datetime.date):
        return value
    raise TypeError(f"expected a date or datetime, got {type(value).__name__}")


def _local(value: datetime.datetime) -> datetime.datetime:
    if value.tzinfo is None:
        return value
    from django.utils import timezone

    return timezone.localtime(value)


def _on_day(start, day: datetime.date):
    """``day`` as the same type as ``start``: a date, or the same wall-clock time on ``day``."""
    if isinstance(start, datetime.datetime):
        local = _local(start)
        return local.replace(year=day.year, month=day.month, day=day.day)
    return day


def _check_n(n: int) -> None:
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError("n must be an int")
    if n < 0:
        raise DomainError("工作日数不能为负数")
    if n > MAX_WORKING_DAYS:
        raise DomainError(f"工作日数不能超过 {MAX_WORKING_DAYS}")


def _add(walk: _Walk, start, n: int):
    _check_n(n)
    day = _as_date(start)
    counted = 0
    while counted < n:
        day += datetime.timedelta(days=1)
        if walk.working(day):
            counted += 1
    return _on_day(start, day)


def is_working_day(day, *, provisional: bool = False) -> bool:
    """Is ``day`` (a date, or a datetime's local date) a working day?"""
    return _Walk(provisional).working(_as_date(day))


def add_working_days(start, n: int, *, provisional: bool = False):
    """The ``n``-th working day after ``start`` (``n`` ≥ 0; counting starts the next working day;
    ``n == 0`` returns ``start``). A date gives a date; a datetime gives the same wall-clock time on
    the resulting day (in the local time zone when aware)."""
    return _add(_Walk(provisional), start, n)


def deadline(start, n_working_days: int, *, provisional_ok: bool = False) -> Deadline:
    """``add_working_days`` with the calendar version it was computed with, for storing."""
    walk = _Walk(provisional_ok)
    value = _add(walk, start, n_working_days)
    return Deadline(value=value, provisional=walk.provisional, calendar_version=walk.version())


def add_minutes(start: datetime.datetime, n: int) -> datetime.datetime:
    """Deadlines "in minutes" (C6.1) count plain elapsed minutes, around the clock."""
    if not isinstance(start, datetime.datetime):
        raise TypeError("add_minutes needs a datetime")
    if n < 0:
        raise DomainError("分钟数不能为负数")
    return start + datetime.timedelta(minutes=n)


def working_days_between(a, b, *, provisional: bool = False) -> int:
    """Working days ``d`` with ``a < d ≤ b`` (negative when ``b`` is before ``a``), so that
    ``working_days_between(a, add_working_days(a, n)) == n``."""
    first, last = _as_date(a), _as_date(b)
    if last < first:
        return -working_days_between(b, a, provisional=provisional)
    walk = _Walk(provisional)
    count, day = 0, first
    while day < last:
        day += datetime.timedelta(days=1)
        count += walk.working(day)
    return count


def calendar_version(years) -> str:
    """The current version string of ``years``, to compare with a stored ``Deadline.calendar_version``."""
    versions = _load().versions
    parts = []
    for year in sorted(set(years)):
        version, confirmed = versions.get(year, (0, False))
        parts.append(f"{year}.{'' if confirmed else 'p'}{version}")
    return ",".join(parts)


def is_current(stored_version: str) -> bool:
    """Was a deadline computed with ``stored_version`` computed from the calendar as it is now?
    (False after any change to a year it touched, and after a provisional year was confirmed.)"""
    years = [int(part.split(".", 1)[0]) for part in stored_version.split(",") if part]
    return calendar_version(years) == stored_version


def confirmed_years() -> list[int]:
    return sorted(year for year, (_, ok) in _load().versions.items() if ok)
