"""fenji's test kit: what a core app's or a module's tests build on. Nothing in the product imports it.

The root ``conftest.py`` loads ``fenji.testing.fixtures`` as a pytest plugin, so every test has:

- ``tree``: 江苏省 ── 南京市 ── 玄武区 ── 新街口街道 / 梅园新村街道, and 苏州市 (the sibling subtree);
- the personas ``province_admin``, ``city_admin``, ``sibling_admin`` (system administrators),
  ``city_clerk`` (staff), ``town_member`` and ``outsider`` (no grant);
- ``login(account)``: the test client signed in through the real login page, the second factor passed
  for administrators.

and imports ``make_account(unit, name=..., kind=..., role=...)`` (an account, with a grant of ``role`` at
its unit), ``actor(account)`` (the actor a service takes), ``sign_in(client, account)``, ``Tree``, ``xlsx_file(header,
rows)`` (an Excel file for an import), ``shared_world(build, profile=…)`` (a file's rows built once, each test in
a savepoint: ``_world, w = shared_world(build)`` makes the fixture ``w``).

A module's scope matrix (``tests/test_scope.py`` in the module) — every route that takes a row id must
be in one, or ``tests/test_scope.py`` fails::

    from fenji.core.access import policy
    from fenji.modules.league.roles import LEAGUE_CLERK
    from fenji.modules.league.services import branch_member_add
    from fenji.testing import Reach, ScopeMatrix, make_account

    def member(unit):  # a row owned by ``unit``
        return branch_member_add(actor=policy.SYSTEM, unit=unit, account=make_account(unit, kind="member"))

    class TestScope(ScopeMatrix):
        routes = {
            "league:member": Reach(member, LEAGUE_CLERK, shown=lambda m: m.account.person.real_name),
            "league:member_edit": Reach(member, LEAGUE_CLERK, post={"note": "转出"}, state=lambda m: m.note),
        }
        elsewhere = {"league:own_card": "…/test_views.py::test_the_card_is_its_owners_only (owner, not unit)"}

For each route this checks: the role's holder at 南京市 reaches a row at 新街口街道 (2xx/3xx); the holder
at 苏州市 gets 404, the same page as for a missing row; a missing row is 404; the holder at 南京市 gets 404
for a row at 江苏省 (never upward). With ``post`` and ``state`` the POST writes for the ancestor and
changes nothing for the sibling and upward. See ``fenji.testing.scope.Reach`` for the other fields.

Every ``@service`` is registered (``fenji.core.audit.transactions.SERVICES``): ``tests/test_audit_coverage.py``
fails until each has a case there that runs it and checks its audit event.
"""

import pytest

# pytest explains a failed assert inside the kit (the scope matrix, the sign-in) as it does in a test file
pytest.register_assert_rewrite("fenji.testing.people", "fenji.testing.routing", "fenji.testing.scope")

from .fixtures import DATABASE_TASKS, IMMEDIATE_TASKS
from .people import (
    PASSWORD,
    VERIFY_PAGES,
    Tree,
    actor,
    complete_second_factor,
    make_account,
    second_factor_code,
    sign_in,
)
from .scope import Reach, ScopeMatrix
from .sheets import xlsx_file
from .world import shared_world

__all__ = ["DATABASE_TASKS", "IMMEDIATE_TASKS", "PASSWORD", "VERIFY_PAGES", "Tree", "actor",
           "complete_second_factor", "make_account", "second_factor_code", "sign_in", "Reach", "ScopeMatrix",
           "shared_world", "xlsx_file"]
