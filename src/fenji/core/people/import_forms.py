from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.forms import Form
from fenji.core.org.widgets import UnitPicker


class MemberImportForm(Form):
    """批量导入会员: the default unit (a tree picker within reach) and the .xlsx file."""

    # Any unit within reach is accepted (the view looks it up in scope: others answer 404).
    unit = forms.IntegerField(label=_("默认单位"), min_value=1, widget=UnitPicker(),
                              help_text=_("查找并选择单位；文件中“所在单位代码”为空的行，导入到此单位"))
    file = forms.FileField(label=_("Excel 文件"), help_text=_("按导入模板填写的 .xlsx 文件"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith(".xlsx"):
            raise forms.ValidationError(_("请上传 .xlsx 格式的 Excel 文件（.xls、.csv 请先用 Excel 或 WPS 另存为 .xlsx）"))
        limit = int(settings.UPLOAD_MAX_MB)
        if upload.size > limit * 1024 * 1024:
            raise forms.ValidationError(_("文件超过 %(limit)s MB 的上限：请分成多个文件导入") % {"limit": limit})
        return upload
