from django import forms
from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.forms import Form
from fenji.core.kernel.inputs import INT_MAX, INT_MIN, DateField

from .kinds import kind_choices


class UnitForm(Form):
    name = forms.CharField(label=_("单位名称"), max_length=100)
    short_name = forms.CharField(label=_("简称"), max_length=40, required=False)
    kind = forms.ChoiceField(label=_("单位类型"), choices=kind_choices)
    code = forms.CharField(label=_("单位代码"), max_length=32, required=False, help_text=_("如统一社会信用代码或行政区划代码，全平台唯一"))
    sort_order = forms.IntegerField(label=_("排序号"), initial=0, required=False, min_value=INT_MIN,
                                    max_value=INT_MAX)
    leader = forms.CharField(label=_("负责人"), max_length=50, required=False)
    founded_on = DateField(label=_("成立日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    approval_ref = forms.CharField(label=_("批准文号"), max_length=100, required=False)

    def clean_sort_order(self):
        return self.cleaned_data.get("sort_order") or 0


class UnitRevokeForm(Form):
    revoked_on = DateField(label=_("撤销日期"), widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=_("撤销批准文号"), max_length=100)


class UnitMoveForm(Form):
    new_parent = forms.IntegerField(label=_("新的上级单位"), widget=forms.HiddenInput)
