from django import forms
from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.forms import Form
from fenji.core.kernel.inputs import DateField
from fenji.core.org.widgets import UnitPicker

from .models import Education, Occupation, PayChannel, PoliticalStatus, TransferReason
from .services import ARREARS_MAX

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MemberFilterForm(Form):
    q = forms.CharField(label=_("姓名或发展团员编号"), required=False, max_length=50)
    unit = forms.IntegerField(label=_("团组织（含下级）"), required=False, min_value=1, widget=UnitPicker())


class MemberForm(Form):
    branch = forms.TypedChoiceField(label=_("团支部"), coerce=int)
    real_name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号码"), max_length=24)
    mobile = forms.CharField(label=_("手机号码"), max_length=20, help_text=_("团员凭手机号和短信验证码激活账号"))
    join_date = DateField(label=_("入团时间"), widget=DATE, help_text=_("支部大会通过的日期"))
    join_place = forms.CharField(label=_("入团所在单位"), max_length=100)
    development_no = forms.CharField(label=_("发展团员编号"), max_length=20, required=False,
                                     help_text=_("12 位，前 4 位为入团年份；2017 年 1 月 1 日以后入团的必填"))
    ethnicity = forms.CharField(label=_("民族"), max_length=20, initial="汉族")
    political_status = forms.ChoiceField(label=_("政治面貌"), choices=PoliticalStatus.choices)
    education = forms.ChoiceField(label=_("最高学历"), choices=Education.choices)
    occupation = forms.ChoiceField(label=_("职业"), choices=Occupation.choices)
    work_unit = forms.CharField(label=_("工作单位或学校"), max_length=100, required=False)
    income = forms.DecimalField(label=_("月收入（元）"), required=False, min_value=0, max_digits=10, decimal_places=2,
                                help_text=_("税后月收入，用于计算团费；学生不填"))
    student = forms.BooleanField(label=_("在校学生"), required=False)

    def __init__(self, *args, branches=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].choices = [("", _("请选择"))] + [(b.pk, b.name) for b in branches]


class IncomeForm(Form):
    income = forms.DecimalField(label=_("月收入（元）"), min_value=0, max_digits=10, decimal_places=2)
    student = forms.BooleanField(label=_("在校学生"), required=False)


class PayForm(Form):
    months = forms.TypedChoiceField(label=_("缴纳月数"), coerce=int,
                                    choices=[(n, _("%(n)s 个月") % {"n": n}) for n in range(1, ARREARS_MAX + 1)])
    channel = forms.ChoiceField(label=_("缴纳方式"), choices=PayChannel.choices, initial=PayChannel.CASH)
    reference = forms.CharField(label=_("缴费凭证号"), max_length=40, required=False, help_text=_("线上缴纳时必填"))


class DuesFilterForm(Form):
    month = forms.CharField(label=_("月份"), required=False, max_length=7, widget=forms.TextInput(attrs={"type": "month"}))
    unit = forms.IntegerField(label=_("团组织（含下级）"), required=False, min_value=1, widget=UnitPicker())


class MemberPayForm(Form):
    """我的团费: how many of the oldest unpaid months to pay online."""

    months = forms.TypedChoiceField(label=_("缴纳月数"), coerce=int,
                                    choices=[(n, _("%(n)s 个月") % {"n": n}) for n in range(1, ARREARS_MAX + 1)])


class TransferOutForm(Form):
    """办理转出 (on the member's page) or the member's own application: the receiving branch by its code."""

    to_code = forms.CharField(label=_("转入团支部代码"), max_length=32, help_text=_("向转入团支部索取团组织代码"))
    reason = forms.ChoiceField(label=_("转接原因"), choices=TransferReason.choices)
    note = forms.CharField(label=_("说明"), max_length=200, required=False, help_text=_("原因为“其他”时必填"))


class TransferInForm(Form):
    """办理转入: the receiving branch asks for a member by the member's ID number."""

    to_unit = forms.TypedChoiceField(label=_("转入团支部"), coerce=int)
    id_number = forms.CharField(label=_("团员身份证号码"), max_length=24)
    reason = forms.ChoiceField(label=_("转接原因"), choices=TransferReason.choices)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, branches=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].choices = [("", _("请选择"))] + [(b.pk, b.name) for b in branches]


class TransferEndForm(Form):
    reason = forms.CharField(label=_("理由"), max_length=200)


class MemberEditForm(Form):
    """我的信息: the fields a member changes (the branch reviews them)."""

    ethnicity = forms.CharField(label=_("民族"), max_length=20)
    political_status = forms.ChoiceField(label=_("政治面貌"), choices=PoliticalStatus.choices)
    education = forms.ChoiceField(label=_("最高学历"), choices=Education.choices)
    occupation = forms.ChoiceField(label=_("职业"), choices=Occupation.choices)
    work_unit = forms.CharField(label=_("工作单位或学校"), max_length=100, required=False)
    income = forms.DecimalField(label=_("月收入（元）"), min_value=0, max_digits=10, decimal_places=2, required=False)
    student = forms.BooleanField(label=_("在校学生"), required=False)


class EditDecisionForm(Form):
    decision = forms.ChoiceField(label=_("审核"), choices=[("approve", _("同意修改")), ("return", _("退回"))])
    reason = forms.CharField(label=_("退回理由"), max_length=200, required=False)
