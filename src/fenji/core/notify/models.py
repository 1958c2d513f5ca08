"""In-app messages (站内消息) and the bookkeeping of the periodic jobs (``periodic.py``)."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Message(models.Model):
    """One message to one account, shown in its console inbox (``/messages/``).

    ``dedupe_key`` (optional) is unique per recipient: a periodic job that builds the same key for
    the same reminder every tick sends it once, however often it runs and however many workers race.
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                  db_index=False, verbose_name="收件人")
    kind = models.CharField(max_length=40, blank=True, verbose_name="类型")
    title = models.CharField(max_length=200, verbose_name="标题")
    body = models.TextField(blank=True, verbose_name="内容")
    link = models.CharField(max_length=500, blank=True, verbose_name="链接")
    dedupe_key = models.CharField(max_length=200, blank=True, verbose_name="去重键")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="发送时间")
    read_at = models.DateTimeField(null=True, blank=True, verbose_name="阅读时间")

    class Meta:
        verbose_name = "站内消息"
        verbose_name_plural = "站内消息"
        constraints = [
            models.UniqueConstraint(fields=["recipient", "dedupe_key"], condition=~Q(dedupe_key=""),
                                    name="notify_message_dedupe"),
        ]
        indexes = [
            # The inbox (newest first, keyset on id) and the unread badge on every console page.
            models.Index(fields=["recipient", "id"], name="notify_message_inbox"),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notify_message_unread"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class TickRun(models.Model):
    """When a registered periodic job last started (claimed under a row lock, so it runs once per interval)."""

    name = models.CharField(max_length=100, unique=True, verbose_name="任务名称")
    last_run_at = models.DateTimeField(null=True, blank=True, verbose_name="上次运行时间")

    class Meta:
        verbose_name = "定时任务运行记录"
        verbose_name_plural = "定时任务运行记录"

    def __str__(self):
        return self.name


class WorkerBeat(models.Model):
    """A ``fenji worker`` process saying it is alive: a task it left running after its last beat is requeued by
    the other workers (``orphans.orphaned_tasks_requeue``, ADR 0030)."""

    worker_id = models.CharField(max_length=64, primary_key=True, verbose_name="工作进程标识")
    beat_at = models.DateTimeField(verbose_name="最近一次报到时间")

    class Meta:
        verbose_name = "后台工作进程报到"
        verbose_name_plural = "后台工作进程报到"

    def __str__(self):
        return self.worker_id


class AlertRule(models.Model):
    """The rule of one kind of alert (``alerts.kinds()``), set on the console's 提醒设置: whether an SMS goes
    with its messages, and for a due-soon kind how many minutes before the deadline it comes."""

    kind = models.CharField(max_length=40, unique=True, verbose_name="提醒类型")
    sms = models.BooleanField(default=False, verbose_name="发送短信")
    lead_minutes = models.PositiveIntegerField(null=True, blank=True, verbose_name="到期前提醒（分钟）")
    updated_at = models.DateTimeField(auto_now=True, verbose_name="修改时间")

    class Meta:
        verbose_name = "提醒规则"
        verbose_name_plural = "提醒规则"

    def __str__(self):
        return self.kind
