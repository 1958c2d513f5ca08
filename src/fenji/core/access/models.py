from django.conf import settings
from django.db import models

from fenji.core.kernel.models import OrgOwned

from .roles import ROLE_CHOICES


class Reach(models.TextChoices):
    SUBTREE = "subtree", "本单位及下级"
    UNIT = "unit", "仅本单位"
    SELF = "self", "仅本人"


class Grant(OrgOwned):
    """Account × role × unit × reach: what one person may do, and where."""

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="grants", verbose_name="账号"
    )
    role = models.CharField(max_length=40, choices=ROLE_CHOICES, verbose_name="角色")
    reach = models.CharField(max_length=8, choices=Reach.choices, default=Reach.SUBTREE, verbose_name="范围")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="授权人",
    )
    granted_at = models.DateTimeField(auto_now_add=True, verbose_name="授权时间")
    valid_until = models.DateTimeField(null=True, blank=True, verbose_name="有效期至")
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name="撤销时间")

    class Meta:
        verbose_name = "授权"
        indexes = [models.Index(fields=["account", "revoked_at"], name="grant_account_active")]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "role", "unit"],
                condition=models.Q(revoked_at__isnull=True),
                name="grant_unique_active",
            )
        ]

    def __str__(self):
        return f"{self.account_id}:{self.role}@{self.unit_path}/{self.reach}"
