"""团内统计 (seed 002; design/domain/league.md §4 "Real dashboards"): the figures of the League organisations in the
reader's scope under one organisation — organisations by kind and industry, 空心团支部 and branches without cadres
in office, members by education, income band, political status and occupation, transfers by state in a period, dues
paid and unpaid by month.

Every figure is one grouped query over the subtree's index range (PERFORMANCE.md: a province holds 5,000,000
members), so the number of queries does not grow with the tree; labels come from the choices, never the codes.
Organisations and members are counted as they stand now; transfers and dues in the period asked for."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.paths import subtree_q
from fenji.core.kernel.text import normalise_number
from fenji.core.org.kinds import kind_label
from fenji.core.org.models import UnitStatus

from . import module as perms
from .dues import FEN
from .models import (
    Cadre,
    DuesBill,
    Education,
    Industry,
    LeagueStatus,
    Member,
    Occupation,
    Organisation,
    PoliticalStatus,
    Transfer,
    TransferState,
)
from .services import BRANCH_KINDS

ACTION = perms.STATS_VIEW

# 收入档次 of the domain note §1 (income_band): code, the band's lower limit (yuan a month) and its label
INCOME_BANDS = (("lt2000", Decimal(0), _("2000 元以下")), ("2000_5000", Decimal(2000), _("2000–5000 元")),
                ("5000_8000", Decimal(5000), _("5000–8000 元")), ("8000_10000", Decimal(8000), _("8000–10000 元")),
                ("gt10000", Decimal(10000), _("10000 元以上")))


@dataclass(frozen=True)
class Period:
    """The months counted: ``start`` (a first day) up to ``end`` (the first day after), with how it was asked."""

    start: datetime.date
    end: datetime.date
    text: str  # "2026-10", "2026" or "" (the last twelve months)

    @property
    def last_day(self) -> datetime.date:
        return self.end - datetime.timedelta(days=1)

    @property
    def months(self) -> list[datetime.date]:
        out, day = [], self.start
        while day < self.end:
            out.append(day)
            day = _next_month(day)
        return out


def _next_month(day: datetime.date) -> datetime.date:
    return day.replace(year=day.year + 1, month=1) if day.month == 12 else day.replace(month=day.month + 1)


def stats_period(text: str = "", *, today: datetime.date | None = None) -> Period:
    """The period asked for: a month ``2026-10``, a year ``2026`` or nothing (the last twelve months to this one).
    Full-width digits are read; anything else is refused with the reason."""
    text = normalise_number(str(text or "")).strip()
    this_month = (today or timezone.localdate()).replace(day=1)
    if not text:
        start = this_month.replace(year=this_month.year - 1)
        return Period(_next_month(start), _next_month(this_month), "")
    try:
        if len(text) == 4 and text.isdigit():
            start = datetime.date(int(text), 1, 1)
            return Period(start, start.replace(year=start.year + 1), text)
        year, month = text.split("-")
        if len(year) == 4 and year.isdigit() and month.isdigit() and len(month) <= 2:
            start = datetime.date(int(year), int(month), 1)
            return Period(start, _next_month(start), f"{start:%Y-%m}")
    except (ValueError, OverflowError):
        pass
    raise DomainError(_("统计期间应为年份（如 2026）或月份（如 2026-10）"), field="period")


def _in(model, *, actor, unit):
    """The model's rows in the reader's scope and under ``unit``."""
    return model.objects.visible_to(actor, ACTION).filter(subtree_q("unit_path", unit.path))


def _labelled(counts: dict, choices) -> list[dict]:
    return [{"code": code, "label": str(label), "count": counts.get(code, 0)} for code, label in choices]


def org_counts(*, actor, unit) -> dict:
    """Active League organisations by kind and by industry category (one grouped query: kind × industry)."""
    grouped = (_in(Organisation, actor=actor, unit=unit).filter(unit__status=UnitStatus.ACTIVE).order_by()
               .values_list("unit__kind", "industry").annotate(n=Count("id")))
    by_kind, by_industry = {}, {}
    for kind, industry, n in grouped:
        by_kind[kind] = by_kind.get(kind, 0) + n
        by_industry[industry] = by_industry.get(industry, 0) + n
    kinds = sorted(by_kind, key=lambda code: (code not in _KIND_ORDER, _KIND_ORDER.get(code, 0), code))
    return {"total": sum(by_kind.values()),
            "by_kind": [{"code": k, "label": str(kind_label(k)), "count": by_kind[k]} for k in kinds],
            "by_industry": _labelled(by_industry, Industry.choices)}


def _kind_order() -> dict:
    from .kinds import UNIT_KINDS

    return {k.code: i for i, k in enumerate(UNIT_KINDS)}


_KIND_ORDER = _kind_order()


def _branches(*, actor, unit):
    """The active 团支部 under ``unit``, each annotated ``has_members`` (a member in good standing) and ``has_cadres``
    (a cadre in office): two EXISTS on the member and cadre tables' unit index, not a count per branch."""
    today = timezone.localdate()
    members = Member.objects.unscoped(reason="whether a branch in reach has members").filter(
        unit_id=OuterRef("unit_id"), status=LeagueStatus.NORMAL)
    cadres = Cadre.objects.unscoped(reason="whether a branch in reach has cadres in office").filter(
        Q(until__isnull=True) | Q(until__gt=today), unit_id=OuterRef("unit_id"))
    return (_in(Organisation, actor=actor, unit=unit).filter(unit__kind__in=BRANCH_KINDS,
                                                             unit__status=UnitStatus.ACTIVE)
            .annotate(has_members=Exists(members), has_cadres=Exists(cadres)))


GAPS = (("", _("空心或无团干部")), ("hollow", _("空心团支部（无团员）")), ("no_cadre", _("无在任团干部")))


def branch_gaps(*, actor, unit, gap: str = ""):
    """空心团支部 (``gap="hollow"``), branches without a cadre in office (``"no_cadre"``), or either (``""``)."""
    rows = _branches(actor=actor, unit=unit).select_related("unit", "unit__parent")
    if gap == "hollow":
        return rows.filter(has_members=False)
    if gap == "no_cadre":
        return rows.filter(has_cadres=False)
    return rows.filter(Q(has_members=False) | Q(has_cadres=False))


def branch_gap_counts(*, actor, unit) -> dict:
    """How many active branches there are, how many are hollow, how many have no cadre in office, and both."""
    return _branches(actor=actor, unit=unit).aggregate(
        branches=Count("id"), hollow=Count("id", filter=Q(has_members=False)),
        no_cadre=Count("id", filter=Q(has_cadres=False)), both=Count("id", filter=Q(has_members=False, has_cadres=False)))


def _band():
    """The member's income band (its code), computed in the grouped query: below each next band's limit."""
    whens = [When(income__lt=limit, then=Value(code)) for (code, _l, _t), (_c, limit, _t2)
             in zip(INCOME_BANDS, INCOME_BANDS[1:], strict=False)]
    return Case(*whens, default=Value(INCOME_BANDS[-1][0]), output_field=CharField())


def member_counts(*, actor, unit) -> dict:
    """Members in good standing by education, income band, political status and occupation (one grouped query)."""
    grouped = (_in(Member, actor=actor, unit=unit).filter(status=LeagueStatus.NORMAL).order_by()
               .annotate(band=_band()).values_list("education", "band", "political_status", "occupation")
               .annotate(n=Count("id")))
    tallies = [{}, {}, {}, {}]
    for *keys, n in grouped:
        for tally, key in zip(tallies, keys, strict=True):
            tally[key] = tally.get(key, 0) + n
    education, band, political, occupation = tallies
    return {"total": sum(education.values()),
            "by_education": _labelled(education, Education.choices),
            "by_income": _labelled(band, [(code, label) for code, _limit, label in INCOME_BANDS]),
            "by_political": _labelled(political, PoliticalStatus.choices),
            "by_occupation": _labelled(occupation, Occupation.choices)}


def _day_bounds(period: Period):
    tz = timezone.get_current_timezone()
    return (datetime.datetime.combine(period.start, datetime.time.min, tzinfo=tz),
            datetime.datetime.combine(period.end, datetime.time.min, tzinfo=tz))


def transfer_counts(*, actor, unit, period: Period) -> dict:
    """Transfers started in the period by state: out of the branches under ``unit`` and into them (one grouped
    query; each side counts what it reaches, as on the transfers list)."""
    out = actor.scope_q(ACTION) & subtree_q("unit_path", unit.path)
    inward = actor.scope_q(ACTION, field="to_unit__path") & subtree_q("to_unit__path", unit.path)
    low, high = _day_bounds(period)
    grouped = (Transfer.objects.unscoped(reason="scoped on either side of the transfer").filter(out | inward)
               .filter(created_at__gte=low, created_at__lt=high).order_by().values_list("state")
               .annotate(out=Count("id", filter=out), inward=Count("id", filter=inward)))
    found = {state: (n_out, n_in) for state, n_out, n_in in grouped}
    rows = [{"code": code, "label": str(label), "out": found.get(code, (0, 0))[0],
             "inward": found.get(code, (0, 0))[1]}
            for code, label in TransferState.choices]
    return {"rows": rows, "out": sum(r["out"] for r in rows), "inward": sum(r["inward"] for r in rows)}


def _yuan(amount) -> Decimal:
    """A sum of amounts to the fen (SQLite's SUM drops the trailing zeros)."""
    return Decimal(amount or 0).quantize(FEN)


def dues_by_month(*, actor, unit, period: Period) -> dict:
    """Per month of the period: bills, paid and unpaid (count and amount) and the collection rate (one grouped
    query over the (unit_path, month) index)."""
    paid = Q(paid_at__isnull=False)
    grouped = (_in(DuesBill, actor=actor, unit=unit).filter(month__gte=period.start, month__lt=period.end)
               .order_by().values("month")
               .annotate(bills=Count("id"), paid=Count("id", filter=paid), due=Sum("amount"),
                         collected=Sum("amount", filter=paid)))
    found = {row["month"]: row for row in grouped}
    rows = []
    for month in period.months:
        row = found.get(month, {})
        bills, n_paid = row.get("bills", 0), row.get("paid", 0)
        due, collected = _yuan(row.get("due")), _yuan(row.get("collected"))
        rows.append({"month": month, "bills": bills, "paid": n_paid, "unpaid": bills - n_paid, "due": due,
                     "collected": collected, "outstanding": due - collected,
                     "rate": n_paid / bills if bills else None})
    bills, n_paid = sum(r["bills"] for r in rows), sum(r["paid"] for r in rows)
    return {"rows": rows, "bills": bills, "paid": n_paid, "unpaid": bills - n_paid,
            "due": sum((r["due"] for r in rows), _yuan(0)),
            "collected": sum((r["collected"] for r in rows), _yuan(0)),
            "outstanding": sum((r["outstanding"] for r in rows), _yuan(0)),
            "rate": n_paid / bills if bills else None}


def league_stats(*, actor, unit, period: Period) -> dict:
    """Every table of 团内统计 for ``unit`` (in the reader's scope): the page, its Excel and the API read this."""
    return {"orgs": org_counts(actor=actor, unit=unit), "branches": branch_gap_counts(actor=actor, unit=unit),
            "members": member_counts(actor=actor, unit=unit),
            "transfers": transfer_counts(actor=actor, unit=unit, period=period),
            "dues": dues_by_month(actor=actor, unit=unit, period=period)}
