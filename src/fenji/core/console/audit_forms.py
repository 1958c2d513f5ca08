from django import forms
from django.utils.translation import gettext_lazy as _

from fenji.core.audit.models import Outcome
from fenji.core.kernel.forms import Form
from fenji.core.kernel.inputs import DateField
from fenji.core.org.widgets import UnitPicker


class AuditSearchForm(Form):
    start = DateField(label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = DateField(label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    who = forms.CharField(label=_("操作人"), required=False, max_length=50)
    text = forms.CharField(label=_("动作关键词"), required=False, max_length=40,
                           widget=forms.TextInput(attrs={"placeholder": _("如：登录、导出、授予")}))
    module = forms.ChoiceField(label=_("模块"), required=False, choices=())
    action = forms.ChoiceField(label=_("动作"), required=False, choices=())
    outcome = forms.ChoiceField(label=_("结果"), required=False, choices=[("", _("全部"))] + Outcome.choices)
    unit = forms.IntegerField(label=_("单位（含下级）"), required=False, min_value=1, widget=UnitPicker())

    def __init__(self, *args, modules=(), actions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].choices = [("", _("全部模块")), *modules]
        self.fields["action"].choices = [("", _("全部动作")), *actions]

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("结束日期不能早于开始日期"))
        return data
