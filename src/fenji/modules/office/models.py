"""The office network's own records (seed 001): the removable-media register (§16) and the duty roster for
transmission (§7.2). The information publishing register (§15) is read from the publishing app's approvals."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.models import OrgOwned


class MediumKind(models.TextChoices):
    USB = "usb", _("U盘")
    DISK = "disk", _("移动硬盘")
    CARD = "card", _("存储卡")
    OTHER = "other", _("其他")


class MediumState(models.TextChoices):
    IN_USE = "in_use", _("在用")
    LOST = "lost", _("丢失")
    RETIRED = "retired", _("报废")


class CheckResult(models.TextChoices):
    CLEAN = "clean", _("未发现病毒")
    CLEANED = "cleaned", _("发现病毒，已查杀")
    QUARANTINED = "quarantined", _("发现病毒，未能清除，已停用")


class RemovableMedium(OrgOwned):
    """A removable disk or stick registered for use on the office network (001 §16: 严格登记管理, 及时查杀病毒,
    尽量专网专用). Lost or retired media stay in the register with the reason."""

    number = models.CharField(max_length=40, verbose_name="登记编号")
    kind = models.CharField(max_length=10, choices=MediumKind.choices, verbose_name="类型")
    model_name = models.CharField(max_length=100, blank=True, verbose_name="品牌型号")
    capacity = models.CharField(max_length=20, blank=True, verbose_name="容量")
    keeper = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name="保管人")
    dedicated = models.BooleanField(default=True, verbose_name="专网专用")
    registered_on = models.DateField(verbose_name="登记日期")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                      verbose_name="登记人")
    state = models.CharField(max_length=10, choices=MediumState.choices, default=MediumState.IN_USE,
                             verbose_name="状态")
    state_changed_at = models.DateTimeField(null=True, blank=True, verbose_name="状态变更时间")
    state_reason = models.CharField(max_length=200, blank=True, verbose_name="丢失或报废说明")
    last_checked_on = models.DateField(null=True, blank=True, verbose_name="最近查毒日期")

    class Meta:
        verbose_name = "移动存储介质"
        verbose_name_plural = "移动存储介质"
        constraints = [models.UniqueConstraint(fields=["unit", "number"], name="office_medium_number_per_unit")]
        indexes = [models.Index(fields=["unit_path", "id"], name="office_medium_path")]

    def __str__(self):
        return f"{self.number}（{self.get_kind_display()}）"


class MediumCheck(models.Model):
    """One virus check of a medium (查杀病毒), who did it and what was found."""

    medium = models.ForeignKey(RemovableMedium, on_delete=models.CASCADE, related_name="checks",
                               verbose_name="介质")
    checked_on = models.DateField(verbose_name="查毒日期")
    result = models.CharField(max_length=12, choices=CheckResult.choices, verbose_name="结果")
    note = models.CharField(max_length=200, blank=True, verbose_name="说明")
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="登记人")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="登记时间")

    class Meta:
        verbose_name = "查毒记录"
        verbose_name_plural = "查毒记录"
        ordering = ["-checked_on", "-id"]


class DutyPeriod(models.TextChoices):
    WORK = "work", _("工作时间值守")
    OFF = "off", _("非工作时间值班")


class DutyShift(OrgOwned):
    """Who watches the network's transmissions for a unit on one day (001 §7.2: 工作时间专人值守, 非工作时间值班):
    documents arriving outside working hours also go to whoever is on the day's 值班 shift."""

    day = models.DateField(verbose_name="日期")
    period = models.CharField(max_length=10, choices=DutyPeriod.choices, verbose_name="时段")
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name="值班人")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="安排人")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="安排时间")

    class Meta:
        verbose_name = "值班安排"
        verbose_name_plural = "值班安排"
        constraints = [models.UniqueConstraint(fields=["unit", "day", "period", "account"],
                                               name="office_duty_once")]
        indexes = [models.Index(fields=["unit", "day"], name="office_duty_unit_day"),
                   models.Index(fields=["unit_path", "id"], name="office_duty_path")]

    def __str__(self):
        return f"{self.day} {self.get_period_display()}"
