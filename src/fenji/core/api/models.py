import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

# Longest life of a token, whatever is asked (``--days``, ``days``) or configured (FENJI_TOKEN_DAYS).
MAX_DAYS = 365


def default_days() -> int:
    """FENJI_TOKEN_DAYS (90 unless set), kept within 1..MAX_DAYS."""
    return max(1, min(settings.API_TOKEN_DAYS, MAX_DAYS))


def default_expiry() -> datetime.datetime:
    """When a token created now without a number of days expires: every token expires."""
    return timezone.now() + datetime.timedelta(days=default_days())


class ApiToken(models.Model):
    """A personal API token of one account. Only its SHA-256 is kept: the token itself is shown once."""

    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens",
                                verbose_name="账号")
    name = models.CharField(max_length=50, verbose_name="名称")
    prefix = models.CharField(max_length=8, db_index=True, verbose_name="前缀")
    hash = models.CharField(max_length=64, unique=True, verbose_name="摘要")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="创建时间")
    last_used_at = models.DateTimeField(null=True, blank=True, verbose_name="最近使用时间")
    expires_at = models.DateTimeField(default=default_expiry, verbose_name="有效期至")
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name="撤销时间")
    revoke_reason = models.CharField(max_length=200, blank=True, verbose_name="撤销原因")

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
        indexes = [models.Index(fields=["account", "revoked_at"], name="apitoken_account_active")]

    def __str__(self):
        return f"{self.name}（{self.display}）"

    @property
    def display(self) -> str:
        """What lists show: enough to recognise the token, nothing to use it."""
        return f"fj_{self.prefix}_…"

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "active"

    @property
    def status_label(self) -> str:
        return {"revoked": "已撤销", "expired": "已过期", "active": "有效"}[self.status]
