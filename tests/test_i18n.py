"""The English catalog: Chinese is the source language (msgids), English is a translation.

Refreshing the catalog after adding or changing translatable strings (run from the repository root):

    cd src/fenji
    ../../.venv/bin/python ../../manage.py makemessages -l en --no-obsolete -i "*/tests/*"
    # fill every new/changed entry in locale/en/LC_MESSAGES/django.po; delete any "#, fuzzy" line
    ../../.venv/bin/python ../../manage.py compilemessages -l en

Both locale/en/LC_MESSAGES/django.po and django.mo are committed; test_mo_matches_po fails if they drift.
"""

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import translation

import fenji
from fenji.core.people.forms import AccountFilterForm, LoginForm, PasswordChangeForm

LC_MESSAGES = Path(fenji.__file__).resolve().parent / "locale" / "en" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"
FORMS = [Path(fenji.__file__).resolve().parent / "core" / app / "forms.py" for app in ("org", "people")]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|\{\w*\}")
CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict = field(default_factory=dict)  # index (0 for singular entries) -> text
    flags: set = field(default_factory=set)
    line: int = 0


def parse_po(path):
    """A small PO reader: enough for entries written by xgettext/msgmerge (no obsolete "#~" entries)."""
    entries, entry, target = [], None, None

    def flush():
        nonlocal entry, target
        if entry is not None:
            entries.append(entry)
        entry, target = None, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            flush()
            continue
        if entry is None:
            entry = Entry(line=number)
        if line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            assert target is not None, f"{path}:{number}: continuation line without a keyword"
            append(entry, target, ast.literal_eval(line))
        else:
            keyword, _, value = line.partition(" ")
            target = keyword
            append(entry, target, ast.literal_eval(value), start=True)
    flush()
    return entries


def append(entry, keyword, text, start=False):
    if keyword.startswith("msgstr"):
        index = int(keyword[7:-1]) if "[" in keyword else 0
        entry.msgstr[index] = ("" if start else entry.msgstr[index]) + text
    elif keyword in ("msgid", "msgctxt", "msgid_plural"):
        setattr(entry, keyword, ("" if start else getattr(entry, keyword)) + text)
    else:
        raise AssertionError(f"unknown PO keyword {keyword!r}")


@pytest.fixture(scope="module")
def po_entries():
    entries = parse_po(PO)
    assert entries and entries[0].msgid == "", "the catalog must start with its header entry"
    return entries


# --- the catalog files ---------------------------------------------------------------------------


def test_catalog_is_complete(po_entries):
    header, messages = po_entries[0], po_entries[1:]
    assert "fuzzy" not in header.flags
    assert "Language: en\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header.msgstr[0]
    assert len(messages) > 50
    problems = []
    for e in messages:
        where = f"line {e.line} {e.msgid!r}"
        if "fuzzy" in e.flags:
            problems.append(f"{where}: fuzzy")
        expected = [0, 1] if e.msgid_plural is not None else [0]
        if sorted(e.msgstr) != expected:
            problems.append(f"{where}: msgstr indexes {sorted(e.msgstr)}, expected {expected}")
        for index, text in e.msgstr.items():
            if not text.strip():
                problems.append(f"{where}: empty msgstr[{index}]")
            source = e.msgid if index == 0 else e.msgid_plural
            if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(source or e.msgid)):
                problems.append(f"{where}: placeholders differ in msgstr[{index}] {text!r}")
            if CJK.search(text):
                problems.append(f"{where}: untranslated Chinese left in msgstr[{index}] {text!r}")
    assert not problems, "\n".join(problems)


def test_mo_matches_po(po_entries):
    """The committed .mo is the compiled form of the committed .po (re-run compilemessages if not)."""
    with MO.open("rb") as fp:
        catalog = gettext.GNUTranslations(fp)
    mismatches, expected_keys = [], set()
    for e in po_entries[1:]:
        key = e.msgid if e.msgctxt is None else f"{e.msgctxt}\x04{e.msgid}"
        if e.msgid_plural is None:
            expected_keys.add(key)
            got = catalog.gettext(e.msgid) if e.msgctxt is None else catalog.pgettext(e.msgctxt, e.msgid)
            if got != e.msgstr[0]:
                mismatches.append(f"{e.msgid!r}: .mo has {got!r}, .po has {e.msgstr[0]!r}")
        else:
            for n, index in ((1, 0), (2, 1), (5, 1)):
                expected_keys.add((key, index))
                if e.msgctxt is None:
                    got = catalog.ngettext(e.msgid, e.msgid_plural, n)
                else:
                    got = catalog.npgettext(e.msgctxt, e.msgid, e.msgid_plural, n)
                if got != e.msgstr[index]:
                    mismatches.append(f"{e.msgid!r} n={n}: .mo has {got!r}, .po has {e.msgstr[index]!r}")
    assert not mismatches, "\n".join(mismatches)
    stale = set(catalog._catalog) - expected_keys - {""}
    assert not stale, f".mo holds entries the .po no longer has: {sorted(map(str, stale))}"


def test_forms_wrap_every_chinese_string():
    """Every Chinese literal in the forms goes through gettext_lazy, so it reaches the catalog."""
    bare = []
    for path in FORMS:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        wrapped = {
            id(arg)
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_"
            for arg in node.args
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and CJK.search(node.value):
                if id(node) not in wrapped:
                    bare.append(f"{path.name}:{node.lineno} {node.value!r}")
    assert not bare, "\n".join(bare)


def test_model_choice_labels_are_lazy_and_in_the_catalog(po_entries):
    """Every Chinese choice label in a models.py goes through gettext_lazy and has an English entry."""
    translated = {e.msgid for e in po_entries[1:]}
    problems = []
    for path in sorted((Path(fenji.__file__).resolve().parent / "core").glob("*/models.py")):
        for cls in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(cls, ast.ClassDef)
                    and any(isinstance(b, ast.Attribute) and b.attr.endswith("Choices") for b in cls.bases)):
                continue
            for node in cls.body:
                if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Tuple)):
                    continue
                label = node.value.elts[-1]
                where = f"{path.parent.name}/models.py:{node.lineno}"
                if isinstance(label, ast.Constant) and CJK.search(str(label.value)):
                    problems.append(f"{where} {label.value!r} is not wrapped in _()")
                elif isinstance(label, ast.Call) and label.args[0].value not in translated:
                    problems.append(f"{where} {label.args[0].value!r} has no English entry")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_choice_labels_follow_the_request_language(tree):
    from fenji.core.access.models import Reach
    from fenji.core.people.models import AccountStatus
    from fenji.testing import make_account

    account = make_account(tree.city)
    account.status = AccountStatus.DISABLED
    with translation.override("en"):
        assert account.get_status_display() == "Disabled"
        assert str(Reach.SUBTREE.label) == "This unit and below"
    with translation.override("zh-hans"):
        assert account.get_status_display() == "已停用"
        assert str(Reach.SUBTREE.label) == "本单位及下级"


# --- rendering ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_defaults_to_chinese(client):
    response = client.get("/login/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("登录", "分级管理平台", "手机号码", "密码", "移动端"):
        assert text in html
    assert "Log in" not in html
    assert "Fenji Management Platform" not in html


@pytest.mark.django_db
def test_login_page_in_english(client, settings):
    # The chosen language travels in Django's language cookie (set by the language switcher); both
    # Django's LocaleMiddleware and fenji's LanguageMiddleware honour it.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/login/")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "en"
    html = response.content.decode()
    # Template strings ({% translate %}) and form labels (gettext_lazy) both come from the catalog.
    for text in ("Log in", "Fenji Management Platform", "Mobile number", "Password", "mobile site"):
        assert text in html
    for text in ("登录", "分级管理平台", "手机号码", "移动端"):
        assert text not in html


@pytest.mark.django_db
def test_unknown_language_cookie_falls_back_to_chinese(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    html = client.get("/login/").content.decode()
    assert "登录" in html and "Log in" not in html


def test_form_strings_are_lazy():
    """Labels, help texts, choices and errors are resolved per request language, not at import."""
    with translation.override("en"):
        assert str(LoginForm().fields["mobile"].label) == "Mobile number"
        assert str(dict(AccountFilterForm().fields["kind"].choices)[""]) == "All"
        form = PasswordChangeForm(data={"old_password": "x", "new_password": "a1!", "new_password2": "b2@"})
        assert not form.is_valid()
        assert form.errors["new_password2"] == ["The two new passwords do not match"]
        assert str(PasswordChangeForm().fields["new_password"].help_text).startswith("At least 10 characters")
    with translation.override("zh-hans"):
        assert str(LoginForm().fields["mobile"].label) == "手机号码"
        assert str(dict(AccountFilterForm().fields["kind"].choices)[""]) == "全部"
        form = PasswordChangeForm(data={"old_password": "x", "new_password": "a1!", "new_password2": "b2@"})
        assert form.errors["new_password2"] == ["两次输入的新密码不一致"]
