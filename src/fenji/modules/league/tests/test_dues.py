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
