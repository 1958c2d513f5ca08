"""Control characters are refused at every edge, with the field named (issue 12, finding 12).

``PATCH /api/v1/units/… {"name": "a\\u0000b"}`` answered 200 and stored the NUL; terminal escapes
went into ``leader``. Now NUL and the C0/C1 controls are refused in every text field: by the API's
``InputSchema`` (422 in the envelope), by every form (``kernel.forms.Form``: the field's error on the
page), by the Excel imports (the row and the column named). Multi-line text areas keep line breaks
and tabs. The walks at the end fail for a form or an API input that a new change forgets to build on
the shared bases.
"""

import copy
import datetime
import importlib
import io
import pkgutil
import typing

import pytest
import xlsxwriter
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

import fenji
from fenji.core.api.schemas import CONTROL_CHARACTER, InputSchema
from fenji.core.calendar.importer import read_workbook
from fenji.core.kernel.forms import NoControlCharacters, TextGuard, guard_text_fields
from fenji.core.kernel.text import has_control
from fenji.core.org.models import Unit
from fenji.core.people.models import Person
from fenji.core.people.services import member_import
from fenji.core.people.tests.test_member_import import id_number, reasons, workbook
from fenji.testing import actor
from tests.test_api import api, error_of

NUL, ESC, CSI = "\x00", "\x1b", "\x9b"  # CSI: the 8-bit (C1) escape introducer


def test_the_refused_characters():
    for char in [chr(c) for c in range(0x20)] + ["\x7f"] + [chr(c) for c in range(0x80, 0xa0)]:
        assert has_control(f"a{char}b"), repr(char)
    for char in "\t\n\r":
        assert not has_control(f"a{char}b", multiline=True)
    for text in ("南京市玄武区", "Zhang San", "a b\u3000c", "“引号”（括号）", "emoji 🙂", "\u00a0\u00e9"):
        assert not has_control(text) and not has_control(text, multiline=True)


# --- the API ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("field", "value"), [
    ("name", f"a{NUL}b"),
    ("leader", f"{ESC}[31m张三{ESC}[0m"),
    ("short_name", f"{CSI}2J"),
    ("approval_ref", "第1号\n第2号"),
])
def test_the_api_refuses_control_characters_and_names_the_field(tree, city_admin, field, value):
    before = Unit.objects.values().get(pk=tree.town.pk)
    response = api(city_admin).patch(f"/api/v1/units/{tree.town.pk}", {field: value},
                                     content_type="application/json")
    error = error_of(response, 422)
    assert error["code"] == "invalid_request"
    assert error["message"] == f"“{field}”含有不允许的控制字符"
    assert error["field"] == field
    assert Unit.objects.values().get(pk=tree.town.pk) == before


def test_the_api_refuses_them_in_query_parameters_and_on_creation(tree, city_admin):
    error = error_of(api(city_admin).get("/api/v1/accounts", {"q": f"张{NUL}"}), 422)
    assert (error["field"], error["message"]) == ("q", "“q”含有不允许的控制字符")
    response = api(city_admin).post("/api/v1/units", {"parent_id": tree.county.pk, "name": f"新设{ESC}街道",
                                                      "kind": "town"}, content_type="application/json")
    assert error_of(response, 422)["field"] == "name"
    assert not Unit.objects.filter(name__startswith="新设").exists()


def test_plain_text_still_passes(tree, city_admin):
    response = api(city_admin).patch(f"/api/v1/units/{tree.town.pk}", {"leader": "王 五\u3000（代）"},
                                     content_type="application/json")
    assert response.status_code == 200, response.content
    assert Unit.objects.get(pk=tree.town.pk).leader == "王 五\u3000（代）"


# --- the console -----------------------------------------------------------------------------------


def test_a_console_form_refuses_control_characters_on_the_field(login, tree, city_admin):
    client = login(city_admin)
    response = client.post(f"/org/units/{tree.town.pk}/edit/", {"name": f"新街口{NUL}街道", "leader": f"{ESC}[2J"})
    assert response.status_code == 200  # the form again, with the errors
    form = response.context["form"]
    assert form.errors["name"] == ["“单位名称”含有不允许的控制字符"]
    assert form.errors["leader"] == ["“负责人”含有不允许的控制字符"]
    assert "“单位名称”含有不允许的控制字符" in response.content.decode()
    assert Unit.objects.get(pk=tree.town.pk).name == "新街口街道"


def test_text_areas_keep_line_breaks_but_not_other_controls():
    from fenji.core.submissions.forms import ReturnForm

    assert ReturnForm({"reason": "第一条\r\n\t第二条"}).is_valid()
    form = ReturnForm({"reason": f"第一条{NUL}"})
    assert not form.is_valid() and form.errors["reason"] == ["“退回原因”含有不允许的控制字符"]


# --- the Excel imports -----------------------------------------------------------------------------


def test_a_member_import_row_with_a_control_character_is_refused_by_row_and_column(tree, city_admin):
    file = workbook([
        ["张\n三", id_number(201), "13911110201", None],       # row 2: a line break in the name
        ["李四", id_number(202), "13911110202", f"{CSI}31m"],  # row 3: a C1 escape in the unit code
        ["王五\n", id_number(203), "13911110203", None],       # row 4: fine (a stray line break at the end)
    ])
    result = member_import(actor=actor(city_admin), unit=tree.town, file=file)
    assert (result.read, result.created, result.rejected) == (3, 1, 2)
    assert Person.objects.filter(real_name="王五").exists()
    found = reasons(result)
    assert found[2] == [("姓名", "“姓名”含有不允许的控制字符")]
    assert found[3] == [("所在单位代码", "“所在单位代码”含有不允许的控制字符")]
    assert "第 2 行 姓名：“姓名”含有不允许的控制字符" in [str(e) for e in result.errors]


def test_a_calendar_import_row_with_a_control_character_is_refused_by_row_and_column(db):
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    for line, values in enumerate([["日期", "类型", "名称"], ["2027-10-04", "放假", f"国庆{CSI}节"],
                                   ["2027-10-05", "放\t假", "国庆节"], ["2027-10-06", "放假", "国庆节\n"]]):
        for column, value in enumerate(values):
            sheet.write_string(line, column, value)
    book.close()
    out.seek(0)
    report = read_workbook(out)
    assert report.errors == [(2, "“名称”含有不允许的控制字符"), (3, "“类型”含有不允许的控制字符")]
    assert [row.date for row in report.rows] == [datetime.date(2027, 10, 6)]


# --- nothing forgets it: every form and every API input --------------------------------------------


def _import_everything():
    for module in pkgutil.walk_packages(fenji.__path__, "fenji."):
        name = module.name
        if ".tests" in name or ".migrations" in name or name.startswith("fenji.bench") or name == "fenji.wsgi":
            continue
        importlib.import_module(name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def project_forms() -> list[type]:
    _import_everything()
    found = {cls for cls in _subclasses(forms.BaseForm)
             if cls.__module__.startswith("fenji.") and ".tests" not in cls.__module__}
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def test_every_form_of_the_platform_refuses_control_characters_in_every_text_field():
    classes = project_forms()
    assert len(classes) > 40  # the walk found the forms (52 when this was written)
    problems = []
    for cls in classes:
        name = f"{cls.__module__}.{cls.__qualname__}"
        hook = next(base for base in cls.__mro__ if "full_clean" in base.__dict__)
        if not issubclass(cls, TextGuard) or hook is not TextGuard:
            problems.append(f"{name}: not built on kernel.forms.Form / TextGuard (or overrides full_clean)")
            continue
        fields = copy.deepcopy(cls.base_fields)
        guard_text_fields(fields)
        for field_name, field in fields.items():
            if not isinstance(field, forms.CharField):
                continue
            multiline = isinstance(field.widget, forms.Textarea)
            for value in ([f"a{NUL}b", f"a{CSI}b"] + ([] if multiline else ["a\nb"])):
                try:
                    field.run_validators(field.to_python(value))
                except DjangoValidationError as error:
                    if "control_character" in [e.code for e in error.error_list]:
                        continue
                problems.append(f"{name}.{field_name} accepts {value!r}")
    assert not problems, "\n".join(problems)


def test_the_validator_is_attached_once_and_labels_the_field():
    class Probe(TextGuard, forms.Form):
        title = forms.CharField(label="标题")

    form = Probe({"title": "ok"})
    assert form.is_valid() and form.is_valid()
    assert [v for v in form.fields["title"].validators if isinstance(v, NoControlCharacters)] == [
        NoControlCharacters("标题")]


def _accepts_text(annotation) -> bool:
    if annotation is str:
        return True
    return any(_accepts_text(arg) for arg in typing.get_args(annotation))


def _models_in(annotation):
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in typing.get_args(annotation):
        yield from _models_in(arg)


def _shaped(annotation, text):
    """``text`` in the shape the field takes: inside a list or as a dict's value where the field is one."""
    for candidate in (annotation, *typing.get_args(annotation)):
        origin = typing.get_origin(candidate)
        if origin is list:
            return [text]
        if origin is dict:
            return {"field": text}
    return text


def api_inputs():
    """(operation, parameter, annotation) for every parameter of every API operation."""
    from fenji.api import api as platform_api

    for prefix, router in platform_api._routers:
        for path, path_operation in router.path_operations.items():
            for operation in path_operation.operations:
                label = f"{'/'.join(operation.methods)} {prefix}{path}"
                for params in operation.models:
                    for parameter, info in params.model_fields.items():
                        yield label, parameter, info.annotation


def test_every_api_input_refuses_control_characters_in_every_text_field():
    problems, schemas = [], set()
    for label, parameter, annotation in api_inputs():
        models = list(_models_in(annotation))
        if not models and _accepts_text(annotation):
            problems.append(f"{label}: parameter {parameter!r} is a bare string, not a field of an InputSchema")
        pending = models
        while pending:
            model = pending.pop()
            if model in schemas:
                continue
            schemas.add(model)
            if not issubclass(model, InputSchema):
                problems.append(f"{label}: {model.__qualname__} is not an InputSchema")
                continue
            for name, info in model.model_fields.items():
                pending.extend(_models_in(info.annotation))
                if not _accepts_text(info.annotation):
                    continue
                try:
                    model.model_validate({name: _shaped(info.annotation, f"a{NUL}b")})
                    problems.append(f"{model.__qualname__}.{name} accepts NUL")
                except PydanticValidationError as error:
                    if not any(e["type"] == CONTROL_CHARACTER and e["loc"] == (name,) for e in error.errors()):
                        problems.append(f"{model.__qualname__}.{name}: NUL not refused as a control character")
    assert len(schemas) >= 10  # the walk found the inputs
    assert not problems, "\n".join(problems)
