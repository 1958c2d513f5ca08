"""Restore drills (C5.3): a real database is built with the demo data, backed up with ``fenji backup``,
changed, and restored with ``fenji restore``; the core tables and the audit chain must come back
exactly as they were when the backup was taken.

Everything runs in subprocesses with their own FENJI_VAR_DIR and FENJI_DATABASE_URL: the test
database of pytest-django is in memory on SQLite, and a restore replaces a whole database.
The checksums here are computed independently of ``fenji.core.ops.backup``.
"""

import hashlib
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

PASSWORD = "Drill#2026restore"
CORE_TABLES = ("org_unit", "people_account", "people_person", "access_grant", "audit_auditevent")
CHAIN_TABLES = ("audit_chainhead",)  # the audit chain's head, once the audit app keeps one


def fenji(args, env, cwd, *, check=True):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("FENJI_", "DJANGO_"))}
    result = subprocess.run([sys.executable, "-m", "fenji.cli", *args], cwd=cwd, env={**base, **env},
                            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    if check:
        assert result.returncode == 0, f"fenji {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result


def environment(tmp_path, database_url) -> dict:
    return {"FENJI_VAR_DIR": str(tmp_path / "var"), "FENJI_DATABASE_URL": database_url, "FENJI_SMS_BACKEND": "file",
            "FENJI_SMS_FILE": str(tmp_path / "sms.jsonl")}


def build(tmp_path, database_url) -> dict:
    env = environment(tmp_path, database_url)
    fenji(["migrate", "-v", "0"], env, tmp_path)
    fenji(["demo", "--password", PASSWORD], env, tmp_path)
    return env


@pytest.fixture(scope="module")
def demo_var(tmp_path_factory):
    """A var/ directory holding a migrated SQLite database with the demo data (and its keys), built once."""
    where = tmp_path_factory.mktemp("demo")
    build(where, f"sqlite:///{where / 'var' / 'fenji.sqlite3'}")
    return where / "var"


@pytest.fixture
def sqlite_demo(tmp_path, demo_var):
    """A private copy of the demo var/: ``(environment, database file)``."""
    shutil.copytree(demo_var, tmp_path / "var")
    database = tmp_path / "var" / "fenji.sqlite3"
    return environment(tmp_path, f"sqlite:///{database}"), database


def digest(rows) -> str:
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def sqlite_checksums(path: Path) -> dict:
    with sqlite3.connect(path) as db:
        present = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return {table: digest(db.execute(f"SELECT * FROM {table} ORDER BY id").fetchall())  # noqa: S608
                for table in CORE_TABLES + CHAIN_TABLES if table in present}


def postgres_checksums(url: str) -> dict:
    import psycopg

    with psycopg.connect(url) as db:
        present = {name for (name,) in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
        return {table: digest(db.execute(f"SELECT * FROM {table} ORDER BY id").fetchall())  # noqa: S608
                for table in CORE_TABLES + CHAIN_TABLES if table in present}


def chain_expected() -> bool:
    try:
        from fenji.core.audit import chain
    except ImportError:
        return False
    return hasattr(chain, "verify_chain")


def backup(env, cwd, output: Path) -> dict:
    result = fenji(["backup", "--output", str(output)], env, cwd)
    manifest = json.loads(output.with_name(output.name + ".json").read_text(encoding="utf-8"))
    assert manifest["sha256"] == hashlib.sha256(output.read_bytes()).hexdigest()
    assert f"SHA-256：{manifest['sha256']}" in result.stdout and f"{output.stat().st_size} 字节" in result.stdout
    assert set(CORE_TABLES) <= set(manifest["tables"])
    assert manifest["tables"]["org_unit"]["rows"] == 1346
    assert not [p for p in output.parent.iterdir() if p.name.endswith(".part")]  # no temporary file left
    return manifest


def refused_and_verified_restores(env, cwd, path: Path, checksums, mutated: dict) -> None:
    """A tampered file and a restore without --yes change nothing; then the real restore."""
    tampered = path.with_name("tampered" + path.suffix)
    shutil.copy(path, tampered)
    shutil.copy(path.with_name(path.name + ".json"), tampered.with_name(tampered.name + ".json"))
    with open(tampered, "r+b") as handle:
        handle.seek(tampered.stat().st_size // 2)
        byte = handle.read(1)
        handle.seek(-1, os.SEEK_CUR)
        handle.write(bytes([byte[0] ^ 0xFF]))
    refused = fenji(["restore", str(tampered), "--yes"], env, cwd, check=False)
    assert refused.returncode != 0 and "校验失败" in refused.stderr
    assert checksums() == mutated

    unconfirmed = fenji(["restore", str(path)], env, cwd, check=False)
    assert unconfirmed.returncode != 0 and "--yes" in unconfirmed.stderr
    assert checksums() == mutated

    restored = fenji(["restore", str(path), "--yes"], env, cwd)
    assert "核心表与备份清单一致" in restored.stdout
    if chain_expected():
        assert "审计链完整" in restored.stdout, restored.stdout
    else:
        assert "审计链校验已跳过" in restored.stdout


@pytest.mark.own_sqlite
def test_sqlite_restore_drill(tmp_path, sqlite_demo):
    env, database = sqlite_demo
    path = tmp_path / "backups" / "drill.sqlite3"
    backup(env, tmp_path, path)
    before = sqlite_checksums(database)
    assert set(before) >= set(CORE_TABLES)

    with sqlite3.connect(database) as db:  # a change made after the backup, straight in the database
        db.execute("UPDATE org_unit SET name = '演练改名' WHERE id = (SELECT min(id) FROM org_unit)")
        db.execute("UPDATE access_grant SET subsystem = '演练' WHERE id = (SELECT min(id) FROM access_grant)")
    mutated = sqlite_checksums(database)
    assert mutated["org_unit"] != before["org_unit"] and mutated["access_grant"] != before["access_grant"]

    refused_and_verified_restores(env, tmp_path, path, lambda: sqlite_checksums(database), mutated)
    assert sqlite_checksums(database) == before
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # the live database keeps WAL mode


@pytest.mark.own_sqlite
@pytest.mark.skipif(not chain_expected(), reason="the audit hash chain is not there yet")
def test_a_restore_whose_audit_chain_is_broken_fails(tmp_path, sqlite_demo):
    """A backup with a forged audit event — consistent with its own manifest — is restored, but the
    command fails and says where the chain breaks."""
    from fenji.core.ops import backup as ops_backup

    env, _ = sqlite_demo
    path = tmp_path / "backups" / "forged.sqlite3"
    manifest = backup(env, tmp_path, path)
    with sqlite3.connect(path) as db:
        for (trigger,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            db.execute(f'DROP TRIGGER "{trigger}"')
        db.execute("UPDATE audit_auditevent SET actor_label = '伪造' WHERE id = (SELECT min(id) FROM audit_auditevent)")
    with sqlite3.connect(path) as db:
        manifest["tables"] = ops_backup.sqlite_digests(db)
    manifest["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    path.with_name(path.name + ".json").write_text(json.dumps(manifest), encoding="utf-8")

    result = fenji(["restore", str(path), "--yes"], env, tmp_path, check=False)
    assert result.returncode != 0
    assert "核心表与备份清单一致" in result.stdout
    assert "审计链在序号 1 处断开" in result.stderr and "恢复后的校验未通过" in result.stderr


@pytest.mark.own_sqlite
def test_backup_names_the_file_by_time_and_never_overwrites(tmp_path, sqlite_demo):
    env, _ = sqlite_demo
    first = fenji(["backup"], env, tmp_path)
    (made,) = (tmp_path / "var" / "backups").glob("fenji-*.sqlite3")
    assert made.name[len("fenji-"):-len(".sqlite3")].endswith("Z") and str(made) in first.stdout
    assert oct(made.stat().st_mode)[-3:] == "600" and oct(made.parent.stat().st_mode)[-3:] == "700"
    again = fenji(["backup", "--output", str(made)], env, tmp_path, check=False)
    assert again.returncode != 0 and "不会覆盖" in again.stderr


@pytest.mark.own_sqlite
def test_restore_refuses_a_file_without_its_manifest(tmp_path):
    database = tmp_path / "var" / "fenji.sqlite3"
    env = {"FENJI_VAR_DIR": str(tmp_path / "var"), "FENJI_DATABASE_URL": f"sqlite:///{database}"}
    stray = tmp_path / "stray.sqlite3"
    sqlite3.connect(stray).close()
    result = fenji(["restore", str(stray), "--yes"], env, tmp_path, check=False)
    assert result.returncode != 0 and "找不到备份清单" in result.stderr


def test_an_interactive_restore_asks_in_chinese_and_stops_on_no(tmp_path, db, monkeypatch, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError
    from django.db import connection

    path = tmp_path / "any.sqlite3"
    path.write_bytes(b"not restored")
    manifest = {"format": 1, "engine": connection.vendor, "sha256": hashlib.sha256(b"not restored").hexdigest(),
                "created_at": "2026-01-01T00:00:00+00:00", "tables": {}}
    path.with_name(path.name + ".json").write_text(json.dumps(manifest), encoding="utf-8")
    asked = []
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr("builtins.input", lambda prompt: asked.append(prompt) or "否")
    with pytest.raises(CommandError, match="已取消，数据库未作任何改动"):
        call_command("restore", str(path))
    assert asked and "确认恢复吗" in asked[0]
    assert "全部数据将被替换" in capsys.readouterr().out


# --- PostgreSQL ---------------------------------------------------------------------------------

SERVER_URL = os.environ.get("FENJI_DATABASE_URL", "")


@pytest.fixture
def drill_database():
    """A new database on the throwaway server of FENJI_DATABASE_URL, dropped afterwards."""
    import psycopg

    name = f"fenji_drill_{secrets.token_hex(4)}"
    with psycopg.connect(SERVER_URL, autocommit=True) as server:
        server.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(SERVER_URL)
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(SERVER_URL, autocommit=True) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.skipif(not SERVER_URL.startswith("postgres"), reason="needs FENJI_DATABASE_URL on PostgreSQL")
def test_postgresql_restore_drill(tmp_path, drill_database):
    import psycopg

    env = build(tmp_path, drill_database)
    path = tmp_path / "backups" / "drill.dump"
    manifest = backup(env, tmp_path, path)
    assert manifest["engine"] == "postgresql" and path.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    before = postgres_checksums(drill_database)
    assert set(before) >= set(CORE_TABLES)

    with psycopg.connect(drill_database) as db:
        db.execute("UPDATE org_unit SET name = '演练改名' WHERE id = (SELECT min(id) FROM org_unit)")
        db.execute("UPDATE access_grant SET subsystem = '演练' WHERE id = (SELECT min(id) FROM access_grant)")
    mutated = postgres_checksums(drill_database)
    assert mutated["org_unit"] != before["org_unit"]

    refused_and_verified_restores(env, tmp_path, path, lambda: postgres_checksums(drill_database), mutated)
    assert postgres_checksums(drill_database) == before
