from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.models import OrgOwned


class FileKind(models.TextChoices):
    """The whitelist: what an upload may be, decided by its content (``files.detect``)."""

    PDF = "pdf", "PDF"
    OFD = "ofd", "OFD"
    DOCX = "docx", "Word（docx）"
    XLSX = "xlsx", "Excel（xlsx）"
    JPG = "jpg", _("JPEG 图片")
    PNG = "png", _("PNG 图片")
    TXT = "txt", _("纯文本")


class Attachment(OrgOwned):
    """One uploaded file. ``unit`` is the unit it was uploaded for; the bytes live in
    ``FILES_DIR/<storage_key>`` (named by their SHA-256, so identical uploads share one file)."""

    original_name = models.CharField(max_length=100, verbose_name="文件名")
    size = models.PositiveBigIntegerField(verbose_name="大小（字节）")
    sha256 = models.CharField(max_length=64, db_index=True, verbose_name="SHA-256")
    sm3 = models.CharField(max_length=64, verbose_name="SM3")
    kind = models.CharField(max_length=8, choices=FileKind.choices, verbose_name="文件类型")
    content_type = models.CharField(max_length=100, verbose_name="检测到的内容类型")
    storage_key = models.CharField(max_length=80, db_index=True, verbose_name="存储位置")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="上传人")
    created_at = models.DateTimeField(default=timezone.now, verbose_name="上传时间")

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        indexes = [models.Index(fields=["unit_path", "id"], name="files_attachment_unit_path_id")]

    def __str__(self):
        return self.original_name

    @property
    def path(self):
        from .storage import path_for

        return path_for(self.storage_key)

    def read_bytes(self) -> bytes:
        """The stored bytes as they are now (a missing file raises ``FileNotFoundError``)."""
        return self.path.read_bytes()
