import json

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.fields import EncryptedTextField
from fenji.core.kernel.models import OrgOwned


class RequestState(models.TextChoices):
    PENDING = "pending", _("办理中")
    DONE = "done", _("已办结")
    REJECTED = "rejected", _("未通过")
    WITHDRAWN = "withdrawn", _("已撤回")


class Request(OrgOwned):
    """One filed form (申请表). ``unit`` is the requesting unit; the payload may hold ID and mobile
    numbers, so it is stored encrypted like them."""

    kind = models.CharField(max_length=64, db_index=True, verbose_name="申请类别")
    title = models.CharField(max_length=200, verbose_name="申请事项")
    payload_json = EncryptedTextField(verbose_name="申请内容")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name="申请人")
    subject = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name="涉及账号")
    filed_at = models.DateTimeField(default=timezone.now, verbose_name="申请时间")
    state = models.CharField(max_length=12, choices=RequestState.choices, default=RequestState.PENDING,
                             db_index=True, verbose_name="状态")
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name="办结时间")
    result = models.TextField(blank=True, verbose_name="办理结果")

    class Meta:
        verbose_name = "申请"
        verbose_name_plural = "申请"
        indexes = [
            models.Index(fields=["unit_path", "id"], name="wf_request_unit_path_id"),
            models.Index(fields=["requester", "id"], name="wf_request_requester_id"),
        ]

    def __str__(self):
        return self.title

    @property
    def payload(self) -> dict:
        return json.loads(self.payload_json or "{}")


class StepState(models.TextChoices):
    WAITING = "waiting", _("未开始")
    OPEN = "open", _("待办")
    APPROVED = "approved", _("同意")
    DONE = "done", _("已办理")
    REJECTED = "rejected", _("不同意")
    CANCELLED = "cancelled", _("已取消")


DECIDED = (StepState.APPROVED, StepState.DONE, StepState.REJECTED)


class Step(OrgOwned):
    """One step of a request. ``unit`` is where its decider sits: whoever holds ``action`` over it."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="steps", verbose_name="申请")
    index = models.PositiveSmallIntegerField(verbose_name="序号")
    code = models.CharField(max_length=32, verbose_name="环节代码")
    label = models.CharField(max_length=50, verbose_name="环节")
    action = models.CharField(max_length=100, verbose_name="所需权限")
    working_days = models.PositiveSmallIntegerField(verbose_name="时限（工作日）")
    state = models.CharField(max_length=12, choices=StepState.choices, default=StepState.WAITING,
                             verbose_name="状态")
    opened_at = models.DateTimeField(null=True, blank=True, verbose_name="开始时间")
    due_at = models.DateTimeField(null=True, blank=True, verbose_name="办理期限")
    due_provisional = models.BooleanField(default=False, verbose_name="期限为暂定")
    calendar_version = models.CharField(max_length=100, blank=True, verbose_name="工作日历版本")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="办理人")
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name="办理时间")
    opinion = models.TextField(blank=True, verbose_name="意见")
    result = models.TextField(blank=True, verbose_name="办理结果")
    on_time = models.BooleanField(null=True, verbose_name="按时办理")
    reminded_at = models.DateTimeField(null=True, blank=True, verbose_name="提醒时间")
    overdue_notified_at = models.DateTimeField(null=True, blank=True, verbose_name="超期通知时间")

    class Meta:
        verbose_name = "审批环节"
        verbose_name_plural = "审批环节"
        ordering = ["request_id", "index"]
        constraints = [models.UniqueConstraint(fields=["request", "index"], name="wf_step_request_index")]
        indexes = [
            models.Index(fields=["unit_path", "id"], name="wf_step_unit_path_id"),
            models.Index(fields=["state", "due_at"], name="wf_step_state_due"),
        ]

    def __str__(self):
        return f"{self.request.title} · {self.label}"

    @property
    def still_open(self) -> bool:
        return self.state == StepState.OPEN

    @property
    def overdue(self) -> bool:
        if self.due_at is None:
            return False
        if self.state == StepState.OPEN:
            return timezone.now() > self.due_at
        return self.on_time is False
