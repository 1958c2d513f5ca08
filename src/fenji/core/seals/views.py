"""The security administrator's seal console: units in scope with their seals, make one, withdraw one."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.inputs import search_text
from fenji.core.org import selectors as org_selectors
from fenji.core.web.forms import form_post
from fenji.core.web.routes import requires

from . import permissions as perms
from . import selectors, services
from .forms import RevokeForm


@requires(perms.KEY_MANAGE)
def seal_list(request):
    q = search_text(request.GET.get("q"), limit=50)
    units = list(org_selectors.unit_list_matching(actor=request.actor, text=q, limit=50, action=perms.KEY_MANAGE))
    keys = selectors.seal_key_list_for_units(actor=request.actor, units=units)
    rows = []
    for unit in units:
        unit_keys = keys.get(unit.pk, [])
        live = next((k for k in unit_keys if k.live), None)
        rows.append({"unit": unit, "live": live, "image": selectors.image_data_uri(live) if live else "",
                     "revoked": [k for k in unit_keys if not k.live]})
    return render(request, "seals/list.html", {"rows": rows, "q": q})


@requires(perms.KEY_MANAGE)
@require_http_methods(["GET", "POST"])
def create(request, unit_pk):
    unit = org_selectors.unit_get(actor=request.actor, pk=unit_pk, action=perms.KEY_MANAGE)
    error = ""
    if request.method == "POST":
        try:
            services.seal_key_create(actor=request.actor, unit=unit)
        except DomainError as refusal:
            error = refusal.message
        else:
            messages.success(request, _("已为“%(unit)s”制发电子印章") % {"unit": unit.name})
            return redirect(f"{reverse('seals:list')}?q={unit.name}")
    return render(request, "web/confirm.html", {
        "title": _("制发电子印章"), "button": _("确认制发"), "button_class": "btn",
        "question": error or _("为“%(unit)s”生成新的 SM2 密钥对和印章图像？私钥加密保存，仅用于该单位负责人审核后盖章。")
        % {"unit": unit.name},
        "cancel_url": reverse("seals:list"),
    })


@requires(perms.KEY_MANAGE)
@require_http_methods(["GET", "POST"])
def revoke(request, pk):
    key = selectors.seal_key_get(actor=request.actor, pk=pk)
    form = RevokeForm(request.POST or None)
    done = form_post(request, form, lambda data: services.seal_key_revoke(
        actor=request.actor, key=key, reason=data["reason"]), success=f"{reverse('seals:list')}?q={key.unit.name}",
        message=_("已停用“%(unit)s”的电子印章") % {"unit": key.unit.name})
    if done:
        return done
    return render(request, "web/confirm.html", {
        "title": _("停用电子印章"), "button": _("确认停用"), "form": form,
        "question": _("停用后“%(unit)s”不能再用该印章盖章；已盖章的文件仍可校验。") % {"unit": key.unit.name},
        "cancel_url": reverse("seals:list"),
    })
