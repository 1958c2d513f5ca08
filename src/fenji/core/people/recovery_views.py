"""找回密码 and 激活账号 on the console and mobile sign-in pages: number → SMS code → new password.

One page per purpose and channel: "获取验证码" asks for a code (the answer never says whether the number has
an account), then the code and the new password set it. A limit reached answers 429 with Retry-After.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from fenji.core.kernel.errors import DomainError
from fenji.core.web.forms import add_domain_error
from fenji.core.web.routes import public, requires

from . import permissions as perms
from . import recovery
from .models import CodePurpose
from .recovery_forms import CodeRequestForm, CodeSetPasswordForm, SignupForm
from .selectors import account_get

TITLES = {CodePurpose.RESET: "找回密码", CodePurpose.ACTIVATE: "激活账号"}
DONE = {CodePurpose.RESET: "密码已重设，请使用新密码登录", CodePurpose.ACTIVATE: "账号已激活，请使用新密码登录"}
SETTERS = {CodePurpose.RESET: recovery.password_reset_by_code, CodePurpose.ACTIVATE: recovery.account_activate}


def _page(request, *, purpose: str, channel: str):
    mobile_channel = channel == "mobile"
    login = reverse("people:mobile_login" if mobile_channel else "people:login")
    template = "people/mobile_recovery.html" if mobile_channel else "people/recovery.html"
    step = request.POST.get("step", "") if request.method == "POST" else ""
    # two forms on one page: the first one's ids are prefixed so that each label finds its own field
    send_form = CodeRequestForm(request.POST if step == "send" else None, auto_id="send_%s")
    form = CodeSetPasswordForm(request.POST if step == "set" else None,
                               initial={"mobile": request.POST.get("mobile", "")})
    status, retry_after, sent = 200, None, ""
    try:
        if step == "send" and send_form.is_valid():
            sent = recovery.sms_code_send(mobile=send_form.cleaned_data["mobile"], purpose=purpose).message
        elif step == "set" and form.is_valid():
            data = form.cleaned_data
            SETTERS[purpose](mobile=data["mobile"], code=data["code"], password=data["new_password"])
            messages.success(request, _(DONE[purpose]))
            return redirect(login)
    except DomainError as error:
        retry_after = recovery.sms_code_retry_after(error)
        status = 429 if retry_after else 200
        if step == "send":
            add_domain_error(send_form, error)
        else:
            field = "new_password" if error.field in ("password", "new_password") else error.field
            add_domain_error(form, DomainError(error.message, field=field))
    response = render(request, template, {
        "title": _(TITLES[purpose]), "purpose": purpose, "send_form": send_form, "form": form, "sent": sent,
        "limits": recovery.LIMITS, "login_url": login,
    }, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@public
@require_http_methods(["GET", "POST"])
def password_forgot(request):
    return _page(request, purpose=CodePurpose.RESET, channel="console")


@public
@require_http_methods(["GET", "POST"])
def mobile_password_forgot(request):
    return _page(request, purpose=CodePurpose.RESET, channel="mobile")


@public
@require_http_methods(["GET", "POST"])
def activate(request):
    return _page(request, purpose=CodePurpose.ACTIVATE, channel="console")


@public
@require_http_methods(["GET", "POST"])
def mobile_activate(request):
    return _page(request, purpose=CodePurpose.ACTIVATE, channel="mobile")


def _admin_action(request, pk, *, run, title: str, question: str, button: str, done: str):
    account = account_get(actor=request.actor, pk=pk, action=perms.ACCOUNT_UPDATE)
    back = reverse("people:account", args=[account.pk])
    name = f"{account.person.real_name}（{account.mobile_masked}）"
    if request.method == "POST":
        try:
            run(actor=request.actor, account=account)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, done.format(name=name))
        return redirect(back)
    return render(request, "web/confirm.html", {"title": title, "question": question.format(name=name),
                                                "button": button, "cancel_url": back, "button_class": "btn"})


@requires(perms.ACCOUNT_UPDATE)
@require_http_methods(["GET", "POST"])
def account_password_reset(request, pk):
    return _admin_action(
        request, pk, run=recovery.account_password_reset, title=_("重置密码"), button=_("确认重置并发送短信"),
        question=_("将为 {name} 生成新的初始密码并以短信发送到其手机；原密码立即失效，其全部登录会话和接口令牌随即结束，"
                   "下次登录须修改密码。"),
        done=_("已重置 {name} 的密码，新的初始密码已以短信发送"))


@requires(perms.ACCOUNT_UPDATE)
@require_http_methods(["GET", "POST"])
def account_activation_invite(request, pk):
    return _admin_action(
        request, pk, run=recovery.account_activation_invite, title=_("发送激活短信"), button=_("发送"),
        question=_("将向 {name} 发送激活短信，告知其在掌上平台凭短信验证码设置密码、激活账号。"),
        done=_("已向 {name} 发送激活短信"))


@public
@require_http_methods(["GET", "POST"])
def mobile_signup(request):
    """群众注册: number → SMS code → name and password → signed-in citizen account (``signup.citizen_signup``)."""
    from . import signup

    if not signup.signup_open():
        raise Http404
    step = request.POST.get("step", "") if request.method == "POST" else ""
    send_form = CodeRequestForm(request.POST if step == "send" else None, auto_id="send_%s")
    form = SignupForm(request.POST if step == "set" else None, initial={"mobile": request.POST.get("mobile", "")})
    status, retry_after, sent = 200, None, ""
    try:
        if step == "send" and send_form.is_valid():
            sent = recovery.sms_code_send(mobile=send_form.cleaned_data["mobile"], purpose=CodePurpose.SIGNUP).message
        elif step == "set" and form.is_valid():
            data = form.cleaned_data
            signup.citizen_signup(mobile=data["mobile"], code=data["code"], real_name=data["real_name"],
                                  password=data["new_password"])
            messages.success(request, _("注册成功，请使用手机号码和密码登录"))
            return redirect(reverse("people:mobile_login"))
    except DomainError as error:
        retry_after = recovery.sms_code_retry_after(error)
        status = 429 if retry_after else 200
        if step == "send":
            add_domain_error(send_form, error)
        else:
            field = "new_password" if error.field in ("password", "new_password") else error.field
            add_domain_error(form, DomainError(error.message, field=field))
    response = render(request, "people/mobile_signup.html", {
        "send_form": send_form, "form": form, "sent": sent, "limits": recovery.LIMITS,
        "login_url": reverse("people:mobile_login")}, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response
