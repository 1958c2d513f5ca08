"""The suite's fixtures live in the test kit, ``fenji.testing`` (the tree, the personas, ``login``), and the local
OpenID Connect provider of ``tests/idp`` (``idp``)."""

import os

import pytest

pytest_plugins = ["fenji.testing.fixtures", "tests.idp.kit"]


def pytest_collection_modifyitems(config, items):
    """``make test`` runs the suite twice, on SQLite and on PostgreSQL. A test marked ``own_sqlite`` makes and
    uses a SQLite database of its own (a ``fenji`` subprocess in a temporary var/): the suite's database plays
    no part in it, so the PostgreSQL pass would only repeat it."""
    if not os.environ.get("FENJI_DATABASE_URL", "").startswith("postgres"):
        return
    repeat = pytest.mark.skip(reason="uses its own SQLite database: run in the SQLite pass")
    for item in items:
        if item.get_closest_marker("own_sqlite"):
            item.add_marker(repeat)
