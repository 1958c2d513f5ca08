"""监督考核: the records of the upper level's checks on the lower.

An ``Inspection`` belongs to the inspecting unit (``unit``) and names the lower units it inspects
(``InspectionTarget``, each owned by the inspected unit). A ``Finding`` is a problem found at one inspected
unit: recorded as a draft by the inspecting unit, issued to the inspected unit in its 整改通知 with a
working-day deadline, answered with measures and evidence, then accepted or returned. A ``Sample`` draws a
share of one record type entered at an inspected unit in the inspection's period; a record marked wrong opens
a draft finding. Every step is an ``InspectionEvent`` on the inspection's one timeline.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.models import OrgOwned


class Inspection(OrgOwned):
    """An inspection planned by ``unit`` (the inspecting unit) over a period, with its checklist."""

    class State(models.TextChoices):
        OPEN = "open", _("进行中")
        CLOSED = "closed", _("已结束")

    title = models.CharField(max_length=100, verbose_name="检查名称")
    period_start = models.DateField(verbose_name="检查期间起")
    period_end = models.DateField(verbose_name="检查期间止")
    checklist = models.JSONField(default=list, verbose_name="检查事项")
    note = models.TextField(max_length=1000, blank=True, verbose_name="说明")
    state = models.CharField(max_length=8, choices=State.choices, default=State.OPEN, verbose_name="状态")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="创建人")
    created_at = models.DateTimeField(default=timezone.now, verbose_name="创建时间")
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name="结束时间")

    class Meta:
        verbose_name = "监督检查"
        verbose_name_plural = "监督检查"
        indexes = [models.Index(fields=["unit_path", "id"], name="supervision_insp_path")]

    def __str__(self):
        return self.title


class InspectionTarget(OrgOwned):
    """One inspected unit (``unit``) of an inspection; ``notice_at`` is when its 整改通知 was last issued."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="targets",
                                   verbose_name="监督检查")
    notice_at = models.DateTimeField(null=True, blank=True, verbose_name="整改通知下发时间")

    class Meta:
        verbose_name = "被检查单位"
        verbose_name_plural = "被检查单位"
        constraints = [models.UniqueConstraint(fields=["inspection", "unit"], name="supervision_target_once")]
        indexes = [models.Index(fields=["unit_path", "id"], name="supervision_target_path")]


class FindingState(models.TextChoices):
    DRAFT = "draft", _("待下发")
    ISSUED = "issued", _("待整改")
    ANSWERED = "answered", _("待验收")
    RETURNED = "returned", _("退回重改")
    ACCEPTED = "accepted", _("已验收")


OPEN_FINDING_STATES = (FindingState.ISSUED, FindingState.RETURNED)  # the inspected unit's turn


class Finding(OrgOwned):
    """A problem found at ``unit`` (the inspected unit) and, once issued, its rectification (整改)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings",
                                   verbose_name="监督检查")
    target = models.ForeignKey(InspectionTarget, on_delete=models.CASCADE, related_name="findings",
                               verbose_name="被检查单位")
    item = models.CharField(max_length=200, verbose_name="检查事项")
    description = models.TextField(max_length=2000, verbose_name="发现的问题")
    evidence = models.ManyToManyField("files.Attachment", blank=True, related_name="+", verbose_name="佐证材料")
    days = models.PositiveSmallIntegerField(default=10, verbose_name="整改时限（工作日）")
    state = models.CharField(max_length=8, choices=FindingState.choices, default=FindingState.DRAFT,
                             verbose_name="状态")
    issued_at = models.DateTimeField(null=True, blank=True, verbose_name="下发时间")
    due_at = models.DateTimeField(null=True, blank=True, verbose_name="整改期限")
    due_provisional = models.BooleanField(default=False, verbose_name="期限为暂定")
    measures = models.TextField(max_length=2000, blank=True, verbose_name="整改措施")
    answer_evidence = models.ManyToManyField("files.Attachment", blank=True, related_name="+",
                                             verbose_name="整改佐证材料")
    answered_at = models.DateTimeField(null=True, blank=True, verbose_name="答复时间")
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="答复人")
    answered_on_time = models.BooleanField(null=True, blank=True, verbose_name="按期答复")
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name="验收时间")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="验收人")
    return_reason = models.CharField(max_length=200, blank=True, verbose_name="退回理由")
    overdue_alerted_at = models.DateTimeField(null=True, blank=True, verbose_name="超期提醒时间")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="记录人")
    created_at = models.DateTimeField(default=timezone.now, verbose_name="记录时间")

    class Meta:
        verbose_name = "检查发现问题"
        verbose_name_plural = "检查发现问题"
        indexes = [models.Index(fields=["unit_path", "id"], name="supervision_finding_path"),
                   models.Index(fields=["state", "due_at"], name="supervision_finding_due")]

    def __str__(self):
        return self.item

    @property
    def overdue(self) -> bool:
        return self.state in OPEN_FINDING_STATES and self.due_at is not None and self.due_at < timezone.now()


class Sample(OrgOwned):
    """A draw of one record type entered at ``unit`` (and below) in the inspection's period.

    ``seed`` and ``population_digest`` let anyone redraw it (``sampling.draw``) and see that the population is
    still the one it was drawn from."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="samples",
                                   verbose_name="监督检查")
    target = models.ForeignKey(InspectionTarget, on_delete=models.CASCADE, related_name="samples",
                               verbose_name="被检查单位")
    record_type = models.CharField(max_length=60, verbose_name="记录类型")
    record_label = models.CharField(max_length=50, verbose_name="记录类型名称")
    ratio = models.DecimalField(max_digits=4, decimal_places=3, verbose_name="抽查比例")
    population = models.PositiveIntegerField(verbose_name="记录总数")
    population_digest = models.CharField(max_length=64, verbose_name="记录集摘要")
    seed = models.CharField(max_length=32, verbose_name="抽样种子")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="抽样人")
    created_at = models.DateTimeField(default=timezone.now, verbose_name="抽样时间")

    class Meta:
        verbose_name = "抽查"
        verbose_name_plural = "抽查"
        indexes = [models.Index(fields=["unit_path", "id"], name="supervision_sample_path")]

    def __str__(self):
        return f"{self.record_label}抽查"


class Verdict(models.TextChoices):
    CORRECT = "correct", _("准确")
    WRONG = "wrong", _("有误")


class SampleItem(models.Model):
    """One drawn record (``record_id`` of the sample's type), in drawing order, and the checker's verdict."""

    sample = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="items", verbose_name="抽查")
    position = models.PositiveIntegerField(verbose_name="序号")
    record_id = models.BigIntegerField(verbose_name="记录编号")
    title = models.CharField(max_length=200, verbose_name="记录")
    verdict = models.CharField(max_length=8, choices=Verdict.choices, blank=True, verbose_name="核查结果")
    note = models.CharField(max_length=200, blank=True, verbose_name="核查说明")
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="核查人")
    checked_at = models.DateTimeField(null=True, blank=True, verbose_name="核查时间")
    finding = models.OneToOneField(Finding, null=True, blank=True, on_delete=models.SET_NULL, related_name="sample_item",
                                   verbose_name="整改事项")

    class Meta:
        verbose_name = "抽查记录"
        verbose_name_plural = "抽查记录"
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["sample", "record_id"], name="supervision_item_once")]


class EventKind(models.TextChoices):
    PLAN = "plan", _("制定检查计划")
    FINDING = "finding", _("记录问题")
    FINDING_EDIT = "finding_edit", _("修改问题")
    FINDING_REMOVE = "finding_remove", _("删除问题")
    SAMPLE = "sample", _("抽取样本")
    CHECK = "check", _("核查记录")
    NOTICE = "notice", _("下发整改通知")
    ANSWER = "answer", _("答复整改情况")
    ACCEPT = "accept", _("验收通过")
    RETURN = "return", _("退回重改")
    CLOSE = "close", _("结束检查")


class InspectionEvent(models.Model):
    """One step on an inspection's timeline (the audit log keeps the same steps)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="events",
                                   verbose_name="监督检查")
    kind = models.CharField(max_length=16, choices=EventKind.choices, verbose_name="环节")
    unit_name = models.CharField(max_length=100, blank=True, verbose_name="涉及单位")
    target = models.ForeignKey(InspectionTarget, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                               verbose_name="被检查单位")  # None: a step of the whole inspection
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name="操作人")
    note = models.TextField(max_length=2000, blank=True, verbose_name="说明")
    at = models.DateTimeField(default=timezone.now, verbose_name="时间")

    class Meta:
        verbose_name = "监督检查记录"
        verbose_name_plural = "监督检查记录"
        ordering = ["at", "id"]


class UsageMonth(models.Model):
    """One usage figure of a unit's subtree for one month, from the latest rebuild (``usage.usage_rebuild``).

    ``key`` names the figure (``usage.METRICS``); ``subtree`` is the unit's own count plus every unit's below it.
    Only non-zero figures are stored: no row reads as 0. The statistics page reads these rows for a unit and its
    children, never the source tables."""

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+", db_index=False,
                             verbose_name="单位")
    month = models.DateField(verbose_name="月份")  # the first day of the month
    key = models.CharField(max_length=40, verbose_name="统计项")
    subtree = models.BigIntegerField(default=0, verbose_name="子树合计")

    class Meta:
        verbose_name = "使用情况月度统计"
        verbose_name_plural = "使用情况月度统计"
        constraints = [models.UniqueConstraint(fields=["unit", "month", "key"], name="supervision_usage_once")]
        indexes = [models.Index(fields=["month"], name="supervision_usage_month")]


class UsageRun(models.Model):
    """One rebuild of the usage rollups (the months it covered), written with its rows."""

    finished_at = models.DateTimeField(verbose_name="完成时间")
    months = models.CharField(max_length=100, verbose_name="月份")
    seconds = models.FloatField(verbose_name="用时（秒）")
    rows = models.PositiveIntegerField(default=0, verbose_name="行数")

    class Meta:
        verbose_name = "使用情况统计快照"
        verbose_name_plural = "使用情况统计快照"
