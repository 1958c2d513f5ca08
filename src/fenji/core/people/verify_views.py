"""The second step of an administrator's login: the TOTP (or a recovery code), or enrolling an authenticator.

Reached before any session exists (``public``): what it may do is decided by the pending login the
password step left in the session (``authentication.pending_login``), which expires after 5 minutes.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from fenji.core.mfa import services as mfa
from fenji.core.mfa.forms import CodeForm, RecoveryForm
from fenji.core.web.routes import public

from .authentication import enrolment_secret, pending_login, second_factor_submit

RECOVERY_USED_MESSAGE = "您已使用恢复码登录，还剩 {left} 个未使用的恢复码。如手机已丢失，请尽快联系平台运维人员重置动态口令。"


def _grouped(secret: str) -> str:
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _verify(request, *, template: str, login_url: str, home: str):
    pending = pending_login(request)
    if pending.account is None:
        if request.user.is_authenticated and request.method == "GET":
            return redirect(home)
        return render(request, template, {"restart": pending.error, "login_url": login_url})

    posted = request.POST if request.method == "POST" else None
    use_recovery = posted is not None and "recovery_code" in posted and not pending.enrolling
    code_form = CodeForm(None if use_recovery else posted)
    recovery_form = RecoveryForm(posted if use_recovery else None)
    error = ""
    if posted is not None:
        form = recovery_form if use_recovery else code_form
        if form.is_valid():
            result = second_factor_submit(request, pending, **form.cleaned_data)
            done = pending.next_url or home
            if result.ok and result.recovery_codes:
                return render(request, template, {"recovery_codes": result.recovery_codes, "continue_url": done})
            if result.ok:
                if result.recovery_left is not None:
                    messages.warning(request, RECOVERY_USED_MESSAGE.format(left=result.recovery_left))
                return redirect(done)
            if result.restart:
                return render(request, template, {"restart": result.error, "login_url": login_url}, status=403)
            error = result.error

    context = {"account": pending.account, "enrolling": pending.enrolling, "code_form": code_form,
               "recovery_form": recovery_form, "error": error, "show_recovery": use_recovery,
               "login_url": login_url}
    if pending.enrolling:
        secret = enrolment_secret(request, pending)
        context.update(secret=_grouped(secret), qr=mfa.qr_svg(mfa.provisioning_uri(pending.account, secret)))
    return render(request, template, context)


@public
@never_cache
@require_http_methods(["GET", "POST"])
def verify(request):
    return _verify(request, template="people/verify.html", login_url=reverse("people:login"),
                   home=reverse("home:home"))


@public
@never_cache
@require_http_methods(["GET", "POST"])
def mobile_verify(request):
    return _verify(request, template="people/mobile_verify.html", login_url=reverse("people:mobile_login"),
                   home=reverse("people:mobile_home"))
