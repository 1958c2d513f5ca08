from django import forms
from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.forms import Form


class CodeForm(Form):
    code = forms.CharField(
        label=_("动态口令"), max_length=12, help_text=_("验证器中当前显示的 6 位数字"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True,
                                      "pattern": "[0-9 ]*"}))


class RecoveryForm(Form):
    recovery_code = forms.CharField(
        label=_("恢复码"), max_length=20, help_text=_("绑定验证器时保存的 10 位恢复码，每个只能使用一次"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}))
