"""Limits on the parts of ZIP containers the server reads (.xlsx workbooks), checked from the central
directory before anything is decompressed, so a small upload cannot unfold into a large allocation.

``zipfile`` itself never hands out more than an entry's declared ``file_size`` (it stops there and the
CRC check fails), so the declared size is a bound that holds: refusing on it refuses before reading.
A part is refused when it is larger than its cap uncompressed (``XLSX_MAX_PART_MB`` for the parts that
are parsed or held as a whole: the shared-string table, the workbook, relationships, styles) or when it
compresses more than ``MAX_RATIO`` times (a ZIP bomb).
"""

import zipfile

from django.conf import settings

from ..errors import DomainError

MB = 1024 * 1024
MAX_RATIO = 200  # expanded / compressed; sheet XML compresses 5–20 times, a bomb thousands of times
RATIO_FLOOR = MB  # below this, any ratio is harmless (tiny parts compress oddly)


def max_part_bytes() -> int:
    """The cap on one part held or parsed as a whole, from ``XLSX_MAX_PART_MB`` (default 64)."""
    return int(getattr(settings, "XLSX_MAX_PART_MB", 64)) * MB


def max_shared_strings() -> int:
    """The cap on the number of entries of a workbook's shared-string table (``XLSX_MAX_SHARED_STRINGS``)."""
    return int(getattr(settings, "XLSX_MAX_SHARED_STRINGS", 2_000_000))


def bomb_like(info: zipfile.ZipInfo) -> bool:
    return info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1)


def part_refusal(info: zipfile.ZipInfo, limit: int) -> str:
    """Why the part ``info`` may not be read (a message for the user), or "" when it may."""
    if info.file_size > limit:
        size = f"{limit // MB} MB" if limit >= MB else f"{limit // 1024} KB"
        return (f"Excel 文件中的“{info.filename}”解压后超过 {size} 的上限，已拒绝：请删除无关的工作表、"
                "图片和格式后另存为 .xlsx，或分成多个文件")
    if bomb_like(info):
        return "Excel 文件的压缩比异常，疑似压缩炸弹，已拒绝"
    return ""


def check_parts(book: zipfile.ZipFile, *, limit: int | None = None, error=DomainError) -> None:
    """Refuse (``error(message)``) a workbook any part of which is over ``limit`` (default: the
    ``XLSX_MAX_PART_MB`` cap) or compressed like a bomb."""
    limit = max_part_bytes() if limit is None else limit
    for info in book.infolist():
        refusal = part_refusal(info, limit)
        if refusal:
            raise error(refusal)
