from django import forms
from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.forms import Form
from fenji.core.kernel.inputs import DateField
from fenji.core.org.widgets import UnitPicker

from .models import AccountStatus, DutyStatus, account_kinds_used


class LoginForm(Form):
    mobile = forms.CharField(label=_("手机号码"), max_length=20, widget=forms.TextInput(
        attrs={"autocomplete": "username", "inputmode": "numeric", "autofocus": True}))
    password = forms.CharField(label=_("密码"), max_length=128, strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class PasswordChangeForm(Form):
    old_password = forms.CharField(label=_("原密码"), strip=False,
                                   widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    new_password = forms.CharField(
        label=_("新密码"), strip=False, max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("至少10个字符，须同时包含字母、数字和特殊字符，不能包含手机号码，不能与最近5次的密码相同"),
    )
    new_password2 = forms.CharField(label=_("再次输入新密码"), strip=False,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password2") and data["new_password"] != data["new_password2"]:
            self.add_error("new_password2", _("两次输入的新密码不一致"))
        return data


class AccountOpenForm(Form):
    real_name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号码"), max_length=18, required=False,
                                help_text=_("18位，实名制必填（群众账号可不填）"))
    mobile = forms.CharField(label=_("手机号码"), max_length=20, help_text=_("即登录账号；初始密码将以短信发送到该号码"))
    kind = forms.ChoiceField(label=_("账号类型"), choices=account_kinds_used)
    title = forms.CharField(label=_("职务"), max_length=50, required=False)


class AccountFilterForm(Form):
    # Mobile and ID numbers are encrypted at rest: only a whole number can be looked up (its blind index).
    q = forms.CharField(label=_("姓名或手机号"), required=False, help_text=_("手机号须输入完整11位"),
                        widget=forms.TextInput(attrs={"placeholder": _("手机号须输入完整11位")}))
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=lambda: [("", _("全部")), *account_kinds_used()])
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部"))] + AccountStatus.choices)
    unit = forms.IntegerField(required=False, widget=forms.HiddenInput)


class DisableForm(Form):
    reason = forms.CharField(label=_("停用原因"), max_length=200, help_text=_("如：调离、退休、长期未登录"))


class MobileChangeForm(Form):
    mobile = forms.CharField(label=_("新手机号码"), max_length=20)


class StaleDisableForm(Form):
    """The review of idle staff accounts (the accounts themselves are the page's checkboxes)."""

    note = forms.CharField(label=_("审核意见"), max_length=120,
                           help_text=_("必填，将记入停用原因和审计日志，如：经单位核实，已调离"))


class DutyStatusForm(Form):
    status = forms.ChoiceField(label=_("人员状态"), choices=DutyStatus.choices)
    since = DateField(label=_("起始日期"), required=False, help_text=_("不填为今天"),
                      widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("情况说明"), max_length=200, required=False,
                           help_text=_("除“在岗”外必填，如：2026年3月退休、调往市人社局、病假至9月"))

    def clean(self):
        data = super().clean()
        if data.get("status") and data["status"] != DutyStatus.ON_DUTY and not (data.get("note") or "").strip():
            self.add_error("note", _("请填写情况说明"))
        return data


class PersonCorrectForm(Form):
    real_name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("新身份证号码"), max_length=18, required=False,
                                help_text=_("18位；不更正身份证号码请留空。性别和出生日期将按新号码重新生成"))


class AccountMoveForm(Form):
    unit = forms.IntegerField(label=_("调入单位"), min_value=1, widget=UnitPicker(),
                              help_text=_("查找并选择调入的单位（须在您的管理范围内）"))
    reason = forms.CharField(label=_("调动原因"), max_length=200, help_text=_("最多 200 字，记入账户台账和审计日志"))
