"""The one-way export to the internal network and its receiving side (design/domain/discipline.md §5, seed 003
§1–2; the package format: ``package``, ADR 0021).

``discipline_export`` writes the petitions, clues and cases of a unit's subtree changed since its last package
(``version > exported_version``), re-checking the rank guard first: a grassroots unit's subject at 副科 or above
refuses the export whole. The package is signed with the unit's SM2 key (a file in FENJI_VAR_DIR, made on first
use, like the audit key), numbered in sequence and chained to the previous package's digest.

``discipline_import`` accepts a package all or nothing: any refusal of ``package.package_read`` (signature, digest,
extra or missing file, schema, rank), a replay (a sequence already accepted), or a broken chain rejects it; a
sequence gap keeps it in quarantine with an alert event; accepted records are upserted by (uuid, version) in the
service's one transaction. ``export_package_confirm`` records the day the receiver confirmed (by hand: there is no
return channel)."""

import base64
import datetime
import io
import json
import shutil
import tempfile
import uuid as uuidlib
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models as djmodels
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.audit.models import Outcome
from fenji.core.audit.services import audit_record
from fenji.core.audit.signing import Sm2KeyError, Sm2Signer
from fenji.core.audit.sm2_cipher import Sm2CipherError, sm2_decrypt, sm2_encrypt
from fenji.core.audit.transactions import service
from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.text import has_control, normalise_number
from fenji.core.org.models import Unit
from fenji.core.web.excel import ExcelSheet

from . import module as perms
from .models import Case, Clue, Exported, ExportPackage, Petition, Petitioner, ReceivedPackage, ReceivedRecord
from .package import SCHEMA_VERSION, PackageRejected, package_read, package_unzip, package_write
from .services import guard_kind, unit_may_record

EXPORTED = (("petition", Petition), ("clue", Clue), ("case", Case))
SKIPPED = {"id", "unit", "unit_path", "exported_version", "key"}


def unit_code(unit: Unit) -> str:
    return unit.code or f"U{unit.pk}"


def unit_signer(unit: Unit) -> Sm2Signer:
    """The unit's SM2 signer: its private key in FENJI_VAR_DIR (``discipline-export-<code>.key``, mode 0600)."""
    return Sm2Signer(key_file=Path(settings.VAR_DIR) / f"discipline-export-{unit_code(unit)}.key")


def export_dir() -> Path:
    """Where the packages are written: ``FENJI_DISCIPLINE_EXPORT_DIR``, by default ``discipline-exports`` in
    FENJI_VAR_DIR. Served only through the packages' page (``export_package_download``), never as a static URL."""
    return Path(getattr(settings, "FENJI_DISCIPLINE_EXPORT_DIR", "") or Path(settings.VAR_DIR) / "discipline-exports")


def sender_keys() -> dict[str, str]:
    """The receiving side's registered sending units: ``FENJI_DISCIPLINE_SENDER_KEYS`` (a file in FENJI_VAR_DIR by
    default, one ``<unit code> <public key hex>`` a line)."""
    path = Path(getattr(settings, "FENJI_DISCIPLINE_SENDER_KEYS", "") or Path(settings.VAR_DIR) / "discipline-senders.txt")
    keys = {}
    if path.exists():
        for line in path.read_text().splitlines():
            code, _sep, key = line.strip().partition(" ")
            if code and key:
                keys[code] = key.strip()
    return keys


def receiver_key() -> str:
    """The internal network's SM2 public key the petitioner block is encrypted to (``FENJI_DISCIPLINE_RECEIVER_KEY``),
    or "" when none is registered."""
    return (getattr(settings, "FENJI_DISCIPLINE_RECEIVER_KEY", "") or "").strip().lower()


def receiver_signer() -> Sm2Signer:
    """The receiving side's own SM2 key pair (``discipline-receiver.key`` in FENJI_VAR_DIR, made on first use): its
    public key is registered on the sending side, its private key opens the petitioner blocks."""
    return Sm2Signer(key_file=Path(settings.VAR_DIR) / "discipline-receiver.key")


PETITIONER_FIELDS = ("name", "phone", "address", "workplace")


def _petitioner_block(petitioner: Petitioner, key: str) -> dict:
    """The petitioner as the package carries it: encrypted to the internal network's key (domain note §5), so the
    gate, the media and anyone between see nothing of who wrote."""
    plain = json.dumps({name: getattr(petitioner, name) for name in PETITIONER_FIELDS}, ensure_ascii=False)
    return {"cipher": "SM2", "format": "GM/T 0009", "data": base64.b64encode(sm2_encrypt(key, plain.encode())).decode()}


def received_petitioner(record: ReceivedRecord) -> dict | None:
    """The receiving side opens a received petition's petitioner block with its own key (None when the record
    carries none); ``DomainError`` when the block is not one this side's key opens."""
    block = (record.payload or {}).get("petitioner")
    if not block:
        return None
    try:
        plain = sm2_decrypt(receiver_signer()._private_key(), base64.b64decode(block["data"], validate=True))
        return json.loads(plain)
    except (Sm2CipherError, Sm2KeyError, ValueError, KeyError, TypeError):
        raise DomainError("信访人信息无法用本端密钥解密：请核对登记给发送端的接收公钥") from None


def _plain(row: djmodels.Model) -> dict:
    """A row's own fields as JSON values (a link to another exported row by its uuid; people are left out)."""
    out = {}
    for field in row._meta.concrete_fields:
        if field.name in SKIPPED:
            continue
        if field.is_relation:
            if issubclass(field.related_model, Exported):  # only these travel: never load the others
                target = getattr(row, field.name)
                if target is not None:
                    out[field.name] = str(target.uuid)
            continue
        out[field.name] = field.value_from_object(row)
    return json.loads(json.dumps(out, cls=DjangoJSONEncoder))


def _record(kind: str, row, key: str = "") -> dict:
    payload = _plain(row)
    payload["subjects"] = [{"name": s.name, "workplace": s.workplace, "post": s.post, "rank": s.rank,
                            "party_member": s.party_member} for s in row.subjects.all()]
    # The petitioner travels only encrypted to the internal network's registered key (domain note §5); without a
    # key it stays on this side and only whether the petition was real-name travels.
    petitioner = getattr(row, "petitioner", None) if kind == "petition" and key else None
    if petitioner is not None:
        payload["petitioner"] = _petitioner_block(petitioner, key)
    return {"uuid": str(row.uuid), "type": kind, "version": row.version, "unit_code": unit_code(row.unit),
            "unit_kind": guard_kind(row.unit), "updated_at": timezone.now().isoformat(), "payload": payload}


@service
def discipline_export(*, actor, unit: Unit, directory=None) -> ExportPackage:
    """Write the next package of ``unit``'s subtree into a new directory under ``directory`` (by default
    ``export_dir()``). The package is written into a hidden temporary directory beside it and renamed into place
    only when complete, as the transaction's last step: a failure anywhere leaves no package, and no record
    marked exported."""
    policy.require(actor, perms.EXPORT_MANAGE, unit.path)
    directory = Path(directory) if directory is not None else export_dir()
    Unit.objects.select_for_update().filter(pk=unit.pk).first()  # one export at a time per unit, the first one too
    previous = (ExportPackage.objects.unscoped(reason="the unit's package chain").select_for_update()
                .filter(unit=unit).order_by("-seq").first())
    rows = []
    for kind, model in EXPORTED:
        # locked: the versions written into the package are the ones marked exported below
        changed = (model.objects.unscoped(reason="export of the unit's subtree")
                   .filter(unit_path__startswith=unit.path, version__gt=djmodels.F("exported_version"))
                   .select_for_update(of=("self",)).select_related("unit").prefetch_related("subjects")
                   .order_by("id"))
        if model is Petition:  # its petitioner, when there is one, in the same read
            changed = changed.select_related("petitioner")
        rows += [(kind, row) for row in changed]
    for _kind, row in rows:
        for subject in row.subjects.all():
            if not unit_may_record(row.unit, subject.rank):
                raise DomainError(f"{row.number}：基层单位不得报送副科及以上人员的事项（{row.unit.name}），"
                                  f"请先按上报规定处理，本次未导出任何内容", code="rank_refused")
    if not rows:
        raise DomainError("自上一包以来没有新增或变更的记录，未生成导出包", code="nothing_to_export")
    seq = previous.seq + 1 if previous else 1
    now = timezone.now()
    name = f"JB-{unit_code(unit)}-{seq:06d}-{timezone.localdate():%Y%m%d}"
    target = directory / name
    if target.exists():
        raise DomainError(f"导出目录中已有同名的包目录 {name}，请先核对并移走它")
    key = receiver_key()
    try:
        records = [_record(kind, row, key) for kind, row in rows]
    except Sm2KeyError:
        raise DomainError("FENJI_DISCIPLINE_RECEIVER_KEY 不是有效的 SM2 公钥（应为内网接收端 `fenji discipline key "
                          "--receiver` 显示的 128 位十六进制），未导出任何内容", code="receiver_key") from None
    encrypted = sum(1 for record in records if "petitioner" in record["payload"])
    info = {"Source-Organization": unit.name, "Unit-Code": unit_code(unit), "Package-Seq": seq,
            "Prev-Package-SM3": previous.digest if previous else "", "Export-Time": now.isoformat(),
            "Record-Count": len(records), "Schema-Version": SCHEMA_VERSION}
    partial = directory / f".{name}.partial-{uuidlib.uuid4().hex[:12]}"  # same file system: the rename is atomic
    try:
        digest = package_write(partial, info=info, records=records, sign=unit_signer(unit).sign)
        for _kind, model in EXPORTED:
            model.objects.unscoped(reason="mark exported").filter(
                pk__in=[row.pk for _k, row in rows if type(row) is model]).update(
                    exported_version=djmodels.F("version"))
        package = ExportPackage.objects.create(unit=unit, unit_path=unit.path, seq=seq, name=name, digest=digest,
                                               prev_digest=info["Prev-Package-SM3"], record_count=len(records),
                                               created_by_id=actor.account_id)
        audit_record(actor=actor, action="discipline.export.create", target=package,
                     details={"seq": seq, "digest": digest, "records": len(records),
                              "petitioners_encrypted": encrypted})
        partial.rename(target)  # last: only a complete package ever carries the package's name
    except OSError as error:
        raise DomainError(f"写入导出包失败（{error.strerror or error}），未导出任何内容", code="export_failed") from None
    finally:
        if partial.exists():
            shutil.rmtree(partial, ignore_errors=True)
    return package


@service
def discipline_import(*, actor, directory) -> ReceivedPackage:
    """Check and apply a package on the receiving side (see the module's docstring). Raises ``PackageRejected``
    (nothing written) or answers the received package, ``QUARANTINED`` after a sequence gap."""
    if actor is not policy.SYSTEM:  # the command runs as SYSTEM; the page and the API need the import action
        policy.require(actor, perms.IMPORT_MANAGE, actor.unit_path)
    package = package_read(Path(directory), public_key_for=sender_keys().get)
    accepted = (ReceivedPackage.objects.select_for_update()
                .filter(source_code=package.unit_code, status=ReceivedPackage.Status.ACCEPTED).order_by("-seq"))
    last = accepted.first()
    last_seq = last.seq if last else 0
    if package.seq <= last_seq or accepted.filter(digest=package.digest).exists():
        raise PackageRejected(f"重放：序号 {package.seq} 已导入（当前已导入到 {last_seq}）", "bag-info.txt")
    if package.seq > last_seq + 1:
        reason = f"序号缺口：应为 {last_seq + 1}，收到 {package.seq}，已隔离待补齐前序包"
        received, _created = ReceivedPackage.objects.update_or_create(
            source_code=package.unit_code, seq=package.seq, status=ReceivedPackage.Status.QUARANTINED,
            defaults={"digest": package.digest, "reason": reason, "record_count": len(package.records)})
        audit_record(actor=actor, action="discipline.import.quarantine", target=received, outcome=Outcome.DENIED,
                     details={"source": package.unit_code, "seq": package.seq, "expected": last_seq + 1})
        return received
    if package.prev_digest != (last.digest if last else ""):
        raise PackageRejected("上一包摘要与已导入的链不符", "bag-info.txt")
    applied = 0
    for record in package.records:
        current = ReceivedRecord.objects.select_for_update().filter(uuid=record["uuid"]).first()
        if current is not None and current.source_code != package.unit_code:  # never another unit's record
            raise PackageRejected(f"记录 {record['uuid']} 属于另一来源单位，不能覆盖", "data/records.jsonl")
        if current is not None and current.version >= record["version"]:
            continue  # the same or a newer version is here already: idempotent
        ReceivedRecord.objects.update_or_create(uuid=record["uuid"], defaults={
            "record_type": record["type"], "version": record["version"], "source_code": package.unit_code,
            "payload": record["payload"], "package_seq": package.seq})
        applied += 1
    ReceivedPackage.objects.filter(source_code=package.unit_code, seq=package.seq,
                                   status=ReceivedPackage.Status.QUARANTINED).delete()
    received = ReceivedPackage.objects.create(source_code=package.unit_code, seq=package.seq, digest=package.digest,
                                              status=ReceivedPackage.Status.ACCEPTED,
                                              record_count=len(package.records))
    audit_record(actor=actor, action="discipline.import.accept", target=received,
                 details={"source": package.unit_code, "seq": package.seq, "records": len(package.records),
                          "applied": applied})
    return received


def discipline_import_upload(*, actor, data: bytes) -> ReceivedPackage:
    """An uploaded zip of one package (the page's and the API's way in): unpacked into a temporary directory
    (``package.package_unzip``: one directory, no link, no path out of it, no name twice, a size limit) and imported
    by ``discipline_import``; the temporary directory is removed either way. A refused package is recorded (who,
    which file, why) in its own transaction: the import's is rolled back."""
    limit = settings.UPLOAD_MAX_MB * 1024 * 1024
    if len(data) > limit:
        raise DomainError(f"文件超过 {settings.UPLOAD_MAX_MB} MB", field="package")
    try:
        with tempfile.TemporaryDirectory(prefix="fenji-import-") as tmp:
            directory = package_unzip(data, Path(tmp), max_bytes=limit * 4)
            return discipline_import(actor=actor, directory=directory)
    except PackageRejected as refused:
        _import_refused(actor=actor, refused=refused, size=len(data))
        raise


@service
def _import_refused(*, actor, refused: PackageRejected, size: int) -> None:
    audit_record(actor=actor, action="discipline.import.reject", outcome=Outcome.DENIED,
                 details={"file": refused.file, "reason": refused.message[:200], "size": size})


def confirm_digest_chars() -> int:
    """How many leading characters of the package's SM3 digest the operator types from the internal network's
    import receipt: ``FENJI_DISCIPLINE_CONFIRM_DIGEST_CHARS`` (16 by default; the note leaves it open [U])."""
    return max(8, min(64, int(getattr(settings, "FENJI_DISCIPLINE_CONFIRM_DIGEST_CHARS", 16))))


def _typed_digest(text: str) -> str:
    """The digest as typed: full-width characters folded (NFKC), spaces dropped, lower case."""
    return normalise_number(text).lower()


@service
def export_package_confirm(*, actor, package: ExportPackage, confirmed_on: datetime.date,
                           digest: str) -> ExportPackage:
    """Record the day the internal network confirmed the import (an import log or a paper receipt), with the
    package's digest as the receipt reads it — its first ``confirm_digest_chars()`` characters at least — typed by
    hand: a receipt for another package is refused (there is no return channel to check it otherwise)."""
    policy.require(actor, perms.EXPORT_MANAGE, package.unit_path)
    if package.confirmed_on is not None:
        raise DomainError("该导出包已确认")
    if has_control(digest):
        raise DomainError("“包摘要”含有不允许的控制字符", field="digest")
    typed, needed = _typed_digest(digest), confirm_digest_chars()
    if len(typed) < needed or len(typed) > 64 or any(c not in "0123456789abcdef" for c in typed):
        raise DomainError(f"请按内网导入回执输入本包 SM3 摘要的前 {needed} 位（或全部 64 位）十六进制字符",
                          field="digest")
    if not package.digest.startswith(typed):
        raise DomainError(f"输入的摘要与第 {package.seq} 包的 SM3 摘要不符：请核对回执上的包序号和摘要，"
                          f"该回执可能属于另一个包", field="digest")
    if confirmed_on > timezone.localdate() or confirmed_on < timezone.localtime(package.created_at).date():
        raise DomainError("确认日期须在导出之后、不晚于今天", field="confirmed_on")
    package.confirmed_on, package.confirmed_by_id = confirmed_on, actor.account_id
    package.save(update_fields=["confirmed_on", "confirmed_by"])
    audit_record(actor=actor, action="discipline.export.confirm", target=package,
                 details={"seq": package.seq, "confirmed_on": confirmed_on.isoformat(), "digest_typed": typed})
    return package


@service
def export_package_download(*, actor, package: ExportPackage) -> tuple[str, bytes]:
    """The package as a zip (its directory under ``export_dir()``, the directory's name at the zip's root), for
    carrying to the one-way gateway; audited. Answers (file name, bytes)."""
    policy.require(actor, perms.EXPORT_MANAGE, package.unit_path)
    root = export_dir() / package.name
    if not root.is_dir() or root.is_symlink():
        raise DomainError("服务器导出目录中没有该包的文件（可能是用命令导出到了其他目录）", code="package_missing")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.is_symlink():
                archive.write(path, f"{package.name}/{path.relative_to(root).as_posix()}")
    audit_record(actor=actor, action="discipline.export.download", target=package, details={"seq": package.seq})
    return f"{package.name}.zip", buffer.getvalue()


@service
def package_ledger_export(*, actor, packages, filters: dict) -> ExcelSheet:
    """The packages' ledger as Excel (导出包台账): sequence, unit, time, records, digests, the confirmation."""
    policy.require(actor, perms.EXPORT_MANAGE)
    sheet = ExcelSheet("内网导出包台账", ["单位", "包序号", "包名", "导出时间", "记录数", "包摘要（SM3）", "上一包摘要",
                                     "状态", "内网确认日期"])
    for p in packages.order_by("-id")[:100_000].iterator(chunk_size=2000):
        sheet.add([p.unit.name, p.seq, p.name, timezone.localtime(p.created_at).strftime("%Y-%m-%d %H:%M"),
                   p.record_count, p.digest, p.prev_digest, "已确认" if p.confirmed_on else "待确认",
                   p.confirmed_on or ""])
    audit_record(actor=actor, action="discipline.export.ledger", details={"rows": sheet.rows, **filters})
    return sheet
