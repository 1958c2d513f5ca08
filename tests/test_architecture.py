"""Project-wide rules that no single app test sees."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps

pytestmark = pytest.mark.no_database  # the sources and the model classes only

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "fenji"


def test_import_layers_hold():
    result = subprocess.run([str(Path(sys.executable).parent / "lint-imports")], cwd=ROOT, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_remote_assets_in_templates_or_static():
    remote = re.compile(r"""(src|href)\s*=\s*["'](https?:)?//""", re.I)
    css_remote = re.compile(r"url\(\s*['\"]?(https?:)?//|@import\s+['\"]?(https?:)?//", re.I)
    offenders = []
    for path in SRC.rglob("*"):
        if path.suffix in {".html", ".css", ".js"}:
            text = path.read_text(encoding="utf-8")
            if remote.search(text) or css_remote.search(text):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_accounts_cannot_be_superusers():
    from fenji.core.people.models import Account

    fields = {f.name for f in Account._meta.get_fields()}
    assert "is_superuser" not in fields and "is_staff" not in fields


def test_every_unit_owned_table_has_a_path_index():
    from fenji.core.kernel.models import OrgOwned

    for model in apps.get_models():
        if issubclass(model, OrgOwned):
            indexed = {tuple(index.fields) for index in model._meta.indexes}
            has_path = ("unit_path", "id") in indexed or model._meta.get_field("unit_path").db_index
            assert has_path, f"{model.__name__} lacks an index on unit_path"


def test_english_catalog_is_kept():
    assert (SRC / "locale" / "en" / "LC_MESSAGES" / "django.po").exists()
    assert (SRC / "locale" / "en" / "LC_MESSAGES" / "django.mo").exists()


def test_code_passes_the_linter():
    result = subprocess.run([str(Path(sys.executable).parent / "ruff"), "check", "--no-cache", "src", "tests",
                             "conftest.py"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_unit_owned_model_is_fail_closed():
    from fenji.core.kernel.models import OrgOwned
    from fenji.core.kernel.scoping import ScopedQuerySet

    for model in apps.get_models():
        if issubclass(model, OrgOwned):
            assert isinstance(model._default_manager.all(), ScopedQuerySet), model.__name__


# Escapes from Django's protections, each allowed only where a reason is written down.
GATED = re.compile(r"\b(mark_safe|RawSQL|csrf_exempt|\.extra\(|SafeString|format_html_join|\|safe\b)")
ALLOWED = {
    # segno's SVG of the enrolment QR code: generated markup with no user-supplied text in it
    ("src/fenji/core/mfa/services.py", "mark_safe"),
    # ninja operations check CSRF themselves; this only reads the flag to walk them
    ("src/fenji/core/api/base.py", "csrf_exempt"),
    # the hot lists' rows written without the template (ADR 0029): each list's ``html_rows`` escapes every value,
    # and its property test and page tests hold it to the template's markup
    ("src/fenji/core/kernel/fastpage.py", "SafeString"),
}


def test_no_unreviewed_escape_from_django_protections():
    found = set()
    for path in SRC.rglob("*"):
        if path.suffix in {".py", ".html"} and "/tests/" not in str(path) and "/migrations/" not in str(path):
            for match in GATED.finditer(path.read_text(encoding="utf-8")):
                found.add((str(path.relative_to(ROOT)), match.group(1)))
    assert found <= ALLOWED, sorted(found - ALLOWED)


MAX_LINES = 600
OVER_LINES_ALLOWED: set[str] = set()  # a file named here must say why, in a comment


def test_no_source_file_is_over_600_lines():
    """A file past 600 lines does more than one thing: split it by what it does (migrations and
    message catalogs excepted, they are generated)."""
    offenders = {}
    for path in SRC.rglob("*"):
        if not path.is_file() or {"migrations", "locale", "__pycache__"} & set(path.relative_to(SRC).parts):
            continue
        try:
            lines = len(path.read_text(encoding="utf-8").splitlines())
        except UnicodeDecodeError:
            continue  # images and fonts
        name = str(path.relative_to(ROOT))
        if lines > MAX_LINES and name not in OVER_LINES_ALLOWED:
            offenders[name] = lines
    assert offenders == {}


def test_core_names_no_module_action_code():
    """The core reads a module's codes from the registry (``kernel.modules``); it never writes one down."""
    from fenji.core.kernel import modules

    codes = {action.code for module in modules.all_modules() if not module.core for action in module.actions}
    roles = {role.code for module in modules.all_modules() if not module.core for role in module.roles}
    assert codes and roles  # the five modules declare theirs
    offenders = []
    for path in (SRC / "core").rglob("*"):
        if path.suffix not in {".py", ".html", ".txt", ".js"} or "tests" in path.relative_to(SRC / "core").parts:
            continue
        text = path.read_text(encoding="utf-8")
        offenders += [f"{path.relative_to(ROOT)}: {code}" for code in sorted(codes | roles)
                      if re.search(rf"(?<![\w.]){re.escape(code)}(?![\w.])", text)]
    assert offenders == []


def test_modules_are_independent_of_each_other():
    import tomllib

    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    independence = [c for c in contracts if c["type"] == "independence"]
    assert [sorted(c["modules"]) for c in independence] == [sorted(
        f"fenji.modules.{name}" for name in ("veterans", "office", "league", "discipline", "labor"))]
