"""Signing in and out, with the seed's rules: channel per account kind, lockout, audit of every attempt.

Accounts holding an administrator duty (``mfa.needs_second_factor``) get no session from the password
alone: the password starts a *pending* login in the session (5 minutes), and ``login()`` happens only
after a TOTP or a recovery code (``second_factor_submit``). Wrong codes count as login failures for
django-axes (the account locks like after wrong passwords), and 5 of them void the pending login.
"""

from dataclasses import dataclass, field
from functools import cached_property

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.signals import user_login_failed
from django.utils import timezone

from fenji.core.access.policy import ANONYMOUS, actor_for
from fenji.core.audit import refusals
from fenji.core.audit.models import Outcome
from fenji.core.audit.services import audit_record
from fenji.core.kernel import context
from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.network import from_admin_network
from fenji.core.mfa import services as mfa

from .identity import mask_mobile
from .models import Account

SESSION_LOGIN_AT = "fenji_login_at"
SESSION_PENDING = "fenji_pending_2fa"
PENDING_SECONDS = 5 * 60
CODE_FAILURE_LIMIT = 5
LOCKED_MESSAGE = "登录失败次数过多，账号已锁定 {minutes} 分钟，请稍后再试（锁定期间输入正确密码也无法登录）"
FAILED_MESSAGE = "手机号码或密码错误，连续 {limit} 次错误将锁定账号 {minutes} 分钟"
MOBILE_ONLY_MESSAGE = "您的账号只能通过移动端登录"  # the login page adds the link to the mobile login
CODE_FAILED_MESSAGE = "动态口令不正确或已使用过，请输入验证器中当前显示的 6 位数字（还可尝试 {left} 次）"
RECOVERY_FAILED_MESSAGE = "恢复码不正确或已使用过（还可尝试 {left} 次）"
PENDING_MISSING_MESSAGE = "请先输入手机号码和密码"
PENDING_EXPIRED_MESSAGE = "动态口令验证已超时（须在输入密码后 5 分钟内完成），请重新登录"
THROTTLED_MESSAGE = "本机登录失败次数过多，请 {seconds} 秒后再试"
TOO_MANY_CODES_MESSAGE = "动态口令连续 {limit} 次错误，本次登录已作废，请重新输入手机号码和密码"


@dataclass
class LoginResult:
    account: Account | None
    error: str = ""
    locked: bool = False
    second_factor: bool = False  # the password was right; the session waits for the TOTP
    throttled: bool = False  # too many failed logins from the client address this minute


def _lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


ADMIN_TERMINAL_MESSAGE = "管理员账号只能从指定的管理终端登录，当前地址不在允许范围内"


def _attempted_target(mobile: str) -> dict:
    """What a failed login names: the account when the number has one (so the auditor of its unit sees
    the attempt), else only a masked form of what was typed — never the number as entered."""
    try:
        known = Account.objects.get_by_natural_key(mobile)
    except (Account.DoesNotExist, DomainError, ValueError):
        known = None
    if known is not None:
        return {"target": known}
    shown = mask_mobile(mobile) if len(mobile) == 11 else "*" * min(len(mobile), 20)
    return {"target_type": "people.account", "target_id": shown}


def _address_keys() -> tuple[str, str]:
    """The refusal counters of the client address: failed logins, and attempts at locked accounts."""
    address = context.current().client_ip
    return f"people.login:ip:{address}", f"people.login.locked:ip:{address}"


def _counted(target: dict) -> dict:
    """``_attempted_target`` in the fields ``refusals.note`` takes."""
    account = target.get("target")
    if account is None:
        return {"target_type": target["target_type"], "target_id": target["target_id"]}
    return {"target_type": account._meta.label_lower, "target_id": str(account.pk),
            "target_unit_path": account.unit_path}


def _login_failed(*, mobile: str, channel: str, locked: bool, already_locked: bool) -> None:
    """Record a failed login. A wrong password for an existing account is an event of its own (the
    auditor of its unit sees it; django-axes locks the account after a few), and so is the failure
    that locks a number. Attempts with a number that has no account, and attempts at a number already
    locked, are counted per client address and minute (``audit.refusals``): a spray of numbers from
    one address writes a few events, not one each."""
    failed_key, locked_key = _address_keys()
    target = _attempted_target(mobile)
    if locked and not already_locked:
        audit_record(actor=ANONYMOUS, action="people.login.locked", outcome=Outcome.DENIED,
                     details={"channel": channel}, **target)
        refusals.note(key=failed_key, action="people.login", actor=ANONYMOUS, outcome=Outcome.FAILED,
                      written=True)
    elif locked:
        refusals.note(key=locked_key, action="people.login.locked", actor=ANONYMOUS, outcome=Outcome.DENIED,
                      reason="locked", sample=_counted(target)["target_id"], details={"channel": channel},
                      **_counted(target))
    elif "target" in target:
        audit_record(actor=ANONYMOUS, action="people.login", outcome=Outcome.FAILED, details={"channel": channel},
                     **target)
        refusals.note(key=failed_key, action="people.login", actor=ANONYMOUS, outcome=Outcome.FAILED,
                      written=True)
    else:
        refusals.note(key=failed_key, action="people.login", actor=ANONYMOUS, outcome=Outcome.FAILED,
                      reason="unknown_number", sample=target["target_id"], details={"channel": channel},
                      **_counted(target))


def _address_throttled(*, mobile: str, channel: str) -> bool:
    """The client address failed ``AUTH_FAILURES_PER_MINUTE`` logins this minute: refuse without trying
    the password (counted as a failure of the address, with reason "throttled")."""
    failed_key, locked_key = _address_keys()
    if refusals.count(failed_key) + refusals.count(locked_key) < settings.AUTH_FAILURES_PER_MINUTE:
        return False
    refusals.note(key=failed_key, action="people.login", actor=ANONYMOUS, outcome=Outcome.FAILED,
                  reason="throttled", sample=_counted(_attempted_target(mobile))["target_id"],
                  details={"channel": channel})
    return True


def login_attempt(request, *, mobile: str, password: str, channel: str, next_url: str = "") -> LoginResult:
    """Authenticate and start a session, or say in Chinese why not. Every outcome is audited."""
    mobile = (mobile or "").strip()
    if _address_throttled(mobile=mobile, channel=channel):
        return LoginResult(None, THROTTLED_MESSAGE.format(seconds=refusals.retry_after()), throttled=True)
    already_locked = AxesProxyHandler.is_locked(request, {settings.AXES_USERNAME_FORM_FIELD: mobile})
    account = authenticate(request, mobile=mobile, password=password)
    if account is None:
        locked = bool(getattr(request, "axes_locked_out", False))
        _login_failed(mobile=mobile, channel=channel, locked=locked, already_locked=already_locked)
        if locked:
            return LoginResult(None, LOCKED_MESSAGE.format(minutes=_lockout_minutes()), locked=True)
        return LoginResult(None, FAILED_MESSAGE.format(limit=settings.AXES_FAILURE_LIMIT, minutes=_lockout_minutes()))
    if channel == "console" and account.mobile_only:
        audit_record(actor=actor_for(account), action="people.login", outcome=Outcome.DENIED,
                     details={"channel": channel, "rule": "mobile_only"}, target=account)
        return LoginResult(None, MOBILE_ONLY_MESSAGE)
    actor = actor_for(account)
    if mfa.actor_needs_second_factor(actor):
        if not from_admin_network(request):
            audit_record(actor=actor, action="people.login", outcome=Outcome.DENIED, target=account,
                         details={"channel": channel, "rule": "admin_terminal"})
            return LoginResult(None, ADMIN_TERMINAL_MESSAGE)
        pending_begin(request, account, channel=channel, backend=account.backend, next_url=next_url)
        audit_record(actor=actor, action="people.login.password", target=account,
                     details={"channel": channel, "second_factor": "required"})
        return LoginResult(account, second_factor=True)
    start_session(request, account, actor=actor, channel=channel)
    return LoginResult(account)


def pending_begin(request, account, *, channel: str, backend: str, next_url: str = "", via: str = "") -> None:
    """The first factor passed (the password, or an external provider: ``via``): the TOTP is awaited."""
    request.session[SESSION_PENDING] = {
        "account": account.pk, "at": timezone.now().timestamp(), "channel": channel,
        "backend": backend, "next": next_url, "failures": 0, "enrolling": False, "via": via,
    }


def account_locked(request, account) -> bool:
    """django-axes holds the account locked (wrong passwords or codes): no way in until the lock ends."""
    return AxesProxyHandler.is_locked(request, {settings.AXES_USERNAME_FORM_FIELD: account.get_username()})


def locked_message() -> str:
    return LOCKED_MESSAGE.format(minutes=_lockout_minutes())


def start_session(request, account, *, actor, channel: str, second_factor: str = "", backend: str | None = None,
                   via: str = ""):
    login(request, account, backend=backend)
    request.session.pop(SESSION_PENDING, None)
    request.session[SESSION_LOGIN_AT] = timezone.now().timestamp()
    details = {"channel": channel}
    if via:  # the first factor was not the password (``external``)
        details["via"] = via
    if second_factor:
        request.session[mfa.SESSION_SECOND_FACTOR] = second_factor
        details["second_factor"] = second_factor
    audit_record(actor=actor, action="people.login", details=details, target=account)


# --- the second factor ----------------------------------------------------------------------------


@dataclass
class Pending:
    """A login whose password was right and whose second factor is awaited."""

    account: Account | None
    state: dict = field(default_factory=dict)
    error: str = ""  # why there is none: not started, expired, voided

    @cached_property
    def enrolling(self) -> bool:
        """The account has no confirmed authenticator yet: the page enrols one."""
        return not mfa.has_confirmed_device(self.account)

    @property
    def channel(self) -> str:
        return self.state["channel"]

    @property
    def next_url(self) -> str:
        return self.state.get("next") or ""


def pending_login(request) -> Pending:
    state = request.session.get(SESSION_PENDING)
    if not state:
        return Pending(None, error=PENDING_MISSING_MESSAGE)
    if timezone.now().timestamp() - state["at"] > PENDING_SECONDS:
        _void(request, state, reason="expired")
        return Pending(None, error=PENDING_EXPIRED_MESSAGE)
    account = (Account.objects.unscoped(reason="the pending login names its own account")
               .select_related("person", "unit").filter(pk=state["account"]).first())
    if account is None or not account.is_active:
        request.session.pop(SESSION_PENDING, None)
        return Pending(None, error=PENDING_MISSING_MESSAGE)
    return Pending(account, state)


def _void(request, state: dict, *, reason: str, account=None) -> None:
    request.session.pop(SESSION_PENDING, None)
    target = {"target": account} if account is not None else {"target_type": "people.account",
                                                               "target_id": str(state.get("account", ""))}
    audit_record(actor=actor_for(account) if account is not None else ANONYMOUS, action="people.login.second_factor",
                 outcome=Outcome.DENIED if reason == "locked" else Outcome.FAILED,
                 details={"channel": state.get("channel", ""), "reason": reason}, **target)


def enrolment_secret(request, pending: Pending) -> str:
    """The secret the enrolment page shows: a fresh one once per pending login, the same on reload."""
    secret = mfa.enrolment_secret(pending.account) if pending.state.get("enrolling") else None
    if secret is None:
        secret = mfa.enrolment_begin(pending.account)
        pending.state["enrolling"] = True
        request.session[SESSION_PENDING] = pending.state
    return secret


@dataclass
class SecondFactorResult:
    ok: bool
    error: str = ""
    restart: bool = False  # the pending login is void: back to the password
    recovery_codes: list[str] = field(default_factory=list)  # shown once, after enrolment
    recovery_left: int | None = None  # after signing in with a recovery code


def second_factor_submit(request, pending: Pending, *, code: str = "", recovery_code: str = "") -> SecondFactorResult:
    """Check a TOTP (or a recovery code) for the pending login; start the session when it is right."""
    account, state = pending.account, pending.state
    # django-axes counts failures by login name, as on the password form (and resets them in login()).
    credentials = {settings.AXES_USERNAME_FORM_FIELD: account.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        _void(request, state, reason="locked", account=account)
        return SecondFactorResult(False, LOCKED_MESSAGE.format(minutes=_lockout_minutes()), restart=True)
    if pending.enrolling:
        method = "totp"
        codes = mfa.enrolment_confirm(account, code)
        if codes:
            start_session(request, account, actor=actor_for(account), channel=pending.channel, second_factor=method,
                           backend=state["backend"], via=state.get("via", ""))
            return SecondFactorResult(True, recovery_codes=codes)
    elif recovery_code:
        method = "recovery"
        if mfa.recovery_use(account, recovery_code):
            start_session(request, account, actor=actor_for(account), channel=pending.channel, second_factor=method,
                           backend=state["backend"], via=state.get("via", ""))
            return SecondFactorResult(True, recovery_left=mfa.recovery_codes_left(account))
    else:
        method = "totp"
        if mfa.totp_verify(account, code):
            start_session(request, account, actor=actor_for(account), channel=pending.channel, second_factor=method,
                           backend=state["backend"], via=state.get("via", ""))
            return SecondFactorResult(True)

    state["failures"] = failures = state.get("failures", 0) + 1
    request.session[SESSION_PENDING] = state
    audit_record(actor=actor_for(account), action="people.login.second_factor", outcome=Outcome.FAILED, target=account,
                 details={"channel": pending.channel, "method": method, "failures": failures})
    # A wrong code is a failed login for django-axes: it counts towards locking the account.
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    if getattr(request, "axes_locked_out", False):
        _void(request, state, reason="locked", account=account)
        return SecondFactorResult(False, LOCKED_MESSAGE.format(minutes=_lockout_minutes()), restart=True)
    if failures >= CODE_FAILURE_LIMIT:
        _void(request, state, reason="too_many_codes", account=account)
        return SecondFactorResult(False, TOO_MANY_CODES_MESSAGE.format(limit=CODE_FAILURE_LIMIT), restart=True)
    left = min(CODE_FAILURE_LIMIT - failures,
               settings.AXES_FAILURE_LIMIT - AxesProxyHandler.get_failures(request, credentials))
    message = RECOVERY_FAILED_MESSAGE if method == "recovery" else CODE_FAILED_MESSAGE
    return SecondFactorResult(False, message.format(left=max(left, 1)))


def logout_session(request) -> None:
    """End the session: the session row is deleted, not just the cookie."""
    if request.user.is_authenticated:
        audit_record(actor=actor_for(request.user), action="people.logout", target=request.user)
    logout(request)
