"""Stamps: what a seal signs, how it is checked, and the portable sealed package.

A stamp signs (SM2 with SM3, Tongsuo) a canonical JSON statement: the unit, the key, the time, who
sealed, SM3 of the content and SM3 of each attachment in order. Checking recomputes the digests from
the bytes as they are now, so any changed byte — content or attachment — fails the check, and a
changed statement fails the signature. On the platform the key is also checked against the record
of the keys it issued (not revoked when the stamp was made).
"""

import io
import json
import re
import zipfile
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import hashes

from fenji.core.audit.signing import sm2_public_key, sm2_sign, sm2_verify

ALGORITHM = "SM2-SM3"
FORMAT = "fenji-seal/1"
PUBLIC_KEY_RE = re.compile(r"^[0-9a-f]{128}$")
PACKAGE_MAX_ENTRIES = 200
PACKAGE_MAX_BYTES = 1024 * 1024 * 1024
SIGNATURE_FILE = "signature.json"
CONTENT_FILE = "content.txt"
PUBLIC_KEY_FILE = "public_key.txt"


def sm3_hex(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def canonical(statement: dict) -> bytes:
    return json.dumps(statement, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


@dataclass(frozen=True)
class SealStamp:
    statement: dict
    signature: str
    public_key: str
    key_id: int
    algorithm: str = ALGORITHM

    def to_dict(self) -> dict:
        return {"algorithm": self.algorithm, "key_id": self.key_id, "public_key": self.public_key,
                "signature": self.signature, "statement": self.statement}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict) -> "SealStamp":
        return cls(statement=dict(data["statement"]), signature=str(data["signature"]),
                   public_key=str(data["public_key"]), key_id=int(data["key_id"]),
                   algorithm=str(data.get("algorithm", "")))

    @classmethod
    def from_json(cls, text: str) -> "SealStamp":
        return cls.from_dict(json.loads(text))

    @property
    def unit_name(self) -> str:
        return str(self.statement.get("unit", {}).get("name", ""))

    @property
    def sealed_at(self) -> str:
        return str(self.statement.get("sealed_at", ""))

    @property
    def sealed_time(self):
        """The sealing time as a datetime (None if the statement's text is not one)."""
        import datetime

        try:
            return datetime.datetime.fromisoformat(self.sealed_at)
        except ValueError:
            return None

    @property
    def attachments(self) -> list[dict]:
        return list(self.statement.get("attachments", []))


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    reason: str
    details: list[str] = field(default_factory=list)


def _verifies(public_key: str, data: bytes, signature: str | None) -> bool:
    return bool(signature) and sm2_verify(public_key, data, signature)


def sign(private_key: str, public_key: str, data: bytes) -> str:
    """SM2 signature (r||s, hex) over ``data`` with SM3."""
    return sm2_sign(private_key, public_key, data)


def public_key_of(private_key: str) -> str:
    return sm2_public_key(private_key)


def signature_ok(stamp: SealStamp) -> bool:
    if stamp.algorithm != ALGORITHM or not PUBLIC_KEY_RE.match(stamp.public_key or ""):
        return False
    if not re.fullmatch(r"[0-9a-f]{128}", stamp.signature or ""):
        return False
    return _verifies(stamp.public_key, canonical(stamp.statement), stamp.signature)


def check(stamp: SealStamp, content: bytes, attachment_bytes_list, *, key_check=None) -> VerifyResult:
    """Check ``stamp`` against the content and attachments as they are now (``None`` = file missing).
    ``key_check(stamp) -> str | None`` may refuse the key (the platform's issued-keys record)."""
    if not signature_ok(stamp):
        return VerifyResult(False, "签名无效：签章数据被篡改，或不是该印章所签")
    if stamp.statement.get("format") != FORMAT or stamp.statement.get("key_id") != stamp.key_id:
        return VerifyResult(False, "签章数据格式不符")
    if key_check is not None:
        refusal = key_check(stamp)
        if refusal:
            return VerifyResult(False, refusal)
    if content is None or sm3_hex(content) != stamp.statement.get("content_sm3"):
        return VerifyResult(False, "正文与盖章时不一致（SM3 不符），已被修改")
    signed = stamp.attachments
    given = list(attachment_bytes_list)
    if len(given) != len(signed):
        return VerifyResult(False, f"附件数量不符：盖章时 {len(signed)} 个，现有 {len(given)} 个")
    for entry, data in zip(signed, given, strict=True):
        name = entry.get("name", "")
        if data is None:
            return VerifyResult(False, f"附件“{name}”缺失")
        if sm3_hex(data) != entry.get("sm3"):
            return VerifyResult(False, f"附件“{name}”与盖章时不一致（SM3 不符），已被修改")
    return VerifyResult(True, f"签名有效，正文和 {len(signed)} 个附件与盖章时一致（{stamp.unit_name}，{stamp.sealed_at}）")


# --- the portable package --------------------------------------------------------------------------


def _entry_name(index: int, name: str) -> str:
    safe = re.sub(r'[\x00-\x1f\x7f/\\:*?"<>|]', "_", name).strip(". ") or "附件"
    return f"attachments/{index:02d}-{safe}"


def export(stamp: SealStamp, content: bytes, files) -> bytes:
    """A zip holding the content, the attachments (``files``: (name, bytes) in the stamp's order),
    the stamp as JSON and the public key: everything needed to check it elsewhere."""
    buffer = io.BytesIO()
    paths = [_entry_name(i, name) for i, (name, _data) in enumerate(files, start=1)]
    manifest = {"stamp": stamp.to_dict(), "content": CONTENT_FILE, "attachments": paths}
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(CONTENT_FILE, content)
        for path, (_name, data) in zip(paths, files, strict=True):
            archive.writestr(path, data)
        archive.writestr(SIGNATURE_FILE, json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True))
        archive.writestr(PUBLIC_KEY_FILE, f"SM2 公钥（04||x||y 去掉 04 前缀，十六进制）\n{stamp.public_key}\n")
    return buffer.getvalue()


class PackageInvalid(ValueError):
    pass


def read_package(data: bytes) -> tuple[SealStamp, bytes, list[bytes | None]]:
    """The stamp, content and attachments of a package (``PackageInvalid`` if it is not one)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise PackageInvalid("不是签章文件包（无法作为 zip 打开）") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > PACKAGE_MAX_ENTRIES or sum(i.file_size for i in infos) > PACKAGE_MAX_BYTES:
            raise PackageInvalid("签章文件包过大")
        names = {i.filename for i in infos}
        if SIGNATURE_FILE not in names:
            raise PackageInvalid(f"签章文件包缺少 {SIGNATURE_FILE}")
        try:
            manifest = json.loads(archive.read(SIGNATURE_FILE))
            stamp = SealStamp.from_dict(manifest["stamp"])
            content_name = str(manifest.get("content", CONTENT_FILE))
            paths = [str(p) for p in manifest.get("attachments", [])]
        except (ValueError, KeyError, TypeError):
            raise PackageInvalid(f"{SIGNATURE_FILE} 格式不符") from None
        content = archive.read(content_name) if content_name in names else None
        attachments = [archive.read(p) if p in names else None for p in paths]
    return stamp, content, attachments
