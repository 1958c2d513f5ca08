from django.db import models
from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.paths import PathField, subtree_q


class UnitKind(models.TextChoices):
    """The generic levels. A unit's ``kind`` is one of these or one of the active profile's kinds
    (``org.kinds``), each of which names the level it stands for."""

    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")
    TOWN = "town", _("乡镇（街道）")
    VILLAGE = "village", _("村（社区）")
    UNIT = "unit", _("单位")
    DEPARTMENT = "department", _("部门")
    BRANCH = "branch", _("支部")
    OTHER = "other", _("其他")


class UnitStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    REVOKED = "revoked", _("已撤销")


class Unit(models.Model):
    """One node of the organization tree (materialized path; see kernel.paths)."""

    name = models.CharField(max_length=100, verbose_name="单位名称")
    short_name = models.CharField(max_length=40, blank=True, verbose_name="简称")
    code = models.CharField(max_length=32, null=True, blank=True, unique=True, verbose_name="单位代码")
    kind = models.CharField(max_length=32, verbose_name="单位类型")  # a profile's kind or a generic level
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name="上级单位"
    )
    path = PathField(unique=True, editable=False, verbose_name="路径")
    depth = models.PositiveSmallIntegerField(editable=False, verbose_name="层级")
    sort_order = models.IntegerField(default=0, verbose_name="排序")
    status = models.CharField(
        max_length=8, choices=UnitStatus.choices, default=UnitStatus.ACTIVE, db_index=True, verbose_name="状态"
    )
    leader = models.CharField(max_length=50, blank=True, verbose_name="负责人")
    founded_on = models.DateField(null=True, blank=True, verbose_name="成立日期")
    approval_ref = models.CharField(max_length=100, blank=True, verbose_name="批准文号")
    revoked_on = models.DateField(null=True, blank=True, verbose_name="撤销日期")
    revoked_ref = models.CharField(max_length=100, blank=True, verbose_name="撤销批准文号")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="创建时间")
    updated_at = models.DateTimeField(auto_now=True, verbose_name="更新时间")

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["path"]
        indexes = [models.Index(fields=["parent", "sort_order"], name="unit_children")]
        constraints = [
            models.CheckConstraint(condition=models.Q(depth__gte=1), name="unit_depth_positive"),
        ]

    def __str__(self):
        return self.name

    @property
    def unit_path(self) -> str:
        # Units are scoped by their own path, like every unit-owned row by its unit_path.
        return self.path

    @property
    def kind_label(self) -> str:
        from .kinds import kind_label

        return kind_label(self.kind)

    @property
    def is_active(self) -> bool:
        return self.status == UnitStatus.ACTIVE

    def subtree_q(self, field: str = "path"):
        return subtree_q(field, self.path)


class UnitCensus(models.Model):
    """The live number of active units in a unit's subtree, the unit itself included (``org.census``).

    Unlike the rollup snapshot (``UnitTally``) this count is exact at every moment: the tree's services
    change it in the same transaction as the units. A send to a whole subtree reads it instead of counting
    the subtree's units (one row instead of up to 200,000)."""

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, primary_key=True, related_name="+",
                                verbose_name="单位")
    # Not a PositiveIntegerField: a count gone wrong must not make the tree services fail; the check mends it.
    active = models.IntegerField(default=0, verbose_name="子树正常单位数")

    class Meta:
        verbose_name = "单位子树计数"
        verbose_name_plural = "单位子树计数"

    def __str__(self):
        return f"{self.unit_id} active={self.active}"


class UnitTally(models.Model):
    """One count of a unit's subtree in the latest rollup snapshot (``org.tally.tally_rebuild``).

    ``key`` is ``"units"`` (active units below the unit, itself excluded) or the label of an
    ``OrgOwned`` model with a ``revoke_blocker`` (e.g. ``people.account``: its blocking rows in the
    subtree, the unit's own included). Only non-zero counts are stored: no row reads as 0.
    """

    # no index of its own: the unique (unit, key) index leads with the unit
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=False, verbose_name="单位")
    key = models.CharField(max_length=100, verbose_name="统计项")
    subtree = models.BigIntegerField(default=0, verbose_name="子树合计")

    class Meta:
        verbose_name = "单位统计"
        verbose_name_plural = "单位统计"
        constraints = [models.UniqueConstraint(fields=["unit", "key"], name="unit_tally_unit_key")]

    def __str__(self):
        return f"{self.unit_id} {self.key}={self.subtree}"


class TallyRun(models.Model):
    """One rebuild of the rollup snapshot, written in the same transaction as its ``UnitTally`` rows."""

    started_at = models.DateTimeField(verbose_name="开始时间")
    finished_at = models.DateTimeField(verbose_name="完成时间")
    seconds = models.FloatField(verbose_name="用时（秒）")
    units = models.PositiveIntegerField(default=0, verbose_name="单位数")
    created = models.PositiveIntegerField(default=0, verbose_name="新增行数")
    updated = models.PositiveIntegerField(default=0, verbose_name="更新行数")
    deleted = models.PositiveIntegerField(default=0, verbose_name="删除行数")

    class Meta:
        verbose_name = "统计快照"
        verbose_name_plural = "统计快照"

    def __str__(self):
        return f"{self.finished_at:%Y-%m-%d %H:%M:%S}"
