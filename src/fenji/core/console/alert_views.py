"""提醒设置: the rule of each kind of alert (SMS on or off, the due-soon lead time), for the platform's
top-level system administrators only (the rules are one for the whole platform)."""

from django import forms
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from fenji.core.kernel.forms import Form
from fenji.core.notify import alerts
from fenji.core.notify.permissions import ALERT_MANAGE
from fenji.core.web.forms import form_post
from fenji.core.web.routes import requires

from . import alert_services


class AlertRuleForm(Form):
    kind = forms.ChoiceField(choices=lambda: [(kind, kind) for kind in alerts.kinds()], widget=forms.HiddenInput)
    sms = forms.BooleanField(label=gettext_lazy("短信"), required=False)
    lead_minutes = forms.IntegerField(label=gettext_lazy("到期前提醒（分钟）"), required=False, min_value=1,
                                      max_value=alerts.LEAD_MAX_MINUTES)


@requires(ALERT_MANAGE)
@require_http_methods(["GET", "POST"])
def alert_rules(request):
    alert_services.require_manage(request.actor)  # 403 below the top level, like every platform-wide setting
    form = AlertRuleForm(request.POST or None)
    done = form_post(request, form, lambda data: alert_services.alert_rule_update(actor=request.actor, **data),
                     success=reverse("ops:alerts"),
                     message=lambda rule: _("已保存“%(label)s”的提醒设置") % {"label": rule.label})
    if done:
        return done
    failed = form.data.get("kind") if form.is_bound else None
    rows = []
    for rule in alerts.rules().values():
        row_form = form if failed == rule.kind else AlertRuleForm(initial={
            "kind": rule.kind, "sms": rule.sms, "lead_minutes": rule.lead_minutes})
        rows.append({"rule": rule, "form": row_form})
    stray = form if failed and failed not in alerts.kinds() else None
    return render(request, "ops/alert_rules.html", {"rows": rows, "stray": stray,
                                                     "lead_max": alerts.LEAD_MAX_MINUTES})
