"""Writes to the working-day calendar: one override set or removed, a year confirmed, the library
seed and the Excel import. Each runs in one transaction with its audit events and bumps the version
of every year it changes.

``calendar`` sits below ``access`` in the layers, so these services do not check permissions: the
console (``ops.calendar_services``) requires ``calendar.day.manage`` before calling them, and the
command line acts as the platform itself.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction

from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.kernel.errors import DomainError

from . import workdays
from .models import CalendarYear, DayKind, DayOverride

NAME_MAX = 50
FIRST_YEAR, LAST_YEAR = 2000, 2100
WEEKDAYS = "一二三四五六日"
SOURCE_CONSOLE, SOURCE_IMPORT = "console", "import"


def weekday_label(day: datetime.date) -> str:
    return "周" + WEEKDAYS[day.weekday()]


def check_day(day, kind: str, name: str) -> tuple[datetime.date, str, str]:
    """Validate one override; returns it cleaned. Only non-default days may be stored."""
    if not isinstance(day, datetime.date) or isinstance(day, datetime.datetime):
        raise DomainError("请填写日期（YYYY-MM-DD）", field="date")
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise DomainError(f"日期应在 {FIRST_YEAR}–{LAST_YEAR} 年之间", field="date")
    if kind not in DayKind.values:
        raise DomainError("类型应为“放假”或“调休上班”", field="kind")
    name = (name or "").strip()
    if not name:
        raise DomainError("请填写名称（如“国庆节”）", field="name")
    if len(name) > NAME_MAX:
        raise DomainError(f"名称不能超过 {NAME_MAX} 个字", field="name")
    weekend = day.weekday() >= 5
    if kind == DayKind.HOLIDAY and weekend:
        raise DomainError(f"{day}是{weekday_label(day)}，本来就是休息日，无需登记放假", field="date")
    if kind == DayKind.WORKDAY and not weekend:
        raise DomainError(f"{day}是{weekday_label(day)}，本来就是工作日，无需登记调休上班", field="date")
    return day, kind, name


def _bump(year: int, *, confirm: bool = False, source: str = "") -> CalendarYear:
    """Lock the year's row (creating it) and raise its version by one."""
    row, _ = CalendarYear.objects.select_for_update().get_or_create(year=year)
    row.version += 1
    if confirm:
        row.confirmed = True
    if source:
        row.source = source
    row.save()
    transaction.on_commit(workdays.invalidate)
    workdays.invalidate()
    return row


def _year_target(year: int) -> dict:
    return {"target_type": "calendar.calendaryear", "target_id": str(year)}


def _set(*, actor, day, kind, name, source) -> tuple[DayOverride, bool]:
    day, kind, name = check_day(day, kind, name)
    existing = DayOverride.objects.select_for_update().filter(date=day).first()
    if existing is not None and (existing.kind, existing.name, existing.source) == (kind, name, source):
        return existing, False
    before = {"kind": existing.kind, "name": existing.name, "source": existing.source} if existing else None
    if existing is None:
        override = DayOverride.objects.create(date=day, kind=kind, name=name, source=source,
                                              created_by_id=getattr(actor, "account_id", None))
    else:
        existing.kind, existing.name, existing.source = kind, name, source
        existing.created_by_id = getattr(actor, "account_id", None)
        existing.save(update_fields=["kind", "name", "source", "created_by"])
        override = existing
    year = _bump(day.year)
    audit_record(actor=actor, action="calendar.day.set", target=override, details={
        "date": day.isoformat(), "kind": kind, "name": name, "source": source, "before": before,
        "year_version": year.version,
    })
    return override, True


@service
def day_override_set(*, actor, date, kind: str, name: str, source: str = SOURCE_CONSOLE) -> DayOverride:
    """Record ``date`` as a holiday (a weekday off) or a make-up working day (a weekend day worked)."""
    override, _ = _set(actor=actor, day=date, kind=kind, name=name, source=source)
    return override


@service
def day_override_remove(*, actor, date) -> None:
    """Return ``date`` to its default (weekday working, weekend off)."""
    override = DayOverride.objects.select_for_update().filter(date=date).first()
    if override is None:
        raise DomainError(f"{date}没有登记调整，无需删除", field="date")
    details = {"date": override.date.isoformat(), "kind": override.kind, "name": override.name,
               "source": override.source}
    override.delete()
    year = _bump(date.year)
    audit_record(actor=actor, action="calendar.day.remove", target_type="calendar.dayoverride",
                 target_id=date.isoformat(), details={**details, "year_version": year.version})


@service
def calendar_year_confirm(*, actor, year: int, source: str = SOURCE_CONSOLE) -> CalendarYear:
    """Mark ``year``'s arrangement as complete: deadlines in it are no longer provisional."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DomainError(f"年份应在 {FIRST_YEAR}–{LAST_YEAR} 之间", field="year")
    current = CalendarYear.objects.filter(year=year).first()
    if current is not None and current.confirmed:
        raise DomainError(f"{year} 年的安排已经确认")
    row = _bump(year, confirm=True, source=source)
    audit_record(actor=actor, action="calendar.year.confirm", **_year_target(year),
                 details={"year": year, "version": row.version, "source": source})
    return row


# --- the library seed ------------------------------------------------------------------------------


def library_source() -> str:
    import chinese_calendar

    return f"library:chinesecalendar {chinese_calendar.__version__}"


def library_days() -> dict[datetime.date, tuple[str, str]]:
    """The library's non-default days: weekday holidays and weekend make-up days, with Chinese names."""
    import chinese_calendar
    from chinese_calendar import constants

    chinese = {holiday.value: holiday.chinese for holiday in chinese_calendar.Holiday}
    days = {}
    for day, name in constants.holidays.items():
        if day.weekday() < 5:
            days[day] = (DayKind.HOLIDAY, chinese.get(name, name))
    for day, name in constants.workdays.items():
        if day.weekday() >= 5:
            days[day] = (DayKind.WORKDAY, chinese.get(name, name))
    return days


def library_years() -> tuple[int, int]:
    from chinese_calendar import constants

    years = {day.year for day in constants.holidays}
    return min(years), max(years)


@dataclass
class SeedResult:
    years: dict[int, dict] = field(default_factory=dict)  # year → {"added", "updated", "removed", "kept"}

    @property
    def changed_years(self) -> list[int]:
        return [year for year, counts in self.years.items() if counts.get("changed")]


@service
def calendar_seed(*, actor, first: int | None = None, last: int | None = None) -> SeedResult:
    """Fill every year the library publishes (idempotent) and mark those years confirmed.

    Days entered in the console or imported are kept as they are (``kept``); library rows the
    library no longer lists are removed. A year that is already up to date is not touched."""
    known_first, known_last = library_years()
    first, last = first or known_first, last or known_last
    if first < known_first or last > known_last or first > last:
        raise DomainError(f"年份范围应在 {known_first}–{known_last} 之间（库中已公布的年份）")
    source = library_source()
    wanted = library_days()
    result = SeedResult()
    for year in range(first, last + 1):
        start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        mine = {day: (kind, name) for day, (kind, name) in wanted.items() if start <= day <= end}
        rows = {row.date: row for row in DayOverride.objects.select_for_update().filter(date__range=(start, end))}
        counts = {"added": 0, "updated": 0, "removed": 0, "kept": 0}
        for day, (kind, name) in sorted(mine.items()):
            row = rows.get(day)
            if row is None:
                DayOverride.objects.create(date=day, kind=kind, name=name, source=source)
                counts["added"] += 1
            elif not row.source.startswith("library:"):
                counts["kept"] += 1
            elif (row.kind, row.name, row.source) != (kind, name, source):
                row.kind, row.name, row.source = kind, name, source
                row.save(update_fields=["kind", "name", "source"])
                counts["updated"] += 1
        stale = [day for day, row in rows.items() if row.source.startswith("library:") and day not in mine]
        DayOverride.objects.filter(date__in=stale).delete()
        counts["removed"] = len(stale)
        confirmed = CalendarYear.objects.filter(year=year, confirmed=True).exists()
        changed = bool(counts["added"] or counts["updated"] or counts["removed"] or not confirmed)
        if changed:
            row = _bump(year, confirm=True, source=source)
            audit_record(actor=actor, action="calendar.year.seed", **_year_target(year),
                         details={"year": year, "source": source, "version": row.version, **counts})
        result.years[year] = {**counts, "changed": changed}
    return result


# --- the Excel import -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportRow:
    row: int  # the spreadsheet's row number, for error reports
    date: datetime.date
    kind: str
    name: str


@service
def calendar_import(*, actor, rows: list[ImportRow], confirm: bool = True) -> dict[int, int]:
    """Enter a State Council notice read from Excel: all rows or none. Marks the years confirmed
    (``confirm``). Returns the number of days set per year."""
    if not rows:
        raise DomainError("文件中没有可导入的行")
    per_year: dict[int, int] = {}
    for item in rows:
        try:
            _set(actor=actor, day=item.date, kind=item.kind, name=item.name, source=SOURCE_IMPORT)
        except DomainError as error:
            raise DomainError(f"第 {item.row} 行：{error.message}", field=error.field) from None
        per_year[item.date.year] = per_year.get(item.date.year, 0) + 1
    for year in sorted(per_year):
        row = _bump(year, confirm=confirm, source=SOURCE_IMPORT if confirm else "")
        audit_record(actor=actor, action="calendar.year.import", **_year_target(year),
                     details={"year": year, "days": per_year[year], "confirmed": confirm, "version": row.version})
    return per_year
