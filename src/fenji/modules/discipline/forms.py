from django import forms
from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.forms import Form
from fenji.core.kernel.inputs import DateField
from fenji.core.org.widgets import UnitPicker
from fenji.core.people.identity import clean_mobile
from fenji.core.people.import_forms import MemberImportForm

from .models import (
    AbsenceState,
    AppealKind,
    AppealResult,
    CaseState,
    CaseType,
    Category,
    Channel,
    ClueSource,
    ClueState,
    ConductKind,
    Disposal,
    Outcome,
    PetitionState,
    Purpose,
    RectificationState,
    RecusalGround,
)
from .rank import RANKS
from .sanctions import GOVERNMENT, PARTY
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


class PetitionerSearchForm(Form):
    """按信访人查询: posted, never in the address (history, logs, the export link), and not shown back."""

    petitioner_phone = forms.CharField(label=_("信访人手机号"), max_length=20,
                                       help_text=_("只在您承办的信访件中查找，查询留痕"))

    def clean_petitioner_phone(self):
        try:
            return clean_mobile(self.cleaned_data.get("petitioner_phone") or "")
        except DomainError:
            raise forms.ValidationError(_("请输入 11 位手机号码")) from None


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


class RecusalForm(Form):
    ground = forms.ChoiceField(label=_("回避事由"), choices=[("", _("请选择"))] + RecusalGround.choices)
    note = forms.CharField(label=_("说明"), required=False, max_length=200,
                           help_text=_("事由为“其他”的，请说明；申请后该件不再向您显示"))


class UpwardDoneForm(Form):
    done_on = DateField(label=_("径送日期"), widget=DATE)


class ClueFilterForm(Form):
    number = forms.CharField(label=_("线索编号"), required=False, max_length=40)
    state = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部"))] + ClueState.choices)
    source = forms.ChoiceField(label=_("线索来源"), required=False, choices=[("", _("全部"))] + ClueSource.choices)
    disposal = forms.ChoiceField(label=_("处置方式"), required=False, choices=[("", _("全部"))] + Disposal.choices)
    start = DateField(label=_("受理日期起"), widget=DATE, required=False)
    end = DateField(label=_("受理日期止"), widget=DATE, required=False)
    overdue = forms.BooleanField(label=_("只看超期"), required=False)
    unit = forms.IntegerField(label=_("单位（含下级）"), required=False, min_value=1, widget=UnitPicker())


class ClueForm(Form):
    """登记问题线索: the clue and up to three subjects (the rank guard as for a petition)."""

    received_on = DateField(label=_("受理日期"), widget=DATE, help_text=_("补录纸质登记的，填写纸质登记的原始日期"))
    backfilled = forms.BooleanField(label=_("补录（停电、断网期间纸质登记）"), required=False)
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


class ClueReportForm(Form):
    """The report a 谈话函询 or an 初步核实 owes (``kinds``: the kinds its disposal takes)."""

    kind = forms.ChoiceField(label=_("报告类别"))
    reported_on = DateField(label=_("提交日期"), widget=DATE)
    text = forms.CharField(label=_("主要内容"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("函询回复或谈话中说明的情况；初步核实报告及分类处理意见"))

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.value, k.label) for k in kinds]


class ClueExtensionForm(Form):
    reason = forms.CharField(label=_("延期理由"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class ClueExtensionDecideForm(Form):
    approve = forms.TypedChoiceField(label=_("审批"), coerce=lambda v: v == "yes",
                                     choices=[("yes", _("同意延期")), ("no", _("不同意延期"))])
    note = forms.CharField(label=_("审批意见"), max_length=200, required=False, help_text=_("不同意时必填"))


class CaseFilterForm(Form):
    number = forms.CharField(label=_("案件编号"), required=False, max_length=40)
    state = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部"))] + CaseState.choices)
    case_type = forms.ChoiceField(label=_("立案类型"), required=False, choices=[("", _("全部"))] + CaseType.choices)
    start = DateField(label=_("呈批日期起"), widget=DATE, required=False)
    end = DateField(label=_("呈批日期止"), widget=DATE, required=False)
    overdue = forms.BooleanField(label=_("只看超期"), required=False)
    unit = forms.IntegerField(label=_("单位（含下级）"), required=False, min_value=1, widget=UnitPicker())


class CaseForm(Form):
    """立案呈批: the type, the clue it comes from (its subjects taken over) or up to three subjects, the facts."""

    case_type = forms.ChoiceField(label=_("立案类型"), choices=CaseType.choices)
    proposed_on = DateField(label=_("呈批日期"), widget=DATE)
    clue = forms.CharField(label=_("来源问题线索编号"), max_length=40, required=False,
                           help_text=_("经集体研究移送审查调查的线索，填写线索编号；反映对象随线索带入"))
    summary = forms.CharField(label=_("主要违纪违法事实"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, SUBJECT_ROWS + 1):
            self.fields[f"s{n}_name"] = forms.CharField(label=_("审查调查对象%(n)s 姓名") % {"n": n}, max_length=50,
                                                        required=False)
            self.fields[f"s{n}_workplace"] = forms.CharField(label=_("审查调查对象%(n)s 单位") % {"n": n},
                                                             max_length=100, required=False)
            self.fields[f"s{n}_post"] = forms.CharField(label=_("审查调查对象%(n)s 职务") % {"n": n}, max_length=100,
                                                        required=False)
            self.fields[f"s{n}_rank"] = forms.ChoiceField(label=_("审查调查对象%(n)s 职级") % {"n": n}, required=False,
                                                          choices=[("", _("请选择"))] + list(RANKS))
            self.fields[f"s{n}_party"] = forms.BooleanField(label=_("审查调查对象%(n)s 是党员") % {"n": n},
                                                            required=False)

    def subjects(self) -> list[SubjectIn]:
        data = self.cleaned_data
        return [SubjectIn(data[f"s{n}_name"], data[f"s{n}_workplace"], data[f"s{n}_rank"], data[f"s{n}_post"],
                          data[f"s{n}_party"])
                for n in range(1, SUBJECT_ROWS + 1) if data.get(f"s{n}_name") or data.get(f"s{n}_workplace")]


class CaseApproveForm(Form):
    approve = forms.TypedChoiceField(label=_("审批"), coerce=lambda v: v == "yes",
                                     choices=[("yes", _("同意立案")), ("no", _("不予立案"))])
    note = forms.CharField(label=_("审批意见"), max_length=200, required=False, help_text=_("不予立案时必填"))


class CaseFileForm(Form):
    party_approver = forms.CharField(label=_("批准立案的同级党委主要负责人"), max_length=100, required=False)
    party_approved_on = DateField(label=_("同级党委批准日期"), widget=DATE, required=False)
    filed_on = DateField(label=_("立案日期"), widget=DATE)


class CaseTransferForm(Form):
    transferred_on = DateField(label=_("移送审理日期"), widget=DATE)
    report = forms.CharField(label=_("审查调查报告"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4}))


class CaseReviewForm(Form):
    reviewed_on = DateField(label=_("审理日期"), widget=DATE)
    participants = forms.CharField(label=_("集体审议参加人员"), max_length=300)
    opinion = forms.CharField(label=_("审理意见"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4}))


class CaseDecideForm(Form):
    """The decision and, for each subject, a sanction from each list (or none) with its start."""

    decided_on = DateField(label=_("决定日期"), widget=DATE)
    decision_ref = forms.CharField(label=_("决定文号"), max_length=60)
    note = forms.CharField(label=_("处理决定"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}), help_text=_("不给予处分时必填"))

    def __init__(self, *args, subjects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.subject_ids = [s.pk for s in subjects]
        for s in subjects:
            self.fields[f"p{s.pk}_party"] = forms.ChoiceField(
                label=_("%(name)s 党纪处分") % {"name": s.name}, required=False,
                choices=[("", _("不给予"))] + list(PARTY))
            self.fields[f"p{s.pk}_months"] = forms.TypedChoiceField(
                label=_("%(name)s 留党察看期限") % {"name": s.name}, required=False, coerce=int, empty_value=None,
                choices=[("", "—"), (12, _("一年")), (24, _("二年"))])
            self.fields[f"p{s.pk}_gov"] = forms.ChoiceField(
                label=_("%(name)s 政务处分") % {"name": s.name}, required=False,
                choices=[("", _("不给予"))] + list(GOVERNMENT))
            self.fields[f"p{s.pk}_start"] = DateField(label=_("%(name)s 处分起始日期") % {"name": s.name},
                                                      widget=DATE, required=False, help_text=_("默认为决定日期"))

    def service_arguments(self) -> dict:
        from .case_services import SanctionIn

        data = self.cleaned_data
        sanctions = []
        for pk in self.subject_ids:
            start = data.get(f"p{pk}_start") or data["decided_on"]
            if data.get(f"p{pk}_party"):
                sanctions.append(SanctionIn(pk, data[f"p{pk}_party"], start, data.get(f"p{pk}_months")))
            if data.get(f"p{pk}_gov"):
                sanctions.append(SanctionIn(pk, data[f"p{pk}_gov"], start))
        return {"decided_on": data["decided_on"], "decision_ref": data["decision_ref"], "note": data["note"],
                "sanctions": sanctions}


class CaseExecuteForm(Form):
    executed_on = DateField(label=_("执行日期"), widget=DATE)
    note = forms.CharField(label=_("执行情况"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AppealForm(Form):
    kind = forms.ChoiceField(label=_("类别"), choices=AppealKind.choices)
    applied_on = DateField(label=_("申请日期"), widget=DATE)
    reason = forms.CharField(label=_("申请理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class AppealDecideForm(Form):
    appeal = forms.TypedChoiceField(label=_("申请"), coerce=int)
    decided_on = DateField(label=_("决定日期"), widget=DATE)
    result = forms.ChoiceField(label=_("结果"), choices=AppealResult.choices)
    note = forms.CharField(label=_("结果说明"), max_length=500, required=False, help_text=_("变更或撤销时必填"))

    def __init__(self, *args, appeals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["appeal"].choices = [(a.pk, f"{a.get_kind_display()} {a.applied_on:%Y-%m-%d}") for a in appeals]


class RectificationFilterForm(Form):
    number = forms.CharField(label=_("案件编号"), required=False, max_length=40)
    state = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部"))] + RectificationState.choices)
    start = DateField(label=_("启动日期起"), widget=DATE, required=False)
    end = DateField(label=_("启动日期止"), widget=DATE, required=False)
    overdue = forms.BooleanField(label=_("只看超期"), required=False)
    unit = forms.IntegerField(label=_("单位（含下级）"), required=False, min_value=1, widget=UnitPicker())


class RectificationRecordForm(Form):
    analysis = forms.CharField(label=_("剖析报告"), max_length=2000, required=False,
                               widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=_("剖析个案、同类岗位、重点领域和管党治党责任"))
    warned_on = DateField(label=_("警示教育会日期"), widget=DATE, required=False)
    meeting_on = DateField(label=_("专题民主生活会或组织生活会日期"), widget=DATE, required=False)
    problems = forms.CharField(label=_("问题清单"), max_length=2000, required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))
    measures = forms.CharField(label=_("整改措施"), max_length=2000, required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))
    advice_ref = forms.CharField(label=_("纪律检查建议书或监察建议书文号"), max_length=60, required=False)


class RectificationRevisitForm(Form):
    revisited_on = DateField(label=_("回访日期"), widget=DATE)
    result = forms.CharField(label=_("回访情况"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class AbsenceFilterForm(Form):
    name = forms.CharField(label=_("外出人员"), required=False, max_length=50)
    state = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部"))] + AbsenceState.choices)
    purpose = forms.ChoiceField(label=_("事由类别"), required=False, choices=[("", _("全部"))] + Purpose.choices)
    start = DateField(label=_("外出日期起"), widget=DATE, required=False)
    end = DateField(label=_("外出日期止"), widget=DATE, required=False)
    overdue = forms.BooleanField(label=_("只看逾期未归"), required=False)
    unit = forms.IntegerField(label=_("单位（含下级）"), required=False, min_value=1, widget=UnitPicker())


class AbsenceForm(Form):
    person = forms.TypedChoiceField(label=_("外出人员"), coerce=int)
    post = forms.CharField(label=_("职务"), max_length=100, required=False)
    purpose = forms.ChoiceField(label=_("事由类别"), choices=Purpose.choices)
    reason = forms.CharField(label=_("外出事由"), max_length=300)
    destination = forms.CharField(label=_("前往地点"), max_length=100)
    start_on = DateField(label=_("外出日期"), widget=DATE, help_text=_("紧急外出已电话报告的，事后补填原外出日期"))
    end_on = DateField(label=_("返回日期"), widget=DATE)
    acting_person = forms.CharField(label=_("代为主持工作人员"), max_length=50, required=False,
                                    help_text=_("单位主要负责人外出时必填"))
    contact = forms.CharField(label=_("外出期间联系电话"), max_length=20)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", _("请选择"))] + [(a.pk, a.person.real_name) for a in people]


class AbsenceApproveForm(Form):
    approve = forms.TypedChoiceField(label=_("审批"), coerce=lambda v: v == "yes",
                                     choices=[("yes", _("同意")), ("no", _("不同意"))])
    note = forms.CharField(label=_("审批意见"), max_length=200, required=False, help_text=_("不同意时必填"))


class AbsenceExtendForm(Form):
    new_end = DateField(label=_("延长至"), widget=DATE)
    reason = forms.CharField(label=_("延期事由"), max_length=200)


class AbsenceReturnForm(Form):
    returned_on = DateField(label=_("销假日期"), widget=DATE)


class ConductFilterForm(Form):
    kind = forms.ChoiceField(label=_("类别"), required=False, choices=[("", _("全部"))] + ConductKind.choices)
    reported = forms.ChoiceField(label=_("上报"), required=False,
                                 choices=[("", _("全部")), ("yes", _("已上报")), ("no", _("未上报"))])
    start = DateField(label=_("发现日期起"), widget=DATE, required=False)
    end = DateField(label=_("发现日期止"), widget=DATE, required=False)
    unit = forms.IntegerField(label=_("单位（含下级）"), required=False, min_value=1, widget=UnitPicker())


class ConductForm(Form):
    kind = forms.ChoiceField(label=_("类别"), choices=ConductKind.choices)
    found_on = DateField(label=_("发现日期"), widget=DATE)
    summary = forms.CharField(label=_("问题情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    subject_name = forms.CharField(label=_("涉及人员"), max_length=50)
    subject_workplace = forms.CharField(label=_("涉及人员单位"), max_length=100)
    subject_post = forms.CharField(label=_("职务"), max_length=100, required=False)
    subject_rank = forms.ChoiceField(label=_("职级"), choices=[("", _("请选择"))] + list(RANKS))
    handling = forms.CharField(label=_("处理情况"), max_length=1000, required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))

    def service_arguments(self) -> dict:
        d = self.cleaned_data
        return {"kind": d["kind"], "found_on": d["found_on"], "summary": d["summary"], "handling": d["handling"],
                "subject": SubjectIn(d["subject_name"], d["subject_workplace"], d["subject_rank"], d["subject_post"])}


class ConductReportForm(Form):
    reported_on = DateField(label=_("上报日期"), widget=DATE)
    handling = forms.CharField(label=_("处理情况"), max_length=1000, required=False,
                               widget=forms.Textarea(attrs={"rows": 3}), help_text=_("空白则保留原有记录"))


class StatsForm(Form):
    """统计: a period (a month, a quarter, a year, or 自定义 with both dates) and the unit whose units are counted."""

    period = forms.ChoiceField(label=_("统计期间"), required=False)
    start = DateField(label=_("自定义起"), widget=DATE, required=False)
    end = DateField(label=_("自定义止"), widget=DATE, required=False)
    unit = forms.IntegerField(label=_("单位"), required=False, min_value=1, widget=UnitPicker())

    def __init__(self, *args, periods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [*periods, ("custom", _("自定义"))]

    def clean(self):
        from .stats import MAX_SPAN

        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if data.get("period") == "custom":
            if not start or not end:
                self.add_error("start" if not start else "end", _("自定义期间请填写起止日期"))
            elif end < start:
                self.add_error("end", _("结束日期不能早于开始日期"))
            elif end - start > MAX_SPAN:
                self.add_error("end", _("统计区间不能超过三年"))
        return data


class LearningFilterForm(Form):
    q = forms.CharField(label=_("标题或内容"), required=False, max_length=50)


class PetitionImportForm(MemberImportForm):
    """补录导入: the .xlsx file only — the petitions are back-entered at the user's own unit."""

    unit = None
