from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.models import OrgOwned


class SubmissionKind(models.TextChoices):
    INFO = "info", _("信息")
    REQUEST = "request", _("请示")
    REPORT = "report", _("报告")


class SubmissionState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    REVIEWING = "reviewing", _("待负责人审核")
    SUBMITTED = "submitted", _("已盖章报送")
    RECEIVED = "received", _("上级已签收")
    HANDLED = "handled", _("已办结")
    RETURNED = "returned", _("已退回")


EDITABLE = (SubmissionState.DRAFT, SubmissionState.RETURNED)
SENT = (SubmissionState.SUBMITTED, SubmissionState.RECEIVED, SubmissionState.HANDLED)


class Submission(OrgOwned):
    """One item reported upward. ``unit`` is the submitting unit, ``target_unit`` its parent."""

    kind = models.CharField(max_length=10, choices=SubmissionKind.choices, verbose_name="文种")
    title = models.CharField(max_length=200, verbose_name="标题")
    body = models.TextField(verbose_name="正文")
    contact = models.CharField(max_length=100, verbose_name="联系人及电话")
    attachments = models.ManyToManyField("files.Attachment", blank=True, related_name="+", verbose_name="附件")
    state = models.CharField(max_length=10, choices=SubmissionState.choices, default=SubmissionState.DRAFT,
                             db_index=True, verbose_name="状态")
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="起草人")
    created_at = models.DateTimeField(default=timezone.now, verbose_name="起草时间")
    updated_at = models.DateTimeField(auto_now=True, verbose_name="修改时间")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="审核人（单位负责人）")
    reviewed_at = models.DateTimeField(null=True, blank=True, verbose_name="审核时间")
    stamp_json = models.TextField(blank=True, verbose_name="电子印章签章数据")
    seal_key = models.ForeignKey("seals.SealKey", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name="所用印章")
    submitted_at = models.DateTimeField(null=True, blank=True, verbose_name="报送时间")
    target_unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="主送单位")
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="签收人")
    received_at = models.DateTimeField(null=True, blank=True, verbose_name="签收时间")
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="办理人")
    handled_at = models.DateTimeField(null=True, blank=True, verbose_name="办结时间")
    handling_note = models.TextField(blank=True, verbose_name="办理意见")
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="退回人")
    returned_at = models.DateTimeField(null=True, blank=True, verbose_name="退回时间")
    return_reason = models.CharField(max_length=500, blank=True, verbose_name="退回原因")

    class Meta:
        verbose_name = "上报事项"
        verbose_name_plural = "上报事项"
        indexes = [
            models.Index(fields=["unit_path", "id"], name="subm_unit_path_id"),
            models.Index(fields=["target_unit", "state"], name="subm_target_state"),
        ]

    def __str__(self):
        return self.title

    @property
    def editable(self) -> bool:
        return self.state in EDITABLE

    @property
    def sealed(self) -> bool:
        return bool(self.stamp_json)
