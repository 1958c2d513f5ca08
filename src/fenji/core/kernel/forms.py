"""The base of every form of the platform: text fields refuse control characters.

``Form`` (and ``TextGuard`` for a form that must keep another base) gives every text field
(``forms.CharField`` and its subclasses) a validator that refuses NUL and the C0/C1 control
characters (``kernel.text``), with the field's label in the message: “名称”含有不允许的控制字符.
Text areas (``forms.Textarea``) keep tab and line breaks. The validators are attached when the form is
cleaned, so fields a form adds in its ``__init__`` are covered too. ``tests/test_control_characters.py``
walks every form class of the platform and fails if one does not inherit it.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator

from .text import control_error


class NoControlCharacters:
    """A field validator (``code="control_character"``) refusing control characters."""

    code = "control_character"

    def __init__(self, label: str, *, multiline: bool = False):
        self.label = label
        self.multiline = multiline

    def __call__(self, value):
        message = control_error(value, label=self.label, multiline=self.multiline)
        if message:
            raise ValidationError(message, code=self.code)

    def __eq__(self, other):
        return (isinstance(other, NoControlCharacters) and (self.label, self.multiline)
                == (other.label, other.multiline))

    def __hash__(self):
        return hash((self.label, self.multiline))


def guard_text_fields(fields) -> None:
    """Attach ``NoControlCharacters`` to every text field of ``fields`` (a form's, once per form)."""
    for name, field in fields.items():
        if not isinstance(field, forms.CharField):
            continue
        if any(isinstance(v, NoControlCharacters) for v in field.validators):
            continue
        label = str(field.label) if field.label else name
        # Django's own NUL check says only "不允许是用空字符串。": this one covers NUL, naming the field
        field.validators = [v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)]
        field.validators.append(NoControlCharacters(label, multiline=isinstance(field.widget, forms.Textarea)))


class TextGuard:
    """Mixin for ``forms.BaseForm`` subclasses: see the module."""

    def full_clean(self):
        guard_text_fields(self.fields)
        super().full_clean()


class Form(TextGuard, forms.Form):
    pass
