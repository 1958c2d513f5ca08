from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from fenji.core.kernel.fields import EncryptedTextField
from fenji.core.kernel.models import OrgOwned


class SealKey(OrgOwned):
    """A unit's seal: an SM2 key pair and the seal's image. At most one live (not revoked) key per
    unit; revoked keys stay, so stamps made with them can still be checked."""

    private_key = EncryptedTextField(verbose_name="私钥（加密保存）")
    public_key = models.CharField(max_length=130, verbose_name="公钥")
    image = models.BinaryField(verbose_name="印章图像（PNG）")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="制发人")
    created_at = models.DateTimeField(default=timezone.now, verbose_name="制发时间")
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name="停用时间")
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="停用人")
    revoke_reason = models.CharField(max_length=200, blank=True, verbose_name="停用原因")

    class Meta:
        verbose_name = "单位电子印章"
        verbose_name_plural = "单位电子印章"
        indexes = [models.Index(fields=["unit_path", "id"], name="seals_key_unit_path_id")]
        constraints = [models.UniqueConstraint(fields=["unit"], condition=Q(revoked_at__isnull=True),
                                               name="seals_one_live_key_per_unit")]

    def __str__(self):
        return f"{self.unit_id} #{self.pk}"

    @property
    def live(self) -> bool:
        return self.revoked_at is None
