"""Every write to people and accounts: check, validate, write and audit in one transaction."""

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.kernel.crypto import blind_index
from fenji.core.kernel.errors import AccessDenied, DomainError
from fenji.core.notify.sms import sms_send

from . import permissions as perms
from .identity import clean_mobile, parse_id_number
from .models import Account, AccountKind, AccountStatus, PasswordHistory, Person
from .passwords import generate_initial_password

DUPLICATE_ID = "该身份证号码已有账号：一人只能有一个账号，如需调整请联系其所在单位管理员"
DUPLICATE_MOBILE = "该手机号码已有账号：一人只能有一个账号，如需调整请联系其所在单位管理员"


def _validate_password(password: str, account: Account) -> None:
    try:
        password_validation.validate_password(password, user=account)
    except ValidationError as error:
        raise DomainError("；".join(error.messages), field="new_password") from None


def _check_unique(*, id_number: str | None, mobile: str, exclude_account: Account | None = None) -> None:
    accounts = Account.objects.unscoped(reason="one person, one account: uniqueness is platform-wide")
    if exclude_account is not None:
        accounts = accounts.exclude(pk=exclude_account.pk)
    if accounts.filter(mobile_hash=blind_index(mobile)).exists():
        raise DomainError(DUPLICATE_MOBILE, field="mobile")
    if id_number and Person.objects.filter(id_number_hash=blind_index(id_number)).exists():
        raise DomainError(DUPLICATE_ID, field="id_number")


@service
def account_open(
    *, actor, unit, real_name: str, mobile: str, kind: str, id_number: str = "", title: str = ""
) -> tuple[Account, str]:
    """Open an account for a real person and send the login and an initial password by SMS (C2.2).

    Returns the account and the initial password (shown to nobody: it travels only by SMS).
    """
    real_name = (real_name or "").strip()
    if not real_name:
        raise DomainError("请填写姓名", field="real_name")
    if kind not in AccountKind.values:
        raise DomainError("账号类型无效", field="kind")
    mobile = clean_mobile(mobile)
    identity = parse_id_number(id_number) if (id_number or "").strip() else None
    if identity is None and kind != AccountKind.CITIZEN:
        raise DomainError("请填写身份证号码（实名制）", field="id_number")
    if not unit.is_active:
        raise DomainError(f"“{unit.name}”已撤销，不能在其下开设账号", field="unit")
    policy.require(actor, perms.ACCOUNT_OPEN, unit.path)
    password = generate_initial_password()
    try:
        with transaction.atomic():  # a savepoint: a lost race on the unique constraints becomes a clear error
            _check_unique(id_number=identity.number if identity else None, mobile=mobile)
            person = Person.objects.create(
                real_name=real_name,
                id_number=identity.number if identity else None,
                gender=identity.gender if identity else "",
                birth_date=identity.birth_date if identity else None,
            )
            account = Account(
                mobile=mobile, person=person, kind=kind, title=(title or "").strip(), unit=unit,
                unit_path=unit.path, must_change_password=True, opened_by_id=actor.account_id,
            )
            account.set_password(password)
            account.save()
            audit_record(
                actor=actor, action=perms.ACCOUNT_OPEN, target=account,
                details={"kind": kind, "unit": unit.name, "real_name": real_name},
            )
            text = (
                f"【分级平台】{real_name}您好，{unit.name}已为您开通账号。登录账号：{mobile}，"
                f"初始密码：{password}。首次登录须修改密码，请勿转告他人。"
            )
            transaction.on_commit(lambda: sms_send(mobile=mobile, text=text))
    except IntegrityError:
        # Two clerks opening the same person at once: the database's unique constraints decide.
        raise DomainError(DUPLICATE_ID if identity else DUPLICATE_MOBILE) from None
    return account, password


@service
def account_set_status(*, actor, account: Account, active: bool, reason: str = "") -> Account:
    """Disable (停用) or re-enable (启用) an account; a disabled account cannot log in at all."""
    policy.require(actor, perms.ACCOUNT_DISABLE, account.unit_path)
    if account.pk == actor.account_id:
        raise DomainError("不能停用或启用自己的账号")
    reason = (reason or "").strip()
    if not active and not reason:
        raise DomainError("请填写停用原因", field="reason")
    account = Account.objects.unscoped(reason="the account was found in scope").select_for_update().get(pk=account.pk)
    target = AccountStatus.ACTIVE if active else AccountStatus.DISABLED
    if account.status == target:
        raise DomainError(f"账号已是“{AccountStatus(target).label}”状态")
    account.status = target
    account.status_reason = reason
    account.save(update_fields=["status", "status_reason"])
    audit_record(
        actor=actor, action=perms.ACCOUNT_DISABLE, target=account,
        details={"status": target, "reason": reason},
    )
    return account


@service
def account_change_mobile(*, actor, account: Account, mobile: str) -> Account:
    """A person's phone number changed (C2.7): the login changes with it, and the new number is told."""
    policy.require(actor, perms.ACCOUNT_UPDATE, account.unit_path)
    mobile = clean_mobile(mobile)
    if mobile == account.mobile:
        raise DomainError("新手机号码与原号码相同", field="mobile")
    _check_unique(id_number=None, mobile=mobile, exclude_account=account)
    old = account.mobile_masked
    account.mobile = mobile
    try:
        with transaction.atomic():  # mobile_hash is written with it (kernel.models.BlindIndexed)
            account.save(update_fields=["mobile"])
    except IntegrityError:  # a lost race on the unique hash
        raise DomainError(DUPLICATE_MOBILE, field="mobile") from None
    audit_record(
        actor=actor, action=perms.ACCOUNT_UPDATE, target=account,
        details={"mobile": {"before": old, "after": account.mobile_masked}},
    )
    text = f"【分级平台】您的登录账号已变更为本手机号码 {mobile}，密码不变。"
    transaction.on_commit(lambda: sms_send(mobile=mobile, text=text))
    return account


@service
def person_unmask(*, actor, account: Account) -> dict[str, str]:
    """The full mobile and ID numbers of an account's holder (everyone else sees them masked).

    Needs ``people.person.unmask`` at the account's unit; every call is one audit event naming the
    account and the fields shown — never the values.
    """
    policy.require(actor, perms.PERSON_UNMASK, account.unit_path)
    audit_record(actor=actor, action=perms.PERSON_UNMASK, target=account,
                 details={"fields": ["mobile", "id_number"]})
    return {"mobile": account.mobile, "id_number": account.person.id_number or ""}


@service
def password_change(*, actor, account: Account, old_password: str, new_password: str) -> Account:
    """The account holder changes their own password (first login, expiry, or by choice)."""
    if actor.account_id != account.pk:
        raise AccessDenied("只能修改本人的密码", rule="self_only", action="people.password.change")
    if not account.check_password(old_password or ""):
        raise DomainError("原密码不正确", field="old_password")
    _validate_password(new_password or "", account)
    PasswordHistory.objects.create(account=account, password=account.password)
    stale = account.password_history.values_list("pk", flat=True)[settings.PASSWORD_HISTORY_COUNT:]
    PasswordHistory.objects.filter(pk__in=list(stale)).delete()
    account.set_password(new_password)
    account.must_change_password = False
    account.password_changed_at = timezone.now()
    account.save(update_fields=["password", "must_change_password", "password_changed_at"])
    audit_record(actor=actor, action="people.password.change", target=account)
    return account


def password_expired(account: Account) -> bool:
    if account.must_change_password:
        return True
    max_age = settings.PASSWORD_MAX_AGE_DAYS
    if not max_age:
        return False
    changed = account.password_changed_at or account.created_at
    return (timezone.now() - changed).days >= max_age
