from django import forms
from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.forms import Form
from fenji.core.kernel.inputs import DateField
from fenji.core.org.widgets import UnitPicker

from .models import CheckResult, DutyPeriod, MediumKind, MediumState

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _Colleagues(Form):
    """A form choosing a staff member of the unit (``colleagues``: the unit's active staff accounts)."""

    person_field = ""

    def __init__(self, *args, colleagues=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[self.person_field].choices = [("", _("请选择"))] + [
            (a.pk, f"{a.person.real_name}{'（' + a.title + '）' if a.title else ''}") for a in colleagues]


class MediumFilterForm(Form):
    q = forms.CharField(label=_("编号或型号"), required=False, max_length=40)
    state = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部"))] + MediumState.choices)
    unit = forms.IntegerField(label=_("单位（含下级）"), required=False, min_value=1, widget=UnitPicker())


class PublicationFilterForm(Form):
    unit = forms.IntegerField(label=_("单位（含下级）"), required=False, min_value=1, widget=UnitPicker())
    start = DateField(label=_("发布日期起"), widget=DATE, required=False)
    end = DateField(label=_("发布日期止"), widget=DATE, required=False)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("结束日期不能早于开始日期"))
        return data


class MediumForm(_Colleagues):
    person_field = "keeper"
    number = forms.CharField(label=_("登记编号"), max_length=40, help_text=_("本单位内唯一，如 BGS-U-001"))
    kind = forms.ChoiceField(label=_("类型"), choices=MediumKind.choices)
    model_name = forms.CharField(label=_("品牌型号"), max_length=100, required=False)
    capacity = forms.CharField(label=_("容量"), max_length=20, required=False, help_text=_("如 64GB"))
    keeper = forms.TypedChoiceField(label=_("保管人"), coerce=int)
    dedicated = forms.BooleanField(label=_("专网专用"), required=False, initial=True)
    registered_on = DateField(label=_("登记日期"), widget=DATE, required=False, help_text=_("不填为今天"))


class CheckForm(Form):
    checked_on = DateField(label=_("查毒日期"), widget=DATE)
    result = forms.ChoiceField(label=_("结果"), choices=CheckResult.choices)
    note = forms.CharField(label=_("说明"), max_length=200, required=False,
                           help_text=_("发现病毒时必填：病毒名称和处理情况；未能清除的介质将登记为报废"))


class RetireForm(Form):
    state = forms.ChoiceField(label=_("登记为"), choices=[(MediumState.LOST, _("丢失")), (MediumState.RETIRED, _("报废"))])
    reason = forms.CharField(label=_("说明"), max_length=200, help_text=_("丢失的时间地点或报废原因，最多 200 字"))


class DutyForm(_Colleagues):
    person_field = "account"
    day = DateField(label=_("日期"), widget=DATE)
    period = forms.ChoiceField(label=_("时段"), choices=DutyPeriod.choices, initial=DutyPeriod.OFF)
    account = forms.TypedChoiceField(label=_("值班人"), coerce=int)
