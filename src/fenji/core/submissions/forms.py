from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from fenji.core.files.forms import MultipleFileField
from fenji.core.kernel.forms import Form

from .models import SubmissionKind


class SubmissionForm(Form):
    kind = forms.ChoiceField(label=_("文种"), choices=SubmissionKind.choices)
    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 10}))
    contact = forms.CharField(label=_("联系人及电话"), max_length=100)
    files = MultipleFileField(label=_("附件"), required=False,
                              help_text="")

    def __init__(self, *args, attachments=(), targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        if len(targets) > 1:  # the parent and the units beside that receive (a commission's rooms)
            self.fields["target_unit"] = forms.TypedChoiceField(
                label=_("主送单位"), coerce=int, choices=[(t.pk, t.name) for t in targets],
                help_text=_("报送上级单位，或上级的有关部门审批"))
            self.order_fields(["target_unit"])
        self.fields["files"].help_text = _("PDF、OFD、docx、xlsx、JPG、PNG 或纯文本，每个文件不超过 %(mb)s MB") % {
            "mb": settings.UPLOAD_MAX_MB}
        if attachments:
            self.fields["remove"] = forms.MultipleChoiceField(
                label=_("删除附件"), required=False, widget=forms.CheckboxSelectMultiple,
                choices=[(a.pk, a.original_name) for a in attachments])


class ReturnForm(Form):
    reason = forms.CharField(label=_("退回原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class HandleForm(Form):
    note = forms.CharField(label=_("办理意见"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
