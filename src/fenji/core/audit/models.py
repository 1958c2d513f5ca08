from django.db import models

from fenji.core.kernel.paths import PathField


class Outcome(models.TextChoices):
    OK = "ok", "成功"
    DENIED = "denied", "拒绝"
    FAILED = "failed", "失败"


class AuditEvent(models.Model):
    """One append-only record of something that happened. Never updated, never deleted by the app."""

    id = models.BigAutoField(primary_key=True, verbose_name="序号")
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

    class Meta:
        verbose_name = "审计事件"
        ordering = ["id"]

    def __str__(self):
        return f"#{self.id} {self.action} {self.outcome}"
