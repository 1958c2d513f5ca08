"""Reads of the petition register, each within the reader's scope; the petitioner only for the registrar and the
handlers of that petition (anyone else: ``NotVisible``, like a missing row, and audited as a refusal)."""

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.kernel.errors import NotVisible
from fenji.core.kernel.modules import Todo

from . import module as perms
from .models import OPEN_STATES, Petition, Petitioner, PetitionState, Source, UpwardReport


def petition_list(*, actor, action: str = perms.PETITION_VIEW, unit=None, state: str = "", category: str = "",
                  overdue: bool = False, start: datetime.date | None = None, end: datetime.date | None = None,
                  number: str = ""):
    rows = Petition.objects.visible_to(actor, action).select_related("unit")
    if unit is not None:
        rows = rows.filter(unit_path__startswith=unit.path)
    if state in PetitionState.values:
        rows = rows.filter(state=state)
    if category:
        rows = rows.filter(category=category)
    if start is not None:
        rows = rows.filter(received_on__gte=start)
    if end is not None:
        rows = rows.filter(received_on__lte=end)
    if number:
        rows = rows.filter(number__icontains=number)
    if overdue:
        rows = rows.filter(overdue_q(timezone.localdate()))
    return rows


def overdue_q(today: datetime.date) -> Q:
    """Past a deadline and not done: registration of a transferred petition, the acceptance notice, the feedback."""
    return (Q(state=PetitionState.TO_SIGN, register_due__lt=today)
            | Q(notice_due__lt=today, notice_on__isnull=True) & ~Q(state=PetitionState.RETURNED)
            | Q(feedback_due__lt=today, feedback_on__isnull=True))


def petition_get(*, actor, pk, action: str = perms.PETITION_VIEW) -> Petition:
    petition = petition_list(actor=actor, action=action).filter(pk=pk).first() if str(pk).isdigit() else None
    if petition is None:
        raise NotVisible("信访件不存在或不在您的管理范围内", target_type=Petition._meta.label_lower, target_id=pk)
    return petition


def is_handler(actor, petition: Petition) -> bool:
    """The registrar, the handlers added to it, and — for a petition transferred in, which arrives at a unit, not
    at a person — the petition officers of the receiving unit itself (not those above it)."""
    if petition.registered_by_id == actor.account_id:
        return True
    if (petition.source == Source.TRANSFERRED and actor.unit_id == petition.unit_id
            and policy.can(actor, perms.PETITION_HANDLE, petition.unit_path)):
        return True
    return petition.handlers.unscoped(reason="is the actor among this petition's handlers").filter(
        pk=actor.account_id).exists()


def petitioner_get(*, actor, petition: Petition) -> Petitioner | None:
    """The petitioner, for the registrar and the handlers of this petition only (§3: never to anyone else, the
    units above included). None for an anonymous petition."""
    if not is_handler(actor, petition):
        raise NotVisible("信访人信息不存在或您不是该件的承办人", target_type=Petitioner._meta.label_lower,
                         target_id=petition.pk)
    return Petitioner.objects.filter(petition=petition).first()


def petition_counts(rows) -> dict:
    """By state and category, and how many are overdue, among ``rows`` (the statistics of a unit's subtree)."""
    today = timezone.localdate()
    by_state = dict(rows.order_by().values_list("state").annotate(n=Count("id")))
    by_category = dict(rows.order_by().values_list("category").annotate(n=Count("id")))
    return {"total": sum(by_state.values()), "overdue": rows.filter(overdue_q(today)).count(),
            "states": [(label, by_state.get(value, 0)) for value, label in PetitionState.choices],
            "categories": by_category, "backfilled": rows.filter(backfilled=True).count()}


def upward_list(*, actor):
    return UpwardReport.objects.visible_to(actor, perms.PETITION_REGISTER).select_related("unit", "created_by__person")


def upward_get(*, actor, pk) -> UpwardReport:
    report = upward_list(actor=actor).filter(pk=pk).first() if str(pk).isdigit() else None
    if report is None:
        raise NotVisible("上报任务不存在或不在您的管理范围内", target_type=UpwardReport._meta.label_lower, target_id=pk)
    return report


def _due_at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(17, 30)))


def petition_todos(actor) -> list[Todo]:
    """What the actor's own unit owes: transferred petitions to register and decide, acceptance notices and
    feedback due, upward reports to send."""
    rows = petition_list(actor=actor, action=perms.PETITION_HANDLE).filter(unit_id=actor.unit_id)
    todos = []
    for p in rows.filter(state=PetitionState.TO_SIGN).order_by("register_due")[:50]:
        todos.append(Todo("discipline.register", "待登记受理的转送件", p.number, f"/discipline/petitions/{p.pk}/",
                          _due_at(p.register_due), p.unit.name, "discipline:petitions"))
    for p in rows.filter(notice_due__isnull=False, notice_on__isnull=True, state__in=OPEN_STATES).order_by(
            "notice_due")[:50]:
        todos.append(Todo("discipline.notice", "待受理告知的实名件", p.number, f"/discipline/petitions/{p.pk}/",
                          _due_at(p.notice_due), p.unit.name, "discipline:petitions"))
    for p in rows.filter(feedback_due__isnull=False, feedback_on__isnull=True).order_by("feedback_due")[:50]:
        todos.append(Todo("discipline.feedback", "待反馈的实名件", p.number, f"/discipline/petitions/{p.pk}/",
                          _due_at(p.feedback_due), p.unit.name, "discipline:petitions"))
    for r in upward_list(actor=actor).filter(unit_id=actor.unit_id, done_on__isnull=True).order_by("due_on")[:20]:
        todos.append(Todo("discipline.upward", "待径送上级的事项", r.reference, f"/discipline/upward/{r.pk}/",
                          _due_at(r.due_on), r.unit.name, "discipline:upward"))
    return todos
