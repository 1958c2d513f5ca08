from django import forms
from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.forms import Form


class RevokeForm(Form):
    reason = forms.CharField(label=_("停用原因"), max_length=200)
