"""The pytest plugin: settings every test runs under, the tree, the personas and ``login``.

Loaded by the root ``conftest.py`` (``pytest_plugins = ["fenji.testing.fixtures"]``).
"""

import pytest
from django.core.cache import cache

from fenji.core.access.roles import STAFF, SYSTEM_ADMIN
from fenji.core.web import cached_counts

from .people import Tree, make_account, sign_in

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A fast hasher keeps hundreds of logins cheap; the password rules do not depend on the hasher.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE = tmp_path / "sms-outbox.jsonl"
    settings.FILES_DIR = tmp_path / "files"  # uploaded attachments never land in the working tree's var/
    # Background tasks run in-process at enqueue time (FENJI_TASKS_IMMEDIATE semantics); the tests of the
    # queue itself switch to the database backend (notify/tests/test_worker.py). django-tasks drops its
    # cached backends whenever TASKS changes.
    settings.TASKS = IMMEDIATE_TASKS
    # What one test's pages kept (the menu's to-do counts, a list's statistics) is not seen by the next one.
    cache.clear()
    cached_counts.forget()


@pytest.fixture
def tree(db):
    return Tree()


@pytest.fixture
def province_admin(tree):
    return make_account(tree.province, name="省管理员", role=SYSTEM_ADMIN)


@pytest.fixture
def city_admin(tree):
    return make_account(tree.city, name="南京管理员", role=SYSTEM_ADMIN)


@pytest.fixture
def city_clerk(tree):
    return make_account(tree.city, name="南京科员", role=STAFF)


@pytest.fixture
def sibling_admin(tree):
    return make_account(tree.sibling_city, name="苏州管理员", role=SYSTEM_ADMIN)


@pytest.fixture
def town_member(tree):
    return make_account(tree.town, name="街道会员", kind="member")


@pytest.fixture
def outsider(tree):
    return make_account(tree.sibling_city, name="无授权人员")


@pytest.fixture
def login(client):
    """``login(account)``: the test client signed in through the real login page (and the TOTP page for
    administrators)."""

    def login(account, **kwargs):
        return sign_in(client, account, **kwargs)

    return login


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """On PostgreSQL the audit table refuses TRUNCATE; the throwaway test database allows it so that
    transactional tests can be flushed (audit/tests/test_chain.py turns it off to prove the refusal)."""
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f'ALTER DATABASE "{connection.settings_dict["NAME"]}" SET fenji.allow_truncate = \'on\'')
            connection.close()
