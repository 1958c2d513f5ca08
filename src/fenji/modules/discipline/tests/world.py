"""One world per test file: ``w = shared_world(build)`` in a test module makes the fixture ``w`` — what ``build()``
returns, written once for the whole file inside a transaction rolled back after it; each test runs in its own
savepoint within it (the ``db`` fixture), so what one test writes is gone for the next."""

import pytest
from django.db import transaction
from django.test import override_settings


def shared_world(build):
    @pytest.fixture(scope="module", name="_discipline_world")
    def world(django_db_setup, django_db_blocker):
        with django_db_blocker.unblock(), transaction.atomic():
            # the accounts' passwords hashed as every test's settings check them (fenji.testing.fixtures)
            with override_settings(FENJI_PROFILE="discipline",
                                   PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
                built = build()
            yield built
            transaction.set_rollback(True)

    @pytest.fixture(name="w")
    def per_test(_discipline_world, db, settings):
        settings.FENJI_PROFILE = "discipline"
        return _discipline_world

    return world, per_test


def discipline_tree(code: str):
    """中牟县纪委监委 with two town commissions: ``(county, town, other)``."""
    from fenji.core.access import policy
    from fenji.core.org.services import unit_create
    from fenji.modules.discipline import kinds

    county = unit_create(actor=policy.SYSTEM, parent=None, name="中牟县纪委监委", kind=kinds.COMMISSION, code=code)
    town = unit_create(actor=policy.SYSTEM, parent=county, name="白沙镇纪委", kind=kinds.TOWN, code=f"{code}-T1")
    other = unit_create(actor=policy.SYSTEM, parent=county, name="姚家镇纪委", kind=kinds.TOWN, code=f"{code}-T2")
    return county, town, other
