"""What a clue's disposal owes (design/domain/discipline.md P4, ``clue_deadlines``): the report a 谈话函询 or an
初步核实 brings in before the clue is concluded, and the one extension of an 初步核实 the principal leader approves."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.fields import EncryptedTextField


class ClueReportKind(models.TextChoices):
    REPLY = "reply", _("函询回复")
    TALK = "talk", _("谈话记录")
    VERIFICATION = "verification", _("初步核实报告")


class ClueReport(models.Model):
    """The report a disposal owes: the reply to the letter or the record of the talk (谈话函询), the verification
    report with its proposal (初步核实). One per clue; ``reported_on`` is the day it came in (a paper date)."""

    clue = models.OneToOneField("discipline.Clue", on_delete=models.CASCADE, related_name="report",
                                verbose_name="问题线索")
    kind = models.CharField(max_length=12, choices=ClueReportKind.choices, verbose_name="报告类别")
    reported_on = models.DateField(verbose_name="提交日期")
    text = EncryptedTextField(verbose_name="主要内容")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name="提交人")
    submitted_at = models.DateTimeField(auto_now_add=True, verbose_name="录入时间")

    class Meta:
        verbose_name = "线索处置报告"
        verbose_name_plural = "线索处置报告"


class ClueExtension(models.Model):
    """The one extension of an 初步核实's report (requested by a handler with a reason, decided by the unit's
    principal leader): approved, it moves the report's due date from ``old_due`` to ``new_due``."""

    clue = models.OneToOneField("discipline.Clue", on_delete=models.CASCADE, related_name="extension",
                                verbose_name="问题线索")
    reason = models.CharField(max_length=300, verbose_name="延期理由")
    old_due = models.DateField(verbose_name="原报告期限")
    new_due = models.DateField(verbose_name="延期至")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name="申请人")
    requested_at = models.DateTimeField(auto_now_add=True, verbose_name="申请时间")
    approved = models.BooleanField(null=True, verbose_name="批准")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="审批人")
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name="审批时间")
    decision_note = models.CharField(max_length=200, blank=True, verbose_name="审批意见")

    class Meta:
        verbose_name = "线索核实延期"
        verbose_name_plural = "线索核实延期"
