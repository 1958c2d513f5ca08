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

    def __init__(self, *args, attachments=(), **kwargs):
        super().__init__(*args, **kwargs)
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
