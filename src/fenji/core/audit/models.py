from django.db import models
from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.paths import PathField


class Outcome(models.TextChoices):
    OK = "ok", _("成功")
    DENIED = "denied", _("拒绝")
    FAILED = "failed", _("失败")


class AppendOnlyQuerySet(models.QuerySet):
    """The ORM cannot change or remove audit events; retention purges go through ``chain.purge``."""

    def update(self, **kwargs):
        raise PermissionError("审计日志只能追加，不能修改")

    def delete(self):
        raise PermissionError("审计日志只能追加，不能删除")


class AuditEvent(models.Model):
    """One append-only record of something that happened, linked to the one before by its hash."""

    id = models.BigAutoField(primary_key=True)
    seq = models.BigIntegerField(unique=True, verbose_name="序号")
    at = models.DateTimeField(db_index=True, verbose_name="时间")
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True, verbose_name="操作人")
    actor_label = models.CharField(max_length=100, blank=True, verbose_name="操作人名称")
    actor_unit_path = PathField(blank=True, verbose_name="操作人单位路径")
    action = models.CharField(max_length=80, db_index=True, verbose_name="动作")
    target_type = models.CharField(max_length=60, blank=True, verbose_name="对象类型")
    target_id = models.CharField(max_length=64, blank=True, verbose_name="对象编号")
    target_unit_path = PathField(blank=True, db_index=True, verbose_name="对象单位路径")
    client_ip = models.CharField(max_length=45, blank=True, verbose_name="客户端地址")
    request_id = models.CharField(max_length=64, blank=True, verbose_name="请求编号")
    channel = models.CharField(max_length=16, blank=True, verbose_name="渠道")
    outcome = models.CharField(max_length=8, choices=Outcome.choices, verbose_name="结果")
    details = models.JSONField(default=dict, blank=True, verbose_name="详情")
    prev_hash = models.CharField(max_length=64, verbose_name="前一事件哈希")
    hash = models.CharField(max_length=64, unique=True, verbose_name="本事件哈希")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "审计事件"
        ordering = ["seq"]

    def __str__(self):
        return f"#{self.seq} {self.action} {self.outcome}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("审计日志只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计日志只能追加，不能删除")


class ChainHead(models.Model):
    """The last link of the chain. Locking this row serializes appends, so seq is gapless and in commit order."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)


class Checkpoint(models.Model):
    """A signed statement "the chain had hash H at seq N", to be kept off-host as well."""

    seq = models.BigIntegerField(verbose_name="序号")
    hash = models.CharField(max_length=64, verbose_name="哈希")
    at = models.DateTimeField(verbose_name="时间")
    signer = models.CharField(max_length=40, verbose_name="签名算法")
    public_key = models.TextField(verbose_name="公钥")
    signature = models.TextField(verbose_name="签名")

    class Meta:
        verbose_name = "审计检查点"
        ordering = ["-seq"]


class RefusalCount(models.Model):
    """Refusals of one kind by one actor or client address in one minute, counted instead of logged one
    by one (``audit.refusals``): the first of the minute is an event at once, the rest one event later.

    A table rather than Django's cache: the server runs several worker processes, and a per-process
    cache would multiply the limits by the number of workers and lose counts when a worker restarts.
    """

    key = models.CharField(max_length=120, verbose_name="计数键")
    minute = models.DateTimeField(verbose_name="分钟")
    action = models.CharField(max_length=80, verbose_name="动作")
    outcome = models.CharField(max_length=8, choices=Outcome.choices, verbose_name="结果")
    count = models.PositiveIntegerField(default=0, verbose_name="次数")
    recorded = models.PositiveIntegerField(default=0, verbose_name="已记入审计日志的次数")
    who = models.JSONField(default=dict, blank=True, verbose_name="操作人与来源")
    summary = models.JSONField(default=dict, blank=True, verbose_name="汇总")

    class Meta:
        verbose_name = "拒绝计数"
        constraints = [models.UniqueConstraint(fields=["key", "minute"], name="audit_refusalcount_key_minute")]
        indexes = [models.Index(fields=["minute"], name="audit_refusalcount_minute")]

    def __str__(self):
        return f"{self.key} {self.minute:%H:%M} ×{self.count}"


class RateCount(models.Model):
    """How many times one key (``token.create|account:42``) acted in one fixed window (``audit.ratelimits``).
    In the database so that every server process counts against the same limit."""

    key = models.CharField(max_length=160, verbose_name="计数键")
    window = models.DateTimeField(verbose_name="时间窗起点")
    count = models.PositiveIntegerField(default=0, verbose_name="次数")

    class Meta:
        verbose_name = "频率计数"
        constraints = [models.UniqueConstraint(fields=["key", "window"], name="audit_ratecount_key_window")]
        indexes = [models.Index(fields=["window"], name="audit_ratecount_window")]

    def __str__(self):
        return f"{self.key} {self.window:%Y-%m-%d %H:%M} ×{self.count}"
