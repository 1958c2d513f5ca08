from django import forms
from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.forms import Form

from .forms import PasswordChangeForm


class CodeRequestForm(Form):
    mobile = forms.CharField(label=_("手机号码"), max_length=20, widget=forms.TextInput(
        attrs={"autocomplete": "username", "inputmode": "numeric"}))


class CodeSetPasswordForm(CodeRequestForm):
    code = forms.CharField(label=_("短信验证码"), max_length=6, min_length=6, widget=forms.TextInput(
        attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}), help_text=_("6位数字，5分钟内有效"))
    new_password = PasswordChangeForm.base_fields["new_password"]
    new_password2 = PasswordChangeForm.base_fields["new_password2"]

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password2") and data["new_password"] != data["new_password2"]:
            self.add_error("new_password2", _("两次输入的新密码不一致"))
        return data


class SignupForm(CodeSetPasswordForm):
    real_name = forms.CharField(label=_("姓名"), max_length=50, widget=forms.TextInput(attrs={"autocomplete": "name"}))

    field_order = ["mobile", "code", "real_name", "new_password", "new_password2"]
