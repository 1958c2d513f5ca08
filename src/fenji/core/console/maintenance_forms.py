from django import forms
from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.forms import Form
from fenji.core.kernel.inputs import DateTimeField

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def _datetime_widget():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class MaintenanceForm(Form):
    """``unit`` is only an id here: the view looks it up in the actor's scope (404 outside it)."""

    unit = forms.IntegerField(label=_("维护范围"), widget=forms.Select,
                              help_text=_("该单位及其全部下级单位的用户都会看到通知"))
    title = forms.CharField(label=_("标题"), max_length=100)
    starts_at = DateTimeField(label=_("开始时间"), widget=_datetime_widget(), input_formats=DATETIME_FORMATS)
    ends_at = DateTimeField(label=_("结束时间"), widget=_datetime_widget(), input_formats=DATETIME_FORMATS)
    message = forms.CharField(label=_("说明"), max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("显示在通知横幅上，并随短信发给范围内的工作人员"))

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].widget.choices = list(units)
