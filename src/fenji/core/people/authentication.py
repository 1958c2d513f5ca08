"""Signing in and out, with the seed's rules: channel per account kind, lockout, audit of every attempt."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.utils import timezone

from fenji.core.access.policy import ANONYMOUS, actor_for
from fenji.core.audit.models import Outcome
from fenji.core.audit.services import audit_record

from .identity import mask_mobile
from .models import Account

SESSION_LOGIN_AT = "fenji_login_at"
LOCKED_MESSAGE = "登录失败次数过多，账号已锁定 {minutes} 分钟，请稍后再试（锁定期间输入正确密码也无法登录）"
FAILED_MESSAGE = "手机号码或密码错误，连续 {limit} 次错误将锁定账号 {minutes} 分钟"
MOBILE_ONLY_MESSAGE = "您的账号只能通过移动端登录，请访问 /m/"


@dataclass
class LoginResult:
    account: Account | None
    error: str = ""
    locked: bool = False


def _lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def login_attempt(request, *, mobile: str, password: str, channel: str) -> LoginResult:
    """Authenticate and start a session, or say in Chinese why not. Every outcome is audited."""
    mobile = (mobile or "").strip()
    account = authenticate(request, mobile=mobile, password=password)
    target = {"target_type": "people.account", "target_id": mask_mobile(mobile)}
    if account is None:
        locked = bool(getattr(request, "axes_locked_out", False))
        audit_record(actor=ANONYMOUS, action="people.login.locked" if locked else "people.login",
                     outcome=Outcome.DENIED if locked else Outcome.FAILED, details={"channel": channel}, **target)
        if locked:
            return LoginResult(None, LOCKED_MESSAGE.format(minutes=_lockout_minutes()), locked=True)
        return LoginResult(None, FAILED_MESSAGE.format(limit=settings.AXES_FAILURE_LIMIT, minutes=_lockout_minutes()))
    if channel == "console" and account.mobile_only:
        audit_record(actor=actor_for(account), action="people.login", outcome=Outcome.DENIED,
                     details={"channel": channel, "rule": "mobile_only"}, target=account)
        return LoginResult(None, MOBILE_ONLY_MESSAGE)
    login(request, account)
    request.session[SESSION_LOGIN_AT] = timezone.now().timestamp()
    audit_record(actor=actor_for(account), action="people.login", details={"channel": channel}, target=account)
    return LoginResult(account)


def logout_session(request) -> None:
    """End the session: the session row is deleted, not just the cookie."""
    if request.user.is_authenticated:
        audit_record(actor=actor_for(request.user), action="people.logout", target=request.user)
    logout(request)
