"""The account list's filter fields are written as plain markup: the same HTML the form's widgets render."""

import pytest
from django.conf import settings
from django.http import QueryDict
from django.template import Context, Template
from django.utils import translation

from fenji.core.people.forms import AccountFilterForm

WIDGETS = Template(
    '{% load i18n %}'
    '<div class="field"><label for="id_q">{% translate "姓名或手机号" %}</label>{{ form.q }}</div>\n'
    '  <div class="field"><label for="id_kind">{% translate "类型" %}</label>{{ form.kind }}</div>\n'
    '  <div class="field"><label for="id_status">{% translate "状态" %}</label>{{ form.status }}</div>\n'
    '  {{ form.unit }}')


def fields(html: str) -> str:
    toolbar = html.split('<form class="toolbar" method="get">', 1)[1]
    return toolbar.split('<button class="btn" type="submit">', 1)[0].strip()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_filter_fields_are_the_widgets_markup(tree, city_admin, login, language):
    client = login(city_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for query in ("", f"unit={tree.county.pk}", "q=张&kind=staff&status=active", "kind=bogus&status=nope",
                  'q="><b>&amp;&unit=abc', "q=13912345678&kind=&status=disabled", "unit="):
        page = client.get(f"/people/accounts/?{query}")
        assert page.status_code == 200, query
        form = AccountFilterForm(QueryDict(query) or None)
        form.is_valid()
        with translation.override(language):
            expected = WIDGETS.render(Context({"form": form})).strip()
        assert fields(page.content.decode()) == expected, query
        assert '<select name="kind"' in expected and ('aria-invalid="true"' in expected) == ("bogus" in query)
