"""The settings the test run uses: the product's own, plus the local OpenID Connect provider of ``tests/idp``.

pytest-django loads this module (``DJANGO_SETTINGS_MODULE`` in pyproject.toml); ``manage.py``, ``fenji`` and the
WSGI entry point load ``fenji.settings`` alone, so no deployment ever installs the test provider. Its pages are not
in the URLconf either: the tests that use it switch ``ROOT_URLCONF`` to ``tests.idp.urls`` (``tests/idp/kit.py``).
"""

from fenji.settings import *  # noqa: F403
from fenji.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "oauth2_provider", "tests.idp"]

# A replica alias for the router's tests: it mirrors the test database (no replica runs); the tests switch reads
# to it with ``settings.REPLICA_DATABASES = ["replica"]``. The cluster pass points it at a real standby
# (tests/test_pg_replica.py). Everywhere else REPLICA_DATABASES stays empty and nothing reads from it.
if "replica" not in DATABASES:  # noqa: F405
    DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
