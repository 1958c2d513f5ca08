import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from fenji.core.files.forms import MultipleFileField
from fenji.core.kernel.forms import Form
from fenji.core.kernel.inputs import DateField
from fenji.core.org.models import Unit, UnitStatus

from .models import Verdict
from .services import DAYS_RANGE, EVIDENCE_MAX, ITEM_MAX, NOTE_MAX, REASON_MAX, TEXT_MAX, TITLE_MAX

UNIT_CHOICES_MAX = 500
DATE = {"type": "date"}


def units_below(unit: Unit) -> list[tuple[int, str]]:
    """The active units one and two levels below ``unit``, indented (the candidates of an inspection)."""
    rows = (Unit.objects.filter(path__gt=unit.path, path__lt=unit.path + "~", status=UnitStatus.ACTIVE,
                                depth__lte=unit.depth + 2).order_by("path")[:UNIT_CHOICES_MAX])
    return [(u.pk, ("　" * (u.depth - unit.depth - 1)) + u.name) for u in rows]


class PeriodForm(Form):
    start = DateField(label=_("起始日期"), widget=forms.DateInput(attrs=DATE))
    end = DateField(label=_("截止日期"), widget=forms.DateInput(attrs=DATE))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("截止日期不能早于起始日期"))
        return data


MONTHS_MAX = 36
MONTH = re.compile(r"(\d{4})-(\d{1,2})")


class MonthField(forms.CharField):
    """A month as ``YYYY-MM`` (the browser's month input), cleaned to its first day."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "month", "placeholder": "2026-01"}))
        kwargs.setdefault("max_length", 7)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        match = MONTH.fullmatch(value.strip())
        if not match or not 1 <= int(match[2]) <= 12 or not 2000 <= int(match[1]) <= 2999:
            raise ValidationError(_("月份格式应为 2026-01"), code="invalid")
        return datetime.date(int(match[1]), int(match[2]), 1)


class UsageForm(Form):
    start = MonthField(label=_("起始月份"))
    end = MonthField(label=_("截止月份"))

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("截止月份不能早于起始月份"))
            elif (end.year - start.year) * 12 + end.month - start.month >= MONTHS_MAX:
                self.add_error("end", _("统计期间最多 %(n)d 个月") % {"n": MONTHS_MAX})
        return data


class PlanForm(Form):
    title = forms.CharField(label=_("检查名称"), max_length=TITLE_MAX)
    period_start = DateField(label=_("检查期间起"), widget=forms.DateInput(attrs=DATE))
    period_end = DateField(label=_("检查期间止"), widget=forms.DateInput(attrs=DATE),
                           help_text=_("抽查的是该期间内录入的记录"))
    targets = forms.TypedMultipleChoiceField(label=_("被检查单位"), coerce=int, widget=forms.CheckboxSelectMultiple)
    checklist = forms.CharField(label=_("检查事项"), widget=forms.Textarea(attrs={"rows": 6}),
                                help_text=_("每行一项，已按本系统的检查模板填好，可增删"))
    note = forms.CharField(label=_("说明"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["targets"].choices = list(units)

    def clean(self):
        data = super().clean()
        if data.get("period_start") and data.get("period_end") and data["period_start"] > data["period_end"]:
            self.add_error("period_end", _("检查期间的截止日期不能早于起始日期"))
        return data


class FindingForm(Form):
    unit = forms.TypedChoiceField(label=_("被检查单位"), coerce=int)
    item = forms.ChoiceField(label=_("检查事项"))
    description = forms.CharField(label=_("发现的问题"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    days = forms.IntegerField(label=_("整改时限（工作日）"), min_value=DAYS_RANGE[0], max_value=DAYS_RANGE[1])
    evidence = MultipleFileField(label=_("佐证材料"), required=False,
                                 help_text=_("最多 %(n)d 个文件") % {"n": EVIDENCE_MAX})

    def __init__(self, *args, targets=(), checklist=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("请选择"))] + [(t.unit_id, t.unit.name) for t in targets]
        self.fields["item"].choices = [(item, item) for item in checklist]


class FindingEditForm(Form):
    item = forms.CharField(label=_("检查事项"), max_length=ITEM_MAX)
    description = forms.CharField(label=_("发现的问题"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    days = forms.IntegerField(label=_("整改时限（工作日）"), min_value=DAYS_RANGE[0], max_value=DAYS_RANGE[1])


class SampleForm(Form):
    unit = forms.TypedChoiceField(label=_("被抽查单位"), coerce=int)
    record_type = forms.ChoiceField(label=_("记录类型"))
    percent = forms.DecimalField(label=_("抽查比例（%）"), min_value=0, max_value=100, decimal_places=1)

    def __init__(self, *args, targets=(), record_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("请选择"))] + [(t.unit_id, t.unit.name) for t in targets]
        self.fields["record_type"].choices = [(r.code, r.label) for r in record_types]


class CheckForm(Form):
    record_id = forms.IntegerField(widget=forms.HiddenInput)
    verdict = forms.ChoiceField(label=_("核查结果"), choices=Verdict.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("核查说明"), max_length=NOTE_MAX, required=False,
                           help_text=_("有误时请写明哪项与证件不符"))


class AnswerForm(Form):
    measures = forms.CharField(label=_("整改措施和结果"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}))
    evidence = MultipleFileField(label=_("整改佐证材料"), required=False,
                                 help_text=_("最多 %(n)d 个文件") % {"n": EVIDENCE_MAX})


class DecideForm(Form):
    decision = forms.ChoiceField(label=_("验收结论"), widget=forms.RadioSelect,
                                 choices=[("accept", _("验收通过")), ("return", _("退回重改"))])
    reason = forms.CharField(label=_("退回理由"), max_length=REASON_MAX, required=False)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("退回时请写明理由"))
        return data
