import datetime

import pytest
from django import forms
from django.utils import translation

from fenji.core.kernel.forms import Form
from fenji.core.kernel.inputs import DateField


class Period(Form):
    start = DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))


def test_a_date_input_shows_its_value_as_an_iso_date_in_every_language():
    for language in ("zh-hans", "en"):
        with translation.override(language):
            html = str(Period(initial={"start": datetime.date(2026, 12, 1)})["start"])
            assert 'value="2026-12-01"' in html and 'type="date"' in html


@pytest.mark.parametrize("text, month", [
    ("2026-10", datetime.date(2026, 10, 1)), (" 2026-1 ", datetime.date(2026, 1, 1)), ("2026-13", None),
    ("2026-10-05", None), ("十月", None), ("", None), (None, None), ("99999999999-1", None)])
def test_a_month_from_a_link_or_field(text, month):
    from fenji.core.kernel.inputs import parse_month

    assert parse_month(text) == month
