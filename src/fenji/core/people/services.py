"""Every write to people and accounts: check, validate, write and audit in one transaction."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.access.models import Grant
from fenji.core.access.services import grant_revoke
from fenji.core.api.services import account_tokens_revoke
from fenji.core.audit.services import audit_record
from fenji.core.audit.transactions import service
from fenji.core.kernel.crypto import blind_index
from fenji.core.kernel.errors import AccessDenied, DomainError, ReferredRefusal
from fenji.core.mfa import services as mfa
from fenji.core.notify.tasks import sms_enqueue
from fenji.core.workflow.services import request_start

from . import permissions as perms
from .identity import clean_mobile, parse_id_number
from .member_import import ImportResult, ImportStopped, member_import, member_import_start  # noqa: F401  (C2.6)
from .models import Account, AccountKind, AccountStatus, DutyStatus, PasswordHistory, Person, account_kinds_used
from .passwords import generate_initial_password
from .referrals import refer_duplicate
from .selectors import account_list_stale

DUPLICATE_ID = "该身份证号码已有账号：一人只能有一个账号，如需调整请联系其所在单位管理员"
DUPLICATE_MOBILE = "该手机号码已有账号：一人只能有一个账号，如需调整请联系其所在单位管理员"
# The same clash with an account outside the actor's scope: nothing says the account exists.
DUPLICATE_ELSEWHERE_OPEN = "无法使用该{what}开户，请联系上级账户管理员核实"
DUPLICATE_ELSEWHERE_CHANGE = "无法变更为该{what}，请联系上级账户管理员核实"


def _validate_password(password: str, account: Account) -> None:
    try:
        password_validation.validate_password(password, user=account)
    except ValidationError as error:
        raise DomainError("；".join(error.messages), field="new_password") from None


def _check_unique(*, actor, unit, id_number: str | None, mobile: str, exclude_account: Account | None = None,
                  elsewhere: str = DUPLICATE_ELSEWHERE_OPEN) -> None:
    """One person, one account, platform-wide. A clash with an account the actor may see says so; one
    with an account outside the actor's scope gets a neutral refusal that does not reveal the account
    exists, and is referred to the administrators who see both units (after the rollback)."""
    accounts = Account.objects.unscoped(reason="one person, one account: uniqueness is platform-wide")
    if exclude_account is not None:
        accounts = accounts.exclude(pk=exclude_account.pk)
    clashes = [("mobile", DUPLICATE_MOBILE, accounts.filter(mobile_hash=blind_index(mobile)))]
    if id_number:
        people = Person.objects.filter(id_number_hash=blind_index(id_number))
        if people.filter(account__isnull=True).exists():  # a person without an account: nobody to refer to
            raise DomainError(elsewhere.format(what="身份证号码"), field="id_number")
        clashes.append(("id_number", DUPLICATE_ID, accounts.filter(person__in=people)))
    for field_name, message, rows in clashes:
        existing = rows.select_related("person", "unit").first()
        if existing is None:
            continue
        if policy.can(actor, perms.ACCOUNT_VIEW, existing.unit_path):
            raise DomainError(message, field=field_name)
        what = "手机号码" if field_name == "mobile" else "身份证号码"
        raise ReferredRefusal(
            elsewhere.format(what=what), field=field_name,
            refer=lambda existing=existing, field_name=field_name: refer_duplicate(
                actor=actor, unit=unit, existing=existing, field=field_name))


def _end_sessions_and_tokens(*, actor, account: Account, reason: str) -> list:
    """End every session of ``account`` (a new security stamp, saved here) and revoke all its API tokens.

    Called inside the services that disable an account, change its password or register an
    investigation; returns the revoked tokens.
    """
    account.end_sessions()
    account.save(update_fields=["security_stamp"])
    return account_tokens_revoke(actor=actor, account=account, reason=reason)


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
    if kind not in dict(account_kinds_used()):
        raise DomainError("账号类型无效：本平台不使用该类型的账号", field="kind")
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
            _check_unique(actor=actor, unit=unit, id_number=identity.number if identity else None, mobile=mobile)
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
            sms_enqueue(mobile=mobile, text=text)
    except IntegrityError:
        # Two clerks opening the same person at once: the database's unique constraints decide, and the
        # row that won is there to check again (named only to someone who may see it).
        _check_unique(actor=actor, unit=unit, id_number=identity.number if identity else None, mobile=mobile)
        raise DomainError(DUPLICATE_ELSEWHERE_OPEN.format(what="号码")) from None
    return account, password


@service
def account_set_status(*, actor, account: Account, active: bool, reason: str = "") -> Account:
    """Disable (停用) or re-enable (启用) an account; a disabled account cannot log in at all.

    Disabling ends every session and revokes every API token of the account: re-enabling it later
    brings none of them back (the person signs in again).
    """
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
    details = {"status": target, "reason": reason}
    if not active:
        revoked = _end_sessions_and_tokens(actor=actor, account=account, reason=f"账号停用：{reason}")
        details.update(sessions_ended=True, tokens_revoked=[t.pk for t in revoked])
    audit_record(actor=actor, action=perms.ACCOUNT_DISABLE, target=account, details=details)
    return account


@service
def account_change_mobile(*, actor, account: Account, mobile: str) -> Account:
    """A person's phone number changed (C2.7): the login changes with it, and the new number is told."""
    policy.require(actor, perms.ACCOUNT_UPDATE, account.unit_path)
    mobile = clean_mobile(mobile)
    if mobile == account.mobile:
        raise DomainError("新手机号码与原号码相同", field="mobile")
    _check_unique(actor=actor, unit=account.unit, id_number=None, mobile=mobile, exclude_account=account,
                  elsewhere=DUPLICATE_ELSEWHERE_CHANGE)
    old = account.mobile_masked
    account.mobile = mobile
    try:
        with transaction.atomic():  # mobile_hash is written with it (kernel.models.BlindIndexed)
            account.save(update_fields=["mobile"])
    except IntegrityError:  # a lost race on the unique hash: check again against the row that won
        _check_unique(actor=actor, unit=account.unit, id_number=None, mobile=mobile, exclude_account=account,
                      elsewhere=DUPLICATE_ELSEWHERE_CHANGE)
        raise DomainError(DUPLICATE_ELSEWHERE_CHANGE.format(what="手机号码"), field="mobile") from None
    audit_record(
        actor=actor, action=perms.ACCOUNT_UPDATE, target=account,
        details={"mobile": {"before": old, "after": account.mobile_masked}},
    )
    text = f"【分级平台】您的登录账号已变更为本手机号码 {mobile}，密码不变。"
    sms_enqueue(mobile=mobile, text=text)
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
    """The account holder changes their own password (first login, expiry, or by choice).

    Every other session of the account ends and every API token is revoked; the caller keeps its own
    session with ``update_session_auth_hash`` (``account`` carries the new stamp).
    """
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
    revoked = _end_sessions_and_tokens(actor=actor, account=account, reason="修改密码")
    audit_record(actor=actor, action="people.password.change", target=account,
                 details={"sessions_ended": True, "tokens_revoked": [t.pk for t in revoked]})
    return account


@service
def account_second_factor_reset(*, actor, account: Account) -> Account:
    """Forget the account's authenticator and recovery codes (``fenji mfa_reset``, for a lost phone): it
    enrols again at its next login. Every session of the account ends and every API token is revoked,
    so whoever holds the lost phone and a session or token made with it is out as well."""
    revoked = _end_sessions_and_tokens(actor=actor, account=account, reason="重置动态口令")
    mfa.second_factor_reset(actor=actor, account=account,
                            details={"sessions_ended": True, "tokens_revoked": [t.pk for t in revoked]})
    return account


def password_expired(account: Account) -> bool:
    if account.must_change_password:
        return True
    max_age = settings.PASSWORD_MAX_AGE_DAYS
    if not max_age:
        return False
    changed = account.password_changed_at or account.created_at
    return (timezone.now() - changed).days >= max_age


STALE_REVIEW = "people.account.stale_review"  # the audit event of one review (the disablings have their own)
STALE_NOTE_MAX = 120  # the note goes into the status reason (200 characters) after the fixed words


@dataclass
class StaleReview:
    disabled: list[Account] = field(default_factory=list)
    skipped: list[tuple[Account, str]] = field(default_factory=list)  # (account, why it was left alone)


@service
def account_stale_disable(*, actor, accounts, note: str) -> StaleReview:
    """Disable, after review, staff accounts that have not logged in for ``FENJI_STALE_ACCOUNT_DAYS``
    (C2.4, seed 004 §8(四)).

    Every account must be in the actor's scope (else nothing is done: ``AccessDenied``). Each is
    checked again under a row lock: one that logged in, was disabled or changed meanwhile is skipped
    and reported. The rest are disabled through ``account_set_status`` (one audit event each), and
    the review itself is one more event naming the note and both lists.
    """
    note = (note or "").strip()
    if not note:
        raise DomainError("请填写审核意见", field="note")
    if len(note) > STALE_NOTE_MAX:
        raise DomainError(f"审核意见不能超过{STALE_NOTE_MAX}个字", field="note")
    accounts = list(accounts)
    if not accounts:
        raise DomainError("请选择要停用的账号", field="accounts")
    policy.require(actor, perms.ACCOUNT_DISABLE)
    for account in accounts:  # all or nothing: one account out of scope refuses the whole review
        policy.require(actor, perms.ACCOUNT_DISABLE, account.unit_path)
    days = settings.FENJI_STALE_ACCOUNT_DAYS
    pks = [a.pk for a in accounts]
    # Lock the rows first, then ask again which of them are still stale and in scope.
    list(Account.objects.unscoped(reason="locking the reviewed accounts").select_for_update()
         .filter(pk__in=pks).values_list("pk", flat=True))
    still_stale = set(account_list_stale(actor=actor, action=perms.ACCOUNT_DISABLE, days=days)
                      .filter(pk__in=pks).values_list("pk", flat=True))
    reason = f"超过{days}天未登录，经审核停用：{note}"
    review = StaleReview()
    for account in accounts:
        if account.pk not in still_stale:
            review.skipped.append((account, "已不符合长期未登录条件（期间已登录、已停用或已变更）"))
            continue
        if account.pk == actor.account_id:
            review.skipped.append((account, "不能停用自己的账号"))
            continue
        review.disabled.append(account_set_status(actor=actor, account=account, active=False, reason=reason))
    audit_record(actor=actor, action=STALE_REVIEW, details={
                     "days": days, "note": note,
                     "disabled": [a.pk for a in review.disabled],
                     "skipped": [a.pk for a, _ in review.skipped],
                 })
    return review


@dataclass
class DutyChange:
    account: Account
    revoked: list = field(default_factory=list)  # business grants revoked at once (investigation)
    admin_grants: list = field(default_factory=list)  # administrator grants left for their own request
    tokens_revoked: list = field(default_factory=list)  # API tokens revoked with the sessions (investigation)
    request: object = None  # the staff.duty_change request started, if any

    @property
    def message(self) -> str:
        name = self.account.person.real_name
        status = DutyStatus(self.account.duty_status).label
        parts = [f"已登记{name}的人员状态为“{status}”"]
        if self.account.duty_status == DutyStatus.INVESTIGATION:
            parts.append(f"已立即收回 {len(self.revoked)} 项业务权限，并结束其全部登录会话、撤销其接口令牌")
        if self.request is not None:
            parts.append("已生成权限清理申请，经部门意见、分管领导审批后由权限管理员办理")
        if self.admin_grants:
            labels = "、".join(sorted({g.role_label for g in self.admin_grants}))
            parts.append(f"其管理员权限（{labels}）须另行提交《管理员账户权限申请表》办理")
        return "；".join(parts)


DUTY_CHANGE_REQUEST = "staff.duty_change"


def unrevoked_grants(account: Account) -> tuple[list, list]:
    """The account's grants not yet revoked, split into business and administrator ones."""
    grants = list(Grant.objects.unscoped(reason="clearing the permissions of one person")
                  .filter(account_id=account.pk, revoked_at__isnull=True).order_by("pk"))
    roles = policy.roles_for({g.role for g in grants})
    business = [g for g in grants if g.role not in roles or not roles[g.role].is_admin]
    admin = [g for g in grants if g.role in roles and roles[g.role].is_admin]
    return business, admin


@service
def account_duty_status_set(*, actor, account: Account, status: str, since: datetime.date | None = None,
                            note: str = "") -> DutyChange:
    """Register a staff member's duty status (C2.5, seed 004 §14).

    接受调查: every business grant is revoked at once (by the platform, naming who registered it), and
    every session and API token of the account ends;
    退休退职 / 调离 / 脱岗 / 其他: a ``staff.duty_change`` request is started, whose last step (the
    permission administrator) revokes them. Administrator grants are never revoked here: they go
    through their own 管理员账户权限申请 (seed 004 §11).
    """
    policy.require(actor, perms.ACCOUNT_UPDATE, account.unit_path)
    if status not in DutyStatus.values:
        raise DomainError("人员状态无效", field="status")
    note = (note or "").strip()
    if status != DutyStatus.ON_DUTY and not note:
        raise DomainError("请填写情况说明", field="note")
    if account.pk == actor.account_id:
        raise DomainError("不能登记本人的人员状态，请由其他管理员办理")
    account = (Account.objects.unscoped(reason="the account was found in scope").select_for_update()
               .select_related("person", "unit").get(pk=account.pk))
    if account.kind != AccountKind.STAFF:
        raise DomainError("人员状态只适用于工作人员账号")
    if account.duty_status == status:
        raise DomainError(f"人员状态已是“{DutyStatus(status).label}”")
    before = account.duty_status
    account.duty_status = status
    account.duty_status_since = since or timezone.localdate()
    account.duty_status_note = note
    account.save(update_fields=["duty_status", "duty_status_since", "duty_status_note"])
    change = DutyChange(account=account)
    if status != DutyStatus.ON_DUTY:
        business, change.admin_grants = unrevoked_grants(account)
    if status == DutyStatus.INVESTIGATION:
        reason = f"接受调查，立即收回业务权限（由{actor.label}登记）"[:200]
        # The platform revokes by rule (the registering account administrator holds no grant duty, 三员);
        # the grants still name who registered the investigation as the one who caused the revocation.
        change.revoked = [grant_revoke(actor=policy.SYSTEM, grant=g, reason=reason) for g in business]
        Grant.objects.unscoped(reason="naming who registered the investigation").filter(
            pk__in=[g.pk for g in change.revoked]).update(revoked_by_id=actor.account_id)
        change.tokens_revoked = _end_sessions_and_tokens(actor=actor, account=account, reason="接受调查")
    elif status != DutyStatus.ON_DUTY:
        change.request = request_start(actor=actor, kind=DUTY_CHANGE_REQUEST, unit=account.unit,
                                       payload={"account": account.pk, "status": status, "note": note,
                                                "account_label": f"{account.display_label} · {account.unit.name}"},
                                       reason="人员状态变动")
    audit_record(actor=actor, action=perms.ACCOUNT_UPDATE, target=account, details={
        "duty_status": {"before": before, "after": status},
        "since": account.duty_status_since.isoformat(), "note": note,
        "revoked_grants": [g.pk for g in change.revoked],
        "sessions_ended": status == DutyStatus.INVESTIGATION,
        "tokens_revoked": [t.pk for t in change.tokens_revoked],
        "admin_grants_kept": [g.pk for g in change.admin_grants],
        "request": change.request.pk if change.request is not None else None,
    })
    return change
