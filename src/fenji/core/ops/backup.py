"""Backups and restores of the whole database, checked end to end (C5.3).

``backup`` copies a consistent snapshot: on SQLite with the online backup API (readers and writers
go on while it runs), on PostgreSQL with ``pg_dump -Fc`` inside an exported REPEATABLE READ
snapshot. It writes to a temporary file beside the target, fsyncs it and renames it into place, so
a backup file either exists whole or not at all. A JSON manifest beside it records the SHA-256 of
the file and, read from the same snapshot, the row count and a digest of every core table.

``restore`` checks the file against the manifest before touching anything, restores (SQLite: the
backup API into the configured file; PostgreSQL: ``pg_restore --clean --if-exists --no-owner`` in
one transaction), then recomputes the core tables' digests and compares them with the manifest,
and verifies the audit hash chain when the audit app provides it.
"""

import datetime
import glob
import hashlib
import importlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor

import fenji
from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.private import DIRECTORY_MODE, FILE_MODE, make_private

MANIFEST_FORMAT = 1
# The tables whose content a restore must bring back exactly (the audit chain head when it exists).
CORE_MODELS = ("org.Unit", "people.Account", "people.Person", "access.Grant", "audit.AuditEvent")
OPTIONAL_CORE_MODELS = ("audit.ChainHead",)
EXTENSIONS = {"sqlite": "sqlite3", "postgresql": "dump"}
ENGINE_LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
PG_ENVIRONMENT = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT",
                  "sslkey": "PGSSLKEY", "connect_timeout": "PGCONNECT_TIMEOUT"}


class BackupError(DomainError):
    """A backup or restore refused or failed; the message says why (in Chinese)."""


@dataclass
class BackupResult:
    path: Path
    manifest_path: Path
    size: int
    sha256: str
    manifest: dict


@dataclass
class ChainCheck:
    status: str  # "ok", "broken" or "skipped"
    message: str

    @property
    def failed(self) -> bool:
        return self.status == "broken"


@dataclass
class RestoreResult:
    path: Path
    manifest: dict
    mismatched: list[str] = field(default_factory=list)  # core tables that differ from the manifest
    pending_migrations: int = 0
    chain: ChainCheck | None = None

    @property
    def ok(self) -> bool:
        return not self.mismatched and not (self.chain and self.chain.failed)


# --- helpers ------------------------------------------------------------------------------------


def engine() -> str:
    vendor = connection.vendor
    if vendor not in EXTENSIONS:
        raise BackupError(f"不支持备份 {vendor} 数据库（只支持 SQLite 和 PostgreSQL）")
    return vendor


def default_output(vendor: str, now: datetime.datetime) -> Path:
    stamp = now.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    return Path(settings.VAR_DIR) / "backups" / f"fenji-{stamp}.{EXTENSIONS[vendor]}"


def manifest_path_for(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return  # some filesystems cannot open a directory; the rename is still atomic
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _temp_beside(path: Path) -> Path:
    """An empty file (mode 0600) in the target's directory, so that ``os.replace`` is one atomic rename."""
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    os.close(fd)
    return Path(name)


def core_tables() -> list[tuple[str, str]]:
    """``(table, primary key column)`` of each core table, in a fixed order."""
    tables = []
    for label in CORE_MODELS + OPTIONAL_CORE_MODELS:
        try:
            model = apps.get_model(label)
        except LookupError:
            if label in OPTIONAL_CORE_MODELS:
                continue
            raise
        tables.append((model._meta.db_table, model._meta.pk.column))
    return tables


def _plain(value):
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes):
        return {"hex": value.hex()}
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    return value


def table_digest(cursor, table: str, pk: str, quote) -> dict:
    """Row count and SHA-256 over ``SELECT * … ORDER BY pk``, streamed (one JSON line per row)."""
    digest = hashlib.sha256()
    rows = 0
    cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY {quote(pk)}")  # noqa: S608 (our own table names)
    while batch := cursor.fetchmany(2000):
        for row in batch:
            line = json.dumps([_plain(v) for v in row], ensure_ascii=False, separators=(",", ":"), default=str)
            digest.update(line.encode())
            digest.update(b"\n")
            rows += 1
    return {"rows": rows, "sha256": digest.hexdigest()}


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sqlite_digests(db: sqlite3.Connection) -> dict:
    present = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    cursor = db.cursor()
    return {table: table_digest(cursor, table, pk, _sqlite_quote) for table, pk in core_tables() if table in present}


def _sqlite_migrations(db: sqlite3.Connection) -> dict:
    try:
        rows = db.execute("SELECT app, max(name) FROM django_migrations GROUP BY app ORDER BY app").fetchall()
    except sqlite3.DatabaseError:
        return {}
    return dict(rows)


def _sqlite_path() -> Path:
    name = str(settings.DATABASES["default"]["NAME"])
    if name in ("", ":memory:") or name.startswith("file:") or "mode=memory" in name:
        raise BackupError("当前数据库是内存数据库，无法备份或恢复")
    return Path(name)


# --- PostgreSQL tools ---------------------------------------------------------------------------


def _version_key(path: str):
    match = re.search(r"/postgresql/(\d+(?:\.\d+)?)/bin/", path)
    return tuple(int(part) for part in match.group(1).split(".")) if match else (0,)


def pg_tool(name: str) -> str:
    """``pg_dump`` / ``pg_restore``: from PATH, else the newest under /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_version_key, reverse=True)
    if candidates:
        return candidates[0]
    raise BackupError(f"找不到 {name}：请安装 PostgreSQL 客户端（postgresql-client），或把它所在的目录加入 PATH")


def _pg_connection_args() -> tuple[list[str], dict]:
    """Command-line options and environment for the configured database; the password only in the environment."""
    db = settings.DATABASES["default"]
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    for option, variable in PG_ENVIRONMENT.items():
        if db.get("OPTIONS", {}).get(option):
            env[variable] = str(db["OPTIONS"][option])
    return args, env


def _run(command: list[str], env: dict, what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()[-2000:]
        raise BackupError(f"{what}失败（退出码 {result.returncode}）：{detail}")


def _pg_quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _pg_digests() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        present = {row[0] for row in cursor.fetchall()}
    result = {}
    for table, pk in core_tables():
        if table in present:
            with connection.chunked_cursor() as cursor:  # a server-side cursor: big tables stream
                result[table] = table_digest(cursor, table, pk, _pg_quote)
    return result


def _pg_migrations() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, max(name) FROM django_migrations GROUP BY app ORDER BY app")
        return dict(cursor.fetchall())


# --- backup -------------------------------------------------------------------------------------


def _backup_sqlite(target: Path) -> tuple[dict, dict]:
    source_path = _sqlite_path()
    if not source_path.exists():
        raise BackupError(f"数据库文件不存在：{source_path}")
    source = sqlite3.connect(source_path, timeout=20)
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)  # one step: a consistent snapshot while the application keeps running
        # A self-contained single file (no -wal/-shm beside it), readable in read-only mode.
        destination.execute("PRAGMA journal_mode=DELETE").fetchall()
        tables, migrations = sqlite_digests(destination), _sqlite_migrations(destination)
        destination.commit()
    finally:
        destination.close()
        source.close()
    return tables, migrations


def _backup_postgresql(target: Path) -> tuple[dict, dict]:
    dump = pg_tool("pg_dump")
    args, env = _pg_connection_args()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot,) = cursor.fetchone()
        # pg_dump reads the very snapshot the digests below are computed from.
        _run([dump, "--format=custom", f"--file={target}", f"--snapshot={snapshot}", "--no-password", *args,
              str(settings.DATABASES["default"]["NAME"])], env, "pg_dump ")
        tables, migrations = _pg_digests(), _pg_migrations()
    return tables, migrations


def backup(output: Path | str | None = None, *, now: datetime.datetime | None = None) -> BackupResult:
    """Write a backup file and its manifest; returns where, how big and its SHA-256."""
    vendor = engine()
    now = now or datetime.datetime.now(datetime.UTC)
    path = Path(output).expanduser().resolve() if output else default_output(vendor, now)
    manifest_path = manifest_path_for(path)
    for existing in (path, manifest_path):
        if existing.exists():
            raise BackupError(f"文件已存在，不会覆盖：{existing}")
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=DIRECTORY_MODE)  # backups hold password hashes and personal data
    data_tmp = _temp_beside(path)
    manifest_tmp = _temp_beside(manifest_path)
    try:
        tables, migrations = (_backup_sqlite if vendor == "sqlite" else _backup_postgresql)(data_tmp)
        os.chmod(data_tmp, FILE_MODE)  # whatever wrote it: the backup is readable by this account only
        _fsync_file(data_tmp)
        size, digest = data_tmp.stat().st_size, sha256_file(data_tmp)
        manifest = {
            "format": MANIFEST_FORMAT,
            "created_at": now.astimezone(datetime.UTC).isoformat(timespec="seconds"),
            "engine": vendor,
            "file": path.name,
            "size": size,
            "sha256": digest,
            "fenji_version": fenji.__version__,
            "django_version": django.get_version(),
            "database": database_label(),
            "tables": tables,
            "migrations": migrations,
        }
        manifest_tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        _fsync_file(manifest_tmp)
        os.replace(data_tmp, path)
        os.replace(manifest_tmp, manifest_path)
        _fsync_dir(path.parent)
    except BaseException:
        data_tmp.unlink(missing_ok=True)
        manifest_tmp.unlink(missing_ok=True)
        raise
    return BackupResult(path=path, manifest_path=manifest_path, size=size, sha256=digest, manifest=manifest)


def key_files() -> list[Path]:
    """Key files in use that a database backup does not contain (they must be kept apart from it)."""
    candidates = [Path(settings.VAR_DIR) / "secret_key", getattr(settings, "DATA_KEY_FILE", None),
                  os.environ.get("FENJI_AUDIT_KEY_FILE") or Path(settings.VAR_DIR) / "audit-sm2.key"]
    return [Path(c) for c in candidates if c and Path(c).is_file()]


def database_label() -> str:
    """Which database, without credentials."""
    db = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        return str(db["NAME"])
    return f"{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}/{db['NAME']}"


# --- restore ------------------------------------------------------------------------------------


def load_manifest(path: Path, manifest_path: Path | None = None) -> dict:
    manifest_path = manifest_path or manifest_path_for(path)
    if not path.is_file():
        raise BackupError(f"备份文件不存在：{path}")
    if not manifest_path.is_file():
        raise BackupError(f"找不到备份清单 {manifest_path}，无法校验备份文件是否完整（可用 --manifest 指定）")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(f"备份清单无法读取：{error}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT or "sha256" not in manifest:
        raise BackupError(f"备份清单格式不正确：{manifest_path}")
    return manifest


def verify_file(path: Path, manifest: dict) -> None:
    """Refuse a file that is not exactly the one the manifest describes, or that belongs to another engine."""
    actual = sha256_file(path)
    if actual != manifest["sha256"]:
        raise BackupError(f"备份文件校验失败：SHA-256 为 {actual}，清单记录为 {manifest['sha256']}。"
                          "文件可能损坏或被改动，已拒绝恢复")
    vendor = engine()
    if manifest.get("engine") != vendor:
        raise BackupError(f"这是 {ENGINE_LABELS.get(manifest.get('engine'), manifest.get('engine'))} 数据库的备份，"
                          f"当前配置的是 {ENGINE_LABELS[vendor]}，无法恢复")


def _restore_sqlite(path: Path) -> dict:
    target = _sqlite_path()
    target.parent.mkdir(parents=True, exist_ok=True, mode=DIRECTORY_MODE)
    source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    destination = sqlite3.connect(target, timeout=20)
    make_private(target)
    try:
        source.backup(destination)  # page by page under the destination's write lock; keeps its WAL mode
        tables = sqlite_digests(destination)
    finally:
        destination.close()
        source.close()
    return tables


def _restore_postgresql(path: Path) -> dict:
    restore_tool = pg_tool("pg_restore")
    args, env = _pg_connection_args()
    _run([restore_tool, "--clean", "--if-exists", "--no-owner", "--single-transaction", "--no-password", *args,
          f"--dbname={settings.DATABASES['default']['NAME']}", str(path)], env, "pg_restore ")
    return _pg_digests()


def pending_migrations() -> int:
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def check_audit_chain() -> ChainCheck:
    """Verify the audit hash chain if the audit app provides ``chain.verify_chain``; skipped otherwise."""
    try:
        chain = importlib.import_module("fenji.core.audit.chain")
    except ModuleNotFoundError as error:
        if error.name and "fenji.core.audit.chain".startswith(error.name):
            return ChainCheck("skipped", "审计链校验已跳过：本版本尚未提供审计哈希链")
        raise
    verify = getattr(chain, "verify_chain", None)
    if not callable(verify):
        return ChainCheck("skipped", "审计链校验已跳过：本版本尚未提供审计哈希链")
    verdict = verify()
    ok = verdict if isinstance(verdict, bool) else getattr(verdict, "ok", None)
    if hasattr(verdict, "describe"):
        text = verdict.describe()
    elif ok:
        text = "审计链完整"
    else:
        text = f"审计链在 {getattr(verdict, 'first_broken', '?')} 处断开"
    return ChainCheck("ok" if ok else "broken", text)


def restore(path: Path | str, *, manifest_path: Path | str | None = None, manifest: dict | None = None) -> RestoreResult:
    """Restore ``path`` over the configured database, then check the result against the manifest and the chain."""
    path = Path(path).expanduser().resolve()
    if manifest is None:
        manifest = load_manifest(path, Path(manifest_path) if manifest_path else None)
    verify_file(path, manifest)
    vendor = engine()
    connections.close_all()  # nothing of ours holds the old database open while it is replaced
    tables = _restore_sqlite(path) if vendor == "sqlite" else _restore_postgresql(path)
    connections.close_all()
    expected = manifest.get("tables", {})
    mismatched = sorted(name for name in set(expected) | set(tables) if expected.get(name) != tables.get(name))
    result = RestoreResult(path=path, manifest=manifest, mismatched=mismatched)
    result.pending_migrations = pending_migrations()
    if result.pending_migrations:
        result.chain = ChainCheck("skipped", "审计链校验已跳过：恢复的数据库结构比当前程序旧，请先运行 fenji migrate，"
                                             "再校验审计链")
    else:
        try:
            result.chain = check_audit_chain()
        except DatabaseError as error:
            result.chain = ChainCheck("broken", f"审计链无法校验：{error}")
    return result
