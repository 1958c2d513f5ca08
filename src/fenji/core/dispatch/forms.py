from django import forms
from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.forms import Form
from fenji.core.org.kinds import kind_choices, kind_level

from .elements import DocKind, ElementError, Urgency, elements_check
from .models import DispatchKind, FeedbackKind

KIND_CHOICES = [(DispatchKind.NOTICE, _("通知")), (DispatchKind.MEETING, _("会议通知")),
                (DispatchKind.DOCUMENT, _("公文")), (DispatchKind.FEEDBACK, _("反馈件"))]
FEEDBACK_CHOICES = [("", _("（仅反馈件填写）")), (FeedbackKind.UNDERTAKE, _("承办")), (FeedbackKind.PROPOSAL, _("提案")),
                    (FeedbackKind.SUPERVISE, _("督办")), (FeedbackKind.COMPLAINT, _("投诉"))]


def unit_kind_choices():
    """The active profile's unit kinds, the top level (a root's kind) left out: it is never a target."""
    return [(code, label) for code, label in kind_choices() if kind_level(code) != "province"]

STATUS_CHOICES = [("", _("全部")), ("unsigned", _("未签收")), ("overdue", _("超期未签收")), ("signed", _("已签收")),
                  ("late", _("超期签收")), ("unreplied", _("未答复")), ("replied", _("已答复")),
                  ("pending", _("待审核")), ("accepted", _("已通过")), ("returned", _("已退回"))]


class DispatchForm(Form):
    """The new dispatch; the targets (``units``, ``subtrees``, ``kinds``) are read by the view from the
    picker's checkboxes and checked against the sender's scope by the service."""

    kind = forms.ChoiceField(label=_("类别"), choices=KIND_CHOICES, initial=DispatchKind.NOTICE)
    feedback_kind = forms.ChoiceField(label=_("反馈件类型"), choices=FEEDBACK_CHOICES, required=False)
    title = forms.CharField(label=_("标题"), max_length=200)
    doc_number = forms.CharField(label=_("发文字号"), max_length=60, required=False,
                                 help_text=_("机关代字〔年份〕序号号，如：新政办〔2026〕12号；用六角括号，序号不编虚位；可不填"))
    doc_kind = forms.ChoiceField(label=_("文种"), required=False,
                                 choices=[("", _("（不标注）"))] + list(DocKind.choices))
    urgency = forms.ChoiceField(label=_("紧急程度"), required=False,
                                choices=[("", _("（不标注）"))] + list(Urgency.choices))
    signer = forms.CharField(label=_("签发人"), max_length=60, required=False,
                             help_text=_("上行文必须标注；下发的文件可不填"))
    classification = forms.CharField(label=_("密级"), max_length=20, required=False,
                                     help_text=_("本网为非涉密网络，密级必须为空，涉密公文不得在本网传输"))
    body = forms.CharField(label=_("正文"), required=False, widget=forms.Textarea(attrs={"rows": 8}))
    sign_within_minutes = forms.IntegerField(label=_("签收时限（分钟）"), required=False, min_value=1,
                                             max_value=60 * 24 * 30,
                                             help_text=_("不填按类别默认：通知、会议通知10分钟，公文30分钟，反馈件60分钟"))
    reply_days = forms.IntegerField(label=_("答复时限（工作日）"), required=False, min_value=1, max_value=365,
                                    help_text=_("仅反馈件；不填为5个工作日"))
    kinds = forms.MultipleChoiceField(label=_("只发给以下类型的单位（勾选“含下级”时适用）"), required=False,
                                      choices=unit_kind_choices, widget=forms.CheckboxSelectMultiple)

    def clean(self):
        """The 公文 elements, checked at the edge by the same rules as the service."""
        cleaned = super().clean()
        try:
            elements = elements_check(doc_number=cleaned.get("doc_number", ""), doc_kind=cleaned.get("doc_kind", ""),
                                      urgency=cleaned.get("urgency", ""), signer=cleaned.get("signer", ""),
                                      classification=cleaned.get("classification", ""))
        except ElementError as error:
            self.add_error(error.field if error.field in self.fields else None, error.message)
        else:
            cleaned.update(doc_number=elements.doc_number, signer=elements.signer)
        return cleaned


class DeliveryFilterForm(Form):
    status = forms.ChoiceField(label=_("状态"), choices=STATUS_CHOICES, required=False)
    within = forms.IntegerField(label=_("范围"), required=False, widget=forms.Select)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["within"].widget.choices = [("", _("全部单位"))] + [(u.pk, u.name) for u in units]


class InboxFilterForm(Form):
    status = forms.ChoiceField(label=_("状态"), choices=STATUS_CHOICES, required=False)


class ReplyForm(Form):
    text = forms.CharField(label=_("答复内容"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))


class ReturnForm(Form):
    reason = forms.CharField(label=_("退回理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
