"""Reads of 以案促改, 外出报备 and the conduct-supervision records, each within the reader's scope (out of scope answers like missing). The county
office reads every unit's 外出报备 through its grant at the commission."""

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from fenji.core.kernel.errors import NotVisible
from fenji.core.kernel.modules import Todo

from . import module as perms
from .models import Absence, AbsenceExtension, AbsenceState, ConductRecord, Rectification, RectificationState
from .selectors import _due_at


def rectification_list(*, actor, action: str = perms.RECTIFY_VIEW, unit=None, state: str = "",
                       overdue: bool = False, start: datetime.date | None = None, end: datetime.date | None = None,
                       number: str = ""):
    rows = Rectification.objects.visible_to(actor, action).select_related("unit", "case")
    if unit is not None:
        rows = rows.filter(unit_path__startswith=unit.path)
    if state in RectificationState.values:
        rows = rows.filter(state=state)
    if start is not None:
        rows = rows.filter(opened_on__gte=start)
    if end is not None:
        rows = rows.filter(opened_on__lte=end)
    if number:
        rows = rows.filter(case__number__icontains=number)
    if overdue:
        rows = rows.filter(rectification_overdue_q(timezone.localdate()))
    return rows


def rectification_overdue_q(today: datetime.date) -> Q:
    return Q(due_on__lt=today) & ~Q(state=RectificationState.CLOSED)


def rectification_get(*, actor, pk, action: str = perms.RECTIFY_VIEW) -> Rectification:
    item = rectification_list(actor=actor, action=action).filter(pk=pk).first() if str(pk).isdigit() else None
    if item is None:
        raise NotVisible("以案促改事项不存在或不在您的管理范围内", target_type=Rectification._meta.label_lower,
                         target_id=pk)
    return item


def absence_list(*, actor, action: str = perms.ABSENCE_VIEW, unit=None, state: str = "", purpose: str = "",
                 overdue: bool = False, start: datetime.date | None = None, end: datetime.date | None = None,
                 name: str = ""):
    """外出报备 in the reader's scope; ``start``/``end`` bound the departure date; ``name`` the person's name."""
    rows = Absence.objects.visible_to(actor, action).select_related("unit", "person__person")
    if unit is not None:
        rows = rows.filter(unit_path__startswith=unit.path)
    if state in AbsenceState.values:
        rows = rows.filter(state=state)
    if purpose:
        rows = rows.filter(purpose=purpose)
    if start is not None:
        rows = rows.filter(start_on__gte=start)
    if end is not None:
        rows = rows.filter(start_on__lte=end)
    if name:
        rows = rows.filter(person__person__real_name__icontains=name)
    if overdue:
        rows = rows.filter(absence_overdue_q(timezone.localdate()))
    return rows


def absence_overdue_q(today: datetime.date) -> Q:
    """Approved, not back, and past the return date (an extension moves it)."""
    return Q(state=AbsenceState.APPROVED, end_on__lt=today)


def absence_is_overdue(absence: Absence, today: datetime.date | None = None) -> bool:
    return absence.state == AbsenceState.APPROVED and absence.end_on < (today or timezone.localdate())


def absence_get(*, actor, pk, action: str = perms.ABSENCE_VIEW) -> Absence:
    absence = absence_list(actor=actor, action=action).filter(pk=pk).first() if str(pk).isdigit() else None
    if absence is None:
        raise NotVisible("外出报备不存在或不在您的管理范围内", target_type=Absence._meta.label_lower, target_id=pk)
    return absence


def absence_extensions(absence: Absence) -> list[AbsenceExtension]:
    return list(AbsenceExtension.objects.filter(absence=absence).select_related("by__person").order_by("id"))


def followup_todos(actor) -> list[Todo]:
    """以案促改 items of the actor's unit to carry to their close; 外出报备 to approve (not one's own) and people of the
    actor's unit due back."""
    todos = []
    if actor.holds(perms.RECTIFY_MANAGE):
        for r in rectification_list(actor=actor, action=perms.RECTIFY_MANAGE).filter(
                unit_id=actor.unit_id).exclude(state=RectificationState.CLOSED).order_by("due_on")[:50]:
            todos.append(Todo("discipline.rectification", "待办结的以案促改", r.case.number,
                              f"/discipline/rectifications/{r.pk}/", _due_at(r.due_on), r.unit.name,
                              "discipline:rectifications"))
    if actor.holds(perms.ABSENCE_APPROVE):
        for a in absence_list(actor=actor, action=perms.ABSENCE_APPROVE, state=AbsenceState.SUBMITTED).exclude(
                person_id=actor.account_id).order_by("start_on")[:50]:
            todos.append(Todo("discipline.absence.approve", "待审批的外出报备", a.person.person.real_name,
                              f"/discipline/absences/{a.pk}/", None, a.unit.name, "discipline:absences"))
    if actor.holds(perms.ABSENCE_FILE):
        for a in absence_list(actor=actor, action=perms.ABSENCE_FILE, state=AbsenceState.APPROVED).filter(
                unit_id=actor.unit_id).order_by("end_on")[:50]:
            todos.append(Todo("discipline.absence.return", "待销假的外出报备", a.person.person.real_name,
                              f"/discipline/absences/{a.pk}/", _due_at(a.end_on), a.unit.name, "discipline:absences"))
    return todos


def conduct_list(*, actor, action: str = perms.CONDUCT_VIEW, unit=None, kind: str = "", reported: str = "",
                 start: datetime.date | None = None, end: datetime.date | None = None):
    """党风政风监督 records in the reader's scope; ``reported`` "yes"/"no" filters on the report to the room."""
    rows = ConductRecord.objects.visible_to(actor, action).select_related("unit")
    if unit is not None:
        rows = rows.filter(unit_path__startswith=unit.path)
    if kind:
        rows = rows.filter(kind=kind)
    if reported in ("yes", "no"):
        rows = rows.filter(reported_on__isnull=reported == "no")
    if start is not None:
        rows = rows.filter(found_on__gte=start)
    if end is not None:
        rows = rows.filter(found_on__lte=end)
    return rows


def conduct_get(*, actor, pk, action: str = perms.CONDUCT_VIEW) -> ConductRecord:
    record = conduct_list(actor=actor, action=action).filter(pk=pk).first() if str(pk).isdigit() else None
    if record is None:
        raise NotVisible("党风政风监督记录不存在或不在您的管理范围内", target_type=ConductRecord._meta.label_lower,
                         target_id=pk)
    return record


def conduct_counts(rows) -> dict:
    by_kind = dict(rows.order_by().values_list("kind").annotate(n=Count("id")))
    return {"total": sum(by_kind.values()), "kinds": by_kind, "unreported": rows.filter(reported_on__isnull=True).count()}
