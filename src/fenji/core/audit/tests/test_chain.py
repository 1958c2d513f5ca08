import datetime
import json
import threading

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction
from django.utils import timezone

from fenji.core.audit import chain
from fenji.core.audit.checkpoints import checkpoint_check, checkpoint_create, checkpoint_export
from fenji.core.audit.models import AuditEvent, ChainHead
from fenji.core.audit.services import PLATFORM, audit_record
from fenji.core.org.models import Unit, UnitKind
from fenji.core.org.services import unit_create
from fenji.testing import actor


def record(n=5):
    for i in range(n):
        audit_record(actor=PLATFORM, action="test.event", details={"n": i, "名称": "测试"})


def tamper(sql, params):
    """Change the table behind the application's back, as a database superuser could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")  # triggers off for this transaction
        cursor.execute(sql, params)


def test_events_are_chained_in_order(db):
    record(5)
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert events[0].prev_hash == chain.GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:], strict=False))
    assert chain.verify_chain().ok
    assert ChainHead.objects.get().seq == 5


def test_editing_one_row_breaks_the_chain_at_that_row(db, capsys):
    record(6)
    call_command("audit", "verify")
    assert "审计链完整：共 6 条事件" in capsys.readouterr().out
    tamper("UPDATE audit_auditevent SET actor_label = %s WHERE seq = %s", ["改过的人", 4])
    with pytest.raises(CommandError, match="序号 4 处断开：事件内容被改动"):
        call_command("audit", "verify")


def test_a_missing_event_is_named(db):
    record(6)
    tamper("DELETE FROM audit_auditevent WHERE seq = %s", [3])
    verdict = chain.verify_chain()
    assert not verdict.ok and verdict.first_broken == 3
    record(0)


def test_a_missing_tail_is_noticed(db):
    record(4)
    tamper("DELETE FROM audit_auditevent WHERE seq = %s", [4])
    verdict = chain.verify_chain()
    assert not verdict.ok and "末尾事件缺失" in verdict.reason


def test_the_orm_cannot_change_or_remove_events(db):
    record(1)
    event = AuditEvent.objects.get()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    event.action = "x"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


def test_a_failing_audit_write_rolls_the_change_back(tree, province_admin, monkeypatch):
    def broken(fields):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr("fenji.core.audit.services.append", broken)
    with pytest.raises(RuntimeError):
        unit_create(actor=actor(province_admin), parent=tree.city, name="审计失败的单位", kind=UnitKind.COUNTY)
    assert not Unit.objects.filter(name="审计失败的单位").exists()


def test_purge_never_removes_events_younger_than_180_days(db):
    now = timezone.now()
    for days in (200, 181, 179):
        with time_machine.travel(now - datetime.timedelta(days=days)):
            audit_record(actor=PLATFORM, action=f"test.age.{days}")
    with pytest.raises(ValueError, match="至少保留 180 天"):
        chain.purge_before(now - datetime.timedelta(days=179))
    with pytest.raises(CommandError, match="--yes"):
        call_command("audit", "purge", "--before", (now - datetime.timedelta(days=181)).date().isoformat())
    call_command("audit", "purge", "--before", (now - datetime.timedelta(days=180)).date().isoformat(), "--yes")
    left = set(AuditEvent.objects.values_list("action", flat=True))
    assert "test.age.200" not in left and "test.age.181" not in left
    assert {"test.age.179", "audit.purge"} <= left
    assert chain.verify_chain().ok  # the chain verifies from the first remaining event


def test_signed_checkpoint_detects_later_tampering(db, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    record(3)
    output = tmp_path / "checkpoint.json"
    call_command("audit", "checkpoint", "--output", str(output))
    document = json.loads(output.read_text())
    assert document["seq"] == 3 and document["signer"] == "SM2-SM3"
    call_command("audit", "verify", "--checkpoint", str(output))
    forged = {**document, "hash": "0" * 64}
    assert checkpoint_check(forged) == "检查点签名无效"
    tamper("UPDATE audit_auditevent SET hash = %s WHERE seq = %s", ["f" * 64, 3])
    assert "哈希与检查点不符" in checkpoint_check(document)
    assert (tmp_path / "audit-sm2.key").stat().st_mode & 0o777 == 0o600


def test_a_broken_chain_is_never_certified(db, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    record(2)
    tamper("UPDATE audit_auditevent SET action = %s WHERE seq = %s", ["x", 1])
    with pytest.raises(ValueError, match="断开"):
        checkpoint_create()
    assert checkpoint_export  # exported format is exercised by the test above


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_postgresql_refuses_update_delete_and_truncate():
    from django.db.utils import InternalError, OperationalError, ProgrammingError

    record(2)
    errors = (InternalError, OperationalError, ProgrammingError)
    for sql in ("UPDATE audit_auditevent SET action = 'x'", "DELETE FROM audit_auditevent",
                "TRUNCATE audit_auditevent"):
        with pytest.raises(errors, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL fenji.allow_truncate = 'off'")
            cursor.execute(sql)
    assert AuditEvent.objects.count() == 2
    # the purge switch only lets old rows go
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL fenji.audit_purge = 'on'")
        with pytest.raises(errors, match="append-only"), transaction.atomic():
            cursor.execute("DELETE FROM audit_auditevent")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need a server")
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_stay_one_gapless_chain():
    def writer(n):
        try:
            for i in range(10):
                audit_record(actor=PLATFORM, action=f"test.thread.{n}", details={"i": i})
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    verdict = chain.verify_chain()
    assert verdict.ok and verdict.events == 60 and verdict.last_seq == 60
