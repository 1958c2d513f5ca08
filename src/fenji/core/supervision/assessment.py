"""The assessment of lower units (考核评价, C9.3): an indicator set per profile, scores per unit, a ranking.

Indicators come from the live declarations (``Module.indicators``: the core's below, a module's own — 转接及时率,
团费收缴率 …). The active profile picks its set and weights (``Profile.extra["assessment_weights"]``: code →
weight); without one, every live indicator weighs 1. A unit's score is the weighted mean of its indicators that
had something to measure (an indicator with nothing to measure in the period is left out, not counted as 0),
times 100. Every value links to the page with the records behind it.

The core's indicators read the usage rollups (``usage``) and the sampling checks: 系统使用率, 公文按期签收率,
意见按期答复率, 审批按期办理率, 诉求按期答复率, 信息准确性.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fenji.core.kernel import modules, profiles
from fenji.core.kernel.modules import Indicator

from . import sampling, usage


def _usage_values(attribute: str):
    def values(units, start, end) -> dict:
        from .selectors import usage_rows

        rows = usage_rows(units, usage.months_between(start, end))
        return {pk: getattr(row, attribute) for pk, row in rows.items()}

    return values


def _usage_evidence(unit, start, end) -> str:
    return f"/supervision/usage/?unit={unit.pk}&start={start:%Y-%m}&end={end:%Y-%m}"


def _accuracy_values(units, start, end) -> dict:
    from .models import SampleItem, Verdict
    from .records import day_range

    low, high = day_range(start, end)
    counts = (SampleItem.objects.filter(sample__created_at__gte=low, sample__created_at__lte=high)
              .order_by().values("sample__unit_path")
              .annotate(checked=Count("id", filter=~Q(verdict="")), wrong=Count("id", filter=Q(verdict=Verdict.WRONG))))
    totals = {unit.pk: [0, 0] for unit in units}
    for row in counts:
        for unit in units:
            if row["sample__unit_path"].startswith(unit.path):
                totals[unit.pk][0] += row["checked"]
                totals[unit.pk][1] += row["wrong"]
    return {pk: sampling.accuracy(checked, wrong) for pk, (checked, wrong) in totals.items()}


def _accuracy_evidence(unit, start, end) -> str:
    return f"/supervision/accuracy/?start={start:%Y-%m-%d}&end={end:%Y-%m-%d}"


CORE_INDICATORS = (
    Indicator("supervision.usage_rate", gettext_lazy("系统使用率"), _usage_values("usage_rate"), _usage_evidence),
    Indicator("supervision.notice_rate", gettext_lazy("公文按期签收率"), _usage_values("notice_rate"), _usage_evidence),
    Indicator("supervision.feedback_rate", gettext_lazy("意见按期答复率"), _usage_values("feedback_rate"), _usage_evidence),
    Indicator("supervision.step_rate", gettext_lazy("审批按期办理率"), _usage_values("step_rate"), _usage_evidence),
    Indicator("supervision.ticket_rate", gettext_lazy("诉求按期答复率"), _usage_values("ticket_rate"), _usage_evidence),
    Indicator("supervision.accuracy", gettext_lazy("信息准确性"), _accuracy_values, _accuracy_evidence),
)


def indicator_set() -> list[tuple[Indicator, float]]:
    """The active profile's indicators with their weights, in declaration order."""
    live = [indicator for _module, indicator in modules.live_indicators() if isinstance(indicator, Indicator)]
    weights = profiles.active().extra.get("assessment_weights")
    if not weights:
        return [(indicator, 1.0) for indicator in live]
    return [(indicator, float(weights[indicator.code])) for indicator in live
            if weights.get(indicator.code, 0) > 0]


# --- periods ---------------------------------------------------------------------------------------------------


def period_bounds(period: str) -> tuple[datetime.date, datetime.date]:
    """``"2026"`` (a year) or ``"2026Q3"`` (a quarter) → its first and last day; ValueError otherwise."""
    text = (period or "").strip().upper()
    if len(text) == 4 and text.isdigit():
        year = int(text)
        if not 2000 <= year <= 2999:
            raise ValueError(period)
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if len(text) == 6 and text[:4].isdigit() and text[4] == "Q" and text[5] in "1234":
        year, quarter = int(text[:4]), int(text[5])
        if not 2000 <= year <= 2999:
            raise ValueError(period)
        first = datetime.date(year, 3 * quarter - 2, 1)
        last = usage.next_month(usage.next_month(usage.next_month(first))) - datetime.timedelta(days=1)
        return first, last
    raise ValueError(period)


def period_label(period: str) -> str:
    text = period.strip().upper()
    if "Q" in text:
        return _("%(year)s年第%(quarter)s季度") % {"year": text[:4], "quarter": text[5]}
    return _("%(year)s年度") % {"year": text}


def periods_around(today: datetime.date) -> list[tuple[str, str]]:
    """The choices offered: this year and the last, and their quarters, newest first."""
    out = []
    for year in (today.year, today.year - 1):
        out.append((str(year), period_label(str(year))))
        for quarter in range(4, 0, -1):
            if datetime.date(year, 3 * quarter - 2, 1) <= today:
                out.append((f"{year}Q{quarter}", period_label(f"{year}Q{quarter}")))
    return out


# --- scores ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    unit_id: int
    unit_name: str
    values: list  # [(indicator, weight, value or None, evidence url)] in the set's order
    score: float | None  # 0–100, weighted over the indicators that measured something
    rank: int | None


def assess(units, start: datetime.date, end: datetime.date) -> list[Score]:
    """Score ``units`` (each over its subtree) on the active indicator set; ranked, best first."""
    chosen = indicator_set()
    measured = [(indicator, weight, indicator.values(units, start, end)) for indicator, weight in chosen]
    scores = []
    for unit in units:
        values, total, weights = [], 0.0, 0.0
        for indicator, weight, by_unit in measured:
            value = by_unit.get(unit.pk)
            values.append((indicator, weight, value, indicator.evidence(unit, start, end)))
            if value is not None:
                total += weight * value
                weights += weight
        scores.append((unit, values, round(100 * total / weights, 1) if weights else None))
    ordered = sorted(scores, key=lambda s: (s[2] is None, -(s[2] or 0), s[0].path))
    out, rank, previous = [], 0, None
    for position, (unit, values, score) in enumerate(ordered, start=1):
        if score is not None and score != previous:
            rank, previous = position, score
        out.append(Score(unit.pk, unit.name, values, score, rank if score is not None else None))
    return out
