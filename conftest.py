"""The suite's fixtures live in the test kit, ``fenji.testing`` (the tree, the personas, ``login``), and the local
OpenID Connect provider of ``tests/idp`` (``idp``)."""

import json
import os
from pathlib import Path

import pytest

pytest_plugins = ["fenji.testing.fixtures", "tests.idp.kit"]


@pytest.hookimpl(trylast=True)  # after every plugin's: the order set here is the last word (see below)
def pytest_collection_modifyitems(config, items):
    _cluster_tests_alone(items)
    _sqlite_pass_only(items)
    _longest_files_first(items)


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


DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback",
                     "live_server"}


def _sqlite_pass_only(items):
    """``make test`` runs the suite twice, on SQLite and on PostgreSQL. A test marked ``own_sqlite`` makes and
    uses a SQLite database of its own (a ``fenji`` subprocess in a temporary var/), and a test marked
    ``no_database`` reads none at all (the sources, the API schema, pure functions): the suite's database plays
    no part in either, so the PostgreSQL pass would only repeat them. ``no_database`` is checked: such a test
    may not ask for a database."""
    for item in items:
        if item.get_closest_marker("no_database") and (
                item.get_closest_marker("django_db") or DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))):
            raise pytest.UsageError(f"{item.nodeid} is marked no_database but uses the database")
    if not os.environ.get("FENJI_DATABASE_URL", "").startswith("postgres"):
        return
    repeat = pytest.mark.skip(reason="uses its own SQLite database or none: run in the SQLite pass")
    for item in items:
        if item.get_closest_marker("own_sqlite") or item.get_closest_marker("no_database"):
            item.add_marker(repeat)


# Seconds each of the longer test files takes (setup included, the mean of the SQLite and PostgreSQL passes),
# measured on the reference host (2 CPUs); a file not listed is reckoned at a quarter of a second per test.
FILE_SECONDS = json.loads((Path(__file__).parent / "tests" / "file_seconds.json").read_text(encoding="utf-8"))


def _longest_files_first(items):
    """The parallel passes hand out whole files (``--dist loadfile``) in the order collected, xdist's own
    reordering by number of tests turned off (``scripts/test.sh``): the longest files go first, so that the
    workers end together instead of one of them starting a minute-long file when the other has nothing left.
    A stale figure only costs balance, never a test.

    Only in a worker of a parallel pass: there the controller sends whole files in this order and each worker
    runs them as sent (pytest-django's ordering by kind of database use never held across files). A run in one
    process keeps pytest-django's order."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    per_file: dict[str, int] = {}
    for item in items:
        name = item.nodeid.split("::", 1)[0]
        per_file[name] = per_file.get(name, 0) + 1
    items.sort(key=lambda item: -FILE_SECONDS.get(item.nodeid.split("::", 1)[0],
                                                   per_file[item.nodeid.split("::", 1)[0]] / 4))
