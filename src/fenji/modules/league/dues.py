"""团费: how much a member pays a month, as a pure function of the monthly income.

Two rule sets (domain note §3): ``seed`` — the regulation's table, which is the Party's dues table (中组发〔2008〕3号):
the *whole* income at its tier's rate, so the amounts jump at the tier limits (3000.00 → 15.00, 3000.01 → 30.00);
``league2016`` — the League's own rule (中青发〔2016〕13号): below 2000 yuan 3 yuan, else 2‰ of the income in whole
yuan (truncated), at most 20. Students pay 0.20 either way. The deployment chooses (``FENJI_LEAGUE_DUES_RULES``).
Money is ``Decimal`` throughout, rounded half-up to the fen (the seed does not say how to round: a design choice).
"""

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.db.models import Case, DecimalField, F, Value, When
from django.db.models.functions import Floor, Least, Round

from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.text import normalise_number

RULE_SETS = {"seed": "条例标准（按收入分档比例）", "league2016": "中青发〔2016〕13号标准"}
FEN = Decimal("0.01")
STUDENT = Decimal("0.20")
SEED_TIERS = ((Decimal(3000), Decimal("0.005")), (Decimal(5000), Decimal("0.01")), (Decimal(10000), Decimal("0.015")))
SEED_TOP_RATE = Decimal("0.02")
LEAGUE_FLOOR_INCOME, LEAGUE_FLOOR, LEAGUE_RATE, LEAGUE_CAP = Decimal(2000), Decimal(3), Decimal("0.002"), Decimal(20)


def _income(value) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise DomainError("收入应为数字", field="income")
    if isinstance(value, float):
        value = repr(value)  # the digits as written, never the binary fraction
    if isinstance(value, str):
        value = normalise_number(value).replace(",", "")  # full-width digits, spaces and thousands separators
    try:
        income = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError("收入应为数字", field="income") from None
    if not income.is_finite():
        raise DomainError("收入应为数字", field="income")
    if income < 0:
        raise DomainError("收入不能为负数", field="income")
    return income


def _seed(income: Decimal) -> Decimal:
    for limit, rate in SEED_TIERS:
        if income <= limit:
            return income * rate
    return income * SEED_TOP_RATE


def _league2016(income: Decimal) -> Decimal:
    if income < LEAGUE_FLOOR_INCOME:
        return LEAGUE_FLOOR
    return min((income * LEAGUE_RATE).quantize(Decimal(1), rounding=ROUND_DOWN), LEAGUE_CAP)


def monthly_dues(income, *, student=False, rule_set="seed") -> Decimal:
    """The month's dues for ``income`` (monthly, after tax, in yuan) under ``rule_set``; students pay 0.20."""
    if rule_set not in RULE_SETS:
        raise DomainError(f"未知的团费标准“{rule_set}”，可选：{'、'.join(RULE_SETS)}", field="rule_set")
    if student:
        return STUDENT
    income = _income(income)
    amount = _seed(income) if rule_set == "seed" else _league2016(income)
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def dues_sql(rule_set="seed", *, income="income", student="student"):
    """``monthly_dues`` as a database expression over a member's ``income`` and ``student`` columns, built from the
    same tiers and rates, for writing a month's bills in one statement (``billing``). Exact on PostgreSQL's
    ``numeric`` (its ``round`` takes a half away from zero, which for incomes ≥ 0 is half-up); not for SQLite,
    whose decimals are binary floating point."""
    if rule_set not in RULE_SETS:
        raise DomainError(f"未知的团费标准“{rule_set}”，可选：{'、'.join(RULE_SETS)}", field="rule_set")
    money = DecimalField(max_digits=10, decimal_places=2)

    def times(rate):
        return F(income) * Value(rate, output_field=DecimalField(max_digits=6, decimal_places=4))

    if rule_set == "seed":
        tiers = [When(**{f"{income}__lte": limit}, then=Round(times(rate), 2)) for limit, rate in SEED_TIERS]
        default = Round(times(SEED_TOP_RATE), 2)
    else:
        tiers = [When(**{f"{income}__lt": LEAGUE_FLOOR_INCOME}, then=Value(LEAGUE_FLOOR, output_field=money))]
        default = Least(Floor(times(LEAGUE_RATE)), Value(LEAGUE_CAP, output_field=money))
    return Case(When(**{student: True}, then=Value(STUDENT, output_field=money)), *tiers, default=default,
                output_field=money)


def deployment_rule_set() -> str:
    """The rule set this deployment uses (``FENJI_LEAGUE_DUES_RULES``), checked."""
    chosen = getattr(settings, "FENJI_LEAGUE_DUES_RULES", "seed")
    if chosen not in RULE_SETS:
        raise DomainError(f"FENJI_LEAGUE_DUES_RULES={chosen!r} 无效，可选：{'、'.join(RULE_SETS)}")
    return chosen
