"""One world per test file: ``_world, w = shared_world(build, profile="league")`` in a test module makes the
fixture ``w`` — what ``build()`` returns, written once for the whole file inside a transaction rolled back after
it; each test runs in its own savepoint within it (the ``db`` fixture), so what one test writes is gone for the
next. A file's tests then pay for their units, accounts and grants once instead of once each."""

import pytest
from django.db import transaction
from django.test import override_settings

from .fixtures import FAST_HASHERS


def shared_world(build, *, profile: str = "default"):
    @pytest.fixture(scope="module", name="_shared_world")
    def world(django_db_setup, django_db_blocker):
        with django_db_blocker.unblock(), transaction.atomic():
            # the accounts' passwords hashed as every test's settings check them (fenji.testing.fixtures)
            with override_settings(FENJI_PROFILE=profile, PASSWORD_HASHERS=FAST_HASHERS):
                built = build()
            yield built
            transaction.set_rollback(True)

    @pytest.fixture(name="w")
    def per_test(_shared_world, db, settings):
        settings.FENJI_PROFILE = profile
        return _shared_world

    return world, per_test
