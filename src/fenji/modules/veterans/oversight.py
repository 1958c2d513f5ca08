"""What the veterans module opens to the upper level's supervision (seed 000 §24–25): its service records as a
sampled record type, and its assessment indicators — records entered within five working days, the quarterly
visit coverage, and the elders who signed in."""

from django.db.models import Count, Max, Q
from django.utils.translation import gettext_lazy

from fenji.core.kernel.modules import Indicator, SampledRecordType, UsageRecord
from fenji.core.supervision.records import day_range

from . import cadence, record_fields
from .models import Elder, ElderStatus, RecordKind, ServiceRecord


def _records():
    return ServiceRecord.objects.unscoped(reason="supervision of lower units, the unit checked in scope by the service")


def _population(unit_path: str, start, end):
    return _records().filter(unit_path__startswith=unit_path, entered_on__gte=start, entered_on__lte=end).values_list(
        "id", flat=True)


def _describe(ids: list[int]) -> dict:
    out = {}
    for record in _records().filter(pk__in=ids).select_related("unit", "elder__person"):
        fields = [("记录类型", record.get_kind_display()), ("录入单位", record.unit.name),
                  ("服务对象", record.elder.person.real_name if record.elder_id else "—"),
                  ("活动结束日期", f"{record.ended_on:%Y-%m-%d}"), ("录入日期", f"{record.entered_on:%Y-%m-%d}"),
                  ("按时录入", "是" if record.on_time else "否（超过 5 个工作日）"), ("经办人员", record.workers)]
        if record.amount is not None:
            fields.append((record_fields.AMOUNT_LABEL.get(record.kind, "金额（元）"), str(record.amount)))
        if record.hours is not None:
            fields.append(("服务时长（小时）", str(record.hours)))
        fields += record_fields.shown(record.kind, record.details)
        if record.revision:
            fields.append(("修改次数", str(record.revision)))
        out[record.pk] = (str(record), fields)
    return out


def _revised(ids: list[int]) -> dict:
    """When each record was last corrected (records never corrected are left out)."""
    from .models import RecordRevision

    return dict(RecordRevision.objects.filter(record_id__in=ids).values("record_id").annotate(at=Max("changed_at"))
                .values_list("record_id", "at"))


SAMPLED = (SampledRecordType(
    code="veterans.record", label="服务记录", checks="记录内容与活动台账、签到表、照片和当事人核实情况一致，按时录入",
    population=_population, describe=_describe, url=lambda pk: f"/veterans/records/{pk}/", revised=_revised),)


def _by_subtree(units, rows, count_keys) -> dict:
    """Sum the grouped ``rows`` (each with ``unit_path``) into each unit's subtree."""
    totals = {unit.pk: dict.fromkeys(count_keys, 0) for unit in units}
    for row in rows:
        for unit in units:
            if row["unit_path"].startswith(unit.path):
                for key in count_keys:
                    totals[unit.pk][key] += row[key]
    return totals


def _share(part: int, whole: int):
    return None if not whole else part / whole


def _on_time_values(units, start, end) -> dict:
    rows = (_records().filter(ended_on__gte=start, ended_on__lte=end).order_by().values("unit_path")
            .annotate(total=Count("id"), on_time=Count("id", filter=Q(on_time=True))))
    totals = _by_subtree(units, rows, ("total", "on_time"))
    return {pk: _share(t["on_time"], t["total"]) for pk, t in totals.items()}


def _coverage_values(units, start, end) -> dict:
    """Of the elders the cadence covers on ``end``, the share visited or called in the quarter of ``end`` (from
    ``start`` when the period begins later)."""
    quarter_start = max(start, cadence.quarter_of(end)[0])
    covered = (Elder.objects.unscoped(reason="supervision of lower units, the unit checked in scope by the service")
               .filter(status=ElderStatus.ACTIVE).filter(cadence.covered_q(end))
               .annotate(last=Max("records__ended_on", filter=Q(records__kind=RecordKind.VISIT,
                                                                  records__ended_on__lte=end)))
               .values_list("unit_path", "last"))
    rows = [{"unit_path": path, "covered": 1, "visited": int(last is not None and last >= quarter_start)}
            for path, last in covered]
    totals = _by_subtree(units, rows, ("covered", "visited"))
    return {pk: _share(t["visited"], t["covered"]) for pk, t in totals.items()}


def _signin_values(units, start, end) -> dict:
    """Of the elders with a mobile account, the share who signed in by the end of the period."""
    _low, high = day_range(start, end)
    rows = (Elder.objects.unscoped(reason="supervision of lower units, the unit checked in scope by the service")
            .filter(status=ElderStatus.ACTIVE, person__account__isnull=False).order_by().values("unit_path")
            .annotate(accounts=Count("id"), signed=Count("id", filter=Q(person__account__last_login__lte=high))))
    totals = _by_subtree(units, rows, ("accounts", "signed"))
    return {pk: _share(t["signed"], t["accounts"]) for pk, t in totals.items()}


def _records_evidence(unit, start, end) -> str:
    return f"/veterans/records/?unit={unit.pk}&start={start:%Y-%m-%d}&end={end:%Y-%m-%d}&late=1"


def _visits_evidence(unit, start, end) -> str:
    return f"/veterans/visits/?unit={unit.pk}"


def _elders_evidence(unit, start, end) -> str:
    return f"/veterans/elders/?unit={unit.pk}"


INDICATORS = (
    Indicator("veterans.records_on_time", gettext_lazy("服务记录按时录入率"), _on_time_values, _records_evidence),
    Indicator("veterans.visit_coverage", gettext_lazy("季度走访覆盖率"), _coverage_values, _visits_evidence),
    Indicator("veterans.elder_signin", gettext_lazy("老同志登录率"), _signin_values, _elders_evidence),
)


def _entered_counts(start, end) -> tuple[dict, dict]:
    """Service records entered on the days [start, end), per unit path: all of them, and those on time."""
    entered, on_time = {}, {}
    for row in (_records().filter(entered_on__gte=start, entered_on__lt=end).order_by().values("unit_path")
                .annotate(n=Count("id"), on_time_n=Count("id", filter=Q(on_time=True)))):
        entered[row["unit_path"]] = row["n"]
        if row["on_time_n"]:
            on_time[row["unit_path"]] = row["on_time_n"]
    return entered, on_time


USAGE = (UsageRecord("veterans.record", gettext_lazy("服务记录录入"), _entered_counts),)
