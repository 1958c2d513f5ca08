"""The suite's fixtures live in the test kit, ``fenji.testing`` (the tree, the personas, ``login``), and the local
OpenID Connect provider of ``tests/idp`` (``idp``)."""

import os

import pytest

pytest_plugins = ["fenji.testing.fixtures", "tests.idp.kit"]


def pytest_collection_modifyitems(config, items):
    _cluster_tests_alone(items)
    _own_sqlite_once(items)


def _cluster_tests_alone(items):
    """A test marked ``cluster`` restarts or replicates the throwaway PostgreSQL cluster: it runs only in the pass
    that has the cluster to itself (``FENJI_TEST_CLUSTER=1``, one process: ``scripts/test.sh``), and that pass runs
    nothing else."""
    alone = os.environ.get("FENJI_TEST_CLUSTER") == "1"
    if alone and not os.environ.get("FENJI_TEST_PG_DATA"):
        raise pytest.UsageError("FENJI_TEST_CLUSTER=1 needs the cluster of scripts/with-postgres.sh")
    skip = pytest.mark.skip(reason="restarts or replicates the PostgreSQL cluster: runs in its own pass "
                                   "(FENJI_TEST_CLUSTER=1 scripts/with-postgres.sh pytest -m cluster)")
    for item in items:
        if bool(item.get_closest_marker("cluster")) != alone:
            if alone:
                item.add_marker(pytest.mark.skip(reason="the cluster pass runs only the tests marked cluster"))
            else:
                item.add_marker(skip)


def _own_sqlite_once(items):
    """``make test`` runs the suite twice, on SQLite and on PostgreSQL. A test marked ``own_sqlite`` makes and
    uses a SQLite database of its own (a ``fenji`` subprocess in a temporary var/): the suite's database plays
    no part in it, so the PostgreSQL pass would only repeat it."""
    if not os.environ.get("FENJI_DATABASE_URL", "").startswith("postgres"):
        return
    repeat = pytest.mark.skip(reason="uses its own SQLite database: run in the SQLite pass")
    for item in items:
        if item.get_closest_marker("own_sqlite"):
            item.add_marker(repeat)
