from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.models import OrgOwned

from .registry import Duty


class Reach(models.TextChoices):
    SUBTREE = "subtree", _("本单位及下级")
    UNIT = "unit", _("仅本单位")
    SELF = "self", _("仅本人")


REACH_WIDTH = {Reach.SELF: 0, Reach.UNIT: 1, Reach.SUBTREE: 2}


class Role(models.Model):
    """A business role defined as data (the built-in administrative roles live in ``roles.py``)."""

    code = models.SlugField(max_length=40, unique=True, verbose_name="角色代码")
    label = models.CharField(max_length=50, verbose_name="角色名称")
    duty = models.CharField(max_length=10, default=Duty.BUSINESS, editable=False, verbose_name="职责")
    actions = models.JSONField(default=list, verbose_name="权限")
    subsystem = models.CharField(max_length=50, blank=True, verbose_name="所属子系统")
    description = models.CharField(max_length=200, blank=True, verbose_name="说明")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="创建人")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="创建时间")
    archived_at = models.DateTimeField(null=True, blank=True, verbose_name="停用时间")

    class Meta:
        verbose_name = "业务角色"
        constraints = [models.CheckConstraint(condition=Q(duty=Duty.BUSINESS), name="role_custom_is_business")]

    def __str__(self):
        return self.label


class Grant(OrgOwned):
    """Account × role × unit × reach: what one person may do, and where; and who asked, approved, did it."""

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="grants", verbose_name="账号"
    )
    role = models.CharField(max_length=40, verbose_name="角色")
    reach = models.CharField(max_length=8, choices=Reach.choices, default=Reach.SUBTREE, verbose_name="范围")
    # A business role's grant: the role's subsystem (the role decides; stored for the ledgers). A grant of a
    # role whose holders delegate (a permission administrator): the subsystems it is limited to, codes
    # comma-separated ("": unlimited). Older rows may hold free text, which matches only itself.
    subsystem = models.CharField(max_length=200, blank=True, verbose_name="子系统")
    slot = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name="席位")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="申请人")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="审批人")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="实施人",
    )
    granted_at = models.DateTimeField(auto_now_add=True, verbose_name="授权时间")
    valid_from = models.DateTimeField(null=True, blank=True, verbose_name="生效时间")
    valid_until = models.DateTimeField(null=True, blank=True, verbose_name="有效期至")
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name="撤销时间")
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="撤销人")
    revoke_reason = models.CharField(max_length=200, blank=True, verbose_name="撤销原因")

    class Meta:
        verbose_name = "授权"
        indexes = [
            models.Index(fields=["account", "revoked_at"], name="grant_account_active"),
            models.Index(fields=["unit_path", "id"], name="grant_unit_path_id"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "role", "unit"],
                condition=models.Q(revoked_at__isnull=True),
                name="grant_unique_active",
            ),
            # Per-unit limits (≤2 system administrators, A/B account administrators) held by the database:
            # each live grant of a limited role occupies one numbered seat.
            models.UniqueConstraint(
                fields=["unit", "role", "slot"],
                condition=models.Q(revoked_at__isnull=True, slot__isnull=False),
                name="grant_unique_seat",
            ),
        ]

    def __str__(self):
        return f"{self.account_id}:{self.role}@{self.unit_path}/{self.reach}"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None

    @property
    def role_label(self) -> str:
        from .roles import BUILTIN_ROLES

        if self.role in BUILTIN_ROLES:
            return BUILTIN_ROLES[self.role].label
        row = Role.objects.filter(code=self.role).only("label").first()
        return row.label if row else self.role

    @property
    def seat_label(self) -> str:
        from .rules import per_unit_limit_for

        limit = per_unit_limit_for(self.role)
        if not self.slot or limit is None:
            return ""
        return limit.slot_labels[self.slot - 1] if len(limit.slot_labels) >= self.slot else f"第{self.slot}席"


class DutyHold(models.Model):
    """Which duty of an exclusive set (``rules.ExclusiveDuties``) a person carries, whatever roles carry
    it: one row per (account, rule), so the database refuses a second duty of the set even if two
    grants race. The row stays while any grant of the account not revoked carries the duty."""

    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    rule = models.CharField(max_length=40)
    duty = models.CharField(max_length=20)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "rule"], name="dutyhold_one_per_rule")]


class GrantReview(OrgOwned):
    """A periodic review of the grant log of one subtree (seed 004 §9(四)): who reviewed which period,
    how many grants were made or revoked in it, and what was found. ``unit`` is the reviewed subtree."""

    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name="审查人")
    period_start = models.DateField(verbose_name="审查期间起")
    period_end = models.DateField(verbose_name="审查期间止")
    grants_reviewed = models.PositiveIntegerField(default=0, verbose_name="审查授权数")
    grants_created = models.PositiveIntegerField(default=0, verbose_name="期间新增授权数")
    grants_revoked = models.PositiveIntegerField(default=0, verbose_name="期间撤销授权数")
    findings = models.TextField(verbose_name="审查发现")
    subsystem = models.CharField(max_length=50, blank=True, verbose_name="子系统")  # "": every subsystem's grants
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="记录时间")

    class Meta:
        verbose_name = "权限审查"
        verbose_name_plural = "权限审查"
        indexes = [models.Index(fields=["unit_path", "id"], name="grantreview_unit_path_id")]
        constraints = [models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")),
                                              name="grantreview_period_ordered")]

    def __str__(self):
        return f"{self.unit_path}:{self.period_start}~{self.period_end}"
