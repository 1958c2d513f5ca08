"""fenji's test kit (placeholder docstring, completed below)."""

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

__all__ = ["DATABASE_TASKS", "IMMEDIATE_TASKS", "PASSWORD", "VERIFY_PAGES", "Tree", "actor",
           "complete_second_factor", "make_account", "second_factor_code", "sign_in", "Reach", "ScopeMatrix"]
