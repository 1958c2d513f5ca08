"""The one-way export package to the internal network (design/domain/discipline.md §5; ADR 0021): a BagIt-like
directory whose every payload file is listed with its SM3 (and SHA-256) digest, whose tag files are listed in
``tagmanifest-sm3.txt``, and whose tag manifest is signed with the sending unit's SM2 key (``signature.sm2``).

``package_write`` builds one; ``package_read`` checks one all or nothing and answers its header and records, or
raises ``PackageRejected`` naming the file and the reason. Neither touches the database: the sequence chain, the
rank guard and the upsert are the services' (``export_services``)."""

import hashlib
import io
import json
import stat
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

from fenji.core.audit.chain import sm3_hex
from fenji.core.audit.signing import sm2_verify
from fenji.core.kernel.errors import DomainError

from .rank import may_record

SCHEMA_VERSION = "1"
COUNTER_MAX = 2_147_483_647  # a sequence or version the receiving tables hold (PositiveIntegerField)
RECORDS = "data/records.jsonl"
BAGIT = "bagit.txt"
INFO = "bag-info.txt"
MANIFEST_SM3 = "manifest-sm3.txt"
MANIFEST_SHA256 = "manifest-sha256.txt"
TAGMANIFEST = "tagmanifest-sm3.txt"
SIGNATURE = "signature.sm2"
TAG_FILES = (BAGIT, INFO, MANIFEST_SM3, MANIFEST_SHA256)
RECORD_TYPES = frozenset({"petition", "clue", "case"})
INFO_KEYS = ("Source-Organization", "Unit-Code", "Package-Seq", "Prev-Package-SM3", "Export-Time", "Record-Count",
             "Schema-Version")


class PackageRejected(DomainError):
    """The package is refused whole; the message names the file and the reason."""

    def __init__(self, message: str, file: str = ""):
        super().__init__(f"{file}：{message}" if file else message, code="package_rejected")
        self.file = file


@dataclass(frozen=True)
class Package:
    unit_code: str
    seq: int
    prev_digest: str
    digest: str  # SM3 of the tag manifest: what the next package chains to
    records: list[dict]
    info: dict


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _manifest(files: dict[str, bytes], digest) -> bytes:
    return "".join(f"{digest(files[name])}  {name}\n" for name in sorted(files)).encode()


def package_write(directory: Path, *, info: dict, records: list[dict], sign) -> str:
    """Write the package into the new ``directory``; ``sign(bytes) -> hex`` is the unit's SM2 signer. Answers the
    package digest."""
    directory.mkdir(parents=True)
    payload = {RECORDS: "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in records).encode()}
    tags = {
        BAGIT: b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
        INFO: "".join(f"{key}: {info[key]}\n" for key in INFO_KEYS).encode(),
        MANIFEST_SM3: _manifest(payload, sm3_hex),
        MANIFEST_SHA256: _manifest(payload, _sha256),
    }
    tagmanifest = _manifest(tags, sm3_hex)
    for name, data in {**payload, **tags, TAGMANIFEST: tagmanifest}.items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_bytes(data)
    (directory / SIGNATURE).write_text(sign(tagmanifest) + "\n")
    return sm3_hex(tagmanifest)


def _parse_manifest(name: str, data: bytes, width: int) -> dict[str, str]:
    entries = {}
    try:
        text = data.decode()
    except UnicodeDecodeError:
        raise PackageRejected("不是 UTF-8 文本", name) from None
    for line in text.splitlines():
        digest, sep, path = line.partition("  ")
        if not sep or len(digest) != width or path in entries or path.startswith("/") or ".." in path.split("/"):
            raise PackageRejected(f"清单行格式错误：{line[:80]!r}", name)
        entries[path] = digest.lower()
    return entries


def _files(directory: Path) -> dict[str, bytes]:
    if not directory.is_dir():
        raise PackageRejected(f"找不到包目录 {directory.name}")
    files = {}
    for path in sorted(directory.rglob("*")):
        if path.is_symlink():
            raise PackageRejected("包内不允许符号链接", path.relative_to(directory).as_posix())
        if path.is_file():
            files[path.relative_to(directory).as_posix()] = path.read_bytes()
    return files


def _info(data: bytes) -> dict:
    info = {}
    for line in data.decode(errors="replace").splitlines():
        key, sep, value = line.partition(": ")
        if not sep:
            raise PackageRejected(f"格式错误：{line[:80]!r}", INFO)
        info[key] = value
    missing = [key for key in INFO_KEYS if key not in info]
    if missing:
        raise PackageRejected(f"缺少 {'、'.join(missing)}", INFO)
    return info


def _record(n: int, line: str) -> dict:
    where = f"第 {n} 行"
    try:
        record = json.loads(line)
    except ValueError:
        raise PackageRejected(f"{where}不是 JSON", RECORDS) from None
    if not isinstance(record, dict) or record.get("type") not in RECORD_TYPES:
        raise PackageRejected(f"{where}记录类型不明", RECORDS)
    version = record.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= COUNTER_MAX:
        raise PackageRejected(f"{where}版本号无效", RECORDS)
    try:
        if not isinstance(record.get("uuid"), str) or len(record["uuid"]) != 36:
            raise ValueError
        uuid.UUID(record["uuid"])
    except ValueError:
        raise PackageRejected(f"{where}唯一标识无效", RECORDS) from None
    payload = record.get("payload")
    if not isinstance(payload, dict) or not isinstance(payload.get("subjects", []), list):
        raise PackageRejected(f"{where}内容格式错误", RECORDS)
    block = payload.get("petitioner")
    if block is not None and not (isinstance(block, dict) and block.get("cipher") == "SM2"
                                  and isinstance(block.get("data"), str) and set(block) <= {"cipher", "format", "data"}):
        raise PackageRejected(f"{where}信访人信息须为 SM2 密文（不得明文导出）", RECORDS)
    for subject in payload.get("subjects", []):
        if not isinstance(subject, dict) or not may_record(record.get("unit_kind"), subject.get("rank")):
            raise PackageRejected(f"{where}（{payload.get('number', '')}）：基层单位不得报送副科及以上人员的事项",
                                  RECORDS)
    return record


def package_read(directory: Path, *, public_key_for) -> Package:
    """Check the package in ``directory`` all or nothing: the signature by the sending unit's registered key
    (``public_key_for(unit_code) -> hex | None``), every digest, no extra or missing file, the records' schema and
    the rank guard. Answers the package; raises ``PackageRejected`` naming the file."""
    directory = Path(directory)
    files = _files(directory)
    for name in (*TAG_FILES, TAGMANIFEST, SIGNATURE):
        if name not in files:
            raise PackageRejected("缺少该文件", name)
    info = _info(files[INFO])  # read before it is verified only to find the key; verified below
    public_key = public_key_for(info["Unit-Code"])
    if not public_key:
        raise PackageRejected(f"来源单位 {info['Unit-Code']} 未登记签名公钥", INFO)
    signature = files[SIGNATURE].decode(errors="replace").strip()
    if not sm2_verify(public_key, files[TAGMANIFEST], signature):
        raise PackageRejected("SM2 签名验证失败（签名或标签清单被改动，或不是该单位的密钥所签）", SIGNATURE)
    tagged = _parse_manifest(TAGMANIFEST, files[TAGMANIFEST], 64)
    listed = {}
    for manifest, digest, width in ((MANIFEST_SM3, sm3_hex, 64), (MANIFEST_SHA256, _sha256, 64)):
        entries = _parse_manifest(manifest, files[manifest], width)
        listed[manifest] = (entries, digest)
    expected = set(tagged) | set(listed[MANIFEST_SM3][0]) | {TAGMANIFEST, SIGNATURE}
    for name in sorted(files):
        if name not in expected:
            raise PackageRejected("清单之外的多余文件", name)
    for name in sorted(expected):
        if name not in files:
            raise PackageRejected("清单列出的文件缺失", name)
    if set(tagged) != set(TAG_FILES):
        raise PackageRejected("标签清单应列出且只列出 bagit.txt、bag-info.txt 和两份清单", TAGMANIFEST)
    for name, digest in tagged.items():
        if sm3_hex(files[name]) != digest:
            raise PackageRejected("SM3 摘要不符，文件已被改动", name)
    if set(listed[MANIFEST_SM3][0]) != set(listed[MANIFEST_SHA256][0]):
        raise PackageRejected("与 manifest-sm3.txt 列出的文件不一致", MANIFEST_SHA256)
    for manifest, (entries, digest) in listed.items():
        for name, expected_digest in entries.items():
            if digest(files[name]) != expected_digest:
                raise PackageRejected(f"摘要不符（{manifest}），文件已被改动", name)
    if RECORDS not in listed[MANIFEST_SM3][0]:
        raise PackageRejected("缺少该文件", RECORDS)
    if info["Schema-Version"] != SCHEMA_VERSION:
        raise PackageRejected(f"不支持的格式版本 {info['Schema-Version']}", INFO)
    try:
        seq, count = int(info["Package-Seq"]), int(info["Record-Count"])
    except ValueError:
        raise PackageRejected("包序号或记录数不是整数", INFO) from None
    if not 1 <= seq <= COUNTER_MAX or not 0 <= count <= COUNTER_MAX:
        raise PackageRejected("包序号或记录数超出范围", INFO)
    try:
        lines = files[RECORDS].decode().splitlines()
    except UnicodeDecodeError:
        raise PackageRejected("不是 UTF-8 文本", RECORDS) from None
    records = [_record(n, line) for n, line in enumerate(lines, start=1)]
    if len(records) != count:
        raise PackageRejected(f"记录数 {len(records)} 与 bag-info.txt 的 {count} 不符", RECORDS)
    return Package(unit_code=info["Unit-Code"], seq=seq, prev_digest=info["Prev-Package-SM3"],
                   digest=sm3_hex(files[TAGMANIFEST]), records=records, info=info)


def package_unzip(data: bytes, into: Path, *, max_bytes: int) -> Path:
    """Unpack an uploaded zip of one package directory into ``into`` and answer that directory. Refused whole
    (``PackageRejected`` naming the entry): not a zip, anything but one top directory, an absolute or ``..`` path, a
    link, more than ``max_bytes`` unpacked. The package itself is then checked by ``package_read``."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise PackageRejected("上传的文件不是 zip 压缩包") from None
    with archive:
        entries = archive.infolist()
        total, tops, names = 0, set(), set()
        for entry in entries:
            name = entry.filename
            key = name.rstrip("/")
            if key in names:  # the same path twice, or a file and a directory of one name
                raise PackageRejected("压缩包内有重复的路径", name[:120])
            names.add(key)
            parts = name.rstrip("/").split("/")
            if (not name or name.startswith(("/", "\\")) or "\\" in name or ":" in parts[0]
                    or any(part in ("", ".", "..") for part in parts)):
                raise PackageRejected("压缩包内的路径不允许", name[:120])
            if stat.S_ISLNK(entry.external_attr >> 16):
                raise PackageRejected("包内不允许符号链接", name[:120])
            total += entry.file_size
            if total > max_bytes:
                raise PackageRejected(f"解压后超过 {max_bytes // (1024 * 1024)} MB")
            tops.add(parts[0])
        if len(tops) != 1 or not any("/" in e.filename.rstrip("/") for e in entries):
            raise PackageRejected("压缩包应只含一个导出包目录")
        files = {e.filename for e in entries if not e.is_dir()}
        clash = next((f for f in files if any(other.startswith(f + "/") for other in names)), None)
        if clash is not None:  # a file where another entry needs a directory
            raise PackageRejected("压缩包内的文件与目录同名", clash[:120])
        for entry in entries:
            target = into / entry.filename
            if entry.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(entry) as source:
                chunk = source.read(max_bytes + 1)
            if len(chunk) > entry.file_size or len(chunk) > max_bytes:
                raise PackageRejected("压缩包内文件大小与目录不符", entry.filename[:120])
            try:
                target.write_bytes(chunk)
            except OSError:
                raise PackageRejected("无法解压该文件", entry.filename[:120]) from None
    return into / tops.pop()
