from django.conf import settings
from django.db import models


class TotpDevice(models.Model):
    """One authenticator per account (RFC 6238). The base32 secret is stored sealed (SM4-GCM), never in clear.

    ``confirmed_at`` is empty while the account is enrolling: the device counts only once a code
    from it has been accepted. ``last_used_step`` is the 30-second step of the last accepted code;
    a code of that step or an earlier one is refused (replay).
    """

    account = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device",
                                   verbose_name="账号")
    secret_encrypted = models.CharField(max_length=200, verbose_name="密钥（密文）")
    confirmed_at = models.DateTimeField(null=True, blank=True, verbose_name="绑定时间")
    last_used_step = models.BigIntegerField(null=True, blank=True, verbose_name="最后使用的时间步")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="创建时间")

    class Meta:
        verbose_name = "动态口令设备"
        verbose_name_plural = "动态口令设备"

    def __str__(self):
        return f"动态口令设备 #{self.pk}"


class RecoveryCode(models.Model):
    """A one-time code for when the authenticator is lost. Only a keyed hash (HMAC-SM3) is kept."""

    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes",
                                verbose_name="账号")
    code_hash = models.CharField(max_length=64, verbose_name="恢复码摘要")
    used_at = models.DateTimeField(null=True, blank=True, verbose_name="使用时间")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="生成时间")

    class Meta:
        verbose_name = "恢复码"
        verbose_name_plural = "恢复码"
        constraints = [models.UniqueConstraint(fields=["account", "code_hash"], name="mfa_recovery_code_unique")]


class DemoMarker(models.Model):
    """Present (one row) only in a database built by ``fenji demo``: demo-only commands check it."""

    created_at = models.DateTimeField(auto_now_add=True, verbose_name="装入时间")

    class Meta:
        verbose_name = "演示数据标记"
        verbose_name_plural = "演示数据标记"
