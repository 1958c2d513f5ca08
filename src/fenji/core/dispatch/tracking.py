"""The tracking list of one dispatch (ADR 0027): its delivery rows and its *pending* units (units of its
ranges without a row yet) merged by ``unit_path``, read without writing a row.

A pending unit is shown as an unsaved ``Delivery`` (no ``pk``): received, nothing signed, read or answered,
with the dispatch's deadlines. A page is two indexed reads, each in ``unit_path`` order after the cursor
and limited to the page: the rows through ``(dispatch, unit_path, id)``, the pending units through the
unit path index with an anti-join on the unique ``(dispatch, unit)``. Filters (state, subtree) apply to
both: a pending unit matches exactly the states a blank row would.
"""

import heapq

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from fenji.core.kernel.pagination import PAGE_SIZE, Page
from fenji.core.kernel.pagination import _offset as page_offset
from fenji.core.kernel.paths import subtree_q

from . import fanout
from .models import Delivery, Dispatch, ReviewState


def pending_matches(dispatch: Dispatch, status: str, now) -> bool:
    """Whether a unit without a row (nothing signed, read or answered) has ``status``."""
    return {
        "signed": False, "late": False, "replied": False, "pending": False, "accepted": False, "returned": False,
        "unsigned": True,
        "overdue": dispatch.sign_due_at is not None and dispatch.sign_due_at < now,
        "unreplied": dispatch.reply_due_at is not None,
    }.get(status, True)


def pending_delivery(dispatch: Dispatch, unit) -> Delivery:
    """The row a pending unit would get, unsaved: what the tracking shows for it."""
    delivery = Delivery(dispatch=dispatch, unit=unit, unit_path=unit.path, sign_due_at=dispatch.sign_due_at,
                        reply_due_at=dispatch.reply_due_at, reply_due_provisional=dispatch.reply_due_provisional,
                        calendar_version=dispatch.calendar_version, review_state=ReviewState.NONE, urge_count=0)
    delivery.opens = []
    return delivery


def unwritten_units(dispatch: Dispatch):
    """The units of ``dispatch``'s ranges without a delivery row yet (an anti-join on the unique
    ``(dispatch, unit)``)."""
    written = Delivery.objects.unscoped(reason="the rows of a dispatch already shown to the actor").filter(
        dispatch_id=dispatch.pk, unit_id=OuterRef("pk"))
    return fanout.range_units(dispatch).filter(~Exists(written))


class TrackingList:
    """The deliveries of ``dispatch`` (rows and pending units), optionally of one ``status`` and within the
    subtree of ``within``. Iterating yields them all in ``unit_path`` order (for exports and the API)."""

    def __init__(self, dispatch: Dispatch, *, status: str = "", within=None, statuses=(), now=None):
        from .selectors import delivery_status_q

        self.dispatch, self.within, self.now = dispatch, within, now or timezone.now()
        self.status = status if status in statuses else ""
        rows = (Delivery.objects.unscoped(reason="the deliveries of a dispatch already shown to the actor")
                .filter(dispatch=dispatch))
        if self.status:
            rows = rows.filter(delivery_status_q(self.status, self.now))
        if within is not None:
            rows = rows.filter(subtree_q("unit_path", within.path))
        self.rows = rows.select_related("unit", "signed_by__person", "replied_by__person")
        self.pending = None
        if dispatch.pending and pending_matches(dispatch, self.status, self.now):
            units = unwritten_units(dispatch)
            if within is not None:
                units = units.filter(subtree_q("path", within.path))
            self.pending = units

    def count(self) -> int:
        """Rows matching plus pending units matching: one aggregate over the rows (and, within a subtree,
        one count of its pending units)."""
        counted = self.rows.order_by().aggregate(n=Count("id"))["n"]
        if self.pending is None:
            return counted
        if self.within is None:  # every pending unit matches: delivery_count − rows
            all_rows = (Delivery.objects.unscoped(reason="the rows of a dispatch already shown to the actor")
                        .filter(dispatch=self.dispatch).count())
            return counted + fanout.lazy_count(self.dispatch, all_rows)
        return counted + self.pending.count()

    def _merged(self, after_path: str, limit: int) -> list[Delivery]:
        rows = self.rows.order_by("unit_path", "id")
        pending = self.pending.order_by("path") if self.pending is not None else None
        if after_path:
            rows = rows.filter(unit_path__gt=after_path)
            pending = pending.filter(path__gt=after_path) if pending is not None else None
        found = list(rows[:limit])
        for row in found:  # the dispatch is known: not one query per row for its title and sender
            row.dispatch = self.dispatch
        if pending is not None:
            units = list(pending[:limit])
            found = list(heapq.merge(found, (pending_delivery(self.dispatch, u) for u in units),
                                     key=lambda d: d.unit_path))[:limit]
        return found

    def page(self, *, after: str = "", size: int = PAGE_SIZE, page: int | None = None, total=None) -> Page:
        """The page after cursor ``after`` ("<unit_path>.<id>", id 0 for a pending unit) or page number ``page``
        (within the OFFSET cap): keyset over the merged order, nothing written."""
        total = self.count() if total is None else total
        number = page or 1
        after_path = (after or "").rpartition(".")[0]
        if after_path:
            start = 0
        else:
            start = page_offset(number, size) or 0
            number = start // size + 1
        found = self._merged(after_path, start + size + 1)[start:]
        next_cursor = None
        if len(found) > size:
            last = found[size - 1]
            next_cursor = f"{last.unit_path}.{last.pk or 0}"
        return Page(rows=found[:size], next_cursor=next_cursor, total=total, number=number, size=size)

    def first(self, limit: int) -> list[Delivery]:
        """The first ``limit`` deliveries in ``unit_path`` order."""
        return self._merged("", limit)

    def __iter__(self):
        """Every delivery, a chunk at a time (keyset), nothing written."""
        after, chunk = "", 2000
        while True:
            found = self._merged(after, chunk)
            yield from found
            if len(found) < chunk:
                return
            after = found[-1].unit_path


def pending_bulletin(dispatches, *, within_q: Q, now) -> dict[int, dict]:
    """What the pending units of ``dispatches`` (pending ones, already in the reader's scope) add to the
    bulletin (通报), per unit of ``within_q`` (a filter on ``Unit``): each received, owes its signature
    (due once the signing deadline passed) and, for a feedback item, its reply. One read of the pending
    units per pending dispatch, nothing written."""
    found: dict[int, dict] = {}
    for dispatch in dispatches.filter(pending=True).order_by("id"):
        sign_due = dispatch.sign_due_at is not None and dispatch.sign_due_at < now
        reply_due = dispatch.reply_due_at is not None and dispatch.reply_due_at < now
        units = unwritten_units(dispatch).filter(within_q)
        for unit_id, name, path in units.values_list("id", "name", "path"):
            row = found.setdefault(unit_id, {"unit_id": unit_id, "unit__name": name, "unit_path": path, "received": 0,
                                             "signs_due": 0, "signed_on_time": 0, "replies_due": 0,
                                             "replied_on_time": 0, "overdue": 0})
            row["received"] += 1
            row["signs_due"] += sign_due
            row["replies_due"] += reply_due
            row["overdue"] += sign_due or reply_due
    return found
