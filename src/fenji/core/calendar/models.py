from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("放假")  # a weekday off
    WORKDAY = "workday", _("调休上班")  # a weekend make-up working day


class DayOverride(models.Model):
    """One day that differs from the default (Monday–Friday working, Saturday and Sunday off).

    Only non-default days are stored: a holiday on a weekday or a make-up working day on a weekend.
    ``source`` is ``library:<name> <version>``, ``console`` or ``import``.
    """

    date = models.DateField(unique=True, verbose_name="日期")
    kind = models.CharField(max_length=10, choices=DayKind.choices, verbose_name="类型")
    name = models.CharField(max_length=50, verbose_name="名称")
    source = models.CharField(max_length=60, verbose_name="来源")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="录入人",
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="录入时间")

    class Meta:
        verbose_name = "节假日调整"
        verbose_name_plural = "节假日调整"
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["holiday", "workday"]), name="calendar_day_kind_known"),
        ]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.name}"


class CalendarYear(models.Model):
    """One year of the calendar: ``confirmed`` once that year's State Council notice is in;
    ``version`` goes up on every change of the year (an override set or removed, a confirmation),
    so that a stored deadline can tell whether it was computed from the calendar as it is now."""

    year = models.PositiveSmallIntegerField(unique=True, verbose_name="年份")
    confirmed = models.BooleanField(default=False, verbose_name="已确认")
    source = models.CharField(max_length=60, blank=True, verbose_name="来源")
    version = models.PositiveIntegerField(default=0, verbose_name="版本")
    changed_at = models.DateTimeField(auto_now=True, verbose_name="最后修改")

    class Meta:
        verbose_name = "日历年度"
        verbose_name_plural = "日历年度"
        ordering = ["year"]

    def __str__(self):
        return f"{self.year}（v{self.version}{'，已确认' if self.confirmed else ''}）"
