"""Base models every app can build on without importing any other app."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .fields import blind_index_fields
from .paths import PathField
from .scoping import ScopedManager


class OrgOwned(models.Model):
    """A row that belongs to one unit and carries a copy of that unit's path.

    The copy makes "rows in a subtree" an index range on this table, without a join. When a
    subtree moves, the org service rewrites ``unit_path`` on every concrete subclass in the same
    transaction (see ``org.services.unit_move``). ``revoke_blocker`` names the rows that keep a
    unit from being revoked (e.g. active accounts); ``None`` means rows never block.

    The default manager is fail-closed (``kernel.scoping``): subclasses inherit it and do not
    declare ``objects`` again; reads say ``.visible_to(actor, action)`` or ``.unscoped(reason=...)``.
    """

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="所属单位")
    unit_path = PathField(editable=False, verbose_name="单位路径")

    revoke_blocker: Q | None = None
    revoke_blocker_label: str = ""

    objects = ScopedManager()

    class Meta:
        abstract = True


class BlindIndexed(models.Model):
    """Keeps the blind-index columns (``kernel.fields.BlindIndexField``) in step with their sources.

    Every save recomputes them; ``save(update_fields=[...])`` naming a source column writes its hash
    too, so that changing a mobile number with ``update_fields=["mobile"]`` cannot leave a stale hash.
    """

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            names = set(update_fields)
            kwargs["update_fields"] = names | {f.name for f in blind_index_fields(type(self)) if f.source in names}
        return super().save(*args, **kwargs)


def org_owned_models() -> list[type[OrgOwned]]:
    from django.apps import apps

    return [m for m in apps.get_models() if issubclass(m, OrgOwned)]


class ImportJob(models.Model):
    """One Excel import run in the background (``kernel.xlsx.jobs``), and what the page shows of it.

    Who ran it and the unit it imports into are kept as plain ids (the kernel depends on no app above it);
    a job is shown to the account that started it only. ``errors`` holds the first reasons for the page (row
    numbers, column titles, reasons: no cell contents); the rows themselves are in the sealed error report,
    whose key (``key``, sealed with the data key) is forgotten with the report after ``jobs.KEEP_HOURS``.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("未完成")

    spec = models.CharField(_("导入类型"), max_length=64)
    account_id = models.BigIntegerField(_("导入人"), db_index=True)
    unit_id = models.BigIntegerField(_("默认单位"), null=True, blank=True)
    unit_name = models.CharField(_("默认单位名称"), max_length=200, blank=True)
    file_name = models.CharField(_("文件名"), max_length=200)
    size = models.BigIntegerField(_("文件大小"), default=0)
    options = models.JSONField(_("参数"), default=dict, blank=True)
    token = models.CharField(max_length=32, unique=True, editable=False)
    key = models.TextField(blank=True, editable=False)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.QUEUED)
    total = models.IntegerField(_("总行数"), null=True, blank=True)
    processed = models.IntegerField(_("已处理"), default=0)
    created = models.IntegerField(_("导入成功"), default=0)
    rejected = models.IntegerField(_("失败"), default=0)
    message = models.TextField(_("说明"), blank=True)
    errors = models.JSONField(default=list, blank=True)
    ignored = models.JSONField(default=list, blank=True)
    has_report = models.BooleanField(default=False)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        indexes = [models.Index(fields=["account_id", "spec", "-created_at"], name="kernel_importjob_mine")]

    def __str__(self):
        return self.file_name

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
