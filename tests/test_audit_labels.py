"""Every action code an audit event can carry has a Chinese label, so the auditor never reads a code.

The codes are collected from the product itself, not from a list kept here: every declared action (a refusal
is recorded under the action refused, a request step under its action) and every code a call to
``audit_record`` or ``refusals.note`` names in the source, literally or through a module-level constant.
"""

import ast
from pathlib import Path

import pytest
from django.utils import translation

from fenji.core.access import registry

pytestmark = pytest.mark.no_database  # the sources and the action registry only

SOURCE = Path(__file__).resolve().parents[1] / "src" / "fenji"
WRITERS = {"audit_record", "note"}


def _constants(tree: ast.Module) -> dict[str, str]:
    return {target.id: node.value.value for node in tree.body if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
            for target in node.targets if isinstance(target, ast.Name)}


def written_codes() -> dict[str, str]:
    """code → the file that writes it, for every code named where an audit event is written."""
    found = {}
    for path in SOURCE.rglob("*.py"):
        if {"tests", "testing", "bench"} & set(path.parts):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = _constants(tree)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in WRITERS):
                continue
            for keyword in node.keywords:
                if keyword.arg != "action":
                    continue
                for part in ast.walk(keyword.value):
                    if isinstance(part, ast.Constant) and isinstance(part.value, str) and "." in part.value:
                        found[part.value] = str(path.relative_to(SOURCE))
                    elif isinstance(part, ast.Name) and part.id in constants:
                        found[constants[part.id]] = str(path.relative_to(SOURCE))
    return found


def test_the_walk_finds_codes_of_every_kind():
    codes = written_codes()
    assert {"people.login", "people.account.import", "access.scope.miss", "audit.event.search"} <= set(codes)


def test_every_code_that_can_be_written_has_a_chinese_label():
    codes = {**written_codes(), **{action.code: "declared action" for action in registry.all_actions()}}
    with translation.override("zh-hans"):
        missing = {code: where for code, where in codes.items() if registry.audit_label(code) == code}
    assert missing == {}, "audit codes without a label (declare them in the app's audit_labels): " + repr(missing)


def test_searching_a_label_finds_its_codes():
    assert {"people.login", "people.logout", "people.login.locked"} <= set(registry.audit_actions_matching("登录"))
    assert "audit.event.export" in registry.audit_actions_matching("导出审计")
