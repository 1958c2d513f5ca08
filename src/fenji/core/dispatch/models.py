"""Documents down: one ``Dispatch`` per thing sent, one ``Delivery`` per receiving unit.

A dispatch belongs to the sending unit, a delivery to the receiving unit (both ``OrgOwned``), so the
sender's scope reads the tracking and the receiver's grants its inbox, each through the
``(unit_path, id)`` index. A dispatch to subtrees keeps them as ``DispatchRange`` rows (path ranges,
optionally one unit kind each) bounded by ``unit_cutoff``; its deliveries are created lazily, in one
``INSERT … SELECT … ON CONFLICT DO NOTHING`` over the unit tree, when a unit or the sender first needs
them (``fanout``, ADR 0027): per unit, never per person (PERFORMANCE.md).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.models import OrgOwned
from fenji.core.kernel.paths import PathField

from .elements import DocKind, Urgency


class DispatchKind(models.TextChoices):
    NOTICE = "notice", _("通知")
    MEETING = "meeting", _("会议通知")
    DOCUMENT = "document", _("公文")
    FEEDBACK = "feedback", _("反馈件")


class FeedbackKind(models.TextChoices):
    UNDERTAKE = "undertake", _("承办")
    PROPOSAL = "proposal", _("提案")
    SUPERVISE = "supervise", _("督办")
    COMPLAINT = "complaint", _("投诉")


class Dispatch(OrgOwned):
    """One notice, meeting notice, document or feedback item sent down by ``unit`` (the sender)."""

    kind = models.CharField(max_length=12, choices=DispatchKind.choices, verbose_name="类别")
    feedback_kind = models.CharField(max_length=12, choices=FeedbackKind.choices, blank=True,
                                     verbose_name="反馈件类型")
    title = models.CharField(max_length=200, verbose_name="标题")
    body = models.TextField(blank=True, verbose_name="正文")
    doc_number = models.CharField(max_length=60, blank=True, verbose_name="发文字号")
    # The 公文 elements (``elements``): optional on every kind, so rows sent before them stay valid.
    # No 密级 column: this network is non-classified and refuses any value.
    doc_kind = models.CharField(max_length=16, choices=DocKind.choices, blank=True, default="", verbose_name="文种")
    urgency = models.CharField(max_length=8, choices=Urgency.choices, blank=True, default="",
                               verbose_name="紧急程度")
    signer = models.CharField(max_length=60, blank=True, default="", verbose_name="签发人")
    files = models.ManyToManyField("files.Attachment", blank=True, related_name="+", verbose_name="公文文件")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name="发文人")
    sent_at = models.DateTimeField(default=timezone.now, verbose_name="发文时间")
    sign_within_minutes = models.PositiveIntegerField(verbose_name="签收时限（分钟）")
    reply_days = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name="答复时限（工作日）")
    targets = models.JSONField(default=dict, verbose_name="发送范围")
    delivery_count = models.PositiveIntegerField(default=0, verbose_name="收文单位数")
    # Lazy fan-out (ADR 0027): the deadlines every delivery gets, kept for the rows created later; the
    # highest unit id when sent (a unit created afterwards does not receive); ``pending`` while some
    # receiving units of the ranges have no delivery row yet.
    sign_due_at = models.DateTimeField(null=True, blank=True, verbose_name="签收期限")
    reply_due_at = models.DateTimeField(null=True, blank=True, verbose_name="答复期限")
    reply_due_provisional = models.BooleanField(default=False, verbose_name="期限为暂定")
    calendar_version = models.CharField(max_length=100, blank=True, verbose_name="工作日历版本")
    unit_cutoff = models.BigIntegerField(null=True, blank=True, verbose_name="发文时最大单位编号")
    pending = models.BooleanField(default=False, verbose_name="尚有未建收文记录的单位")

    class Meta:
        verbose_name = "发文"
        verbose_name_plural = "发文"
        indexes = [models.Index(fields=["unit_path", "id"], name="dispatch_unit_path_id"),
                   models.Index(fields=["pending", "sign_due_at"], name="dispatch_pending_due",
                                condition=models.Q(pending=True))]

    def __str__(self):
        return self.title

    @property
    def expects_reply(self) -> bool:
        return self.kind == DispatchKind.FEEDBACK


class DispatchRange(models.Model):
    """One subtree a dispatch went to: the units whose path starts with ``path`` (the root included),
    of ``kind`` only when set, with ids up to the dispatch's ``unit_cutoff``, active, not the sender.
    Read through its dispatch (already in the reader's scope); a unit's inbox finds its ranges by the
    unit's ancestor paths (the ``path`` index)."""

    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="ranges", verbose_name="发文")
    path = PathField(verbose_name="范围根路径")
    kind = models.CharField(max_length=32, blank=True, default="", verbose_name="单位类型")

    class Meta:
        verbose_name = "发文范围"
        verbose_name_plural = "发文范围"
        indexes = [models.Index(fields=["path", "kind"], name="dispatch_range_path_kind")]

    def __str__(self):
        return f"{self.dispatch_id} {self.path} {self.kind}"


class ReviewState(models.TextChoices):
    NONE = "", "—"
    PENDING = "pending", _("待审核")
    ACCEPTED = "accepted", _("已通过")
    RETURNED = "returned", _("已退回")


class Delivery(OrgOwned):
    """What one receiving unit (``unit``) got: signed for, read, answered and reviewed, with deadlines."""

    # Fan-out inserts one row per unit: no index that the constraints and Meta.indexes already cover
    # (dispatch leads the unique (dispatch, unit)), and none on the *_by columns, NULL at fan-out and
    # never searched (accounts are disabled, never deleted).
    dispatch = models.ForeignKey(Dispatch, on_delete=models.PROTECT, related_name="deliveries", db_index=False,
                                 verbose_name="发文")
    sign_due_at = models.DateTimeField(verbose_name="签收期限")
    signed_at = models.DateTimeField(null=True, blank=True, verbose_name="签收时间")
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, db_index=False,
                                  related_name="+", verbose_name="签收人")
    read_at = models.DateTimeField(null=True, blank=True, verbose_name="阅读时间")
    read_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, db_index=False,
                                related_name="+", verbose_name="阅读人")
    reply_due_at = models.DateTimeField(null=True, blank=True, verbose_name="答复期限")
    reply_due_provisional = models.BooleanField(default=False, verbose_name="期限为暂定")
    calendar_version = models.CharField(max_length=100, blank=True, verbose_name="工作日历版本")
    replied_at = models.DateTimeField(null=True, blank=True, verbose_name="答复时间")
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, db_index=False,
                                   related_name="+", verbose_name="答复人")
    reply_text = models.TextField(blank=True, verbose_name="答复内容")
    reply_attachments = models.ManyToManyField("files.Attachment", blank=True, related_name="+",
                                               verbose_name="答复附件")
    review_state = models.CharField(max_length=10, choices=ReviewState.choices, blank=True, default="",
                                    verbose_name="审核状态")
    return_reason = models.CharField(max_length=500, blank=True, verbose_name="退回理由")
    reviewed_at = models.DateTimeField(null=True, blank=True, verbose_name="审核时间")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, db_index=False,
                                    related_name="+", verbose_name="审核人")
    sign_reminded_at = models.DateTimeField(null=True, blank=True, verbose_name="签收超期提醒时间")
    reply_reminded_at = models.DateTimeField(null=True, blank=True, verbose_name="答复到期提醒时间")
    sign_soon_reminded_at = models.DateTimeField(null=True, blank=True, verbose_name="签收即将到期提醒时间")
    reply_overdue_reminded_at = models.DateTimeField(null=True, blank=True, verbose_name="答复超期提醒时间")
    urged_at = models.DateTimeField(null=True, blank=True, verbose_name="最近催办时间")
    urge_count = models.PositiveSmallIntegerField(default=0, verbose_name="催办次数")

    class Meta:
        verbose_name = "收文"
        verbose_name_plural = "收文"
        constraints = [models.UniqueConstraint(fields=["dispatch", "unit"], name="dispatch_delivery_once")]
        indexes = [
            models.Index(fields=["unit_path", "id"], name="delivery_unit_path_id"),
            models.Index(fields=["dispatch", "unit_path", "id"], name="delivery_dispatch_path_id"),
            models.Index(fields=["signed_at", "sign_due_at"], name="delivery_sign_due"),
            models.Index(fields=["replied_at", "reply_due_at"], name="delivery_reply_due"),
        ]

    def __str__(self):
        return f"{self.dispatch.title} → {self.unit_id}"

    # --- states shown on the pages ----------------------------------------------------------------

    @property
    def sign_overdue(self) -> bool:
        """Not signed and past due, or signed after the deadline."""
        if self.signed_at is None:
            return timezone.now() > self.sign_due_at
        return self.signed_at > self.sign_due_at

    @property
    def awaiting_reply(self) -> bool:
        return self.reply_due_at is not None and self.review_state in (ReviewState.NONE, ReviewState.RETURNED)

    @property
    def reply_overdue(self) -> bool:
        if self.reply_due_at is None:
            return False
        if self.awaiting_reply:
            return timezone.now() > self.reply_due_at
        return self.replied_at is not None and self.replied_at > self.reply_due_at


class FileOpen(OrgOwned):
    """Who of a receiving unit (``unit``) opened (downloaded) which file of a dispatch: one row per
    delivery, file and account, with the first and last time and how often. The sender's tracking
    reads it; the receiving unit's downloads write it."""

    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="file_opens", db_index=False,
                                 verbose_name="收文")
    attachment = models.ForeignKey("files.Attachment", on_delete=models.PROTECT, related_name="+",
                                   verbose_name="文件")
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name="打开人")
    first_opened_at = models.DateTimeField(verbose_name="首次打开时间")
    last_opened_at = models.DateTimeField(verbose_name="最近打开时间")
    times = models.PositiveIntegerField(default=1, verbose_name="打开次数")

    class Meta:
        verbose_name = "公文文件打开记录"
        verbose_name_plural = "公文文件打开记录"
        constraints = [models.UniqueConstraint(fields=["delivery", "attachment", "account"],
                                               name="dispatch_file_open_once")]
        indexes = [models.Index(fields=["unit_path", "id"], name="dispatch_fileopen_path_id")]

    def __str__(self):
        return f"{self.delivery_id} {self.attachment_id} {self.account_id}"
