"""The rooms' statistics (seed 003 §6–7, §10): each county room counts, in its own field, what the units under it
entered in a period — per unit (a row for the chosen unit's own records and one for each grassroots unit directly
below it, counting its whole subtree) and in total.

Each section is read through the module's list selector for its record kind with that kind's read action (the same
scope as the ledger pages, recusals included), and counted in one grouped query (conditional counts per column,
grouped by the unit path cut at the rows' level): the number of queries does not grow with the number of units. A
section the reader cannot read at the chosen unit is absent.

Sections: 信访室 — petitions by channel, category, state (the decision taken) and overdue; 案件监督管理室 — clues by
disposal and outcome, cases by stage, sanctions by kind; 党风政风监督室 — conduct records by kind, unreported, and the
data-reporting check (units that entered nothing in the period); 宣传部 — 以案促改 open, closed, overdue; 办公室 —
外出报备."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from fenji.core.access import policy
from fenji.core.kernel.paths import SEGMENT_WIDTH
from fenji.core.org.models import Unit, UnitStatus

from . import followup_selectors, selectors
from . import module as perms
from .kinds import ROOM
from .models import (
    AbsenceState,
    CaseState,
    Category,
    Channel,
    ConductKind,
    Disposal,
    Outcome,
    PetitionState,
    Purpose,
    RectificationState,
    Sanction,
)
from .sanctions import GOVERNMENT, PARTY

MAX_SPAN = datetime.timedelta(days=366 * 3)


# --- periods -------------------------------------------------------------------------------------------------


def period_bounds(period: str) -> tuple[datetime.date, datetime.date]:
    """``"2026-11"`` (a month), ``"2026Q4"`` (a quarter) or ``"2026"`` (a year) → its first and last day;
    ValueError for anything else."""
    text = (period or "").strip().upper()
    try:
        if len(text) == 4 and text.isdigit():
            return datetime.date(int(text), 1, 1), datetime.date(int(text), 12, 31)
        if len(text) == 6 and text[:4].isdigit() and text[4] == "Q" and text[5] in "1234":
            first = datetime.date(int(text[:4]), 3 * int(text[5]) - 2, 1)
            return first, _month_end(first.replace(month=first.month + 2))
        if len(text) == 7 and text[:4].isdigit() and text[4] == "-" and text[5:].isdigit():
            first = datetime.date(int(text[:4]), int(text[5:]), 1)
            return first, _month_end(first)
    except ValueError:
        pass
    raise ValueError(period)


def _month_end(day: datetime.date) -> datetime.date:
    following = day.replace(year=day.year + 1, month=1, day=1) if day.month == 12 else day.replace(month=day.month + 1,
                                                                                                  day=1)
    return following - datetime.timedelta(days=1)


def period_label(period: str) -> str:
    text = period.strip().upper()
    if "Q" in text:
        return _("%(year)s年第%(quarter)s季度") % {"year": text[:4], "quarter": text[5]}
    if "-" in text:
        return _("%(year)s年%(month)s月") % {"year": text[:4], "month": int(text[5:])}
    return _("%(year)s年度") % {"year": text}


def period_choices(today: datetime.date) -> list[tuple[str, str]]:
    """This year and the last with their quarters, and the last twelve months, newest first."""
    out = []
    for year in (today.year, today.year - 1):
        out.append((str(year), period_label(str(year))))
        out += [(f"{year}Q{q}", period_label(f"{year}Q{q}")) for q in range(4, 0, -1)
                if datetime.date(year, 3 * q - 2, 1) <= today]
    month = today.replace(day=1)
    for _n in range(12):
        out.append((f"{month:%Y-%m}", period_label(f"{month:%Y-%m}")))
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return out


# --- the table ----------------------------------------------------------------------------------------------


@dataclass
class Row:
    label: str
    unit_id: int | None
    values: list[int]
    flag: str = ""  # the data-reporting check: "未录入" for a unit that entered nothing


@dataclass
class Section:
    code: str
    title: str
    groups: list[tuple[str, int]]  # (group label, how many columns) over the column headers
    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    total: Row | None = None
    note: str = ""


@dataclass(frozen=True)
class Bucket:
    label: str
    unit: Unit | None  # None: the chosen unit's own records (and its rooms')
    path: str


def stats_rows(top: Unit) -> list[Bucket]:
    """The rows under ``top``: its own records (with those of its rooms, which enter nothing of their own) first,
    then each active unit directly below it that is not a room, counting its whole subtree."""
    below = (Unit.objects.filter(parent=top, status=UnitStatus.ACTIVE).exclude(kind=ROOM)
             .order_by("sort_order", "path").only("id", "name", "path"))
    return [Bucket(_("本级"), None, top.path), *(Bucket(u.name, u, u.path) for u in below)]


def _counted(rows, path_field: str, top: Unit, measures: list[tuple[str, Q]]) -> dict[str, dict[str, int]]:
    """``{row path: {measure: n}}`` for ``rows`` (already scoped and filtered), one grouped query."""
    cut = Substr(path_field, 1, len(top.path) + SEGMENT_WIDTH)
    aggregates = {key: Count("id", filter=condition) for key, condition in measures}
    found = rows.order_by().annotate(bucket=cut).values("bucket").annotate(**aggregates)
    return {r["bucket"]: {key: r[key] for key, _q in measures} for r in found}


def _fill(section: Section, buckets: list[Bucket], counted: dict, keys: list[str]) -> Section:
    own = {b.path for b in buckets if b.unit is not None}
    merged: dict[str, list[int]] = {b.path: [0] * len(keys) for b in buckets}
    for bucket, numbers in counted.items():
        target = bucket if bucket in own else buckets[0].path  # a room's (or a revoked unit's) records: 本级
        merged[target] = [a + numbers[k] for a, k in zip(merged[target], keys, strict=True)]
    section.rows = [Row(b.label, b.unit.pk if b.unit else None, merged[b.path]) for b in buckets]
    section.total = Row(_("合计"), None, [sum(r.values[i] for r in section.rows) for i in range(len(keys))])
    return section


def _section(code, title, groups, buckets, rows, path_field, top, note="") -> Section:
    """``groups``: [(group label, [(column label, key, condition)])]; the first group is usually the total."""
    measures = [(key, condition) for _label, columns in groups for _col, key, condition in columns]
    counted = _counted(rows, path_field, top, measures)
    section = Section(code, title, [(label, len(columns)) for label, columns in groups],
                      [col for _label, columns in groups for col, _k, _c in columns], note=note)
    return _fill(section, buckets, counted, [key for key, _c in measures])


def _by(prefix: str, fieldname: str, choices) -> list[tuple[str, str, Q]]:
    return [(str(label), f"{prefix}_{value}", Q(**{fieldname: value})) for value, label in choices]


ALL = Q(pk__isnull=False)


def petition_section(*, actor, top, buckets, start, end) -> Section:
    rows = selectors.petition_list(actor=actor, unit=top, start=start, end=end)
    today = timezone.localdate()
    return _section("petitions", _("信访件（信访室）"), [
        (_("合计"), [(_("件数"), "total", ALL), (_("逾期未办"), "overdue", selectors.overdue_q(today)),
                   (_("补录"), "backfilled", Q(backfilled=True))]),
        (_("来源渠道"), _by("channel", "channel", Channel.choices)),
        (_("类别"), _by("category", "category", Category.choices)),
        (_("办理情况"), _by("state", "state", PetitionState.choices)),
    ], buckets, rows, "unit_path", top, note=_("按收件日期统计"))


def clue_section(*, actor, top, buckets, start, end) -> Section:
    rows = selectors.clue_list(actor=actor, unit=top, start=start, end=end)
    return _section("clues", _("问题线索（案件监督管理室）"), [
        (_("合计"), [(_("件数"), "total", ALL), (_("未处置"), "undisposed", Q(disposal=""))]),
        (_("处置方式"), _by("disposal", "disposal", Disposal.choices)),
        (_("处置结果"), _by("outcome", "outcome", Outcome.choices)),
    ], buckets, rows, "unit_path", top, note=_("按受理日期统计"))


def case_section(*, actor, top, buckets, start, end) -> Section:
    rows = selectors.case_list(actor=actor, unit=top, start=start, end=end)
    today = timezone.localdate()
    return _section("cases", _("案件（案件监督管理室）"), [
        (_("合计"), [(_("件数"), "total", ALL), (_("超期"), "overdue", selectors.case_overdue_q(today))]),
        (_("所处阶段"), _by("state", "state", CaseState.choices)),
    ], buckets, rows, "unit_path", top, note=_("按立案呈批日期统计"))


def sanction_section(*, actor, top, buckets, start, end) -> Section:
    cases = selectors.case_list(actor=actor, unit=top)
    rows = Sanction.objects.filter(case__in=cases.order_by().values("pk"), start_on__gte=start, start_on__lte=end)
    return _section("sanctions", _("处分（案件监督管理室）"), [
        (_("合计"), [(_("人次"), "total", ALL)]),
        (_("党纪处分"), _by("kind", "kind", PARTY)),
        (_("政务处分"), _by("kind", "kind", GOVERNMENT)),
    ], buckets, rows, "case__unit_path", top, note=_("按处分起始日期统计"))


def conduct_section(*, actor, top, buckets, start, end) -> Section:
    rows = followup_selectors.conduct_list(actor=actor, unit=top, start=start, end=end)
    section = _section("conduct", _("党风政风监督（党风政风监督室）"), [
        (_("合计"), [(_("条数"), "total", ALL), (_("未报党风政风监督室"), "unreported", Q(reported_on__isnull=True))]),
        (_("类别"), _by("kind", "kind", ConductKind.choices)),
    ], buckets, rows, "unit_path", top, note=_("按发现日期统计；数据报送检查：期间内未录入任何记录的下级单位标为“未录入”"))
    for row in section.rows:
        if row.unit_id is not None and row.values[0] == 0:
            row.flag = _("未录入")
    return section


def rectification_section(*, actor, top, buckets, start, end) -> Section:
    rows = followup_selectors.rectification_list(actor=actor, unit=top, start=start, end=end)
    today = timezone.localdate()
    return _section("rectifications", _("以案促改（宣传部）"), [
        (_("合计"), [(_("件数"), "total", ALL), (_("未办结"), "open", ~Q(state=RectificationState.CLOSED)),
                   (_("已办结"), "closed", Q(state=RectificationState.CLOSED)),
                   (_("逾期未办结"), "overdue", followup_selectors.rectification_overdue_q(today))]),
    ], buckets, rows, "unit_path", top, note=_("按启动日期统计"))


def absence_section(*, actor, top, buckets, start, end) -> Section:
    rows = followup_selectors.absence_list(actor=actor, unit=top, start=start, end=end)
    today = timezone.localdate()
    return _section("absences", _("外出报备（办公室）"), [
        (_("合计"), [(_("人次"), "total", ALL), (_("主要负责人"), "principal", Q(principal=True)),
                   (_("事后补报"), "late", Q(late_filed=True)),
                   (_("逾期未归"), "overdue", followup_selectors.absence_overdue_q(today))]),
        (_("事由类别"), _by("purpose", "purpose", Purpose.choices)),
        (_("状态"), _by("state", "state", AbsenceState.choices)),
    ], buckets, rows, "unit_path", top, note=_("按外出日期统计"))


# (read action, section builder), in the order the page shows them
SECTIONS = (
    (perms.PETITION_VIEW, petition_section),
    (perms.CLUE_VIEW, clue_section),
    (perms.CASE_VIEW, case_section),
    (perms.CASE_VIEW, sanction_section),
    (perms.CONDUCT_VIEW, conduct_section),
    (perms.RECTIFY_VIEW, rectification_section),
    (perms.ABSENCE_VIEW, absence_section),
)


def stats_top(*, actor, unit: Unit | None = None) -> Unit | None:
    """The unit the statistics are about: the one chosen (already read within the actor's scope), else the
    highest unit of the actor's statistics scope."""
    if unit is not None:
        return unit
    from fenji.core.org.selectors import unit_list_roots

    roots = unit_list_roots(actor=actor, action=perms.STATS_VIEW)
    return roots[0] if roots else None


def stats_sections(*, actor, top: Unit, start: datetime.date, end: datetime.date) -> list[Section]:
    """The sections ``actor`` reads at ``top`` (each with its kind's read action), counted over [start, end]."""
    buckets = stats_rows(top)
    return [build(actor=actor, top=top, buckets=buckets, start=start, end=end)
            for action, build in SECTIONS if policy.can(actor, action, top.path)]


@dataclass
class StatsChoice:
    form: object  # forms.StatsForm, bound to the query (its errors shown; the default period used meanwhile)
    top: Unit | None
    start: datetime.date
    end: datetime.date
    period: str


def stats_choice(*, actor, data) -> StatsChoice:
    """The page's and the API's query: the period (this year by default, and while the input is wrong) and the unit
    (the top of the actor's statistics scope by default; a unit outside it answers like a missing one)."""
    from fenji.core.org.selectors import unit_get
    from fenji.core.org.widgets import pick_units_for

    from .forms import StatsForm

    today = timezone.localdate()
    default = str(today.year)
    form = StatsForm(data or None, periods=period_choices(today), initial={"period": default})
    pick_units_for(form, actor, perms.STATS_VIEW)
    cleaned = form.cleaned_data if form.is_bound and form.is_valid() else {}
    unit = unit_get(actor=actor, pk=cleaned["unit"], action=perms.STATS_VIEW) if cleaned.get("unit") else None
    period = cleaned.get("period") or default
    if period == "custom":
        start, end = cleaned["start"], cleaned["end"]
    else:
        start, end = period_bounds(period)
    return StatsChoice(form, stats_top(actor=actor, unit=unit), start, end, period)
