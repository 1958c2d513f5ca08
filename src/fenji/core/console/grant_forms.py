"""Forms of the access console pages (grants, business roles). Choices that depend on the actor are
filled in by the view; the services decide everything else."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fenji.core.access.models import Reach
from fenji.core.kernel.forms import Form
from fenji.core.kernel.inputs import DateField
from fenji.core.org.widgets import UnitPicker


class GrantFilterForm(Form):
    # Mobile numbers are encrypted at rest: only a whole number can be looked up (its blind index).
    q = forms.CharField(label=_("姓名或手机号"), required=False, help_text=_("手机号须输入完整11位"),
                        widget=forms.TextInput(attrs={"placeholder": _("手机号须输入完整11位")}))
    revoked = forms.BooleanField(label=_("含已撤销"), required=False)
    unit = forms.IntegerField(label=_("单位（含下级）"), required=False, min_value=1, widget=UnitPicker())


class _Codes(forms.MultipleChoiceField):
    """Checked codes; an empty value (a blank field posted by a client) means none checked."""

    def to_python(self, value):
        return [code for code in super().to_python(value) if code]


class GrantForm(Form):
    """``unit`` is only an id here: the view looks it up in the actor's scope (404 outside it)."""

    account = forms.IntegerField(widget=forms.HiddenInput)
    unit = forms.IntegerField(label=_("授权单位"), widget=forms.Select,
                              help_text=_("须为被授权人所在单位或其下级单位"))
    role = forms.ChoiceField(label=_("角色"))
    reach = forms.ChoiceField(label=_("范围"), choices=Reach.choices, initial=Reach.SUBTREE)
    valid_until = DateField(label=_("有效期至"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}), help_text=_("不填则长期有效"))
    # A role of a subsystem brings its own; this limits a permission administrator (§7: 按子系统分设).
    subsystem = _Codes(
        label=_("限定子系统"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("授予权限管理员时可限定子系统：只能授予和撤销所选子系统的角色；不选则不限。业务角色的子系统由角色决定"))

    def __init__(self, *args, units=(), roles=(), subsystems=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].widget.choices = [(unit.pk, unit.name) for unit in units]
        self.fields["role"].choices = [("", _("请选择角色"))] + list(roles)
        self.fields["subsystem"].choices = list(subsystems)
        if not subsystems:
            del self.fields["subsystem"]  # no live module declares a subsystem

    def clean_valid_until(self):
        day = self.cleaned_data.get("valid_until")
        if day is None:
            return None
        if day < timezone.localdate():
            raise forms.ValidationError(_("有效期不能早于今天"))
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))


class GrantRevokeForm(Form):
    reason = forms.CharField(label=_("撤销原因"), max_length=200, help_text=_("如：调离、岗位调整、任期届满"))


class RoleForm(Form):
    code = forms.SlugField(label=_("角色代码"), max_length=40, help_text=_("英文字母、数字、下划线或连字符，创建后不能修改"))
    label = forms.CharField(label=_("角色名称"), max_length=50)
    subsystem = forms.ChoiceField(label=_("所属子系统"), required=False,
                                  help_text=_("子系统的权限只能放入该子系统的角色"))
    description = forms.CharField(label=_("说明"), max_length=200, required=False)
    actions = forms.MultipleChoiceField(label=_("权限"), widget=forms.CheckboxSelectMultiple,
                                        help_text=_("业务角色只能包含业务权限和只读权限"))

    def __init__(self, *args, actions=(), subsystems=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actions"].choices = list(actions)
        self.fields["subsystem"].choices = [("", _("不属于子系统"))] + list(subsystems)
