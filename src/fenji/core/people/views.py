
from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fenji.core.access import policy
from fenji.core.access.selectors import grant_list_for_account
from fenji.core.audit import refusals
from fenji.core.kernel.errors import DomainError, NotVisible
from fenji.core.kernel.inputs import parse_ids
from fenji.core.kernel.replicas import replica_reads
from fenji.core.org.selectors import unit_get
from fenji.core.web import nav
from fenji.core.web.excel import stamp
from fenji.core.web.forms import add_domain_error, form_post
from fenji.core.web.query import paging, query_without, sorted_page, sorting
from fenji.core.web.routes import public, requires, signed_in

from . import exports, external, fastlist, selectors, services
from . import permissions as perms
from .authentication import MOBILE_ONLY_MESSAGE, login_attempt, logout_session
from .forms import (
    AccountFilterForm,
    AccountOpenForm,
    DisableForm,
    DutyStatusForm,
    LoginForm,
    MobileChangeForm,
    PasswordChangeForm,
    StaleDisableForm,
)
from .models import AccountKind, DutyStatus


def lockout_response(request, original_response=None, credentials=None):
    """django-axes hook: keep the login page our view rendered (it already says the account is locked)."""
    if original_response is not None:
        return original_response
    return render(request, "people/login.html", {"form": LoginForm(), "error": "账号已锁定，请稍后再试"}, status=403)


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # a path on this host: "/…" only (a bare word would be taken for a URL name by redirect())
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, {request.get_host()},
                                                                   require_https=request.is_secure()):
        return target
    return default


def _login(request, *, channel: str, template: str, home: str, verify: str):
    if request.user.is_authenticated and request.method == "GET":
        return redirect(home)
    form = LoginForm(request.POST or None)
    error, status = "", 200
    if request.method == "POST" and form.is_valid():
        result = login_attempt(request, mobile=form.cleaned_data["mobile"], password=form.cleaned_data["password"],
                               channel=channel, next_url=_safe_next(request, home))
        if result.second_factor:  # an administrator: no session before the TOTP
            return redirect(verify)
        if result.account is not None:
            return redirect(_safe_next(request, home))
        error, status = result.error, 429 if result.throttled else 403 if result.locked else 200
    from .signup import signup_open

    response = render(request, template, {"form": form, "error": error, "next": request.GET.get("next", ""),
                                          "mobile_only": error == MOBILE_ONLY_MESSAGE,
                                          "signup_open": channel == "mobile" and signup_open(),
                                          "external_label": _external_label(channel)}, status=status)
    if status == 429:
        response["Retry-After"] = str(refusals.retry_after())
    return response


@public
@require_http_methods(["GET", "POST"])
def login_view(request):
    return _login(request, channel="console", template="people/login.html", home=reverse("home:home"),
                  verify=reverse("people:verify"))


@public
@require_http_methods(["GET", "POST"])
def mobile_login(request):
    return _login(request, channel="mobile", template="people/mobile_login.html", home=reverse("people:mobile_home"),
                  verify=reverse("people:mobile_verify"))


def _external_label(channel: str) -> str:
    return external.button_label() if channel == "console" and external.provider() is not None else ""


def _external_refused(request, error: str, *, status: int):
    """The console login page with the reason an external login failed (never a redirect: the page is public)."""
    return render(request, "people/login.html", {"form": LoginForm(), "error": error, "next": "",
                                                 "external_label": _external_label("console")}, status=status)


@public
@never_cache
@require_GET
def external_login(request):
    """Off to the external identity provider (电子社保卡扫码登录), when one is configured."""
    if external.provider() is None:
        raise Http404
    if request.user.is_authenticated:
        return redirect("home:home")
    url, error = external.begin(request, next_url=_safe_next(request, ""))
    if error:
        return _external_refused(request, error, status=503)
    return redirect(url)


@public
@never_cache
@require_GET
def external_callback(request):
    """Back from the provider: the account of the verified ID number signs in (or goes on to the TOTP)."""
    if external.provider() is None:
        raise Http404
    result = external.finish(request)
    if result.second_factor:
        return redirect("people:verify")
    if result.account is not None:
        return redirect(result.next_url or reverse("home:home"))
    return _external_refused(request, result.error, status=403)


@public
@require_POST
def logout_view(request):
    logout_session(request)
    messages.info(request, "您已安全退出")
    return redirect(_safe_next(request, reverse("people:login")))


def _password_change(request, *, template: str, done: str):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(actor=request.actor, account=request.user,
                                     old_password=form.cleaned_data["old_password"],
                                     new_password=form.cleaned_data["new_password"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, "密码已修改")
            return redirect(done)
    forced = services.password_expired(request.user)
    return render(request, template, {"form": form, "forced": forced})


@signed_in
@require_http_methods(["GET", "POST"])
def password_change(request):
    return _password_change(request, template="people/password.html", done=reverse("home:home"))


@signed_in(channel="mobile")
@require_http_methods(["GET", "POST"])
def mobile_password(request):
    return _password_change(request, template="people/mobile_password.html", done=reverse("people:mobile_home"))


@signed_in
def profile(request):
    grants = list(grant_list_for_account(account=request.user))
    roles = policy.roles_for({g.role for g in grants})
    for grant in grants:
        grant.role_name = roles[grant.role].label if grant.role in roles else grant.role
    return render(request, "people/profile.html", {"account": request.user, "grants": grants})


@signed_in(channel="mobile")
def mobile_home(request):
    return render(request, "people/mobile_home.html", {"account": request.user, "todos": nav.todos_for(request.actor),
                                                       "tiles": nav.mobile_tiles_for(request.actor)})


# The account list's sortable columns: 姓名, 单位, 状态 (``?sort=name`` / ``-name`` …).
ACCOUNT_SORTS = {"name": "person__real_name", "unit": "unit_path", "status": "status", "kind": "kind"}


# The ORM path's columns (those ``fastlist.CONSOLE`` reads).
SHOWN = ("person", "unit", "unit_path", "person__real_name", "mobile", "kind", "title", "status", "duty_status",
         "unit__name")


# 长期未登录账号's sortable columns: the oldest login first is one click away.
STALE_SORTS = {"name": "person__real_name", "unit": "unit_path", "login": "last_login"}


@requires(perms.ACCOUNT_VIEW)
@replica_reads
def account_list(request):
    form = AccountFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    unit = unit_get(actor=request.actor, pk=filters["unit"], action=perms.ACCOUNT_VIEW) if filters.get("unit") else None
    chosen = {"unit": unit, "text": filters.get("q", ""), "kind": filters.get("kind", ""),
              "status": filters.get("status", "")}
    # The count stops at LIST_COUNT_LIMIT ("共 1000+ 个账号"): exact counts over a province cost more than the page.
    if sorting(request, ACCOUNT_SORTS) is None:  # the list's own (keyset) order: the fast read path (ADR 0029)
        page = fastlist.account_rows(actor=request.actor, **chosen, **paging(request),
                                     count_limit=selectors.LIST_COUNT_LIMIT)
    else:  # a sorted column: the ORM, only the shown columns (neither ID number: a decryption per row spared)
        shown = selectors.account_list(actor=request.actor, **chosen).select_related("person", "unit").only(*SHOWN)
        page = sorted_page(request, shown, sorts=ACCOUNT_SORTS,
                           total=selectors.capped_count(shown, selectors.LIST_COUNT_LIMIT),
                           default=partial(selectors.account_page, count_limit=selectors.LIST_COUNT_LIMIT))
        page.rows = [(a.pk, a.unit_path, a.person.real_name, a.mobile, a.kind, a.title, a.status, a.duty_status,
                      a.unit.name) for a in page.rows]
    page.rows = fastlist.html_rows(page.rows)
    query = query_without(request, "after")
    return render(request, "people/account_list.html", {
        "form": form, "page": page, "unit": unit, "query": query,
        "first_page": not request.GET.get("after"),
    })


def _account_detail(request, account, *, unmasked: dict | None = None):
    can_update = policy.can(request.actor, perms.ACCOUNT_UPDATE, account.unit_path)
    can_duty = can_update and account.kind == AccountKind.STAFF and account.pk != request.user.pk
    return render(request, "people/account_detail.html", {
        "account": account,
        "can_disable": policy.can(request.actor, perms.ACCOUNT_DISABLE, account.unit_path)
        and account.pk != request.user.pk,
        "can_update": can_update,
        "duty_form": DutyStatusForm(initial={"status": account.duty_status}) if can_duty else None,
        "can_unmask": policy.can(request.actor, perms.PERSON_UNMASK, account.unit_path),
        "unmasked": unmasked,
    })


@requires(perms.ACCOUNT_VIEW)
def account_detail(request, pk):
    return _account_detail(request, selectors.account_get(actor=request.actor, pk=pk))


@requires(perms.PERSON_UNMASK)
@require_GET
@never_cache
def account_unmasked(request, pk):
    """显示完整号码: the detail page with the full mobile and ID numbers; every view is audited once."""
    account = selectors.account_get(actor=request.actor, pk=pk, action=perms.PERSON_UNMASK)
    return _account_detail(request, account, unmasked=services.person_unmask(actor=request.actor, account=account))


@requires(perms.ACCOUNT_OPEN)
@require_http_methods(["GET", "POST"])
def account_open(request, unit_pk):
    unit = unit_get(actor=request.actor, pk=unit_pk, action=perms.ACCOUNT_OPEN)
    form = AccountOpenForm(request.POST or None)
    done = form_post(request, form, lambda data: services.account_open(actor=request.actor, unit=unit, **data)[0],
                     success=lambda account: reverse("people:account", args=[account.pk]),
                     message=lambda account: f"已为{account.person.real_name}开设账号，登录账号和初始密码已通过短信发送到"
                                             f" {account.mobile_masked}")
    if done:
        return done
    return render(request, "people/account_open.html", {"form": form, "unit": unit})


@requires(perms.ACCOUNT_DISABLE)
@require_http_methods(["GET", "POST"])
def account_status(request, pk, active):
    account = selectors.account_get(actor=request.actor, pk=pk, action=perms.ACCOUNT_DISABLE)
    form = None if active else DisableForm(request.POST or None)
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            services.account_set_status(actor=request.actor, account=account, active=active,
                                        reason=form.cleaned_data["reason"] if form else "")
        except DomainError as error:
            if form is None:
                messages.error(request, error.message)
                return redirect("people:account", pk=account.pk)
            add_domain_error(form, error)
        else:
            messages.success(request, ("已启用" if active else "已停用") + f"{account.person.real_name}的账号")
            return redirect("people:account", pk=account.pk)
    name = account.person.real_name
    return render(request, "web/confirm.html", {
        "title": ("启用账号：" if active else "停用账号：") + name,
        "question": f"确定要启用{name}（{account.mobile_masked}）的账号吗？启用后可以重新登录。" if active
        else f"确定要停用{name}（{account.mobile_masked}）的账号吗？停用后该账号将无法登录，可随时重新启用。",
        "form": form, "button": "确认启用" if active else "确认停用",
        "button_class": "btn" if active else "btn-danger",
        "cancel_url": reverse("people:account", args=[account.pk]),
    })


@requires(perms.ACCOUNT_UPDATE)
@require_http_methods(["GET", "POST"])
def account_mobile(request, pk):
    account = selectors.account_get(actor=request.actor, pk=pk, action=perms.ACCOUNT_UPDATE)
    form = MobileChangeForm(request.POST or None)
    done = form_post(request, form, lambda data: services.account_change_mobile(
        actor=request.actor, account=account, mobile=data["mobile"]),
        success=reverse("people:account", args=[account.pk]), message="手机号码（登录账号）已变更，并已短信通知新号码")
    if done:
        return done
    return render(request, "web/confirm.html", {
        "title": f"变更手机号码：{account.person.real_name}",
        "question": f"当前号码 {account.mobile_masked}。变更后须用新号码登录。",
        "form": form, "button": "确认变更", "button_class": "btn",
        "cancel_url": reverse("people:account", args=[account.pk]),
    })


# --- account governance: idle staff accounts (C2.4) and duty status changes (C2.5) ---------------



@requires(perms.ACCOUNT_DISABLE)
@require_http_methods(["GET", "POST"])
def stale_accounts(request):
    """长期未登录账号: active staff accounts idle for FENJI_STALE_ACCOUNT_DAYS, for review and disabling."""
    days = settings.FENJI_STALE_ACCOUNT_DAYS
    if request.method == "POST":
        return _stale_review(request, days)
    accounts = selectors.account_list_stale(actor=request.actor, days=days)
    if request.GET.get("format") == "xlsx":
        return exports.stale_accounts_export(actor=request.actor, accounts=accounts, days=days).response(
            f"stale-accounts-{stamp()}.xlsx")
    page = sorted_page(request, accounts.select_related("person", "unit"), sorts=STALE_SORTS,
                       default=selectors.account_page)
    now = timezone.now()
    for account in page.rows:
        account.idle_days = selectors.idle_days(account, now)
        account.may_disable = policy.can(request.actor, perms.ACCOUNT_DISABLE, account.unit_path) \
            and account.pk != request.user.pk
    query = query_without(request, "after")
    return render(request, "people/stale_accounts.html", {
        "page": page, "days": days, "query": query, "first_page": not request.GET.get("after"),
    })


def _stale_review(request, days: int):
    """The list's checked accounts: first a confirmation with the required note, then the service."""
    ids = set(parse_ids(request.POST.getlist("account")))
    if not ids:
        messages.error(request, "请先勾选要停用的账号")
        return redirect("people:stale")
    accounts = list(selectors.account_list(actor=request.actor, action=perms.ACCOUNT_DISABLE)
                    .select_related("person", "unit").filter(pk__in=ids).order_by("unit_path", "id"))
    if len(accounts) != len(ids):
        raise NotVisible("账号不存在或不在您的管理范围内")
    form = StaleDisableForm(request.POST if request.POST.get("confirm") == "1" else None)
    if form.is_bound and form.is_valid():
        try:
            review = services.account_stale_disable(actor=request.actor, accounts=accounts,
                                                    note=form.cleaned_data["note"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            if review.disabled:
                messages.success(request, f"经审核已停用 {len(review.disabled)} 个账号")
            for account, why in review.skipped:
                messages.warning(request, f"{account.person.real_name}未停用：{why}")
            return redirect("people:stale")
    now = timezone.now()
    for account in accounts:
        account.idle_days = selectors.idle_days(account, now)
    return render(request, "people/stale_confirm.html", {"accounts": accounts, "form": form, "days": days})




# What registering each duty status will do, shown before it is confirmed.
DUTY_EFFECTS = {
    DutyStatus.ON_DUTY: "恢复在岗只登记状态，已收回的权限不会自动恢复，需要时请重新申请授权。",
    DutyStatus.INVESTIGATION: "接受调查将立即收回全部业务权限；管理员权限须另行提交管理员账户权限申请。",
    **{status: "将生成权限清理申请，经审批后由权限管理员办理。"
       for status in (DutyStatus.RETIRED, DutyStatus.TRANSFERRED, DutyStatus.LEAVE, DutyStatus.OTHER)},
}


@requires(perms.ACCOUNT_UPDATE)
@require_http_methods(["GET", "POST"])
def account_duty(request, pk):
    """人员状态: register a staff member's duty status after a confirmation saying what will follow."""
    account = selectors.account_get(actor=request.actor, pk=pk, action=perms.ACCOUNT_UPDATE)
    form = DutyStatusForm(request.POST or None, initial={"status": account.duty_status})
    confirming = False
    if request.method == "POST" and form.is_valid():
        if request.POST.get("confirm") == "1":
            try:
                change = services.account_duty_status_set(
                    actor=request.actor, account=account, status=form.cleaned_data["status"],
                    since=form.cleaned_data["since"], note=form.cleaned_data["note"])
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, change.message)
                return redirect("people:account", pk=account.pk)
        else:
            confirming = True
    status = form.cleaned_data.get("status") if confirming else None
    return render(request, "people/account_duty.html", {
        "account": account, "form": form, "confirming": confirming,
        "status_label": DutyStatus(status).label if status else "",
        "effect": DUTY_EFFECTS.get(status, "") if status else "",
    })
