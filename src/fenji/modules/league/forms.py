from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from fenji.core.files.forms import MultipleFileField
from fenji.core.kernel.forms import Form
from fenji.core.kernel.inputs import DateField, DateTimeField
from fenji.core.org.widgets import UnitPicker

from .models import (
    CadreNature,
    CadrePosition,
    Education,
    Industry,
    Occupation,
    PayChannel,
    PoliticalStatus,
    StatusKind,
    TransferReason,
    TransferState,
)
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


class TransferFilterForm(Form):
    q = forms.CharField(label=_("团员姓名"), required=False, max_length=50)
    state = forms.ChoiceField(label=_("状态"), required=False)
    since = DateField(label=_("发起日期起"), widget=DATE, required=False)
    until = DateField(label=_("发起日期止"), widget=DATE, required=False)
    unit = forms.IntegerField(label=_("团组织（含下级）"), required=False, min_value=1, widget=UnitPicker())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("全部"))] + list(TransferState.choices)

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("截止日期应不早于起始日期"))
        return data


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


class OrgFilterForm(Form):
    q = forms.CharField(label=_("团组织名称或代码"), required=False, max_length=50)
    kind = forms.ChoiceField(label=_("团组织类型"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .kinds import UNIT_KINDS

        self.fields["kind"].choices = [("", _("全部"))] + [(k.code, k.label) for k in UNIT_KINDS]


class OrgForm(Form):
    parent = forms.TypedChoiceField(label=_("上级团组织"), coerce=int)
    name = forms.CharField(label=_("团组织全称"), max_length=100)
    short_name = forms.CharField(label=_("简称"), max_length=40, required=False)
    code = forms.CharField(label=_("团组织代码"), max_length=32, required=False)
    kind = forms.ChoiceField(label=_("团组织类型"))
    industry = forms.ChoiceField(label=_("行业类别"), choices=Industry.choices)
    approved_on = DateField(label=_("批准成立日期"), widget=DATE, help_text=_("自批准之日起 30 个工作日内录入并上传批复"))
    approval_ref = forms.CharField(label=_("批准文号"), max_length=100)
    founded_on = DateField(label=_("成立日期"), widget=DATE, required=False)
    secretary = forms.CharField(label=_("书记"), max_length=50, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    approval_doc = forms.FileField(label=_("成立批复文件"), required=False, help_text=_("PDF、OFD 或扫描图片"))

    def __init__(self, *args, parents=(), **kwargs):
        super().__init__(*args, **kwargs)
        from .kinds import UNIT_KINDS

        self.fields["parent"].choices = [("", _("请选择"))] + [(u.pk, u.name) for u in parents]
        self.fields["kind"].choices = [("", _("请选择"))] + [(k.code, k.label) for k in UNIT_KINDS]


class OrgUpdateForm(Form):
    industry = forms.ChoiceField(label=_("行业类别"), choices=Industry.choices)
    secretary = forms.CharField(label=_("书记"), max_length=50, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    retention_pct = forms.DecimalField(label=_("留存比例（%）"), required=False, min_value=0, max_value=100,
                                       max_digits=5, decimal_places=2,
                                       help_text=_("上缴团费时本组织留存的比例；不填则按本平台默认比例"))


class OrgDocumentForm(Form):
    upload = forms.FileField(label=_("成立批复文件"), help_text=_("PDF、OFD 或扫描图片"))


class RevokeDecisionForm(Form):
    decided_on = DateField(label=_("撤销决定日期"), widget=DATE, help_text=_("自决定之日起 15 个工作日内办理撤销"))
    reference = forms.CharField(label=_("撤销决定文号"), max_length=100)


class CadreForm(Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    position = forms.ChoiceField(label=_("职务"), choices=CadrePosition.choices)
    nature = forms.ChoiceField(label=_("性质"), choices=CadreNature.choices)
    since = DateField(label=_("任职时间"), widget=DATE)


class CadreEndForm(Form):
    cadre = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    until = DateField(label=_("离任时间"), widget=DATE)


class StatusProposeForm(Form):
    kind = forms.ChoiceField(label=_("团籍变动"), choices=StatusKind.choices)
    reason = forms.CharField(label=_("事由"), max_length=200, required=False,
                             help_text=_("自愿退团须有本人书面申请；恢复团籍须写明理由"))


class StatusDecisionForm(Form):
    decision = forms.ChoiceField(label=_("审核结论"), choices=(("approve", _("批准")), ("reject", _("不批准"))),
                                 widget=forms.RadioSelect)
    note = forms.CharField(label=_("审核意见"), max_length=200, required=False, help_text=_("不批准时必填"))


class StatusWithdrawForm(Form):
    reason = forms.CharField(label=_("退团申请"), max_length=200, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("请写明退团理由，经团组织审核后生效"))


class RemitFilterForm(Form):
    state = forms.ChoiceField(label=_("状态"), required=False)
    unit = forms.IntegerField(label=_("团组织（含下级）"), required=False, min_value=1, widget=UnitPicker())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import RemitState

        self.fields["state"].choices = [("", _("全部"))] + list(RemitState.choices)


class RemitForm(Form):
    """上缴: the organisation remitting and the amount it means to remit (checked against what it collected)."""

    unit = forms.TypedChoiceField(label=_("上缴单位"), coerce=int)
    amount = forms.DecimalField(label=_("上缴金额（元）"), max_digits=12, decimal_places=2, required=False,
                                help_text=_("不填则按收缴金额减去留存计算"))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("请选择"))] + [(u.pk, u.name) for u in units]


class DuesUseFilterForm(Form):
    unit = forms.IntegerField(label=_("团组织（含下级）"), required=False, min_value=1, widget=UnitPicker())


class DuesUseForm(Form):
    unit = forms.TypedChoiceField(label=_("团组织"), coerce=int)
    amount = forms.DecimalField(label=_("金额（元）"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2)
    purpose = forms.CharField(label=_("用途"), max_length=200)
    decided_on = DateField(label=_("集体决定日期"), widget=DATE)
    decision_ref = forms.CharField(label=_("决定文号或会议记录"), max_length=100)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("请选择"))] + [(u.pk, u.name) for u in units]


# --- 团组织活动 -----------------------------------------------------------------------------------------------

LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ActivityFilterForm(Form):
    q = forms.CharField(label=_("活动主题或地点"), required=False, max_length=50)
    state = forms.ChoiceField(label=_("状态"), required=False)
    unit = forms.IntegerField(label=_("团组织（含下级）"), required=False, min_value=1, widget=UnitPicker())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import ActivityState

        self.fields["state"].choices = [("", _("全部"))] + list(ActivityState.choices)


class ActivityForm(Form):
    """A draft activity: the publishing organisation, what, when, where, and whom it invites."""

    unit = forms.TypedChoiceField(label=_("发布组织"), coerce=int)
    theme = forms.CharField(label=_("活动主题"), max_length=100)
    starts_at = DateTimeField(label=_("开始时间"), widget=LOCAL)
    ends_at = DateTimeField(label=_("结束时间"), widget=LOCAL)
    place = forms.CharField(label=_("地点"), max_length=100)
    content = forms.CharField(label=_("活动内容"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 4}), help_text=_("最多 2000 字"))
    reach = forms.ChoiceField(label=_("邀请范围"), widget=forms.RadioSelect)
    branches = forms.TypedMultipleChoiceField(label=_("邀请的团支部"), coerce=int, required=False,
                                              widget=forms.CheckboxSelectMultiple,
                                              help_text=_("邀请范围为“选定团支部的团员”时选择"))

    def __init__(self, *args, units=(), branches=(), **kwargs):
        super().__init__(*args, **kwargs)
        from .models import ActivityReach

        self.fields["unit"].choices = [("", _("请选择"))] + [(u.pk, u.name) for u in units]
        self.fields["reach"].choices = ActivityReach.choices
        self.fields["reach"].initial = ActivityReach.SUBTREE
        self.fields["branches"].choices = [(b.pk, b.name) for b in branches]


class ActivitySummaryForm(Form):
    summary = forms.CharField(label=_("活动总结"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5}),
                              help_text=_("最多 2000 字"))
    photos = MultipleFileField(label=_("活动照片"), required=False,
                               help_text=_("JPEG 或 PNG 图片，可多选；结项前至少上传一张"))
