"""Text as it enters the platform: numbers folded to one spelling, control characters refused.

Numbers (mobile and ID numbers): ``normalise_number`` folds compatibility characters with Unicode
NFKC (full-width digits ``１３９`` → ``139``, the full-width ``Ｘ`` → ``X``) and drops every whitespace
character (ASCII and Unicode spaces, the ideographic space U+3000, tabs, line breaks). Every place a
number enters — forms, API, Excel import, command line, the search box — goes through it (by way of
``people.identity``), and the encrypted columns that hold numbers apply it again before they encrypt
and hash (``EncryptedTextField(normalise=NUMBER)``), so one number has one blind index. Digits of
other scripts that NFKC does not fold (Arabic-Indic, Devanagari…) are left as they are and refused by
the ASCII-only patterns of the validators.

Control characters: ``control_error`` refuses NUL, the C0 controls U+0001–U+001F, DEL and the C1
controls U+0080–U+009F in any text a person or a program submits; multi-line fields (text areas)
keep tab, line feed and carriage return. Forms get it from ``kernel.forms.Form``, the API from
``api.schemas.InputSchema``, the Excel imports call it per cell.
"""

import re
import unicodedata

NUMBER = "number"  # the one normalisation an encrypted column can ask for

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def normalise_number(value) -> str:
    """A number as typed → one spelling: NFKC, no whitespace of any kind, upper case (the ID's ``X``)."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    return "".join(text.split()).upper()


NORMALISERS = {NUMBER: normalise_number}


def has_control(value, *, multiline: bool = False) -> bool:
    """Whether ``value`` is text holding a refused control character (anything else: ``False``)."""
    return isinstance(value, str) and bool((CONTROL_MULTILINE if multiline else CONTROL).search(value))


def has_control_inside(value) -> bool:
    """``has_control`` after trimming the ends, as a form field trims before it validates: a cell that
    ends in a stray line break is taken without it, one with a control character inside is refused."""
    return isinstance(value, str) and has_control(value.strip())


def control_message(label: str) -> str:
    return f"“{label}”含有不允许的控制字符"


def control_error(value, *, label: str, multiline: bool = False) -> str | None:
    """The message refusing ``value`` for field ``label``, or ``None`` when it holds no control character."""
    if has_control(value, multiline=multiline):
        return control_message(label)
    return None


def checked_text(value, *, label: str, field: str, limit: int, required: bool = True, multiline: bool = False) -> str:
    """A text a service takes from a person: stripped, present when ``required``, at most ``limit`` characters,
    without control characters — else a ``DomainError`` naming ``label`` on ``field``."""
    from .errors import DomainError

    value = (value or "").strip()
    if required and not value:
        raise DomainError(f"请填写{label}", field=field)
    if len(value) > limit:
        raise DomainError(f"{label}不能超过 {limit} 个字", field=field)
    if error := control_error(value, label=label, multiline=multiline):
        raise DomainError(error, field=field)
    return value
