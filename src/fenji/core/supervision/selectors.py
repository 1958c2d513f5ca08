"""Reads of supervision.

An inspection is seen whole by those overseeing the inspecting unit (``supervision.inspection.view`` over it);
an inspected unit, and the units above it, see the inspection only as far as it concerns them: their own targets,
the findings issued to them (never the inspecting unit's drafts), their samples and their part of the timeline.
Anything else answers like a missing row.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.kernel.errors import NotVisible
from fenji.core.kernel.modules import Todo
from fenji.core.org.periods import percent

from . import permissions as perms
from . import sampling
from .models import (
    OPEN_FINDING_STATES,
    Finding,
    FindingState,
    Inspection,
    InspectionEvent,
    InspectionTarget,
    Sample,
    SampleItem,
    Verdict,
)

MISSING = "监督检查不存在或不在您的管理范围内"
LIMIT = 50


def oversees(actor, inspection: Inspection) -> bool:
    """Does ``actor`` see the whole inspection (the inspecting unit is in its scope)?"""
    return policy.can(actor, perms.INSPECTION_VIEW, inspection.unit_path)


# --- inspections ---------------------------------------------------------------------------------------------


def inspection_list(*, actor, state: str = "", q: str = ""):
    concerned = InspectionTarget.objects.unscoped(reason="targets in the actor's scope").filter(
        actor.scope_q(perms.INSPECTION_VIEW), inspection_id=OuterRef("pk"))
    rows = (Inspection.objects.unscoped(reason="scoped by the inspecting unit or an inspected unit")
            .filter(actor.scope_q(perms.INSPECTION_VIEW) | Q(Exists(concerned))).select_related("unit"))
    if state in Inspection.State.values:
        rows = rows.filter(state=state)
    if q:
        rows = rows.filter(title__icontains=q)
    return rows.order_by("-id")


def inspection_get(*, actor, pk) -> Inspection:
    inspection = inspection_list(actor=actor).filter(pk=pk).first()
    if inspection is None:
        raise NotVisible(MISSING, target_type="supervision.inspection", target_id=pk)
    return inspection


def target_list(*, actor, inspection: Inspection):
    rows = (InspectionTarget.objects.unscoped(reason="the targets of an inspection in scope")
            .filter(inspection_id=inspection.pk).select_related("unit"))
    if not oversees(actor, inspection):
        rows = rows.filter(actor.scope_q(perms.INSPECTION_VIEW))
    return rows.order_by("unit_path")


def target_get(*, actor, inspection: Inspection, unit_id) -> InspectionTarget:
    target = target_list(actor=actor, inspection=inspection).filter(unit_id=unit_id).first()
    if target is None:
        raise NotVisible("该单位不在本次检查中或不在您的管理范围内")
    return target


def event_list(*, actor, inspection: Inspection):
    rows = InspectionEvent.objects.filter(inspection_id=inspection.pk).select_related("actor__person")
    if not oversees(actor, inspection):
        rows = rows.filter(target__in=target_list(actor=actor, inspection=inspection))
    return rows.order_by("at", "id")


# --- findings and rectifications -----------------------------------------------------------------------------


def _finding_q(actor) -> Q:
    return (actor.scope_q(perms.INSPECTION_VIEW, "inspection__unit_path")
            | (actor.scope_q(perms.INSPECTION_VIEW) & ~Q(state=FindingState.DRAFT)))


def finding_list(*, actor, inspection: Inspection | None = None, state: str = "", overdue: bool = False,
                 mine: bool = False):
    """Findings in the actor's view: all of the inspections it oversees, the issued ones of the units in its scope.
    ``mine``: only those issued to the actor's own unit."""
    rows = (Finding.objects.unscoped(reason="scoped by the inspecting or the inspected unit").filter(_finding_q(actor))
            .select_related("inspection", "unit"))
    if inspection is not None:
        rows = rows.filter(inspection_id=inspection.pk)
    if state in FindingState.values:
        rows = rows.filter(state=state)
    if overdue:
        rows = rows.filter(state__in=OPEN_FINDING_STATES, due_at__lt=timezone.now())
    if mine:
        rows = rows.filter(unit_id=actor.unit_id).exclude(state=FindingState.DRAFT)
    return rows.order_by("-id")


def finding_get(*, actor, pk) -> Finding:
    finding = finding_list(actor=actor).filter(pk=pk).select_related("inspection__unit", "target__unit").first()
    if finding is None:
        raise NotVisible("整改事项不存在或不在您的管理范围内", target_type="supervision.finding", target_id=pk)
    return finding


def finding_files(finding: Finding, *, answer: bool = False):
    """The evidence of a finding already shown to the actor (the inspecting unit's, or the answer's)."""
    files = finding.answer_evidence if answer else finding.evidence
    return files.unscoped(reason="the evidence of a finding already shown").order_by("id")


def finding_file(finding: Finding, pk: int):
    for answer in (False, True):
        found = finding_files(finding, answer=answer).filter(pk=pk).first()
        if found is not None:
            return found
    raise NotVisible("文件不存在")


# --- samples -------------------------------------------------------------------------------------------------


def sample_list(*, actor, inspection: Inspection):
    rows = Sample.objects.unscoped(reason="the samples of an inspection in scope").filter(inspection_id=inspection.pk)
    if not oversees(actor, inspection):
        rows = rows.filter(actor.scope_q(perms.INSPECTION_VIEW))
    return rows.select_related("unit").annotate(
        drawn=Count("items"), checked=Count("items", filter=~Q(items__verdict="")),
        wrong=Count("items", filter=Q(items__verdict=Verdict.WRONG))).order_by("id")


def sample_get(*, actor, pk) -> Sample:
    sample = (Sample.objects.unscoped(reason="scoped by the inspecting or the sampled unit")
              .filter(actor.scope_q(perms.INSPECTION_VIEW, "inspection__unit_path")
                      | actor.scope_q(perms.INSPECTION_VIEW))
              .filter(pk=pk).select_related("inspection__unit", "unit", "target").first())
    if sample is None:
        raise NotVisible("抽查不存在或不在您的管理范围内", target_type="supervision.sample", target_id=pk)
    return sample


def sample_items(sample: Sample):
    return SampleItem.objects.filter(sample_id=sample.pk).select_related("finding", "checked_by__person")


def sample_redraw(sample: Sample, ids) -> dict:
    """Redraw a sample from its seed over ``ids`` (the population read again): the same ids when the population
    is unchanged."""
    drawn = list(sample_items(sample).values_list("record_id", flat=True))
    again = sampling.draw(ids, len(drawn), sample.seed)
    return {"same_population": sampling.population_digest(ids) == sample.population_digest,
            "same_sample": again == drawn}


# --- accuracy ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccuracyRow:
    unit_id: int
    unit_name: str
    samples: int
    drawn: int
    checked: int
    wrong: int

    @property
    def accuracy(self) -> float | None:
        return sampling.accuracy(self.checked, self.wrong)

    @property
    def accuracy_percent(self) -> str:
        return percent(self.accuracy)


def accuracy_by_unit(*, actor, start: datetime.date | None = None, end: datetime.date | None = None,
                     inspection: Inspection | None = None) -> list[AccuracyRow]:
    """信息准确性 per sampled unit the actor sees (units in its scope, or sampled by inspections it oversees):
    1 − wrong ÷ checked over the samples drawn in [start, end] — one grouped query, least accurate first."""
    samples = (Sample.objects.unscoped(reason="scoped by the inspecting or the sampled unit")
               .filter(actor.scope_q(perms.INSPECTION_VIEW, "inspection__unit_path")
                       | actor.scope_q(perms.INSPECTION_VIEW)))
    if inspection is not None:
        samples = samples.filter(inspection_id=inspection.pk)
    if start is not None:
        samples = samples.filter(created_at__gte=timezone.make_aware(datetime.datetime.combine(start, datetime.time.min)))
    if end is not None:
        samples = samples.filter(created_at__lte=timezone.make_aware(datetime.datetime.combine(end, datetime.time.max)))
    rows = (SampleItem.objects.filter(sample__in=samples).order_by()
            .values("sample__unit_id", "sample__unit__name")
            .annotate(samples=Count("sample_id", distinct=True), drawn=Count("id"),
                      checked=Count("id", filter=~Q(verdict="")),
                      wrong=Count("id", filter=Q(verdict=Verdict.WRONG))))
    out = [AccuracyRow(r["sample__unit_id"], r["sample__unit__name"], r["samples"], r["drawn"], r["checked"],
                       r["wrong"]) for r in rows]
    return sorted(out, key=lambda r: (r.accuracy if r.accuracy is not None else 2, r.unit_name))


# --- to-dos and tiles ----------------------------------------------------------------------------------------


def _own_open(actor):
    return (Finding.objects.visible_to(actor, perms.RECTIFY)
            .filter(unit_id=actor.unit_id, state__in=OPEN_FINDING_STATES))


def rectification_counts(actor) -> str:
    counts = _own_open(actor).aggregate(open=Count("id"), overdue=Count("id", filter=Q(due_at__lt=timezone.now())))
    return f"{counts['open']}（超期 {counts['overdue']}）" if counts["overdue"] else str(counts["open"])


def rectification_todos(actor) -> list[Todo]:
    """The rectifications the actor's own unit has to answer (returned ones included)."""
    rows = _own_open(actor).select_related("inspection", "unit").order_by("due_at")[:LIMIT]
    return [Todo("supervision.rectify", "待整改事项", f"{f.inspection.title}：{f.item}",
                 f"/supervision/rectifications/{f.pk}/", f.due_at, f.unit.name, "supervision:rectifications")
            for f in rows]


def manage_todos(actor) -> list[Todo]:
    """For the inspecting unit (the actor's own): answers to accept, and drawn records still to check."""
    if not policy.can(actor, perms.INSPECTION_MANAGE, actor.unit_path):
        return []
    answered = (Finding.objects.unscoped(reason="the actor's own unit's inspections")
                .filter(inspection__unit_id=actor.unit_id, state=FindingState.ANSWERED)
                .select_related("inspection", "unit").order_by("answered_at")[:LIMIT])
    todos = [Todo("supervision.accept", "待验收整改", f"{f.unit.name}：{f.item}", f"/supervision/rectifications/{f.pk}/",
                  None, f.unit.name, "supervision:rectifications") for f in answered]
    unchecked = (Sample.objects.unscoped(reason="the actor's own unit's inspections")
                 .filter(inspection__unit_id=actor.unit_id, inspection__state=Inspection.State.OPEN)
                 .annotate(left=Count("items", filter=Q(items__verdict=""))).filter(left__gt=0)
                 .select_related("unit").order_by("id")[:LIMIT])
    todos += [Todo("supervision.check", "待核查抽查", f"{s.unit.name}{s.record_label}（{s.left} 条未核查）",
                   f"/supervision/samples/{s.pk}/", None, s.unit.name, "supervision:list") for s in unchecked]
    return todos


# --- usage statistics (C9.1) ---------------------------------------------------------------------------------


@dataclass
class UsageRow:
    """A unit's usage over some months, from the rollups: counts summed over the months, except the staff
    accounts (the last month's) and the staff signed in (the monthly mean: each month counts a person once)."""

    unit_id: int
    unit_name: str
    has_children: bool
    figures: dict
    months: int

    def __getattr__(self, name):
        figures = self.__dict__.get("figures", {})
        if name in figures:
            return figures[name]
        raise AttributeError(name)

    @staticmethod
    def _rate(part, whole) -> float | None:
        return part / whole if whole else None

    @property
    def signed_in_mean(self) -> float:
        return round(self.figures.get("signed_in", 0) / self.months, 1) if self.months else 0.0

    @property
    def usage_rate(self) -> float | None:
        """系统使用率: staff signed in (monthly mean) ÷ active staff accounts."""
        rate = self._rate(self.signed_in_mean, self.figures.get("staff_active", 0))
        return min(rate, 1.0) if rate is not None else None

    @property
    def notice_rate(self):
        return self._rate(self.figures.get("notices_on_time", 0), self.figures.get("notices_due", 0))

    @property
    def feedback_rate(self):
        return self._rate(self.figures.get("feedback_on_time", 0), self.figures.get("feedback_due", 0))

    @property
    def step_rate(self):
        return self._rate(self.figures.get("steps_on_time", 0), self.figures.get("steps_due", 0))

    @property
    def ticket_rate(self):
        return self._rate(self.figures.get("tickets_on_time", 0), self.figures.get("tickets_due", 0))

    @property
    def records(self) -> list[dict]:
        """Per record type the live modules count (``Module.usage_records``): entered, and the share on time."""
        from fenji.core.kernel import modules

        out = []
        for _module, record in modules.live_usage_records():
            entered = self.figures.get(f"records.{record.code}", 0)
            on_time = self.figures.get(f"records_on_time.{record.code}", 0)
            out.append({"label": str(record.label), "entered": entered, "on_time": on_time,
                        "rate": self._rate(on_time, entered)})
        return out


def usage_unit(*, actor, pk):
    """A unit the actor may read the statistics of (its scope for ``supervision.inspection.view``)."""
    from fenji.core.org.models import Unit

    unit = Unit.objects.filter(actor.scope_q(perms.INSPECTION_VIEW, "path"), pk=pk).first()
    if unit is None:
        raise NotVisible("单位不存在或不在您的管理范围内", target_type="org.unit", target_id=pk)
    return unit


CHILDREN_MAX = 1000


def usage_rows(units, months, *, has_children=frozenset()) -> dict[int, "UsageRow"]:
    """``{unit id: UsageRow}`` for ``units`` (each over its subtree) from the ``UsageMonth`` rollups of ``months``."""
    from .models import UsageMonth

    ids = [unit.pk for unit in units]
    last = max(months)
    figures: dict[int, dict] = {pk: {} for pk in ids}
    for unit_id, month, key, value in (UsageMonth.objects.filter(unit_id__in=ids, month__in=months).order_by()
                                       .values_list("unit_id", "month", "key", "subtree")):
        if key == "staff_active":
            if month == last:
                figures[unit_id][key] = value
            continue
        figures[unit_id][key] = figures[unit_id].get(key, 0) + value
    return {unit.pk: UsageRow(unit.pk, unit.name, unit.pk in has_children, figures[unit.pk], len(months))
            for unit in units}


def unit_children(unit) -> list:
    """The active children of ``unit``, in tree order (at most ``CHILDREN_MAX``)."""
    from fenji.core.org.models import Unit, UnitStatus

    return list(Unit.objects.filter(parent_id=unit.pk, status=UnitStatus.ACTIVE).order_by("path")
                .only("pk", "name", "path")[:CHILDREN_MAX])


def usage_report(*, unit, months) -> tuple["UsageRow", list["UsageRow"]]:
    """``unit``'s row and one per active child (drill-down), from the ``UsageMonth`` rollups of ``months``."""
    from fenji.core.org.models import Unit, UnitStatus

    children = unit_children(unit)
    parents = set(Unit.objects.filter(parent_id__in=[c.pk for c in children], status=UnitStatus.ACTIVE)
                  .order_by().values_list("parent_id", flat=True).distinct())
    rows = usage_rows([unit, *children], months, has_children=parents | ({unit.pk} if children else set()))
    return rows[unit.pk], [rows[c.pk] for c in children]
