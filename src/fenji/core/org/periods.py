"""The "which unit, which period" choice of the report pages (及时率, 收文通报): a unit from the top
of the actor's scope and the level below it, and a date range defaulting to this month."""

import datetime
from dataclasses import dataclass

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fenji.core.access import policy
from fenji.core.kernel.forms import Form
from fenji.core.kernel.inputs import DateField

from . import selectors
from .models import Unit

MAX_SPAN = datetime.timedelta(days=366 * 3)


class PeriodForm(Form):
    """``unit`` is only an id: ``period_choice`` looks it up in the actor's scope (404 outside it)."""

    unit = forms.IntegerField(label=_("单位"), required=False, widget=forms.Select)
    start = DateField(label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = DateField(label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].widget.choices = [(unit.pk, unit.name) for unit in units]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("结束日期不能早于开始日期"))
        if start and end and (end - start) > MAX_SPAN:
            self.add_error("end", _("统计区间不能超过三年"))
        return data


def report_units(actor, action: str, *, own_unit: Unit, chosen: Unit | None = None) -> list[Unit]:
    """The tops of the actor's scope for ``action`` and the active units directly below them (one
    query for all tops); the chosen unit too when it lies deeper."""
    roots = selectors.unit_list_roots(actor=actor, action=action)
    if not roots and policy.can(actor, action, own_unit.path):
        roots = [own_unit]  # a grant reaching its own unit only
    children: dict[int, list[Unit]] = {}
    below = (selectors.unit_list(actor=actor, action=action)
             .filter(parent__in=[root.pk for root in roots], status="active").order_by("sort_order", "path"))
    for child in below:
        children.setdefault(child.parent_id, []).append(child)
    units = [unit for root in roots for unit in (root, *children.get(root.pk, []))]
    if chosen is not None and all(u.pk != chosen.pk for u in units):
        units.append(chosen)
    return units


@dataclass
class PeriodChoice:
    form: PeriodForm
    unit: Unit | None
    start: datetime.date
    end: datetime.date


def period_choice(actor, data, action: str, *, own_unit: Unit) -> PeriodChoice:
    """Bind ``data`` (GET or POST) to a ``PeriodForm``: the chosen unit (first of the scope by default)
    and the period (this month by default, and when the dates are invalid)."""
    today = timezone.localdate()
    first = today.replace(day=1)
    units = report_units(actor, action, own_unit=own_unit)
    if data:  # a bound form shows no initial values: fill in the period the table is computed for
        data = data.copy()
        for name, default in (("start", first), ("end", today)):
            if not data.get(name):
                data[name] = default.isoformat()
    form = PeriodForm(data or None, units=units,
                      initial={"unit": units[0].pk if units else None, "start": first, "end": today})
    cleaned = form.cleaned_data if form.is_valid() else {}
    unit = units[0] if units else None
    if cleaned.get("unit"):
        unit = selectors.unit_get(actor=actor, pk=cleaned["unit"], action=action)
        form.fields["unit"].widget.choices = [
            (u.pk, u.name) for u in report_units(actor, action, own_unit=own_unit, chosen=unit)]
    if form.errors:
        return PeriodChoice(form, unit, first, today)
    return PeriodChoice(form, unit, cleaned.get("start") or first, cleaned.get("end") or today)


def percent(value: float | None) -> str:
    """A share as "12.5%", or "—" when there was nothing to count."""
    return "—" if value is None else f"{value * 100:.1f}%"
