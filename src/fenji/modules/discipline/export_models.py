"""The one-way export's ledgers (design/domain/discipline.md §5): the packages a unit wrote, confirmed by hand (there is
no return channel), and on the receiving side the packages read and the records they carried."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.models import OrgOwned


class ExportPackage(OrgOwned):
    """A package written for the internal network (domain note §5). There is no return channel: the day the
    receiving side confirmed the import (an import log or a paper receipt) is entered by hand."""

    seq = models.PositiveIntegerField(verbose_name="包序号")
    name = models.CharField(max_length=80, verbose_name="包名")
    digest = models.CharField(max_length=64, verbose_name="包摘要（SM3）")
    prev_digest = models.CharField(max_length=64, blank=True, verbose_name="上一包摘要")
    record_count = models.PositiveIntegerField(verbose_name="记录数")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="导出时间")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="导出人")
    confirmed_on = models.DateField(null=True, blank=True, verbose_name="内网确认日期")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="确认人")

    class Meta:
        verbose_name = "导出包"
        verbose_name_plural = "导出包"
        constraints = [models.UniqueConstraint(fields=["unit", "seq"], name="discipline_export_unit_seq")]
        indexes = [models.Index(fields=["unit_path", "id"], name="discipline_export_path")]

    def __str__(self):
        return self.name


class ReceivedPackage(models.Model):
    """The receiving side's log of packages from one sending unit (by its unit code): accepted ones chain by
    sequence and digest; a package after a gap is kept in quarantine with the reason (an alert)."""

    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("已导入")
        QUARANTINED = "quarantined", _("已隔离")

    source_code = models.CharField(max_length=32, verbose_name="来源单位代码")
    seq = models.PositiveIntegerField(verbose_name="包序号")
    digest = models.CharField(max_length=64, verbose_name="包摘要（SM3）")
    status = models.CharField(max_length=12, choices=Status.choices, verbose_name="状态")
    reason = models.CharField(max_length=300, blank=True, verbose_name="原因")
    record_count = models.PositiveIntegerField(default=0, verbose_name="记录数")
    received_at = models.DateTimeField(auto_now_add=True, verbose_name="接收时间")

    class Meta:
        verbose_name = "接收包"
        verbose_name_plural = "接收包"


class ReceivedRecord(models.Model):
    """A record as the internal network holds it: the latest version of each uuid, upserted by (uuid, version)."""

    uuid = models.UUIDField(unique=True, verbose_name="唯一标识")
    record_type = models.CharField(max_length=20, verbose_name="类型")
    version = models.PositiveIntegerField(verbose_name="版本")
    source_code = models.CharField(max_length=32, verbose_name="来源单位代码")
    payload = models.JSONField(verbose_name="内容")
    package_seq = models.PositiveIntegerField(verbose_name="来自包序号")

    class Meta:
        verbose_name = "接收记录"
        verbose_name_plural = "接收记录"
