"""Concurrent tree writes must serialize: no duplicate paths, no lost moves, no corrupted subtree."""

import threading

import pytest
from django.db import connection, connections

from fenji.core.access import policy
from fenji.core.org.models import Unit, UnitKind
from fenji.core.org.services import unit_create, unit_move
from fenji.testing import Tree

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has a single writer by construction (IMMEDIATE transactions); the race needs a server",
)


def run_in_threads(jobs):
    errors = []

    def wrap(job):
        try:
            job()
        except Exception as error:  # collected and reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=wrap, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_and_moves_keep_the_tree_consistent():
    tree = Tree()
    jobs = [
        (lambda n=n: unit_create(actor=policy.SYSTEM, parent=tree.county, name=f"社区{n}", kind=UnitKind.VILLAGE))
        for n in range(12)
    ]
    jobs.append(lambda: unit_move(actor=policy.SYSTEM, unit=tree.county, new_parent=tree.sibling_city))
    jobs.append(lambda: unit_move(actor=policy.SYSTEM, unit=tree.town, new_parent=tree.sibling_city))
    assert run_in_threads(jobs) == []
    units = {u.pk: u for u in Unit.objects.all()}
    assert len({u.path for u in units.values()}) == len(units)
    for unit in units.values():
        if unit.parent_id:
            assert unit.path[:-4] == units[unit.parent_id].path, unit.name
            assert unit.depth == units[unit.parent_id].depth + 1
    assert Unit.objects.filter(name__startswith="社区").count() == 12


@pytest.mark.django_db(transaction=True)
def test_concurrent_rebuilds_of_the_tallies_serialize():
    from fenji.core.org.models import TallyRun, UnitTally
    from fenji.core.org.tally import UNITS, tally_rebuild

    tree = Tree()
    # Every rebuild finds the table empty or full: without the lock, two would insert the same rows.
    assert run_in_threads([tally_rebuild for _ in range(4)]) == []
    assert TallyRun.objects.count() == 4
    assert UnitTally.objects.get(unit=tree.province, key=UNITS).subtree == 5
    assert UnitTally.objects.count() == 3  # units below the province, 南京市 and 玄武区
