"""更正姓名/身份证号码 and 账号调动, from the account page."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from fenji.core.kernel.errors import DomainError
from fenji.core.org.selectors import unit_get
from fenji.core.org.widgets import pick_units_for
from fenji.core.web.forms import form_post
from fenji.core.web.routes import requires

from . import changes
from . import permissions as perms
from .forms import AccountMoveForm, PersonCorrectForm
from .selectors import account_get


@requires(perms.ACCOUNT_UPDATE)
@require_http_methods(["GET", "POST"])
def person_correct(request, pk):
    account = account_get(actor=request.actor, pk=pk, action=perms.ACCOUNT_UPDATE)
    form = PersonCorrectForm(request.POST or None, initial={"real_name": account.person.real_name})
    done = form_post(request, form, lambda data: changes.person_correct(actor=request.actor, account=account, **data),
                     success=reverse("people:account", args=[account.pk]),
                     message=lambda person: _("已更正 %(name)s 的身份信息") % {"name": person.real_name})
    return done or render(request, "people/person_correct.html", {"account": account, "form": form})


@requires(perms.ACCOUNT_UPDATE)
@require_http_methods(["GET", "POST"])
def account_move(request, pk):
    account = account_get(actor=request.actor, pk=pk, action=perms.ACCOUNT_UPDATE)
    form = AccountMoveForm(request.POST or None)
    pick_units_for(form, request.actor, perms.ACCOUNT_UPDATE)
    consequence = ""
    if request.method == "POST" and form.is_valid() and request.POST.get("confirmed") != "1":
        unit = unit_get(actor=request.actor, pk=form.cleaned_data["unit"], action=perms.ACCOUNT_UPDATE)
        try:
            ending = changes.account_move_check(actor=request.actor, account=account, unit=unit)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:  # show what will happen, and ask again
            consequence = _("将把 %(name)s 从“%(old)s”调至“%(new)s”。") % {
                "name": account.person.real_name, "old": account.unit.name, "new": unit.name}
            consequence += (_("将结束其在原单位的 %(n)d 项业务授权：%(list)s。") % {
                "n": len(ending), "list": "、".join(f"{g.role_label}（{g.unit.name}）" for g in ending)}
                if ending else _("该账号没有需要结束的业务授权。"))
        return render(request, "people/account_move.html", {"account": account, "form": form,
                                                            "consequence": consequence})
    done = form_post(request, form, lambda data: changes.account_move(
        actor=request.actor, account=account, reason=data["reason"],
        unit=unit_get(actor=request.actor, pk=data["unit"], action=perms.ACCOUNT_UPDATE)),
        success=reverse("people:account", args=[account.pk]), message=lambda moved: moved.summary)
    return done or render(request, "people/account_move.html", {"account": account, "form": form,
                                                                 "consequence": consequence})
