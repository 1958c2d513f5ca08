"""在线用户: who is signed in now in the security administrator's scope, and 强制下线 with a reason."""

from django import forms
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from fenji.core.kernel.forms import Form
from fenji.core.people import online
from fenji.core.people import permissions as perms
from fenji.core.people.selectors import account_get
from fenji.core.web.forms import form_post
from fenji.core.web.routes import requires


class SignOutForm(Form):
    reason = forms.CharField(label=gettext_lazy("原因"), max_length=online.REASON_MAX,
                             help_text=gettext_lazy("最多 200 字，记入审计日志"))


@requires(perms.SESSION_MANAGE)
def online_list(request):
    rows = online.online_list(actor=request.actor)
    return render(request, "online/list.html", {"rows": rows, "limit": online.ONLINE_LIMIT})


@requires(perms.SESSION_MANAGE)
@require_http_methods(["GET", "POST"])
def online_sign_out(request, pk):
    account = account_get(actor=request.actor, pk=pk, action=perms.SESSION_MANAGE)
    form = SignOutForm(request.POST or None)
    done = form_post(request, form,
                     lambda data: online.account_sign_out(actor=request.actor, account=account, reason=data["reason"]),
                     success=reverse("online:list"),
                     message=lambda revoked: _("已强制 %(name)s 下线：结束全部会话，吊销接口令牌 %(n)d 个") % {
                         "name": account.person.real_name, "n": len(revoked)})
    if done:
        return done
    return render(request, "web/confirm.html", {
        "title": _("强制下线"), "form": form, "button": _("强制下线"), "cancel_url": reverse("online:list"),
        "question": _("将结束 %(name)s（%(unit)s）的全部登录会话并吊销其接口令牌，对方需重新登录。") % {
            "name": account.person.real_name, "unit": account.unit.name},
    })
