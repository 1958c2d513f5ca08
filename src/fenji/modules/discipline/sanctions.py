"""The two lists of sanctions a case may decide (design/domain/discipline.md §1 Case) and their periods.

政务处分 (公职人员政务处分法 §7–§8 [V]): 警告 6 months, 记过 12, 记大过 18, 降级 and 撤职 24; 开除 has none.
党纪处分 (中国共产党纪律处分条例 §8–§13): the periods in which a sanctioned member may not be promoted (警告 one
year, 严重警告 a year and a half, 撤销党内职务 two years), 留党察看 one or two years as decided; 开除党籍 has none.

``sanction_end(sanction, start, months=None)`` is the rule as a pure function: the period counts from the start date
(the decision's effective day) by calendar months as 民法典 §201–§203 count a period — the last day is the
corresponding day of the end month, or that month's last day when it has none.
"""

import calendar
import datetime

from fenji.core.kernel.errors import DomainError

PARTY = (
    ("party_warning", "党内警告"),
    ("party_serious_warning", "党内严重警告"),
    ("party_post_removal", "撤销党内职务"),
    ("party_probation", "留党察看"),
    ("party_expulsion", "开除党籍"),
)
GOVERNMENT = (
    ("gov_warning", "警告（政务）"),
    ("gov_demerit", "记过"),
    ("gov_major_demerit", "记大过"),
    ("gov_demotion", "降级"),
    ("gov_dismissal", "撤职"),
    ("gov_discharge", "开除（政务）"),
)
SANCTIONS = PARTY + GOVERNMENT
LABELS = dict(SANCTIONS)
CHOICES = [("党纪处分", list(PARTY)), ("政务处分", list(GOVERNMENT))]

# months of each sanction's period; None: no period (expulsion, discharge); 留党察看 is decided: 12 or 24
PERIOD_MONTHS = {
    "party_warning": 12, "party_serious_warning": 18, "party_post_removal": 24, "party_probation": None,
    "party_expulsion": None,
    "gov_warning": 6, "gov_demerit": 12, "gov_major_demerit": 18, "gov_demotion": 24, "gov_dismissal": 24,
    "gov_discharge": None,
}
PROBATION_MONTHS = (12, 24)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved by ``months`` calendar months; the month's last day when the month is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def sanction_end(sanction: str, start: datetime.date, months: int | None = None) -> datetime.date | None:
    """The last day of ``sanction``'s period begun on ``start``; None when it has no period (开除党籍, 开除).

    ``months`` is asked for 留党察看 only (12 or 24); an unknown sanction is a ``DomainError``."""
    if sanction not in PERIOD_MONTHS:
        raise DomainError("请选择党纪处分或政务处分的种类", field="sanctions")
    if not isinstance(start, datetime.date):
        raise DomainError("请填写处分的起始日期", field="sanctions")
    if sanction == "party_probation":
        if months not in PROBATION_MONTHS:
            raise DomainError("留党察看的期限为一年或二年", field="sanctions")
        return add_months(start, months)
    period = PERIOD_MONTHS[sanction]
    return add_months(start, period) if period else None
