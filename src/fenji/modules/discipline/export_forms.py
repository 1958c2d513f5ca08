"""The export packages' forms: the list's filters and the hand-entered confirmation from the internal network's
import receipt."""

from django import forms
from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.forms import Form
from fenji.core.kernel.inputs import DateField
from fenji.core.org.widgets import UnitPicker

from .export_selectors import CONFIRMED, PENDING
from .forms import DATE


class ExportFilterForm(Form):
    state = forms.ChoiceField(label=_("状态"), required=False,
                              choices=[("", _("全部")), (PENDING, _("待确认")), (CONFIRMED, _("已确认"))])
    unit = forms.IntegerField(label=_("单位（含下级）"), required=False, min_value=1, widget=UnitPicker())


class ExportConfirmForm(Form):
    digest = forms.CharField(label=_("回执上的包摘要（SM3）"), max_length=80,
                             help_text=_("照内网导入回执或导入日志抄录本包 SM3 摘要的前若干位（至少按页面提示的位数），"
                                         "用以核对回执确属本包"))
    confirmed_on = DateField(label=_("内网确认日期"), widget=DATE)


class ImportForm(Form):
    package = forms.FileField(label=_("数据包（zip）"),
                              help_text=_("单向导入设备送来的导出包目录打成的 zip；全部校验通过才导入，否则整包拒绝"))
