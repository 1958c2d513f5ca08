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

# The test provider's tables in one migration of their current shape (tests/idp/provider_migrations), instead of
# django-oauth-toolkit's 20-odd: each of those that alters a table related to the account model makes Django
# re-render every model related to accounts (nearly all of them), ~10 of the ~25 s every test database took to
# migrate. No deployment installs the provider; regenerate the file when the pinned toolkit changes its models
# (`makemigrations oauth2_provider` with these settings and an empty package).
MIGRATION_MODULES = {"oauth2_provider": "tests.idp.provider_migrations"}
# The toolkit's models are swappable; the migration names them through these settings (the toolkit's defaults).
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_DEVICE_GRANT_MODEL = "oauth2_provider.DeviceGrant"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth2_provider.RefreshToken"
