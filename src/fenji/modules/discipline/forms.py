from django import forms
from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.forms import Form
from fenji.core.kernel.inputs import DateField
from fenji.core.org.widgets import UnitPicker

from .models import Category, Channel, ClueSource, ClueState, Disposal, Outcome, PetitionState
from .rank import RANKS
from .services import DECISIONS, SubjectIn

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SUBJECT_ROWS = 3


class PetitionFilterForm(Form):
    number = forms.CharField(label=_("编号"), required=False, max_length=40)
    state = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部"))] + PetitionState.choices)
    category = forms.ChoiceField(label=_("类别"), required=False, choices=[("", _("全部"))] + Category.choices)
    start = DateField(label=_("收件日期起"), widget=DATE, required=False)
    end = DateField(label=_("收件日期止"), widget=DATE, required=False)
    overdue = forms.BooleanField(label=_("只看逾期"), required=False)
    unit = forms.IntegerField(label=_("单位（含下级）"), required=False, min_value=1, widget=UnitPicker())


class PetitionForm(Form):
    """登记信访件: the petition, the petitioner (real name only) and up to three subjects."""

    received_on = DateField(label=_("收件日期"), widget=DATE, help_text=_("补录纸质登记的，填写纸质登记的原始日期"))
    backfilled = forms.BooleanField(label=_("补录（停电、断网期间纸质登记）"), required=False)
    channel = forms.ChoiceField(label=_("来源渠道"), choices=Channel.choices)
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices)
    real_name = forms.BooleanField(label=_("实名"), required=False, help_text=_("实名须留有可核实的联系电话"))
    petitioner_name = forms.CharField(label=_("信访人姓名或单位"), max_length=50, required=False)
    petitioner_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    petitioner_workplace = forms.CharField(label=_("信访人工作单位"), max_length=100, required=False)
    petitioner_address = forms.CharField(label=_("信访人地址"), max_length=200, required=False)
    content = forms.CharField(label=_("反映的主要问题"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, SUBJECT_ROWS + 1):
            first = n == 1
            self.fields[f"s{n}_name"] = forms.CharField(label=_("被反映人%(n)s 姓名") % {"n": n}, max_length=50,
                                                        required=first)
            self.fields[f"s{n}_workplace"] = forms.CharField(label=_("被反映人%(n)s 单位") % {"n": n}, max_length=100,
                                                             required=first)
            self.fields[f"s{n}_post"] = forms.CharField(label=_("被反映人%(n)s 职务") % {"n": n}, max_length=100,
                                                        required=False)
            self.fields[f"s{n}_rank"] = forms.ChoiceField(label=_("被反映人%(n)s 职级") % {"n": n}, required=first,
                                                          choices=[("", _("请选择"))] + list(RANKS))
            self.fields[f"s{n}_party"] = forms.BooleanField(label=_("被反映人%(n)s 是党员") % {"n": n}, required=False)

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        subjects = [SubjectIn(data[f"s{n}_name"], data[f"s{n}_workplace"], data[f"s{n}_rank"], data[f"s{n}_post"],
                              data[f"s{n}_party"])
                    for n in range(1, SUBJECT_ROWS + 1) if data.get(f"s{n}_name") or data.get(f"s{n}_workplace")]
        return {"received_on": data["received_on"], "backfilled": data["backfilled"], "channel": data["channel"],
                "category": data["category"], "real_name": data["real_name"], "content": data["content"],
                "subjects": subjects,
                "petitioner": {key: data[f"petitioner_{key}"] for key in ("name", "phone", "workplace", "address")}}


class DecideForm(Form):
    decision = forms.ChoiceField(label=_("处理方式"), choices=list(DECISIONS.items()))
    note = forms.CharField(label=_("处理意见或理由"), max_length=200, required=False,
                           help_text=_("不予受理、转上级、退回时必填"))
    to_unit = forms.TypedChoiceField(label=_("转送单位"), coerce=int, required=False, help_text=_("转下级时选择"))

    def __init__(self, *args, children=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].choices = [("", _("请选择"))] + [(u.pk, u.name) for u in children]


class NoticeForm(Form):
    notice_on = DateField(label=_("告知日期"), widget=DATE)


class CloseForm(Form):
    result = forms.CharField(label=_("办理结果"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class FeedbackForm(Form):
    feedback_on = DateField(label=_("反馈日期"), widget=DATE)


class UpwardDoneForm(Form):
    done_on = DateField(label=_("径送日期"), widget=DATE)


class ClueFilterForm(Form):
    number = forms.CharField(label=_("线索编号"), required=False, max_length=40)
    state = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部"))] + ClueState.choices)
    source = forms.ChoiceField(label=_("线索来源"), required=False, choices=[("", _("全部"))] + ClueSource.choices)
    disposal = forms.ChoiceField(label=_("处置方式"), required=False, choices=[("", _("全部"))] + Disposal.choices)
    start = DateField(label=_("受理日期起"), widget=DATE, required=False)
    end = DateField(label=_("受理日期止"), widget=DATE, required=False)
    unit = forms.IntegerField(label=_("单位（含下级）"), required=False, min_value=1, widget=UnitPicker())


class ClueForm(Form):
    """登记问题线索: the clue and up to three subjects (the rank guard as for a petition)."""

    received_on = DateField(label=_("受理日期"), widget=DATE)
    source = forms.ChoiceField(label=_("线索来源"), choices=ClueSource.choices)
    petition = forms.CharField(label=_("来源信访件编号"), max_length=40, required=False,
                               help_text=_("来自信访举报的，填写信访件编号"))
    summary = forms.CharField(label=_("主要问题"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, SUBJECT_ROWS + 1):
            first = n == 1
            self.fields[f"s{n}_name"] = forms.CharField(label=_("反映对象%(n)s 姓名") % {"n": n}, max_length=50,
                                                        required=first)
            self.fields[f"s{n}_workplace"] = forms.CharField(label=_("反映对象%(n)s 单位") % {"n": n}, max_length=100,
                                                             required=first)
            self.fields[f"s{n}_post"] = forms.CharField(label=_("反映对象%(n)s 职务") % {"n": n}, max_length=100,
                                                        required=False)
            self.fields[f"s{n}_rank"] = forms.ChoiceField(label=_("反映对象%(n)s 职级") % {"n": n}, required=first,
                                                          choices=[("", _("请选择"))] + list(RANKS))
            self.fields[f"s{n}_party"] = forms.BooleanField(label=_("反映对象%(n)s 是党员") % {"n": n}, required=False)

    def subjects(self) -> list[SubjectIn]:
        data = self.cleaned_data
        return [SubjectIn(data[f"s{n}_name"], data[f"s{n}_workplace"], data[f"s{n}_rank"], data[f"s{n}_post"],
                          data[f"s{n}_party"])
                for n in range(1, SUBJECT_ROWS + 1) if data.get(f"s{n}_name") or data.get(f"s{n}_workplace")]


class ClueAssignForm(Form):
    handlers = forms.TypedMultipleChoiceField(label=_("承办人"), coerce=int, widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("分办意见"), max_length=200, required=False)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handlers"].choices = [(a.pk, a.person.real_name) for a in people]


class ClueApproveForm(Form):
    approve = forms.TypedChoiceField(label=_("审批"), coerce=lambda v: v == "yes",
                                     choices=[("yes", _("同意分办")), ("no", _("退回重新分办"))])
    note = forms.CharField(label=_("审批意见"), max_length=200, required=False, help_text=_("退回时必填"))


class ClueDisposeForm(Form):
    disposal = forms.ChoiceField(label=_("处置方式"), choices=Disposal.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("处置意见"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    study_on = DateField(label=_("集体研究日期"), widget=DATE, required=False, help_text=_("移送审查调查时必填"))
    study_participants = forms.CharField(label=_("集体研究参加人员"), max_length=300, required=False)
    study_conclusion = forms.CharField(label=_("集体研究结论"), max_length=500, required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}))


class ClueSignForm(Form):
    note = forms.CharField(label=_("签字意见"), max_length=200, required=False)


class ClueConcludeForm(Form):
    outcome = forms.ChoiceField(label=_("处置结果"), choices=Outcome.choices)
    note = forms.CharField(label=_("结果说明"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))
