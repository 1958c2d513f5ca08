import datetime

import pytest

from fenji.core.kernel.errors import DomainError
from fenji.core.people.identity import check_char, clean_mobile, mask_id_number, mask_mobile, parse_id_number

VALID = "11010519491231002X"  # the GB 11643 standard's own example


def test_valid_number_yields_birth_date_and_gender():
    identity = parse_id_number(VALID.lower())
    assert identity.number == VALID
    assert identity.birth_date == datetime.date(1949, 12, 31)
    assert identity.gender == "F"


@pytest.mark.parametrize("last", [c for c in "0123456789X" if c != "X"])
def test_every_wrong_check_digit_is_refused(last):
    with pytest.raises(DomainError, match="校验位错误"):
        parse_id_number(VALID[:17] + last)


@pytest.mark.parametrize("number, message", [
    ("1101051949123100", "18位"),
    ("99010519491231002X", "地区码"),
    ("110105194913310020", "出生日期"),
])
def test_malformed_numbers_are_refused_with_the_reason(number, message):
    with pytest.raises(DomainError, match=message):
        parse_id_number(number)


def test_check_char_matches_the_standard_example():
    assert check_char(VALID[:17]) == "X"


def test_mobile_numbers():
    assert clean_mobile("+86 139-0000-1234") == "13900001234"
    for bad in ("1390000123", "23900001234", "12900001234", "139000012345"):
        with pytest.raises(DomainError, match="手机号码"):
            clean_mobile(bad)


def test_masks():
    assert mask_mobile("13956785678") == "139****5678"
    assert mask_id_number("320102199001011234") == "3201**********1234"
