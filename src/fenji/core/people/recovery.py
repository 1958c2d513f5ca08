"""Passwords without an administrator at hand: 找回密码 and 激活账号 by SMS code, and the administrator's
password reset (a new initial password by SMS).

The rules (docs/security.md, "SMS codes"):

- a code is 6 digits, valid ``CODE_MINUTES``, good once; only its keyed hash is stored, and the number only
  as its blind index;
- sending is limited per number (one per ``NUMBER_GAP`` seconds, ``NUMBER_PER_DAY`` a day) and per client
  address (``CLIENT_PER_HOUR``); beyond that the answer is 429 with a Chinese message;
- ``WRONG_LIMIT`` wrong codes lock the number for ``LOCK_MINUTES``;
- asking for a code answers the same whether or not the number has an account (same message, same row
  written, same status); the SMS goes only to an account that may use it: an active account with a
  password (找回密码) or without one (激活账号);
- every step is audited, the number masked.
"""

import datetime
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from fenji.core.access import policy
from fenji.core.audit import ratelimits
from fenji.core.audit.models import Outcome
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.kernel import context
from fenji.core.kernel.crypto import blind_index
from fenji.core.kernel.errors import DomainError, RateLimited
from fenji.core.notify.tasks import sms_enqueue

from . import permissions as perms
from .identity import clean_mobile, mask_mobile
from .models import Account, AccountStatus, CodePurpose, PasswordHistory, SmsCode
from .passwords import generate_initial_password
from .services import _end_sessions_and_tokens, _validate_password

# Deployment settings (FENJI_SMS_CODE_*), read once at start.
CODE_MINUTES = settings.FENJI_SMS_CODE_MINUTES
NUMBER_GAP = settings.FENJI_SMS_CODE_GAP_SECONDS  # seconds between two codes to one number
NUMBER_PER_DAY = settings.FENJI_SMS_CODES_PER_DAY
CLIENT_PER_HOUR = settings.FENJI_SMS_CODES_PER_CLIENT_HOUR
WRONG_LIMIT = settings.FENJI_SMS_CODE_WRONG_LIMIT
LOCK_MINUTES = settings.FENJI_SMS_CODE_LOCK_MINUTES

SENT = f"如该号码已在平台开通账号，验证码已通过短信发送，{CODE_MINUTES} 分钟内有效。"
# 注册: the same answer whether or not the number is taken (an account holder is told by SMS to sign in instead)
SENT_SIGNUP = f"验证码已通过短信发送，{CODE_MINUTES} 分钟内有效（如该号码已注册，短信将提示您直接登录）。"
WRONG = "验证码错误或已失效，请重新输入或重新获取"
SMS_NAME = "【分级管理平台】"


class TooMany(DomainError):
    """A limit was reached: answered 429 with ``retry_after`` seconds."""

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message, field="mobile")
        self.retry_after = retry_after


@dataclass
class CodeSent:
    message: str
    mobile_masked: str


def _code_hash(row_key: str, code: str) -> str:
    return salted_hmac("fenji.people.sms_code", f"{row_key}:{code}", algorithm="sha256").hexdigest()


def _number_locked_until(mobile_hash: str, now) -> datetime.datetime | None:
    since = now - datetime.timedelta(minutes=LOCK_MINUTES)
    wrong = SmsCode.objects.filter(mobile_hash=mobile_hash, last_failed_at__gte=since).aggregate(
        n=Sum("attempts"), last=Max("last_failed_at"))
    if (wrong["n"] or 0) >= WRONG_LIMIT:
        return wrong["last"] + datetime.timedelta(minutes=LOCK_MINUTES)
    return None


def _wait(seconds: float) -> str:
    minutes = max(1, round(seconds / 60))
    return f"{int(seconds) + 1} 秒" if seconds < 60 else f"{minutes} 分钟"


def _check_limits(mobile_hash: str, client_ip: str, now) -> None:
    if until := _number_locked_until(mobile_hash, now):
        left = (until - now).total_seconds()
        raise TooMany(f"验证码错误次数过多，该号码已锁定，请 {_wait(left)}后再试", retry_after=int(left) + 1)
    latest = SmsCode.objects.filter(mobile_hash=mobile_hash).aggregate(at=Max("created_at"))["at"]
    if latest and (gap := (now - latest).total_seconds()) < NUMBER_GAP:
        raise TooMany(f"获取验证码过于频繁，请 {_wait(NUMBER_GAP - gap)}后再试", retry_after=int(NUMBER_GAP - gap) + 1)
    day = now - datetime.timedelta(days=1)
    if SmsCode.objects.filter(mobile_hash=mobile_hash, created_at__gte=day).count() >= NUMBER_PER_DAY:
        raise TooMany(f"该号码 24 小时内获取验证码已达 {NUMBER_PER_DAY} 次，请明天再试", retry_after=3600)
    hour = now - datetime.timedelta(hours=1)
    if client_ip and SmsCode.objects.filter(client_ip=client_ip, created_at__gte=hour).count() >= CLIENT_PER_HOUR:
        raise TooMany("本机获取验证码过于频繁，请一小时后再试", retry_after=3600)


def _eligible(account: Account | None, purpose: str) -> bool:
    if purpose == CodePurpose.SIGNUP:  # a code to sign up goes only to a number without an account
        return account is None
    if account is None or account.status != AccountStatus.ACTIVE:
        return False
    has_password = account.has_usable_password()
    return has_password if purpose == CodePurpose.RESET else not has_password


def _account_for(mobile: str) -> Account | None:
    try:
        return Account.objects.get_by_natural_key(mobile)
    except Account.DoesNotExist:
        return None


def _refuse(action: str, mobile: str, reason: str) -> None:
    """Record a refused step in a transaction of its own, after the step's has ended."""
    with transaction.atomic():
        audit_record(actor=policy.ANONYMOUS, action=action, outcome=Outcome.DENIED,
                     details={"mobile": mask_mobile(mobile), "reason": reason})


def sms_code_send(*, mobile: str, purpose: str) -> CodeSent:
    """Ask for a code to ``mobile`` (找回密码 or 激活账号): the same answer whether the number has an account.

    Not a ``@service``: nobody is signed in, and a refusal (a limit reached) is recorded after the rollback.
    """
    if purpose not in CodePurpose.values:
        raise DomainError("验证码用途无效")
    mobile = clean_mobile(mobile)
    mobile_hash = blind_index(mobile)
    client_ip = context.current().client_ip or ""
    try:
        with transaction.atomic():
            now = timezone.now()
            _check_limits(mobile_hash, client_ip, now)
            account = _account_for(mobile)
            eligible = _eligible(account, purpose)
            code = f"{secrets.randbelow(10 ** 6):06d}"
            row_key = secrets.token_hex(8)
            # a sign-up code sent to nobody matches nothing ("-" is no digest); the row still counts for the limits
            digest = _code_hash(row_key, code) if eligible or purpose != CodePurpose.SIGNUP else "-"
            SmsCode.objects.create(mobile_hash=mobile_hash, purpose=purpose, account=account if eligible else None,
                                   code_hash=f"{row_key}${digest}", client_ip=client_ip,
                                   created_at=now, expires_at=now + datetime.timedelta(minutes=CODE_MINUTES))
            holder = account if eligible and account is not None else None
            audit_record(actor=holder or policy.ANONYMOUS, action="people.sms_code.send", target=holder,
                         details={"mobile": mask_mobile(mobile), "purpose": purpose, "sms_sent": eligible})
            if purpose == CodePurpose.SIGNUP:
                sms_enqueue(mobile=mobile, text=f"{SMS_NAME}您正在注册账号，验证码 {code}，{CODE_MINUTES} 分钟内有效。"
                                                "如非本人操作，请忽略并勿告诉他人。" if eligible else
                            f"{SMS_NAME}有人正在用本号码注册账号，但该号码已有账号，请直接登录；忘记密码可在登录页"
                            "“忘记密码”找回。如非本人操作，请忽略。")
            elif eligible:
                what = "找回密码" if purpose == CodePurpose.RESET else "激活账号"
                sms_enqueue(mobile=mobile, text=f"{SMS_NAME}您正在{what}，验证码 {code}，{CODE_MINUTES} 分钟内有效。"
                                                "如非本人操作，请忽略并勿告诉他人。")
    except TooMany as limit:
        _refuse("people.sms_code.send", mobile, limit.message)
        raise
    return CodeSent(SENT_SIGNUP if purpose == CodePurpose.SIGNUP else SENT, mask_mobile(mobile))


def _attempt(mobile: str, purpose: str, code: str, password: str, action: str, now) -> Account | DomainError:
    """Check the code and set the password, in the caller's transaction. A wrong code is counted against the
    number and returned (not raised) so that the count commits; a refused password leaves the code usable."""
    mobile_hash = blind_index(mobile)
    if until := _number_locked_until(mobile_hash, now):
        left = (until - now).total_seconds()
        return TooMany(f"验证码错误次数过多，该号码已锁定，请 {_wait(left)}后再试", retry_after=int(left) + 1)
    code = (code or "").strip()
    latest = (SmsCode.objects.select_for_update().filter(mobile_hash=mobile_hash, purpose=purpose)
              .order_by("-created_at", "-id").first())
    account = None
    if latest is not None and latest.used_at is None and latest.expires_at > now and code.isdigit():
        row_key, _, digest = latest.code_hash.partition("$")
        if constant_time_compare(digest, _code_hash(row_key, code)) and latest.account_id is not None:
            account = Account.objects.unscoped(reason="the code names the account").select_for_update().get(
                pk=latest.account_id)
    if account is None or not _eligible(account, purpose):
        if latest is not None:
            SmsCode.objects.filter(pk=latest.pk).update(attempts=latest.attempts + 1, last_failed_at=now)
        return DomainError(WRONG, field="code")
    _validate_password(password or "", account)  # raised: nothing was written, the code stays usable
    if account.has_usable_password():
        PasswordHistory.objects.create(account=account, password=account.password)
    account.set_password(password)
    account.must_change_password = False
    account.password_changed_at = now
    account.save(update_fields=["password", "must_change_password", "password_changed_at"])
    _end_sessions_and_tokens(actor=account, account=account, reason="短信验证码设置密码")
    SmsCode.objects.filter(pk=latest.pk).update(used_at=now)
    audit_record(actor=account, action=action, target=account,
                 details={"mobile": mask_mobile(mobile), "sessions_ended": True})
    return account


def _checks_counted(mobile: str) -> None:
    """Every code check counts, per client address and per number (``ratelimits`` "sms.code_check"), in its own
    transaction so that a wrong code's refusal does not undo the count: one address cannot try codes across many
    numbers, where the wrong-code lock (per number) alone would let it."""
    try:
        with transaction.atomic():
            ratelimits.hit("sms.code_check", ip=context.current().client_ip, number=blind_index(mobile))
    except RateLimited as limited:
        raise TooMany(limited.message, retry_after=limited.retry_after) from None


def _code_step(*, mobile: str, code: str, password: str, purpose: str, action: str) -> Account:
    mobile = clean_mobile(mobile)
    _checks_counted(mobile)
    with transaction.atomic():
        outcome = _attempt(mobile, purpose, code, password, action, timezone.now())
    if isinstance(outcome, DomainError):
        _refuse(action, mobile, outcome.message)
        raise outcome
    return outcome


def password_reset_by_code(*, mobile: str, code: str, password: str) -> Account:
    """找回密码: the code sent to the number, then a new password (the password rules apply)."""
    return _code_step(mobile=mobile, code=code, password=password, purpose=CodePurpose.RESET,
                      action="people.password.reset_by_code")


def account_activate(*, mobile: str, code: str, password: str) -> Account:
    """激活账号: an account without a password (a member imported from Excel) sets its first one."""
    return _code_step(mobile=mobile, code=code, password=password, purpose=CodePurpose.ACTIVATE,
                      action="people.account.activate")


@service
def account_password_reset(*, actor, account: Account) -> Account:
    """The account administrator resets a password: a new initial password goes by SMS, the holder must
    change it at the next login, and every session and API token of the account ends."""
    policy.require(actor, perms.ACCOUNT_UPDATE, account.unit_path)
    if account.pk == actor.account_id:
        raise DomainError("不能重置自己的密码：请在“个人信息”中修改密码")
    account = Account.objects.unscoped(reason="the account was found in scope").select_for_update().get(pk=account.pk)
    if account.status != AccountStatus.ACTIVE:
        raise DomainError("账号已停用，不能重置密码：请先启用")
    password = generate_initial_password()
    account.set_password(password)
    account.must_change_password = True
    account.password_changed_at = timezone.now()
    account.save(update_fields=["password", "must_change_password", "password_changed_at"])
    revoked = _end_sessions_and_tokens(actor=actor, account=account, reason="管理员重置密码")
    audit_record(actor=actor, action="people.password.reset", target=account,
                 details={"sms_sent": True, "sessions_ended": True, "tokens_revoked": [t.pk for t in revoked]})
    sms_enqueue(mobile=account.mobile, text=f"{SMS_NAME}{account.person.real_name}您好，管理员已重置您的密码。"
                                            f"登录账号：{account.mobile}，新的初始密码：{password}。"
                                            "登录后须立即修改密码，请勿转告他人。")
    return account


@service
def account_activation_invite(*, actor, account: Account) -> Account:
    """Tell an account without a password (a member imported from Excel) how to activate it, by SMS."""
    policy.require(actor, perms.ACCOUNT_UPDATE, account.unit_path)
    if account.has_usable_password():
        raise DomainError("该账号已激活（已设置密码），无需发送激活短信")
    if account.status != AccountStatus.ACTIVE:
        raise DomainError("账号已停用，不能激活：请先启用")
    audit_record(actor=actor, action="people.account.activation_invite", target=account, details={"sms_sent": True})
    sms_enqueue(mobile=account.mobile, text=f"{SMS_NAME}{account.person.real_name}您好，{account.unit.name}已为您"
                                            f"开通账号（{account.mobile}）。请打开掌上平台，点击“激活账号”，凭短信"
                                            "验证码设置密码后登录。")
    return account


def sms_code_retry_after(error: DomainError) -> int | None:
    return error.retry_after if isinstance(error, TooMany) else None


LIMITS = {"minutes": CODE_MINUTES, "gap": NUMBER_GAP, "per_day": NUMBER_PER_DAY, "wrong": WRONG_LIMIT,
          "lock": LOCK_MINUTES}  # as the pages state them


def imported_without_password(*, actor, job):
    """The accounts an import job created that still have no password (found by who opened them and when)."""
    from .models import MOBILE_ONLY_KINDS

    return (Account.objects.visible_to(actor, perms.ACCOUNT_UPDATE)
            .filter(opened_by_id=job.account_id, created_at__gte=job.created_at, created_at__lte=job.finished_at,
                    status=AccountStatus.ACTIVE, kind__in=MOBILE_ONLY_KINDS, password__startswith="!")
            .select_related("person", "unit"))


@service
def import_activation_invite(*, actor, job) -> int:
    """发送激活短信 to the members an import created: each SMS goes through the task queue; once per job."""
    policy.require(actor, perms.ACCOUNT_UPDATE)
    if job.finished_at is None or not job.created:
        raise DomainError("导入尚未完成，或没有导入成功的账号")
    if (job.options or {}).get("activation_invited_at"):
        raise DomainError("本次导入的激活短信已经发送过")
    accounts = list(imported_without_password(actor=actor, job=job))
    for account in accounts:
        sms_enqueue(mobile=account.mobile, text=f"{SMS_NAME}{account.person.real_name}您好，{account.unit.name}已为您"
                                                f"开通账号（{account.mobile}）。请打开掌上平台，点击“激活账号”，凭短信"
                                                "验证码设置密码后登录。")
    job.options = {**(job.options or {}), "activation_invited_at": timezone.now().isoformat(),
                   "activation_invited": len(accounts)}
    job.save(update_fields=["options"])
    audit_record(actor=actor, action="people.account.activation_invite_import",
                 details={"job": job.pk, "count": len(accounts), "file": job.file_name})
    return len(accounts)
