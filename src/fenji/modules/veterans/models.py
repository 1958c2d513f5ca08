"""The retired cadres' records (seed 000, design/domain/office-and-veterans.md §4): the elders (老同志) a unit
serves, and the service records of its work for them — 走访慰问, 困难帮扶, 党建园地 and 银发生辉 — each entered
within five working days after the activity ends (§18), with every later change kept before and after."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.fields import EncryptedTextField
from fenji.core.kernel.models import OrgOwned


class Retirement(models.TextChoices):
    LIXIU = "lixiu", _("离休")
    TUIXIU = "tuixiu", _("退休")


class Rank(models.TextChoices):
    PROVINCIAL = "provincial", _("省部级")
    BUREAU = "bureau", _("厅局级")
    COUNTY = "county", _("县处级")
    SECTION = "section", _("乡科级")
    OTHER = "other", _("其他")


class Health(models.TextChoices):
    GOOD = "good", _("良好")
    FAIR = "fair", _("一般")
    POOR = "poor", _("较差")
    SERIOUS = "serious", _("重病")


class SelfCare(models.TextChoices):
    FULL = "full", _("能自理")
    PARTIAL = "partial", _("半自理")
    NONE = "none", _("不能自理")


class ElderStatus(models.TextChoices):
    ACTIVE = "active", _("在册")
    DECEASED = "deceased", _("已故")
    MOVED = "moved", _("已迁出")


class Elder(OrgOwned):
    """A retired cadre served by ``unit`` (the unit that keeps their record), linked to the person and, when they
    have a mobile number, to their mobile account (``person.account``, activated by SMS code)."""

    person = models.OneToOneField("people.Person", on_delete=models.PROTECT, related_name="elder",
                                  verbose_name="人员")
    retirement = models.CharField(max_length=8, choices=Retirement.choices, verbose_name="离休/退休")
    former_post = models.CharField(max_length=100, blank=True, verbose_name="原工作单位及职务")
    rank = models.CharField(max_length=12, choices=Rank.choices, default=Rank.OTHER, verbose_name="原职级")
    retired_on = models.DateField(null=True, blank=True, verbose_name="离退休时间")
    residence = models.CharField(max_length=200, blank=True, verbose_name="居住地址")
    health = models.CharField(max_length=8, choices=Health.choices, default=Health.GOOD, verbose_name="健康状况")
    self_care = models.CharField(max_length=8, choices=SelfCare.choices, default=SelfCare.FULL,
                                 verbose_name="生活自理情况")
    living_alone = models.BooleanField(default=False, verbose_name="独居")
    contact_name = models.CharField(max_length=50, blank=True, verbose_name="联系亲属")
    contact_relation = models.CharField(max_length=20, blank=True, verbose_name="与本人关系")
    contact_phone = EncryptedTextField(blank=True, default="", verbose_name="亲属联系电话")
    branch = models.CharField(max_length=100, blank=True, verbose_name="所在离退休干部党支部")
    status = models.CharField(max_length=10, choices=ElderStatus.choices, default=ElderStatus.ACTIVE,
                              verbose_name="状态")
    status_note = models.CharField(max_length=200, blank=True, verbose_name="状态说明")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="登记人")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="登记时间")
    updated_at = models.DateTimeField(auto_now=True, verbose_name="更新时间")

    class Meta:
        verbose_name = "老干部"
        verbose_name_plural = "老干部"
        indexes = [models.Index(fields=["unit_path", "id"], name="veterans_elder_path")]

    def __str__(self):
        return self.person.real_name


class RecordKind(models.TextChoices):
    VISIT = "visit", _("走访慰问")
    AID = "aid", _("困难帮扶")
    BRANCH = "branch", _("党建园地")
    VOLUNTEER = "volunteer", _("银发生辉")


class ServiceRecord(OrgOwned):
    """One piece of work recorded by ``unit`` (the unit that did it). The fields every kind has are columns (what
    the lists, the statistics and the rule read); the fields of one kind are ``details``, declared and checked
    by ``record_fields``. ``on_time`` is the 5-working-day rule (``records.entered_on_time``) read at entry."""

    kind = models.CharField(max_length=10, choices=RecordKind.choices, verbose_name="记录类型")
    elder = models.ForeignKey(Elder, null=True, blank=True, on_delete=models.PROTECT, related_name="records",
                              verbose_name="服务对象")
    title = models.CharField(max_length=200, verbose_name="摘要")
    started_on = models.DateField(null=True, blank=True, verbose_name="活动开始日期")
    ended_on = models.DateField(verbose_name="活动结束日期")
    entered_on = models.DateField(verbose_name="录入日期")
    on_time = models.BooleanField(verbose_name="按时录入")
    workers = models.CharField(max_length=100, blank=True, verbose_name="经办人员")
    amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True, verbose_name="金额（元）")
    hours = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True, verbose_name="服务时长（小时）")
    details = models.JSONField(default=dict, blank=True, verbose_name="记录内容")
    photos = models.ManyToManyField("files.Attachment", blank=True, related_name="+", verbose_name="照片和附件")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="录入人")
    revision = models.PositiveIntegerField(default=0, verbose_name="修改次数")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="录入时间")
    updated_at = models.DateTimeField(auto_now=True, verbose_name="最近修改时间")

    class Meta:
        verbose_name = "服务记录"
        verbose_name_plural = "服务记录"
        indexes = [models.Index(fields=["unit_path", "id"], name="veterans_record_path"),
                   models.Index(fields=["unit_path", "entered_on"], name="veterans_record_entered"),
                   models.Index(fields=["elder", "kind", "ended_on"], name="veterans_record_elder")]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.title}"


class RecordRevision(models.Model):
    """A change to a record after it was entered: who, when, why, and the fields before and after."""

    record = models.ForeignKey(ServiceRecord, on_delete=models.CASCADE, related_name="revisions",
                               verbose_name="服务记录")
    number = models.PositiveIntegerField(verbose_name="第几次修改")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="修改人")
    changed_at = models.DateTimeField(auto_now_add=True, verbose_name="修改时间")
    reason = models.CharField(max_length=200, verbose_name="修改原因")
    before = models.JSONField(verbose_name="修改前")
    after = models.JSONField(verbose_name="修改后")

    class Meta:
        verbose_name = "服务记录修改"
        verbose_name_plural = "服务记录修改"
        ordering = ["record", "number"]
        constraints = [models.UniqueConstraint(fields=["record", "number"], name="veterans_revision_once")]
