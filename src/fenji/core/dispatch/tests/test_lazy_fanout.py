"""Lazy fan-out (ADR 0027): a dispatch to a subtree stores ranges, not a row per unit; a unit's inbox
shows it and writes that unit's row once; the tracking counts equal those of a row per unit."""


from fenji.core.access import policy
from fenji.core.access.roles import DEPT_HEAD, STAFF
from fenji.core.dispatch import selectors, services
from fenji.core.dispatch.models import Delivery, DispatchKind
from fenji.core.dispatch.services import Targets
from fenji.core.kernel.paths import subtree_q
from fenji.core.org.models import Unit, UnitStatus
from fenji.core.org.services import unit_create
from fenji.testing import make_account

from .conftest import as_actor


def rows(dispatch):
    return Delivery.objects.unscoped(reason="test").filter(dispatch=dispatch)


def test_a_subtree_dispatch_is_stored_as_a_range_and_rows_come_when_units_open_it(tree, settings):
    settings.FENJI_DISPATCH_LAZY_FANOUT = True
    head = make_account(tree.province, name="省办主任", role=DEPT_HEAD)
    dispatch = services.dispatch_send(actor=as_actor(head), kind=DispatchKind.NOTICE, title="关于年终总结的通知",
                                      targets=Targets(subtrees=[tree.province]))
    receiving = (Unit.objects.filter(subtree_q("path", tree.province.path), status=UnitStatus.ACTIVE)
                 .exclude(pk=tree.province.pk))
    eager_total = receiving.count()
    assert eager_total > 1 and dispatch.delivery_count == eager_total
    assert dispatch.pending and not rows(dispatch).exists()  # nobody to tell yet: no row at sending

    counts = selectors.dispatch_tracking_counts(dispatch)
    assert (counts["total"], counts["unsigned"], counts["signed"], counts["read"]) == (eager_total, eager_total, 0, 0)

    # A unit created after the dispatch does not receive it (the target set is fixed at sending).
    unit_create(actor=policy.SYSTEM, parent=tree.county, name="新设街道", kind=tree.town.kind)

    clerk = as_actor(make_account(tree.town, name="新街口收文员", role=STAFF))
    inbox = list(selectors.delivery_list_inbox(actor=clerk))
    assert [d.dispatch_id for d in inbox] == [dispatch.pk]
    list(selectors.delivery_list_inbox(actor=clerk))  # opened again: still one row
    assert list(rows(dispatch).values_list("unit_id", flat=True)) == [tree.town.pk]
    assert selectors.delivery_inbox_counts(actor=clerk)["unsigned"] == 1

    services.delivery_sign(actor=clerk, delivery=inbox[0])
    counts = selectors.dispatch_tracking_counts(dispatch)
    assert (counts["total"], counts["signed"], counts["unsigned"]) == (eager_total, 1, eager_total - 1)

    # The sender's list writes the rest in one statement: the same counts, one row per receiving unit.
    listed = list(selectors.delivery_list_for_dispatch(dispatch))
    assert sorted(d.unit_id for d in listed) == sorted(receiving.filter(pk__lte=dispatch.unit_cutoff)
                                                       .values_list("pk", flat=True))
    assert selectors.dispatch_tracking_counts(dispatch) == counts
