"""Scoped reads: my requests, the steps awaiting me, one request, timeliness rates (及时率)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.kernel.errors import NotVisible
from fenji.core.kernel.paths import subtree_q

from . import permissions as perms
from . import registry
from .models import DECIDED, Request, Step, StepState


def request_list_mine(*, actor):
    return (Request.objects.unscoped(reason="the requester's own requests")
            .filter(requester_id=actor.account_id).select_related("unit").order_by("-id"))


def request_list(*, actor):
    """Requests filed in units the actor oversees (leaders, administrators, auditors)."""
    return (Request.objects.visible_to(actor, perms.REQUEST_VIEW)
            .select_related("unit", "requester__person").order_by("-id"))


def _decidable_q(actor) -> Q:
    """Steps whose action the actor holds over the step's unit: one OR per action the actor has; the
    opinion steps (``OWN_UNIT_ACTIONS``) only in the actor's own unit (``services.may_sign_in``)."""
    held = {a for g in actor.grants for a in g.actions} & registry.step_actions()
    q = Q(pk__in=[])
    for action in sorted(held):
        where = policy.scope_q(actor, action)
        if action in perms.OWN_UNIT_ACTIONS:
            where &= Q(unit_id=actor.unit_id)
        q |= Q(action=action) & where
    return q


def step_list_awaiting(*, actor):
    """Open steps the actor may decide, soonest due first; not those of the actor's own requests."""
    return (Step.objects.unscoped(reason="filtered by the actor's grants per step action")
            .filter(_decidable_q(actor), state=StepState.OPEN)
            .exclude(request__requester_id=actor.account_id)
            .exclude(request__subject_id=actor.account_id)
            .select_related("request", "request__unit", "request__requester__person", "unit")
            .order_by("due_at", "id"))


def request_get(*, actor, pk: int, action: str = perms.REQUEST_VIEW) -> Request:
    """One request, if the actor filed it, oversees its unit, or may decide one of its steps."""
    request = (Request.objects.unscoped(reason="visibility decided below").select_related("unit", "requester__person")
               .filter(pk=pk).first())
    if request is None:
        raise NotVisible(target_type=Request._meta.label_lower, target_id=pk, exists=False)
    if request.requester_id == actor.account_id or policy.can(actor, action, request.unit_path):
        return request
    steps = Step.objects.unscoped(reason="visibility through a decidable step").filter(request=request)
    if steps.filter(_decidable_q(actor)).exists():
        return request
    raise NotVisible(target_type=Request._meta.label_lower, target_id=pk, exists=True)


def step_list_for_request(request: Request) -> list[Step]:
    return list(Step.objects.unscoped(reason="steps of a request already shown to the actor")
                .filter(request=request).select_related("decided_by__person", "unit").order_by("index"))


def step_get_open(*, actor, request: Request) -> Step | None:
    """The open step of ``request`` if the actor may decide it."""
    return (Step.objects.unscoped(reason="filtered by the actor's grants per step action")
            .filter(_decidable_q(actor), request=request, state=StepState.OPEN).first())


@dataclass(frozen=True)
class Timeliness:
    unit_id: int
    unit_name: str
    unit_path: str
    decided: int
    on_time: int
    overdue_open: int

    @property
    def rate(self) -> float | None:
        """On-time share of the steps decided in the period; None when nothing was decided."""
        return None if self.decided == 0 else self.on_time / self.decided


def request_timeliness(*, actor, root_path: str, start: datetime.date, end: datetime.date) -> list[Timeliness]:
    """及时率 per deciding unit within ``root_path``'s subtree, for steps decided in [start, end],
    plus the steps still open and already overdue. One grouped query; the actor must oversee the root."""
    if not policy.can(actor, perms.REQUEST_VIEW, root_path):
        raise NotVisible()
    tz = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tz)
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tz)
    in_period = Q(state__in=DECIDED, decided_at__gte=since, decided_at__lt=until)
    rows = (Step.objects.visible_to(actor, perms.REQUEST_VIEW).filter(subtree_q("unit_path", root_path))
            .filter(in_period | Q(state=StepState.OPEN, due_at__lt=timezone.now()))
            .values("unit_id", "unit__name", "unit_path")
            .annotate(decided=Count("id", filter=in_period),
                      on_time=Count("id", filter=in_period & Q(on_time=True)),
                      overdue_open=Count("id", filter=Q(state=StepState.OPEN)))
            .order_by("unit_path"))
    return [Timeliness(r["unit_id"], r["unit__name"], r["unit_path"], r["decided"], r["on_time"],
                       r["overdue_open"]) for r in rows]
