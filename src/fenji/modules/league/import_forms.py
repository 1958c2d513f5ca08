from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.forms import Form


class LeagueImportForm(Form):
    """批量导入团员: the branch (one the actor enters members into) and the .xlsx file."""

    branch = forms.TypedChoiceField(label=_("团支部"), coerce=int)
    file = forms.FileField(label=_("Excel 文件"), help_text=_("按导入模板填写的 .xlsx 文件"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))

    def __init__(self, *args, branches=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].choices = [("", _("请选择"))] + [(b.pk, b.name) for b in branches]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith(".xlsx"):
            raise forms.ValidationError(_("请上传 .xlsx 格式的 Excel 文件（.xls、.csv 请先用 Excel 或 WPS 另存为 .xlsx）"))
        limit = int(settings.UPLOAD_MAX_MB)
        if upload.size > limit * 1024 * 1024:
            raise forms.ValidationError(_("文件超过 %(limit)s MB 的上限：请分成多个文件导入") % {"limit": limit})
        return upload
