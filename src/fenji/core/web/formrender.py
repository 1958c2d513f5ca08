"""Django's plainest form widgets written in Python instead of through their templates (issue 21).

A list page's filter form renders a handful of inputs and selects; through Django's widget templates each
``<option>`` is a template include, and the widgets were about a quarter of a module list page's CPU
(docs/benchmarks.md). ``FastFormRenderer`` writes the same markup as Django's own ``input.html``,
``select.html`` and ``select_option.html`` (and the input types that only include ``input.html``), with the
same escaping, and hands every other template to Django. A template name is taken over only while it is
Django's own file, not one a project app overrides. ``core/web/tests/test_formrender.py`` compares both
renderers over generated widgets.
"""

from functools import cache
from pathlib import Path

import django.forms
from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData
from django.utils.timezone import template_localtime

_DJANGO_FORMS = str(Path(django.forms.__file__).parent / "templates")
_INPUTS = {f"django/forms/widgets/{kind}.html" for kind in (
    "input", "text", "number", "email", "url", "password", "hidden", "date", "time", "datetime", "search", "tel",
    "color", "checkbox")}
_SELECT, _OPTION = "django/forms/widgets/select.html", "django/forms/widgets/select_option.html"
_INCLUDED = ("django/forms/widgets/input.html", "django/forms/widgets/attrs.html")  # what those templates include


def _value(value) -> str:
    """``{{ value }}`` with autoescaping, as ``render_value_in_context`` writes it."""
    value = localize(template_localtime(value))
    if not issubclass(type(value), str):
        value = str(value)
    return conditional_escape(value)


def _formatted(value) -> str:
    """``{{ value|stringformat:'s' }}``: a safe input stays unescaped, as the filter is ``is_safe``."""
    if isinstance(value, tuple):
        value = str(value)
    try:
        text = "%s" % value  # noqa: UP031 (the stringformat filter formats so)
    except (ValueError, TypeError):
        text = ""
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs: dict) -> str:
    """``attrs.html``: ``False`` leaves the attribute out, ``True`` writes its name alone."""
    return "".join(f" {_value(name)}" + ("" if value is True else f'="{_formatted(value)}"')
                   for name, value in attrs.items() if value is not False)


def _input(widget: dict) -> str:
    value = f' value="{_formatted(widget["value"])}"' if widget["value"] != None else ""  # noqa: E711 (as the template)
    return f'<input type="{_value(widget["type"])}" name="{_value(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _option(option: dict) -> str:
    return f'<option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>{_value(option["label"])}</option>'


def _select(widget: dict) -> str | None:
    parts = [f'<select name="{_value(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_value(group_name)}">')
        for option in group_choices:
            if option["template_name"] != _OPTION or not _ours(_OPTION):
                return None
            parts.append("\n  " + _option(option) + "\n")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


@cache
def _ours(template_name: str) -> bool:
    """True when the template found under this name, and those it includes, are Django's own files (no app
    overrides them); checked once per process."""
    renderer = FastFormRenderer()
    return all(renderer.get_template(name).origin.name.startswith(_DJANGO_FORMS)
               for name in (template_name, *_INCLUDED))


class FastFormRenderer(DjangoTemplates):
    """``FORM_RENDERER``: Django's renderer, with its plainest widgets written in Python."""

    def render(self, template_name, context, request=None):
        written = template_name in _INPUTS or template_name == _SELECT
        if written and isinstance(context, dict) and "widget" in context and _ours(template_name):
            html = _input(context["widget"]) if template_name in _INPUTS else _select(context["widget"])
            if html is not None:  # None: an option of another template, left to Django
                return html.strip()
        return super().render(template_name, context, request)
