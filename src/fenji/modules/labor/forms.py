from django import forms
from django.utils.translation import gettext_lazy as _

from fenji.core.files.forms import MultipleFileField
from fenji.core.kernel.forms import Form
from fenji.core.kernel.inputs import DateField, DateTimeField

from .models import Subsystem, TicketKind, TicketState, Urgency

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
YES_NO = [("yes", _("同意")), ("no", _("退回"))]


class TicketFilterForm(Form):
    text = forms.CharField(label=_("编号或名称"), required=False, max_length=50)
    state = forms.ChoiceField(label=_("状态"), required=False,
                              choices=[("", _("全部")), ("open", _("办理中（未办结）"))] + TicketState.choices)
    subsystem = forms.ChoiceField(label=_("子系统"), required=False, choices=[("", _("全部"))] + Subsystem.choices)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    overdue = forms.BooleanField(label=_("只看逾期"), required=False)


class TicketForm(Form):
    """业务需求申请表 (附件1)."""

    system_name = forms.CharField(label=_("系统名称"), max_length=60)
    subsystem = forms.ChoiceField(label=_("子系统"), choices=Subsystem.choices)
    title = forms.CharField(label=_("需求名称"), max_length=100)
    kind = forms.ChoiceField(label=_("需求类型"), choices=TicketKind.choices)
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices)
    urgent_reason = forms.CharField(label=_("紧急理由"), max_length=200, required=False, help_text=_("紧急需求必填"))
    description = forms.CharField(label=_("需求描述"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))
    contact_name = forms.CharField(label=_("联系人"), max_length=30)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=20)
    review_unit = forms.TypedChoiceField(label=_("州级对口科室"), coerce=int, required=False,
                                         help_text=_("县（市）提出的需求由州级对口科室审核"))
    files = MultipleFileField(label=_("政策文件或依据"), required=False,
                              help_text=_("PDF、OFD、Word（docx）或图片，最多 5 个"))

    def __init__(self, *args, review_units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.review_units = {u.pk: u for u in review_units}
        if review_units:
            self.fields["review_unit"].choices = [("", _("请选择"))] + [(u.pk, u.name) for u in review_units]
        else:
            del self.fields["review_unit"]

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        files = data.pop("files", None) or []
        review = data.pop("review_unit", None)
        return {**data, "review_unit": self.review_units.get(review), "files": files}


class DecisionForm(Form):
    """签批, 审核, 受理: agree (with an optional opinion) or return (the reason required by the service)."""

    decision = forms.ChoiceField(label=_("结论"), choices=YES_NO, widget=forms.RadioSelect)
    note = forms.CharField(label=_("意见或退回理由"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    vendor_unit = forms.TypedChoiceField(label=_("运维公司"), coerce=int, required=False)

    def __init__(self, *args, vendors=None, **kwargs):
        super().__init__(*args, **kwargs)
        if vendors is None:
            del self.fields["vendor_unit"]
        else:
            self.vendors = {u.pk: u for u in vendors}
            self.fields["vendor_unit"].choices = [("", _("请选择"))] + [(u.pk, u.name) for u in vendors]


class AssessForm(Form):
    feasible = forms.ChoiceField(label=_("可实施性"), choices=[("yes", _("可实施")), ("no", _("不可实施"))],
                                 widget=forms.RadioSelect)
    assessment = forms.CharField(label=_("评估意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    plan = forms.CharField(label=_("实施计划"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("可实施时必填"))


class ScheduleForm(Form):
    dev_due = DateField(label=_("开发完成期限"), widget=DATE)
    note = forms.CharField(label=_("意见"), max_length=500, required=False)


class NoteForm(Form):
    note = forms.CharField(label=_("说明"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PassForm(Form):
    passed = forms.ChoiceField(label=_("结论"), choices=[("yes", _("通过")), ("no", _("不通过"))],
                               widget=forms.RadioSelect)
    note = forms.CharField(label=_("情况说明"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class BusinessTestForm(Form):
    side = forms.ChoiceField(label=_("测试方"))
    passed = forms.ChoiceField(label=_("测试结论"), choices=[("yes", _("通过")), ("no", _("不通过"))],
                               widget=forms.RadioSelect)
    result = forms.CharField(label=_("测试结果"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    tested_on = DateField(label=_("测试日期"), widget=DATE)

    def __init__(self, *args, sides=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["side"].choices = list(sides)


class ReleasePlanForm(Form):
    scope = forms.CharField(label=_("影响业务范围"), max_length=300)
    start = DateTimeField(label=_("发布开始时间"), widget=LOCAL)
    end = DateTimeField(label=_("发布结束时间"), widget=LOCAL)
    lead = forms.CharField(label=_("项目负责人"), max_length=30)


class ReleaseForm(Form):
    succeeded = forms.ChoiceField(label=_("发布结果"), choices=[("yes", _("发布成功")), ("no", _("发布失败，重新制定计划"))],
                                  widget=forms.RadioSelect)
    result = forms.CharField(label=_("结果说明"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
