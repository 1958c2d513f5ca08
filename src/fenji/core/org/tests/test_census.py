"""The live census (ADR 0030): every subtree's active units, exact after each tree service, mended when a
write bypassed them, and declining to answer when it could be wrong."""

import datetime
import logging
import random

from django.core.management import call_command

from fenji.core.access import policy
from fenji.core.kernel.errors import DomainError
from fenji.core.notify import periodic
from fenji.core.org.census import census_check, census_desired, subtree_active
from fenji.core.org.models import Unit, UnitCensus, UnitKind, UnitStatus
from fenji.core.org.services import unit_create, unit_move, unit_revoke

SYSTEM = policy.SYSTEM


def stored() -> dict[int, int]:
    return dict(UnitCensus.objects.values_list("unit_id", "active"))


def counted(unit: Unit) -> int:
    return Unit.objects.filter(unit.subtree_q(), status=UnitStatus.ACTIVE).count()


def test_the_census_stays_exact_through_random_creates_revokes_and_moves(tree):
    rng = random.Random(20261205)
    for step in range(60):
        units = list(Unit.objects.filter(status=UnitStatus.ACTIVE))
        roll = rng.random()
        try:
            if roll < 0.55:
                unit_create(actor=SYSTEM, parent=rng.choice(units), name=f"单位{step}", kind=UnitKind.OTHER)
            elif roll < 0.8:
                unit_move(actor=SYSTEM, unit=rng.choice(units), new_parent=rng.choice(units))
            else:
                unit_revoke(actor=SYSTEM, unit=rng.choice(units), revoked_on=datetime.date(2026, 12, 5),
                            reference=f"撤字〔2026〕{step}号")
        except DomainError:  # a move into its own subtree, revoking the root: refused, nothing changed
            pass
        assert stored() == census_desired(), f"step {step}"
    for unit in Unit.objects.all():
        assert subtree_active([unit.path], cutoff=Unit.objects.order_by("-id").first().pk) == counted(unit)
    assert census_check() == 0


def test_a_count_over_several_subtrees_leaves_out_the_excluded_unit(tree):
    top = Unit.objects.order_by("-id").first().pk
    both = subtree_active([tree.county.path, tree.sibling_city.path], cutoff=top)
    assert both == counted(tree.county) + counted(tree.sibling_city) == 4
    assert subtree_active([tree.county.path, tree.sibling_city.path], cutoff=top, exclude=tree.county.pk) == 3
    assert subtree_active([tree.county.path], cutoff=top, exclude=tree.sibling_city.pk) == 3  # not in range
    assert subtree_active([tree.county.path, tree.town.path], cutoff=top) == 3  # nested: counted once


def test_the_census_declines_when_it_could_be_wrong(tree):
    top = Unit.objects.order_by("-id").first().pk
    assert subtree_active([tree.province.path], cutoff=top) == 6
    # a unit created after the caller's cutoff would be counted but must not receive
    assert subtree_active([tree.province.path], cutoff=top - 1) is None
    assert subtree_active([tree.province.path + "zzzz"], cutoff=top) is None  # no such unit
    UnitCensus.objects.filter(unit=tree.town).update(active=-1)
    assert subtree_active([tree.county.path], cutoff=top) == 3  # the town's own row is not read
    assert subtree_active([tree.town.path], cutoff=top) is None


def test_the_check_mends_a_write_that_bypassed_the_services(tree, caplog):
    Unit.objects.filter(pk=tree.other_town.pk).update(status=UnitStatus.REVOKED)  # not through unit_revoke
    UnitCensus.objects.filter(unit=tree.town).delete()
    assert stored()[tree.province.pk] == 6  # the census does not know yet
    with caplog.at_level(logging.WARNING, logger="fenji.core.org.census"):
        assert census_check() == 5  # the town's row again; the other town and its 3 ancestors one less
    assert "a tree write bypassed the services" in caplog.text
    assert stored() == census_desired() and stored()[tree.province.pk] == 5
    assert census_check() == 0


def test_the_worker_and_the_tally_command_check_it(tree, capsys):
    job = {job.name: job for job in periodic.jobs()}["org.census"]
    assert job.every == datetime.timedelta(minutes=10)
    UnitCensus.objects.filter(unit=tree.province).update(active=0)
    assert "org.census" in periodic.run_due(run_all=True, names=["org.census"]).ran
    assert stored()[tree.province.pk] == 6
    UnitCensus.objects.filter(unit=tree.city).update(active=9)
    call_command("tally")
    assert "子树单位数核对完毕：修正 1 项" in capsys.readouterr().out
    assert stored() == census_desired()
