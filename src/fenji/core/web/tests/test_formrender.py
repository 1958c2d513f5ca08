"""The Python-written widgets (``web.formrender``) give exactly Django's own templates' markup."""

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from hypothesis import given, settings
from hypothesis import strategies as st

from fenji.core.web.formrender import FastFormRenderer

pytestmark = pytest.mark.no_database  # widgets rendered in memory

DJANGO, FAST = DjangoTemplates(), FastFormRenderer()
text = st.text(alphabet=st.sampled_from('aZ9 中文<>&"\'=%s\n'), max_size=8)
plain = st.one_of(text, st.integers(-5, 1000), st.none(), st.just(gettext_lazy("状态")), st.just(mark_safe("<b>安</b>")),
                  st.just(datetime.date(2026, 12, 5)), st.just(1.5))
attrs = st.dictionaries(st.sampled_from(["class", "id", "placeholder", "required", "disabled", "data-x", "maxlength"]),
                        st.one_of(plain, st.booleans()), max_size=4)
choice = st.tuples(st.one_of(text, st.integers(0, 20)), st.one_of(text, st.just(gettext_lazy("全部"))))
choices = st.one_of(st.lists(choice, max_size=6),
                    st.lists(st.tuples(text, st.lists(choice, min_size=1, max_size=3)), max_size=3))  # optgroups
inputs = st.sampled_from([forms.TextInput, forms.NumberInput, forms.EmailInput, forms.URLInput, forms.HiddenInput,
                          forms.DateInput, forms.TimeInput, forms.DateTimeInput, forms.SearchInput, forms.TelInput,
                          forms.ColorInput, forms.PasswordInput, forms.CheckboxInput])


def both(widget, name, value, extra=None):
    return (widget.render(name, value, attrs=extra, renderer=FAST), widget.render(name, value, attrs=extra, renderer=DJANGO))


@settings(max_examples=300, deadline=None)
@given(kind=inputs, name=text, value=plain, own=attrs, extra=attrs)
def test_an_input_is_written_as_django_writes_it(kind, name, value, own, extra):
    fast, django = both(kind(attrs=own), name, value, extra)
    assert fast == django


@settings(max_examples=300, deadline=None)
@given(name=text, offered=choices, chosen=st.one_of(plain, st.lists(st.one_of(text, st.integers(0, 20)), max_size=3)),
       own=attrs, multiple=st.booleans())
def test_a_select_is_written_as_django_writes_it(name, offered, chosen, own, multiple):
    widget = (forms.SelectMultiple if multiple else forms.Select)(attrs=own, choices=offered)
    fast, django = both(widget, name, chosen)
    assert fast == django


def test_a_form_renders_the_same_and_other_widgets_are_left_to_django():
    class Filter(forms.Form):
        state = forms.ChoiceField(choices=[("", "全部"), ("to_sign", "待签收"), ("a&b", "<甲>")], required=False)
        start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
        overdue = forms.BooleanField(required=False)
        number = forms.CharField(required=False, max_length=30)
        note = forms.CharField(required=False, widget=forms.Textarea)  # Django's template
        kinds = forms.MultipleChoiceField(choices=[("a", "甲")], widget=forms.CheckboxSelectMultiple, required=False)

    bound = Filter({"state": "a&b", "start": "2026-12-05", "overdue": "on", "number": "<1>", "note": "x"})
    assert bound.render(renderer=FAST) == bound.render(renderer=DJANGO)
    assert "<textarea" in bound.render(renderer=FAST)


def test_a_widget_template_an_app_overrides_is_rendered_by_django(tmp_path, monkeypatch):
    """An override of an included template (``attrs.html``) too: the Python path would bypass it."""
    from fenji.core.web import formrender

    own = tmp_path / "django" / "forms" / "widgets"
    own.mkdir(parents=True)
    (own / "attrs.html").write_text("{% for name, value in widget.attrs.items %} data-own-{{ name }}{% endfor %}")
    renderer = FastFormRenderer()
    renderer.engine.engine.dirs = [str(tmp_path), *renderer.engine.engine.dirs]  # as an app's templates would
    monkeypatch.setattr(formrender, "FastFormRenderer", lambda: renderer)
    formrender._ours.cache_clear()
    try:
        html = forms.TextInput(attrs={"class": "x"}).render("q", "1", renderer=renderer)
        assert "data-own-class" in html and 'class="x"' not in html
    finally:
        formrender._ours.cache_clear()
