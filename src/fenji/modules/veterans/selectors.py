"""Reads of the veterans module, each within the reader's scope: elders, service records (with the late ones),
the elders due a visit this quarter, volunteer hours, and what an elder sees of the work done for them."""

import datetime

from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from fenji.core.kernel.errors import NotVisible
from fenji.core.kernel.modules import Todo

from . import cadence
from . import module as perms
from .models import Elder, ElderStatus, RecordKind, ServiceRecord


def elder_list(*, actor, action: str = perms.ELDER_VIEW, unit=None, text: str = "", status: str = ElderStatus.ACTIVE,
               retirement: str = ""):
    rows = Elder.objects.visible_to(actor, action).select_related("person", "unit")
    if unit is not None:
        rows = rows.filter(unit_path__startswith=unit.path)
    if status:
        rows = rows.filter(status=status)
    if retirement:
        rows = rows.filter(retirement=retirement)
    if text:
        rows = rows.filter(Q(person__real_name__contains=text) | Q(branch__contains=text)
                           | Q(former_post__contains=text))
    return rows


def elder_get(*, actor, pk, action: str = perms.ELDER_VIEW) -> Elder:
    elder = elder_list(actor=actor, action=action, status="").filter(pk=pk).first() if str(pk).isdigit() else None
    if elder is None:
        raise NotVisible("老干部不存在或不在您的管理范围内", target_type=Elder._meta.label_lower, target_id=pk)
    return elder


def elder_of(account) -> Elder | None:
    """The elder record of a signed-in elder (their own, whatever unit keeps it)."""
    return (Elder.objects.unscoped(reason="the signed-in elder's own record").select_related("person", "unit")
            .filter(person_id=account.person_id).first())


def record_list(*, actor, action: str = perms.RECORD_VIEW, unit=None, kind: str = "", elder=None,
                late: bool = False, start: datetime.date | None = None, end: datetime.date | None = None,
                text: str = ""):
    rows = ServiceRecord.objects.visible_to(actor, action).select_related("unit", "elder__person",
                                                                          "recorded_by__person")
    if unit is not None:
        rows = rows.filter(unit_path__startswith=unit.path)
    if kind in RecordKind.values:
        rows = rows.filter(kind=kind)
    if elder is not None:
        rows = rows.filter(elder_id=elder.pk)
    if late:
        rows = rows.filter(on_time=False)
    if start is not None:
        rows = rows.filter(ended_on__gte=start)
    if end is not None:
        rows = rows.filter(ended_on__lte=end)
    if text:
        rows = rows.filter(Q(title__contains=text) | Q(workers__contains=text))
    return rows


def record_get(*, actor, pk, action: str = perms.RECORD_VIEW) -> ServiceRecord:
    record = record_list(actor=actor, action=action).filter(pk=pk).first() if str(pk).isdigit() else None
    if record is None:
        raise NotVisible("服务记录不存在或不在您的管理范围内", target_type=ServiceRecord._meta.label_lower,
                         target_id=pk)
    return record


def record_photos(record: ServiceRecord):
    """The photos and attachments of a record already shown to the actor."""
    return record.photos.unscoped(reason="the photos of a record already shown").order_by("id")


def record_counts(rows) -> dict:
    """Entered, on time and late among ``rows`` (a record queryset), per kind and in total."""
    counted = rows.order_by().values("kind").annotate(total=Count("id"), late=Count("id", filter=Q(on_time=False)))
    by_kind = {row["kind"]: row for row in counted}
    total = sum(row["total"] for row in counted)
    late = sum(row["late"] for row in counted)
    return {"total": total, "late": late, "on_time": total - late,
            "kinds": [(label, by_kind.get(kind, {}).get("total", 0), by_kind.get(kind, {}).get("late", 0))
                      for kind, label in RecordKind.choices]}


# --- the visit cadence ------------------------------------------------------------------------------------


def visit_due_list(*, actor, unit=None, today: datetime.date | None = None, action: str = perms.ELDER_VIEW):
    """The elders the cadence covers with no visit or call recorded this quarter, annotated with ``last_visit``."""
    today = today or timezone.localdate()
    start, _end = cadence.quarter_of(today)
    rows = elder_list(actor=actor, action=action, unit=unit).filter(cadence.covered_q(today))
    return (rows.annotate(last_visit=Max("records__ended_on", filter=Q(records__kind=RecordKind.VISIT)))
            .filter(Q(last_visit__lt=start) | Q(last_visit__isnull=True)))


def visit_coverage(*, actor, unit=None, today: datetime.date | None = None) -> dict:
    """How many elders the cadence covers in ``unit``'s subtree and how many were visited this quarter."""
    today = today or timezone.localdate()
    covered = elder_list(actor=actor, unit=unit).filter(cadence.covered_q(today)).count()
    due = visit_due_list(actor=actor, unit=unit, today=today).count()
    return {"covered": covered, "visited": covered - due, "due": due,
            "rate": None if not covered else (covered - due) / covered, "quarter": cadence.quarter_of(today)}


def visit_todos(actor) -> list[Todo]:
    """The elders of the actor's own unit due a visit this quarter: due at the quarter's last day."""
    today = timezone.localdate()
    _start, end = cadence.quarter_of(today)
    due_at = timezone.make_aware(datetime.datetime.combine(end, datetime.time(17, 30)))
    rows = (visit_due_list(actor=actor, today=today, action=perms.VISIT_RECORD).filter(unit_id=actor.unit_id)
            .order_by("last_visit", "id")[:50])
    return [Todo("veterans.visit", "本季度待走访的老干部", f"{elder.person.real_name}（{elder.get_retirement_display()}）",
                 f"/veterans/records/new/visit/?elder={elder.pk}", due_at, elder.unit.name, "veterans:visits_due")
            for elder in rows]


# --- volunteer hours ----------------------------------------------------------------------------------------


def volunteer_hours(elder: Elder) -> dict:
    """An elder's volunteer service: the records (all units') and the hours added up."""
    rows = (ServiceRecord.objects.unscoped(reason="an elder's own volunteer hours, the elder already in scope")
            .filter(elder_id=elder.pk, kind=RecordKind.VOLUNTEER).select_related("unit").order_by("ended_on", "id"))
    total = rows.aggregate(hours=Sum("hours"))["hours"] or 0
    return {"records": rows, "hours": total, "count": rows.count()}


def my_records(elder: Elder):
    """What the units did for the elder (shown to the elder: the unit and the date, not the staff's notes)."""
    return (ServiceRecord.objects.unscoped(reason="the elder's own service records, shown to the elder")
            .filter(elder_id=elder.pk).select_related("unit").order_by("-ended_on", "-id"))
