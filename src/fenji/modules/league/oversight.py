"""What the league module opens to supervision (seed 002 监督检查/考核评价): member records as a sampled record type
(the upper level samples at least 10%), and the dues collection rate (团费收缴率 = bills paid ÷ bills due) as an
assessment indicator."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy

from fenji.core.kernel.modules import Indicator, SampledRecordType
from fenji.core.supervision.records import day_range

from .models import DuesBill, Member


def _members():
    return Member.objects.unscoped(reason="supervision of lower units, the unit checked in scope by the service")


def _population(unit_path: str, start, end):
    low, high = day_range(start, end)
    return _members().filter(unit_path__startswith=unit_path, created_at__gte=low, created_at__lte=high).values_list(
        "id", flat=True)


def _describe(ids: list[int]) -> dict:
    out = {}
    for m in _members().filter(pk__in=ids).select_related("person", "unit"):
        out[m.pk] = (f"{m.person.real_name}（{m.unit.name}）", [
            ("姓名", m.person.real_name), ("身份证号码", m.person.id_number_masked or "未登记"),
            ("所在团支部", m.unit.name), ("入团时间", f"{m.join_date:%Y-%m-%d}"), ("入团所在单位", m.join_place),
            ("发展团员编号", m.development_no or "—"), ("政治面貌", m.get_political_status_display()),
            ("最高学历", m.get_education_display()), ("职业", m.get_occupation_display())])
    return out


SAMPLED = (SampledRecordType(
    code="league.member", label="团员信息", checks="姓名、身份证号码、入团时间和发展团员编号与入团志愿书一致",
    population=_population, describe=_describe, url=lambda pk: f"/league/members/{pk}/"),)


def _collection_values(units, start, end) -> dict:
    rows = (DuesBill.objects.unscoped(reason="supervision of lower units").filter(month__gte=start.replace(day=1),
                                                                                   month__lte=end)
            .order_by().values("unit_path").annotate(bills=Count("id"), paid=Count("id", filter=Q(paid_at__isnull=False))))
    totals = {unit.pk: [0, 0] for unit in units}
    for row in rows:
        for unit in units:
            if row["unit_path"].startswith(unit.path):
                totals[unit.pk][0] += row["bills"]
                totals[unit.pk][1] += row["paid"]
    return {pk: (paid / bills if bills else None) for pk, (bills, paid) in totals.items()}


def _collection_evidence(unit, start, end) -> str:
    return f"/league/dues/?unit={unit.pk}&month={end:%Y-%m}"


INDICATORS = (Indicator("league.dues_rate", gettext_lazy("团费收缴率"), _collection_values, _collection_evidence),)


def _transfer_values(units, start, end) -> dict:
    """转接及时率: of the review stages due in the period, those decided by their due date — the sending stage counted
    for the sender's organisations, the receiving stage for the receiver's."""
    from django.utils import timezone

    from .models import Transfer

    today = timezone.localdate()
    rows = Transfer.objects.unscoped(reason="supervision of lower units").select_related("to_unit")
    totals = {unit.pk: [0, 0] for unit in units}
    for t in rows.filter(Q(out_due__gte=start, out_due__lte=end) | Q(in_due__gte=start, in_due__lte=end)):
        for path, due, decided in ((t.unit_path, t.out_due, t.out_decided_on), (t.to_unit.path, t.in_due, t.in_decided_on)):
            if due is None or not start <= due <= end or (decided is None and due >= today):
                continue  # no such stage, not in the period, or still within its time
            for unit in units:
                if path.startswith(unit.path):
                    totals[unit.pk][0] += 1
                    totals[unit.pk][1] += decided is not None and decided <= due
    return {pk: (on_time / stages if stages else None) for pk, (stages, on_time) in totals.items()}


def _transfer_evidence(unit, start, end) -> str:
    return "/league/transfers/"


INDICATORS = (*INDICATORS,
              Indicator("league.transfer_rate", gettext_lazy("转接及时率"), _transfer_values, _transfer_evidence))


def _org_values(units, start, end) -> dict:
    """团组织建设及时率: of the entry deadlines (30 working days from approval to the approval document on file) and
    revocation deadlines (15 from the decision) falling in the period, those met — counted for the organisation's
    parent's line, an open one only once its deadline has passed."""
    from django.utils import timezone

    from .models import Organisation

    today = timezone.localdate()
    rows = (Organisation.objects.unscoped(reason="supervision of lower units")
            .filter(Q(entry_due__gte=start, entry_due__lte=end) | Q(revoke_due__gte=start, revoke_due__lte=end))
            .values_list("unit_path", "entry_due", "entry_done_on", "revoke_due", "revoked_on"))
    totals = {unit.pk: [0, 0] for unit in units}
    for path, *stages in rows:
        for due, done in (stages[:2], stages[2:]):
            if due is None or not start <= due <= end or (done is None and due >= today):
                continue
            for unit in units:
                if path.startswith(unit.path):
                    totals[unit.pk][0] += 1
                    totals[unit.pk][1] += done is not None and done <= due
    return {pk: (met / n if n else None) for pk, (n, met) in totals.items()}


def _org_evidence(unit, start, end) -> str:
    return "/league/orgs/"


INDICATORS = (*INDICATORS,
              Indicator("league.org_rate", gettext_lazy("团组织建设及时率"), _org_values, _org_evidence))


def _entry_values(units, start, end) -> dict:
    """团员录入及时率: of the members who joined in the period, those entered within 15 working days of joining
    (``member_import.entry_due``) — counted for the member's branch's line."""
    from django.utils import timezone

    from .member_import import entry_due

    rows = (_members().filter(join_date__gte=start, join_date__lte=end)
            .values_list("unit_path", "join_date", "created_at"))
    dues: dict = {}
    totals = {unit.pk: [0, 0] for unit in units}
    for path, joined, created in rows.iterator(chunk_size=5000):
        if joined not in dues:
            dues[joined] = entry_due(joined)
        on_time = timezone.localtime(created).date() <= dues[joined]
        for unit in units:
            if path.startswith(unit.path):
                totals[unit.pk][0] += 1
                totals[unit.pk][1] += on_time
    return {pk: (met / n if n else None) for pk, (n, met) in totals.items()}


def _entry_evidence(unit, start, end) -> str:
    return f"/league/members/?unit={unit.pk}"


INDICATORS = (*INDICATORS,
              Indicator("league.entry_rate", gettext_lazy("团员录入及时率"), _entry_values, _entry_evidence))
