"""群众注册 (C8.3, C2.3): a citizen opens their own account on the phone with a mobile number and an SMS code.

The code is ``recovery``'s (purpose 注册账号): the same send limits, the same lock after wrong codes, and the
same answer whether or not the number is taken (a taken number gets an SMS telling its holder to sign in). One
account per number: the unique blind index decides under a race. Citizens are mobile-only accounts
(``MOBILE_ONLY_KINDS``) of the deployment's top unit; the sign-up is audited with the number masked.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from fenji.core.audit.services import audit_record
from fenji.core.kernel.crypto import blind_index
from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.text import control_error
from fenji.core.org.models import Unit, UnitStatus

from .identity import clean_mobile, mask_mobile
from .models import Account, AccountKind, CodePurpose, Person, SmsCode, account_kinds_used
from .recovery import WRONG, TooMany, _code_hash, _number_locked_until, _refuse, _wait
from .services import _validate_password

ACTION = "people.account.signup"
TAKEN = "该号码已注册，请直接登录；忘记密码可通过“忘记密码”找回"
NAME_MAX = 50


def citizen_unit() -> Unit:
    """The unit citizens' accounts belong to: the deployment's top unit (the first, if there are several)."""
    unit = Unit.objects.filter(parent__isnull=True, status=UnitStatus.ACTIVE).order_by("path").first()
    if unit is None:
        raise DomainError("平台尚未建立单位，暂不能注册")
    return unit


def signup_open() -> bool:
    """Does the active profile have citizen accounts at all?"""
    return AccountKind.CITIZEN in dict(account_kinds_used())


def _name(real_name: str) -> str:
    real_name = (real_name or "").strip()
    if not real_name:
        raise DomainError("请填写姓名", field="real_name")
    if len(real_name) > NAME_MAX:
        raise DomainError(f"姓名不能超过 {NAME_MAX} 个字", field="real_name")
    if error := control_error(real_name, label="姓名"):
        raise DomainError(error, field="real_name")
    return real_name


def _attempt(mobile: str, code: str, real_name: str, password: str, now) -> Account | DomainError:
    """Check the code and open the account, in the caller's transaction. A wrong code is counted and returned
    (so that the count commits); a refused password or name is raised and leaves the code usable."""
    mobile_hash = blind_index(mobile)
    if until := _number_locked_until(mobile_hash, now):
        left = (until - now).total_seconds()
        return TooMany(f"验证码错误次数过多，该号码已锁定，请 {_wait(left)}后再试", retry_after=int(left) + 1)
    code = (code or "").strip()
    latest = (SmsCode.objects.select_for_update().filter(mobile_hash=mobile_hash, purpose=CodePurpose.SIGNUP)
              .order_by("-created_at", "-id").first())
    valid = False
    if latest is not None and latest.used_at is None and latest.expires_at > now and code.isdigit():
        row_key, _, digest = latest.code_hash.partition("$")
        valid = constant_time_compare(digest, _code_hash(row_key, code))
    if not valid:
        if latest is not None:
            SmsCode.objects.filter(pk=latest.pk).update(attempts=latest.attempts + 1, last_failed_at=now)
        return DomainError(WRONG, field="code")
    # the code proves the number is the caller's: saying it is taken reveals nothing to anyone else
    if Account.objects.unscoped(reason="one account per number").filter(mobile_hash=mobile_hash).exists():
        return DomainError(TAKEN, field="mobile")
    unit = citizen_unit()
    account = Account(mobile=mobile, kind=AccountKind.CITIZEN, unit=unit, unit_path=unit.path,
                      must_change_password=False, password_changed_at=now)
    _validate_password(password or "", account)  # raised: nothing written, the code stays usable
    try:
        with transaction.atomic():
            account.person = Person.objects.create(real_name=real_name)
            account.set_password(password)
            account.save()
    except IntegrityError:  # the same number signed up a moment ago
        return DomainError(TAKEN, field="mobile")
    SmsCode.objects.filter(pk=latest.pk).update(used_at=now)
    audit_record(actor=account, action=ACTION, target=account,
                 details={"mobile": mask_mobile(mobile), "unit": unit.name, "kind": AccountKind.CITIZEN})
    return account


def citizen_signup(*, mobile: str, code: str, real_name: str, password: str) -> Account:
    """注册: the code sent to ``mobile`` (``sms_code_send(purpose="signup")``), a name and a password (the
    password rules apply). Not a ``@service``: nobody is signed in; a refusal is recorded after the rollback."""
    if not signup_open():
        raise DomainError("本平台不开放群众注册")
    real_name = _name(real_name)
    mobile = clean_mobile(mobile)
    with transaction.atomic():
        outcome = _attempt(mobile, code, real_name, password, timezone.now())
    if isinstance(outcome, DomainError):
        _refuse(ACTION, mobile, outcome.message)
        raise outcome
    return outcome
