from django import forms
from django.utils.translation import gettext_lazy as _

from fenji.core.files.forms import MultipleFileField
from fenji.core.kernel.forms import Form
from fenji.core.kernel.inputs import DateField
from fenji.core.org.widgets import UnitPicker

from . import record_fields
from .models import ElderStatus, Health, Rank, RecordKind, Retirement, SelfCare

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ElderFilterForm(Form):
    q = forms.CharField(label=_("姓名、支部或原职务"), required=False, max_length=50)
    retirement = forms.ChoiceField(label=_("离休/退休"), required=False, choices=[("", _("全部"))] + Retirement.choices)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部"))] + ElderStatus.choices,
                               initial=ElderStatus.ACTIVE)
    unit = forms.IntegerField(label=_("单位（含下级）"), required=False, min_value=1, widget=UnitPicker())


class ElderFactsForm(Form):
    retirement = forms.ChoiceField(label=_("离休/退休"), choices=Retirement.choices)
    former_post = forms.CharField(label=_("原工作单位及职务"), max_length=100, required=False)
    rank = forms.ChoiceField(label=_("原职级"), choices=Rank.choices, initial=Rank.OTHER)
    retired_on = DateField(label=_("离退休时间"), widget=DATE, required=False)
    residence = forms.CharField(label=_("居住地址"), max_length=200, required=False)
    health = forms.ChoiceField(label=_("健康状况"), choices=Health.choices)
    self_care = forms.ChoiceField(label=_("生活自理情况"), choices=SelfCare.choices)
    living_alone = forms.BooleanField(label=_("独居"), required=False)
    contact_name = forms.CharField(label=_("联系亲属"), max_length=50, required=False)
    contact_relation = forms.CharField(label=_("与本人关系"), max_length=20, required=False)
    contact_phone = forms.CharField(label=_("亲属联系电话"), max_length=20, required=False)
    branch = forms.CharField(label=_("所在离退休干部党支部"), max_length=100, required=False)


class ElderForm(ElderFactsForm):
    real_name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号码"), max_length=24)
    mobile = forms.CharField(label=_("手机号码"), max_length=20, required=False,
                             help_text=_("填写后开通手机端账号，老同志凭短信验证码激活"))
    field_order = ["real_name", "id_number", "mobile"]


class ElderStatusForm(Form):
    status = forms.ChoiceField(label=_("状态"), choices=ElderStatus.choices)
    note = forms.CharField(label=_("说明"), max_length=200, required=False, help_text=_("已故或迁出时必填"))


class RecordFilterForm(Form):
    kind = forms.ChoiceField(label=_("记录类型"), required=False, choices=[("", _("全部"))] + RecordKind.choices)
    q = forms.CharField(label=_("摘要或经办人"), required=False, max_length=50)
    start = DateField(label=_("活动结束日期起"), widget=DATE, required=False)
    end = DateField(label=_("活动结束日期止"), widget=DATE, required=False)
    late = forms.BooleanField(label=_("只看逾期录入"), required=False)
    unit = forms.IntegerField(label=_("单位（含下级）"), required=False, min_value=1, widget=UnitPicker())

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("结束日期不能早于开始日期"))
        return data


def _detail_field(detail: record_fields.Detail):
    if detail.type == "choice":
        return forms.ChoiceField(label=detail.label, required=detail.required,
                                 choices=[("", _("请选择"))] + [(c, c) for c in detail.choices])
    if detail.type == "date":
        return DateField(label=detail.label, widget=DATE, required=detail.required)
    if detail.type == "int":
        return forms.IntegerField(label=detail.label, required=detail.required, min_value=0,
                                  max_value=record_fields.INT_MAX)
    widget = forms.Textarea(attrs={"rows": 3}) if detail.multiline else None
    return forms.CharField(label=detail.label, required=detail.required, max_length=detail.max_length, widget=widget,
                           help_text=detail.help)


class RecordForm(Form):
    """A service record of one kind: the common fields, then the kind's own (``record_fields``)."""

    elder = forms.TypedChoiceField(label=_("服务对象（老干部）"), coerce=int, required=False)
    started_on = DateField(label=_("活动开始日期"), widget=DATE, required=False)
    ended_on = DateField(label=_("活动结束日期"), widget=DATE, help_text=_("活动结束后 5 个工作日内录入为按时"))
    workers = forms.CharField(label=_("经办人员"), max_length=100, help_text=_("走访人、经办人或带队人，多人用顿号分隔"))
    amount = forms.DecimalField(label=_("金额（元）"), required=False, min_value=0, max_digits=10, decimal_places=2)
    hours = forms.DecimalField(label=_("服务时长（小时）"), required=False, min_value=0, max_digits=6, decimal_places=1)
    uploads = MultipleFileField(label=_("照片和附件"), required=False, help_text=_("JPEG、PNG 图片或 PDF，最多 9 个"))

    def __init__(self, *args, kind: str, elders=(), editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind in record_fields.WITH_ELDER and not editing:
            self.fields["elder"].required = True
            self.fields["elder"].choices = [("", _("请选择"))] + [
                (e.pk, f"{e.person.real_name}（{e.unit.name}）") for e in elders]
        else:
            del self.fields["elder"]
        if kind in record_fields.AMOUNT_LABEL:
            self.fields["amount"].label = record_fields.AMOUNT_LABEL[kind]
        else:
            del self.fields["amount"]
        if kind in record_fields.WITH_HOURS:
            self.fields["hours"].required = True
        else:
            del self.fields["hours"]
        if kind == RecordKind.BRANCH:
            self.fields["workers"].label = _("组织人员")
        self.fields["uploads"].widget.attrs["accept"] = "image/jpeg,image/png,application/pdf"  # the phone's camera too
        for detail in record_fields.fields_of(kind):
            self.fields[f"d_{detail.key}"] = _detail_field(detail)
        if editing:
            self.fields["reason"] = forms.CharField(label=_("修改原因"), max_length=200,
                                                    help_text=_("修改前后的内容和原因都会留存，抽查时可见"))

    def split(self) -> dict:
        """The cleaned data as the services take it: the kind's fields gathered into ``details``."""
        data = dict(self.cleaned_data)
        details = {key[2:]: data.pop(key) for key in list(data) if key.startswith("d_")}
        data["details"] = {k: v for k, v in details.items() if v not in (None, "")}
        return data

    @staticmethod
    def initial_for(record) -> dict:
        initial = {"started_on": record.started_on, "ended_on": record.ended_on, "workers": record.workers,
                   "amount": record.amount, "hours": record.hours}
        initial.update({f"d_{key}": value for key, value in record.details.items()})
        return initial
