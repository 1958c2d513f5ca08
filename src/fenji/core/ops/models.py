from django.conf import settings
from django.db import models
from django.db.models import F, Q

from fenji.core.kernel.models import OrgOwned


class MaintenanceWindow(OrgOwned):
    """An announced period of maintenance for one unit's subtree (C5.5).

    Signed-in users in the subtree see a banner from 7 days before the start until the end; active
    staff accounts in the subtree get one SMS when it is scheduled (``notified_at``) and another if
    it is cancelled. Rows are kept: cancelling sets ``cancelled_at``.
    """

    title = models.CharField(max_length=100, verbose_name="标题")
    starts_at = models.DateTimeField(verbose_name="开始时间")
    ends_at = models.DateTimeField(verbose_name="结束时间")
    message = models.TextField(max_length=500, blank=True, verbose_name="说明")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="安排人",
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="安排时间")
    cancelled_at = models.DateTimeField(null=True, blank=True, verbose_name="取消时间")
    notified_at = models.DateTimeField(null=True, blank=True, verbose_name="短信通知时间")

    class Meta:
        verbose_name = "系统维护"
        verbose_name_plural = "系统维护"
        indexes = [models.Index(fields=["unit_path", "id"], name="maintenance_unit_path_id")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="maintenance_ends_after_start"),
        ]

    def __str__(self):
        return self.title
