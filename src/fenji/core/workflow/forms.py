"""Forms of the request console pages. The request types' own forms are declared with the types
(``registry.RequestType.form``); these are the decision, the withdrawal and the list filters."""


from django import forms
from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.forms import Form

from .models import RequestState

APPROVE = "approve"
REJECT = "reject"


class DecisionForm(Form):
    """The decider's opinion. Which button was pressed (同意/办理 or 不同意) is ``decision``; a
    disagreement is confirmed on a second page before it is submitted (``confirmed``)."""

    decision = forms.ChoiceField(choices=[(APPROVE, _("同意")), (REJECT, _("不同意"))], widget=forms.HiddenInput)
    opinion = forms.CharField(label=_("意见"), max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}), help_text=_("不同意时必须填写意见"))
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    @property
    def approve(self) -> bool:
        return self.cleaned_data.get("decision") == APPROVE

    def clean(self):
        data = super().clean()
        if data.get("decision") == REJECT and not (data.get("opinion") or "").strip():
            self.add_error("opinion", _("不同意时请填写意见"))
        return data


class WithdrawForm(Form):
    reason = forms.CharField(label=_("撤回原因"), max_length=200, required=False)


class RequestFilterForm(Form):
    q = forms.CharField(label=_("申请事项"), max_length=100, required=False)
    state = forms.ChoiceField(label=_("状态"), required=False)
    kind = forms.ChoiceField(label=_("申请类别"), required=False)

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("全部"))] + list(RequestState.choices)
        self.fields["kind"].choices = [("", _("全部"))] + list(kinds)
