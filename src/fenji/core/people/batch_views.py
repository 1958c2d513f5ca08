"""The account list's batch actions (停用所选, 导出所选): the consequence is confirmed before disabling."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.forms import Form
from fenji.core.kernel.inputs import parse_ids
from fenji.core.web.excel import stamp
from fenji.core.web.routes import requires

from . import batch
from . import permissions as perms


class BatchDisableForm(Form):
    reason = forms.CharField(label=gettext_lazy("停用原因"), max_length=200, help_text=gettext_lazy("最多 200 字"))


@requires(perms.ACCOUNT_VIEW)
@require_POST
def account_batch(request):
    back = request.POST.get("back") or reverse("people:accounts")
    if not back.startswith("/people/accounts/"):
        back = reverse("people:accounts")
    ids = parse_ids(request.POST.getlist("ids"))
    op = request.POST.get("op")
    try:
        if op == "export":
            return batch.account_selection_export(actor=request.actor, ids=ids).response(f"accounts-{stamp()}.xlsx")
        if op != "disable":
            raise DomainError(_("请选择要执行的操作"))
        accounts = batch.accounts_selected(actor=request.actor, ids=ids, action=perms.ACCOUNT_DISABLE)
        form = BatchDisableForm(request.POST if request.POST.get("confirmed") == "1" else None)
        if form.is_bound and form.is_valid():
            done = batch.account_disable_batch(actor=request.actor, ids=ids, reason=form.cleaned_data["reason"])
            messages.success(request, _("已停用 %(n)d 个账号") % {"n": len(done)})
            return redirect(back)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(back)
    return render(request, "people/batch_disable.html", {
        "accounts": accounts, "form": form, "back": back, "ids": ids,
        "question": _("将停用 %(n)d 个账号：%(names)s。停用后这些账号立即无法登录，其会话和接口令牌随即结束；可随时重新启用。") % {
            "n": len(accounts), "names": "、".join(a.person.real_name for a in accounts[:20])
            + ("等" if len(accounts) > 20 else "")},
    })
