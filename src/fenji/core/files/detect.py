"""What an upload is, decided by its bytes: a whitelist of kinds, each recognized by content.

``filetype`` reads the magic numbers (PDF, JPEG, PNG); ZIP containers are opened with ``zipfile``
and told apart by their fixed entries (OFD: ``OFD.xml``; docx/xlsx: ``[Content_Types].xml`` plus
``word/document.xml`` / ``xl/workbook.xml``), refusing archives that would expand beyond reason
(zip bombs) or name entries outside themselves; text must decode as UTF-8 and hold no NUL byte.
The declared extension must name the detected kind.
"""

import codecs
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

import filetype

from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.xlsx import zipparts

from .models import FileKind

NAME_MAX = 100
EXTENSIONS = {
    FileKind.PDF: {"pdf"},
    FileKind.OFD: {"ofd"},
    FileKind.DOCX: {"docx"},
    FileKind.XLSX: {"xlsx"},
    FileKind.JPG: {"jpg", "jpeg"},
    FileKind.PNG: {"png"},
    FileKind.TXT: {"txt"},
}
CONTENT_TYPES = {
    FileKind.PDF: "application/pdf",
    FileKind.OFD: "application/ofd",
    FileKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileKind.JPG: "image/jpeg",
    FileKind.PNG: "image/png",
    FileKind.TXT: "text/plain; charset=utf-8",
}
ZIP_MAX_ENTRIES = 10_000
ZIP_MAX_EXPANDED = 512 * 1024 * 1024  # bytes once unpacked, all entries together
ZIP_MAX_RATIO = zipparts.MAX_RATIO  # expanded / compressed, per entry (a zip bomb compresses far beyond that)
ZIP_KINDS = {"zip", "docx", "xlsx", "pptx", "odt", "ods", "epub"}  # filetype's names for ZIP containers
MAGIC_KINDS = {"pdf": FileKind.PDF, "jpg": FileKind.JPG, "png": FileKind.PNG}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_UNSAFE = re.compile(r'[<>:"/\\|?*]')


class UploadRefused(DomainError):
    def __init__(self, message: str, *, code: str = "upload_refused"):
        super().__init__(message, field="upload", code=code)


def sanitize_name(name: str) -> str:
    """The file's own name: no directories (either separator), no control or reserved characters,
    at most 100 characters with the extension kept. ``../../etc/passwd`` becomes ``passwd``."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = PureWindowsPath(PurePosixPath(name.replace("\\", "/")).name).name
    name = _CONTROL.sub("", name)
    name = _UNSAFE.sub("_", name).strip().strip(".").strip()
    if not name:
        name = "附件"
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    ext = ext[:10]
    if len(name) > NAME_MAX:
        keep = NAME_MAX - (len(ext) + 1 if ext else 0)
        name = (stem[:keep].rstrip() or "附件") + (f".{ext}" if ext else "")
    return name


def extension(name: str) -> str:
    return name.rpartition(".")[2].lower() if "." in name else ""


def _zip_kind(path: Path) -> FileKind:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UploadRefused("压缩包已损坏，无法识别文件类型") from None
    if len(infos) > ZIP_MAX_ENTRIES:
        raise UploadRefused("压缩包内文件过多，疑似压缩炸弹，已拒绝")
    expanded = 0
    for info in infos:
        entry = PurePosixPath(info.filename.replace("\\", "/"))
        if entry.is_absolute() or ".." in entry.parts:
            raise UploadRefused("压缩包内含有越出包外的路径，已拒绝")
        expanded += info.file_size
        if zipparts.bomb_like(info):
            raise UploadRefused("压缩包压缩比异常，疑似压缩炸弹，已拒绝")
    if expanded > ZIP_MAX_EXPANDED:
        raise UploadRefused("压缩包解压后过大，疑似压缩炸弹，已拒绝")
    names = {info.filename for info in infos}
    if "OFD.xml" in names:
        return FileKind.OFD
    if "[Content_Types].xml" in names:
        if "word/document.xml" in names:
            return FileKind.DOCX
        if "xl/workbook.xml" in names:
            return FileKind.XLSX
    raise UploadRefused("不支持的文件类型：仅接受 PDF、OFD、Word（docx）、Excel（xlsx）、JPG、PNG 和纯文本")


def _is_text(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        while chunk := handle.read(64 * 1024):
            if b"\x00" in chunk:
                return False
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                return False
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


@dataclass(frozen=True)
class Detected:
    kind: FileKind
    content_type: str


def detect(path: Path) -> Detected:
    """The kind of the file at ``path`` by its content, or ``UploadRefused``."""
    with path.open("rb") as handle:
        head = handle.read(8192)
    guess = filetype.guess(head)
    if guess is not None and guess.extension in MAGIC_KINDS:
        kind = MAGIC_KINDS[guess.extension]
    elif head.startswith(b"PK\x03\x04") or (guess is not None and guess.extension in ZIP_KINDS):
        kind = _zip_kind(path)
    elif guess is None and _is_text(path):
        kind = FileKind.TXT
    else:
        raise UploadRefused("不支持的文件类型：仅接受 PDF、OFD、Word（docx）、Excel（xlsx）、JPG、PNG 和纯文本")
    return Detected(kind, CONTENT_TYPES[kind])


def check_extension(name: str, kind: FileKind) -> None:
    if extension(name) not in EXTENSIONS[kind]:
        expected = "、".join(f".{e}" for e in sorted(EXTENSIONS[kind]))
        raise UploadRefused(f"文件扩展名与内容不符：文件内容是 {kind.label}，扩展名应为 {expected}",
                            code="extension_mismatch")
