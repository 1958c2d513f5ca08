"""团费 by income: the seed's table (the whole income at its tier's rate) and the League's 2016 rule."""

from decimal import Decimal

import pytest

from fenji.core.kernel.errors import DomainError
from fenji.modules.league.dues import deployment_rule_set, monthly_dues


@pytest.mark.parametrize("income, dues", [
    (0, "0.00"), ("1000", "5.00"), (3000, "15.00"), ("3000.01", "30.00"), (5000, "50.00"), ("5000.01", "75.00"),
    (10000, "150.00"), ("10000.01", "200.00"), ("2999.99", "15.00"), ("1001", "5.01"), ("1003", "5.02"),
    ("１２３４", "6.17"), (" 2,000 ", "10.00"), (Decimal("4321.5"), "43.22"), (2500.5, "12.50"),
])
def test_the_seed_table_charges_the_whole_income_at_its_tier(income, dues):
    assert monthly_dues(income) == Decimal(dues)


@pytest.mark.parametrize("income, dues", [
    (0, "3.00"), ("1999.99", "3.00"), (2000, "4.00"), ("2499", "4.00"), ("2500", "5.00"), ("9999", "19.00"),
    (10000, "20.00"), (50000, "20.00"),
])
def test_the_league_2016_rule_is_two_per_mille_in_whole_yuan_between_3_and_20(income, dues):
    assert monthly_dues(income, rule_set="league2016") == Decimal(dues)


@pytest.mark.parametrize("rule_set", ["seed", "league2016"])
def test_students_pay_twenty_fen(rule_set):
    assert monthly_dues(8000, student=True, rule_set=rule_set) == Decimal("0.20")


@pytest.mark.parametrize("income", [-1, "-0.01", "abc", "", None, True, "nan", "Infinity", float("inf"), [1]])
def test_what_is_no_income_is_refused(income):
    with pytest.raises(DomainError):
        monthly_dues(income)


def test_an_unknown_rule_set_is_refused_naming_the_valid_ones(settings):
    with pytest.raises(DomainError, match="seed、league2016"):
        monthly_dues(3000, rule_set="party")
    assert deployment_rule_set() == "seed"
    settings.FENJI_LEAGUE_DUES_RULES = "league2016"
    assert deployment_rule_set() == "league2016"
    settings.FENJI_LEAGUE_DUES_RULES = "x"
    with pytest.raises(DomainError):
        deployment_rule_set()


# --- a month's bills for a whole subtree: the same amounts as the function ---------------------------------------

# the tier limits a fen either side, the half-fen products (1001 × 0.5 % = 5.005, 5001 × 1.5 % = 75.015,
# 10000.25 × 2 % = 200.005), the 2016 rule's floor and cap, and a seeded spread of the rest
EDGES = ["0", "0.01", "1001", "1003", "1999.99", "2000", "2500.50", "2999.99", "3000", "3000.01", "3000.50",
         "4999.99", "5000", "5000.01", "5000.10", "5001", "9999.99", "10000", "10000.01", "10000.25", "12345.67",
         "99999999.99"]


def test_the_bills_of_a_subtree_carry_the_functions_amounts(db, settings, monkeypatch):
    """On PostgreSQL the bills are computed in the INSERT's SELECT (``dues.dues_sql``), elsewhere in Python in
    chunks: either way each bill is exactly ``monthly_dues`` of the member's income, for both rule sets."""
    import datetime
    import random

    from fenji.core.access import policy
    from fenji.core.org.services import unit_create
    from fenji.core.people.models import Person
    from fenji.modules.league import billing, kinds, services
    from fenji.modules.league.models import DuesBill, Member

    settings.FENJI_PROFILE = "league"
    monkeypatch.setattr(billing, "CHUNK", 17)  # several chunks on the Python path
    county = unit_create(actor=policy.SYSTEM, parent=None, name="越秀区团委", kind=kinds.COUNTY, code="LY-B")
    branches = [unit_create(actor=policy.SYSTEM, parent=county, name=f"第{n}团支部", kind=kinds.BRANCH,
                            code=f"LY-B-{n}") for n in range(3)]
    spread = random.Random(2026)
    incomes = [Decimal(e) for e in EDGES] + [Decimal(spread.randrange(0, 3_000_000)) / 100 for _ in range(60)]
    people = Person.objects.bulk_create(Person(real_name=f"团员{n}") for n in range(len(incomes) + 2))
    Member.objects.bulk_create(
        [Member(person=p, unit=branches[n % 3], unit_path=branches[n % 3].path, join_date=datetime.date(2020, 1, 1),
                join_place="某中学", income=income) for n, (p, income) in enumerate(zip(people, incomes, strict=False))]
        + [Member(person=people[-2], unit=branches[0], unit_path=branches[0].path, join_date=datetime.date(2020, 1, 1),
                  join_place="某中学", income=Decimal(8000), student=True),
           Member(person=people[-1], unit=branches[1], unit_path=branches[1].path, join_date=datetime.date(2099, 1, 1),
                  join_place="某中学", income=Decimal(8000))])  # joins later: no bill
    for rules, month in (("seed", datetime.date(2026, 1, 1)), ("league2016", datetime.date(2026, 2, 1))):
        settings.FENJI_LEAGUE_DUES_RULES = rules
        assert services.bills_generate(actor=policy.SYSTEM, unit=county, month=month) == len(incomes) + 1
        assert services.bills_generate(actor=policy.SYSTEM, unit=county, month=month) == 0  # the month is done
        bills = DuesBill.objects.unscoped(reason="test").filter(month=month).select_related("member")
        wrong = [(b.member.income, b.amount) for b in bills
                 if b.amount != monthly_dues(b.member.income, student=b.member.student, rule_set=rules)
                 or b.unit_id != b.member.unit_id or b.rule_set != rules]
        assert not wrong, f"{rules}: {wrong}"
