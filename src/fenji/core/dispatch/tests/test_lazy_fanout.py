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


def test_a_send_to_whole_subtrees_takes_its_count_from_the_census_and_counts_when_it_cannot(tree, settings):
    """ADR 0031: no count over the units when the census can answer; the same number when it cannot."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fenji.core.org.models import UnitCensus

    settings.FENJI_DISPATCH_LAZY_FANOUT = True
    head = as_actor(make_account(tree.city, name="市办主任", role=DEPT_HEAD))
    receiving = (Unit.objects.filter(subtree_q("path", tree.city.path), status=UnitStatus.ACTIVE)
                 .exclude(pk=tree.city.pk).count())

    def send():
        with CaptureQueriesContext(connection) as queries:
            sent = services.dispatch_send(actor=head, kind=DispatchKind.NOTICE, title="通知",
                                          targets=Targets(subtrees=[tree.city]))
        counted = any('COUNT(*) AS "__count" FROM "org_unit"' in q["sql"] for q in queries.captured_queries)
        return sent.delivery_count, counted

    assert send() == (receiving, False)  # the sender itself, in the range, is left out
    UnitCensus.objects.filter(unit=tree.city).update(active=-5)  # a census gone wrong is not believed
    assert send() == (receiving, True)
    kinds = services.dispatch_send(actor=head, kind=DispatchKind.NOTICE, title="通知",
                                   targets=Targets(subtrees=[tree.city], kinds=[tree.town.kind]))
    assert kinds.delivery_count == 2  # by kind: counted over the units


# --- property: eager and lazy read the same ----------------------------------------------------------

import datetime  # noqa: E402

from django.db import transaction  # noqa: E402
from django.test import override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402
from hypothesis import HealthCheck, given  # noqa: E402
from hypothesis import settings as hsettings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from fenji.core.dispatch import fanout, reminders  # noqa: E402
from fenji.core.org.models import UnitKind  # noqa: E402

KINDS = (UnitKind.COUNTY, UnitKind.TOWN)
STATES = ("", "signed", "unsigned", "overdue", "late", "unreplied", "pending")


class _Undo(Exception):
    pass


@st.composite
def scenarios(draw):
    size = draw(st.integers(2, 9))
    parents = [draw(st.integers(0, i)) for i in range(size)]  # unit i+1 hangs under unit parents[i] (0: root)
    kinds = [draw(st.sampled_from(KINDS)) for _ in range(size)]
    only = draw(st.sampled_from(["", *KINDS]))
    kinds[0] = only or kinds[0]  # at least one unit receives
    return {"parents": parents, "kinds": kinds, "feedback": draw(st.booleans()), "only": only, "signed": draw(st.sets(st.integers(1, size))),
            "late": draw(st.booleans()), "within": draw(st.integers(0, size)), "size": draw(st.integers(1, 3))}


def _walk(listing, size):
    """Every page by cursor, then page 2 by number: what each shows."""
    seen, after, pages = [], "", 0
    while True:
        page = selectors.delivery_page(listing, after=after, size=size)
        seen.append((page.total, [(d.unit_path, d.signed_at is not None, d.reply_due_at is not None) for d in page.rows]))
        pages += 1
        if page.next_cursor is None or pages > 20:
            break
        after = page.next_cursor
    second = selectors.delivery_page(listing, size=size, page=2)
    seen.append([d.unit_path for d in second.rows])
    return seen


def _observe(units, plan, lazy: bool) -> dict:
    root = units[0]
    seen = {}
    try:
        with transaction.atomic(), override_settings(FENJI_DISPATCH_LAZY_FANOUT=lazy):
            kind = DispatchKind.FEEDBACK if plan["feedback"] else DispatchKind.NOTICE
            dispatch = services.dispatch_send(
                actor=policy.SYSTEM, unit=root, kind=kind, title="比对通知", feedback_kind="undertake" if plan["feedback"] else "",
                targets=Targets(subtrees=[root], kinds=[plan["only"]] if plan["only"] else []))
            assert dispatch.pending == (lazy and dispatch.delivery_count > 0)
            for index in sorted(plan["signed"]):
                fanout.materialise_for_unit(units[index])  # lazy: the unit opened its inbox first
                signed_at = dispatch.sign_due_at + datetime.timedelta(minutes=1 if plan["late"] else -1)
                rows(dispatch).filter(unit=units[index]).update(signed_at=signed_at, read_at=signed_at)
            written = rows(dispatch).count()
            future = dispatch.sign_due_at + datetime.timedelta(days=400)
            seen["counts"] = selectors.dispatch_tracking_counts(dispatch)
            seen["counts_later"] = selectors.dispatch_tracking_counts(dispatch, now=future)
            seen["sent_counts"] = {k: v for k, v in selectors.dispatch_sent_counts([dispatch.pk])
                                   .get(dispatch.pk, {}).items() if k not in ("dispatch_id", "rows")}
            within = units[plan["within"]]
            seen["pages"] = [_walk(selectors.delivery_list_for_dispatch(dispatch, status=state, within=w), plan["size"])
                             for state in STATES for w in (None, within)]
            seen["all"] = [d.unit_path for d in selectors.delivery_list_for_dispatch(dispatch)]
            assert rows(dispatch).count() == written  # reading the tracking wrote no row
            today = timezone.localdate()
            seen["bulletin"] = [(r.unit_path, r.received, r.signs_due, r.signed_on_time, r.replies_due, r.overdue)
                                for r in selectors.dispatch_bulletin(actor=policy.SYSTEM, root_path=root.path,
                                                                     start=today, end=today)]
            seen["urge"] = services.dispatch_urge(actor=policy.SYSTEM, dispatch=dispatch)
            seen["laggards"] = sorted(rows(dispatch).filter(services.laggards_q()).values_list("unit_path", "urge_count"))
            reminded = reminders.send_due_reminders(now=future)
            seen["reminded"] = {k: v for k, v in reminded.items() if k != "refreshed"}
            seen["stamped"] = sorted(rows(dispatch).filter(sign_reminded_at__isnull=False).values_list("unit_path", flat=True))
            raise _Undo
    except _Undo:
        pass
    return seen


@hsettings(max_examples=12, deadline=None, derandomize=True,
           suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(plan=scenarios())
def test_eager_and_lazy_fan_out_read_the_same_on_any_tree(tree, plan):
    with transaction.atomic():
        units = [unit_create(actor=policy.SYSTEM, parent=tree.other_town, name="比对根", kind=UnitKind.TOWN)]
        for parent, kind in zip(plan["parents"], plan["kinds"], strict=True):
            units.append(unit_create(actor=policy.SYSTEM, parent=units[parent], name=f"单位{len(units)}", kind=kind))
        eager, lazy = _observe(units, plan, lazy=False), _observe(units, plan, lazy=True)
        transaction.set_rollback(True)
    assert eager == lazy
