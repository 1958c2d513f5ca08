"""fenji's test kit (placeholder docstring, completed below)."""

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

__all__ = ["DATABASE_TASKS", "IMMEDIATE_TASKS", "PASSWORD", "VERIFY_PAGES", "Tree", "actor",
           "complete_second_factor", "make_account", "second_factor_code", "sign_in"]
