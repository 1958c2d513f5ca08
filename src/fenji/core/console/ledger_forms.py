"""Filters of the ledgers (账户台账, 权限台账) and the periodic review form. The filters' unit is a tree
picker (``org.widgets.UnitPicker``); the review's unit choices depend on the actor and are filled in by the
view; a unit id outside the scope answers 404 there."""

from django import forms
from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.forms import Form
from fenji.core.kernel.inputs import DateField
from fenji.core.org.widgets import UnitPicker

GRANT_STATES = [("", _("全部")), ("live", _("有效")), ("revoked", _("已撤销")), ("expired", _("已过期")),
                ("pending", _("未生效"))]


def _date(label):
    return DateField(label=label, required=False, widget=forms.DateInput(attrs={"type": "date"}))


class _PeriodForm(Form):
    unit = forms.IntegerField(label=_("单位（含下级）"), required=False, min_value=1, widget=UnitPicker(),
                              help_text=_("不选为全部"))
    start = _date(_("开始日期"))
    end = _date(_("结束日期"))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("结束日期不能早于开始日期"))
        return data


class AccountLedgerForm(_PeriodForm):
    q = forms.CharField(label=_("姓名"), required=False, max_length=50,
                        help_text=_("姓名或职务；手机号、身份证号须输入完整"))


class SubsystemFilter(Form):
    """A select of the live subsystems (seed 004 §2); the view drops it while no live module declares one."""

    subsystem = forms.ChoiceField(label=_("子系统"), required=False)

    def __init__(self, *args, subsystems=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subsystem"].choices = [("", _("全部"))] + list(subsystems)
        if not subsystems:
            del self.fields["subsystem"]


class GrantLedgerForm(SubsystemFilter, _PeriodForm):
    q = forms.CharField(label=_("姓名"), required=False, max_length=50, help_text=_("手机号须输入完整11位"))
    role = forms.ChoiceField(label=_("角色"), required=False)
    state = forms.ChoiceField(label=_("状态"), required=False, choices=GRANT_STATES)

    def __init__(self, *args, roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("全部"))] + list(roles)


class ReviewForm(SubsystemFilter):
    unit = forms.TypedChoiceField(label=_("审查单位（含下级）"), coerce=int)
    period_start = DateField(label=_("审查期间起"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = DateField(label=_("审查期间止"), widget=forms.DateInput(attrs={"type": "date"}))
    findings = forms.CharField(label=_("审查发现"), max_length=4000, required=False,
                               widget=forms.Textarea(attrs={"rows": 5}),
                               help_text=_("如发现越权授权、长期未撤销的离岗人员权限等问题，写明处理情况；未发现问题也请注明"))

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = list(units)

    def clean(self):
        data = super().clean()
        if data.get("period_start") and data.get("period_end") and data["period_end"] < data["period_start"]:
            self.add_error("period_end", _("结束日期不能早于开始日期"))
        return data
