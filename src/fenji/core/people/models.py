import secrets

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from fenji.core.kernel import profiles
from fenji.core.kernel.crypto import blind_index
from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.fields import BlindIndexField, EncryptedTextField
from fenji.core.kernel.models import BlindIndexed, OrgOwned
from fenji.core.kernel.scoping import ScopedQuerySet
from fenji.core.kernel.text import NUMBER

from .identity import clean_mobile, mask_id_number, mask_mobile


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Person(BlindIndexed):
    """A real, named natural person (实名制). At most one account each.

    The ID number is stored SM4-GCM encrypted; its keyed SM3 hash carries the uniqueness and the
    exact-match search (``kernel/fields.py``).
    """

    real_name = models.CharField(max_length=50, verbose_name="姓名")
    id_number = EncryptedTextField(null=True, blank=True, blind_index="id_number_hash", normalise=NUMBER,
                                   verbose_name="身份证号码")
    id_number_hash = BlindIndexField(source="id_number", null=True, blank=True, unique=True,
                                     verbose_name="身份证号码哈希")
    gender = models.CharField(max_length=1, choices=Gender.choices, blank=True, verbose_name="性别")
    birth_date = models.DateField(null=True, blank=True, verbose_name="出生日期")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="登记时间")

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"

    def __str__(self):
        return self.real_name

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number or "")


class AccountKind(models.TextChoices):
    STAFF = "staff", _("工作人员")
    MEMBER = "member", _("会员/团员")
    ELDER = "elder", _("离退休干部")
    CITIZEN = "citizen", _("群众")


def account_kinds_used() -> list[tuple[str, str]]:
    """The account kinds the active profile uses (all of them if it names none), with their labels."""
    used = profiles.active().account_kinds
    return [(value, label) for value, label in AccountKind.choices if not used or value in used]


MOBILE_ONLY_KINDS = {AccountKind.MEMBER, AccountKind.ELDER, AccountKind.CITIZEN}


class AccountStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    DISABLED = "disabled", _("已停用")


class DutyStatus(models.TextChoices):
    """Whether a staff member is at their post (seed 004 §14: the situations that clear their permissions)."""

    ON_DUTY = "on_duty", _("在岗")
    RETIRED = "retired", _("退休退职")
    TRANSFERRED = "transferred", _("调离")
    LEAVE = "leave", _("脱岗3个月以上")
    INVESTIGATION = "investigation", _("接受调查")
    OTHER = "other", _("其他影响履职情况")


class AccountManager(BaseUserManager.from_queryset(ScopedQuerySet)):
    """Fail-closed like every unit-owned manager; signing in is the one lookup by login name."""

    def get_by_natural_key(self, mobile):
        """The account whose mobile number is ``mobile`` (however typed), found by its blind index."""
        try:
            mobile = clean_mobile(mobile)
        except DomainError:
            raise self.model.DoesNotExist("not a mobile number") from None
        return self.unscoped(reason="authentication looks the login name up").get(mobile_hash=blind_index(mobile))


class Account(AbstractBaseUser, OrgOwned, BlindIndexed):
    """The login of one person: the mobile number is the account name (C2.1).

    The number is stored SM4-GCM encrypted; ``mobile_hash`` (keyed SM3) is what logins look up and
    what the database keeps unique.

    There is deliberately no ``is_superuser`` or ``is_staff``: what an account may do comes only
    from its grants (``access.policy``).

    ``security_stamp`` is part of the session auth hash: replacing it (``end_sessions``) makes Django
    drop every session signed in before, whatever the session engine, without finding the sessions.
    """

    mobile = EncryptedTextField(blind_index="mobile_hash", normalise=NUMBER, verbose_name="手机号码")
    mobile_hash = BlindIndexField(source="mobile", unique=True, verbose_name="手机号码哈希")
    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="account", verbose_name="人员")
    kind = models.CharField(max_length=8, choices=AccountKind.choices, verbose_name="账号类型")
    title = models.CharField(max_length=50, blank=True, verbose_name="职务")
    status = models.CharField(
        max_length=8, choices=AccountStatus.choices, default=AccountStatus.ACTIVE, verbose_name="状态"
    )
    status_reason = models.CharField(max_length=200, blank=True, verbose_name="状态说明")
    duty_status = models.CharField(
        max_length=16, choices=DutyStatus.choices, default=DutyStatus.ON_DUTY, verbose_name="人员状态"
    )
    duty_status_since = models.DateField(null=True, blank=True, verbose_name="人员状态起始日期")
    duty_status_note = models.CharField(max_length=200, blank=True, verbose_name="人员状态说明")
    must_change_password = models.BooleanField(default=True, verbose_name="须修改密码")
    security_stamp = models.CharField(max_length=32, blank=True, default="", editable=False,
                                      verbose_name="会话戳")
    password_changed_at = models.DateTimeField(null=True, blank=True, verbose_name="密码修改时间")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="开户人",
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="开户时间")
    # the last successful write request of this account: its reads stay on the primary for a while after it
    # (read-your-writes with read replicas, ADR 0024); only set when replicas are configured
    wrote_at = models.DateTimeField(null=True, blank=True, editable=False, verbose_name="最近写入时间")

    USERNAME_FIELD = "mobile"
    REQUIRED_FIELDS: list[str] = []

    objects = AccountManager()

    revoke_blocker = Q(status=AccountStatus.ACTIVE)
    revoke_blocker_label = "在用账号"

    class Meta:
        verbose_name = "账号"
        verbose_name_plural = "账号"
        indexes = [models.Index(fields=["unit_path", "id"], name="account_unit_path_id")]

    def __str__(self):
        return f"{self.person.real_name}（{self.mobile_masked}）"

    @property
    def is_active(self) -> bool:
        return self.status == AccountStatus.ACTIVE

    def end_sessions(self) -> None:
        """Void every session of the account signed in so far (the caller saves ``security_stamp``).

        Django checks the hash stored in a session against ``get_session_auth_hash`` on every request
        and flushes the session when they differ; a new stamp changes the hash.
        """
        self.security_stamp = secrets.token_hex(16)

    def _get_session_auth_hash(self, secret=None):
        key_salt = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"
        # An account whose sessions were never ended has no stamp: its hash is Django's own (so adding
        # the column ended no session).
        value = f"{self.password}\x00{self.security_stamp}" if self.security_stamp else self.password
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()

    @property
    def mobile_only(self) -> bool:
        return self.kind in MOBILE_ONLY_KINDS

    @property
    def mobile_masked(self) -> str:
        return mask_mobile(self.mobile)

    @property
    def display_label(self) -> str:
        return f"{self.person.real_name}（{self.mobile_masked}）"


class PasswordHistory(models.Model):
    """The hashes of an account's recent passwords, so that none of the last N is reused."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class CodePurpose(models.TextChoices):
    RESET = "reset", _("找回密码")
    ACTIVATE = "activate", _("激活账号")
    SIGNUP = "signup", _("注册账号")


class SmsCode(models.Model):
    """One verification code sent by SMS (找回密码, 激活账号), or asked for a number that has no account.

    Only a keyed hash of the code is stored, and the number only as its blind index. A row is written for
    every request, whether or not an account answers to the number: the limits count rows, and the
    answer and the work are the same either way (``account`` is empty when no SMS went out).
    """

    mobile_hash = models.CharField(max_length=64, verbose_name="手机号码索引")
    purpose = models.CharField(max_length=16, choices=CodePurpose.choices, verbose_name="用途")
    account = models.ForeignKey("Account", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                                verbose_name="账号")
    code_hash = models.CharField(max_length=100, verbose_name="验证码摘要")  # "<row key>$<HMAC-SHA256 hex>"
    client_ip = models.CharField(max_length=45, blank=True, verbose_name="客户端地址")
    created_at = models.DateTimeField(verbose_name="发送时间")
    expires_at = models.DateTimeField(verbose_name="失效时间")
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name="错误次数")
    last_failed_at = models.DateTimeField(null=True, blank=True, verbose_name="最近错误时间")
    used_at = models.DateTimeField(null=True, blank=True, verbose_name="使用时间")

    class Meta:
        verbose_name = "短信验证码"
        verbose_name_plural = "短信验证码"
        indexes = [models.Index(fields=["mobile_hash", "created_at"], name="smscode_number"),
                   models.Index(fields=["client_ip", "created_at"], name="smscode_client")]
