"""Property: over random trees and random grant attempts, access is allowed exactly when the target
lies in a granted subtree (or is the granted unit, for reach=unit) and the role carries the action;
and whatever the order of attempts, the duty rules hold afterwards."""

from collections import Counter

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fenji.core.access import policy
from fenji.core.access.models import Grant, Reach
from fenji.core.access.roles import BUILTIN_ROLES
from fenji.core.access.rules import active_profile, duty_conflicts
from fenji.core.access.services import grant_create
from fenji.core.kernel.errors import AccessDenied, DomainError
from fenji.core.org.models import Unit, UnitKind
from fenji.core.org.services import unit_create
from fenji.testing import make_account

ROLE_CODES = sorted(BUILTIN_ROLES)
ACTIONS = sorted({a for role in BUILTIN_ROLES.values() for a in role.actions})


class Rollback(Exception):
    pass


def build_tree(parents):
    units = []
    for index, parent in enumerate(parents):
        units.append(unit_create(actor=policy.SYSTEM, parent=units[parent] if parent is not None else None,
                                 name=f"单位{index}", kind=UnitKind.UNIT if parent is not None else UnitKind.PROVINCE))
    return units


def descendants(units, root):
    children = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    found, stack = set(), [root]
    while stack:
        unit = stack.pop()
        found.add(unit.pk)
        stack.extend(children.get(unit.pk, []))
    return found


@st.composite
def scenario(draw):
    size = draw(st.integers(min_value=1, max_value=12))
    parents = [None] + [draw(st.integers(min_value=0, max_value=i - 1)) for i in range(1, size)]
    attempts = draw(st.lists(st.tuples(st.integers(0, 3), st.sampled_from(ROLE_CODES), st.integers(0, size - 1),
                                       st.sampled_from([Reach.SUBTREE, Reach.UNIT])), min_size=1, max_size=10))
    return parents, attempts


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scenario(), st.sampled_from(ACTIONS))
def test_can_matches_subtrees_roles_and_rules(db, data, action):
    parents, attempts = data
    try:
        with transaction.atomic():
            units = build_tree(parents)
            people = [make_account(units[0], name=f"人员{n}") for n in range(4)]
            granted = []
            for person, role, unit_index, reach in attempts:
                try:
                    grant_create(actor=policy.SYSTEM, account=people[person], role=role, unit=units[unit_index],
                                 reach=reach)
                    granted.append((person, role, units[unit_index], reach))
                except (DomainError, AccessDenied):
                    pass  # a duty rule refused it; the invariants below must still hold

            live = list(Grant.objects.unscoped(reason="test").filter(revoked_at__isnull=True)
                        .values_list("account_id", "role", "unit_id"))
            held = {}
            for account, role, _ in live:
                held.setdefault(account, set()).add(role)
            for codes in held.values():  # nobody carries two duties of an exclusive set
                assert duty_conflicts(BUILTIN_ROLES[code] for code in codes) == [], codes
            for limit in active_profile().per_unit:
                per_unit = Counter(unit for _, role, unit in live if role == limit.role)
                assert max(per_unit.values(), default=0) <= limit.limit, limit.role

            for index, person in enumerate(people):
                subject = policy.actor_for(person)
                for unit in Unit.objects.all():
                    expected = any(
                        action in BUILTIN_ROLES[role].actions
                        and (unit.pk in descendants(units, granted_unit) if reach == Reach.SUBTREE
                             else unit.pk == granted_unit.pk)
                        for who, role, granted_unit, reach in granted if who == index
                    )
                    assert policy.can(subject, action, unit.path) == expected
            raise Rollback
    except Rollback:
        pass
