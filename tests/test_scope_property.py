"""Property: a subtree grant reaches exactly the granted unit and its descendants, on any tree.

The expected set is computed from parent links alone, independently of the materialized paths
that ``policy`` and the selectors use.
"""

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fenji.core.access import policy
from fenji.core.access.roles import SYSTEM_ADMIN
from fenji.core.org import selectors, services
from fenji.core.org.models import Unit, UnitKind
from fenji.testing import make_account

UPDATE = "org.unit.update"
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@st.composite
def forests(draw, min_units=2, max_units=25):
    """``parents[i]`` is the index of unit i's parent (always an earlier unit), or None for a root."""
    size = draw(st.integers(min_units, max_units))
    parents = [None]
    for i in range(1, size):
        choice = draw(st.integers(-1, i - 1))  # -1: another root, now and then
        parents.append(None if choice < 0 else choice)
    return parents


def build(parents) -> list[Unit]:
    units = []
    for i, parent in enumerate(parents):
        units.append(services.unit_create(actor=policy.SYSTEM, parent=None if parent is None else units[parent],
                                          name=f"单位{i}", kind=UnitKind.OTHER))
    return units


def descendants_by_links(root_pk: int) -> set[int]:
    """The unit and everything below it, following ``parent_id`` links only."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Unit.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, stack = set(), [root_pk]
    while stack:
        pk = stack.pop()
        if pk not in found:
            found.add(pk)
            stack.extend(children.get(pk, []))
    return found


def check_reach(actor, expected: set[int]) -> None:
    units = list(Unit.objects.all())
    wrong = {u.pk: (u.name, u.path) for u in units if policy.can(actor, UPDATE, u.path) != (u.pk in expected)}
    assert not wrong, f"policy.can disagrees with the parent links at {wrong}; expected {sorted(expected)}"
    assert set(selectors.unit_list(actor=actor).values_list("pk", flat=True)) == expected
    assert set(selectors.unit_list(actor=actor, action=UPDATE).values_list("pk", flat=True)) == expected
    for u in units:
        assert selectors.unit_is_visible(actor=actor, unit=u, action=UPDATE) == (u.pk in expected)


class _Rollback(Exception):
    pass


def in_rolled_back_transaction(body):
    """Run ``body`` in a savepoint that is always rolled back: hypothesis reuses the test's database."""
    try:
        with transaction.atomic():
            body()
            raise _Rollback
    except _Rollback:
        pass


@SETTINGS
@given(parents=forests(), data=st.data())
def test_a_subtree_grant_reaches_exactly_the_descendants(db, parents, data):
    granted_index = data.draw(st.integers(0, len(parents) - 1), label="granted unit")

    def body():
        units = build(parents)
        granted = units[granted_index]
        account = make_account(granted, role=SYSTEM_ADMIN)
        check_reach(policy.actor_for(account), descendants_by_links(granted.pk))

    in_rolled_back_transaction(body)
    assert not Unit.objects.exists(), "the example's rows leaked into the next one"


@st.composite
def moves(draw, size):
    return draw(st.lists(st.tuples(st.integers(0, size - 1), st.integers(0, size - 1)), max_size=4))


@SETTINGS
@given(parents=forests(), data=st.data())
def test_grants_follow_their_units_through_moves(db, parents, data):
    """Several grants (a union of subtrees), then subtrees move: grants and reach move with them."""
    size = len(parents)
    granted_indexes = data.draw(st.lists(st.integers(0, size - 1), min_size=1, max_size=3, unique=True),
                                label="granted units")
    planned = data.draw(moves(size), label="moves")

    def body():
        units = build(parents)
        account = make_account(units[granted_indexes[0]], role=SYSTEM_ADMIN)
        from fenji.core.access.services import grant_create

        for index in granted_indexes[1:]:
            grant_create(actor=policy.SYSTEM, account=account, role=SYSTEM_ADMIN.code, unit=units[index])
        for unit_index, parent_index in planned:
            unit = Unit.objects.get(pk=units[unit_index].pk)
            new_parent = Unit.objects.get(pk=units[parent_index].pk)
            if new_parent.pk in descendants_by_links(unit.pk) or unit.parent_id == new_parent.pk:
                continue  # a move into its own subtree or onto the same parent is refused by design
            services.unit_move(actor=policy.SYSTEM, unit=unit, new_parent=new_parent)
        expected = set().union(*(descendants_by_links(units[i].pk) for i in granted_indexes))
        check_reach(policy.actor_for(account), expected)
        for unit in Unit.objects.all():  # the paths themselves still agree with the links
            assert unit.path.startswith(unit.parent.path if unit.parent_id else "")
            assert unit.depth == len(unit.path) // 4

    in_rolled_back_transaction(body)
