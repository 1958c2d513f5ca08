"""Chain the audit log: seq + prev_hash + hash on every event, a chain head, checkpoints, and on
PostgreSQL a trigger that refuses UPDATE, DELETE and TRUNCATE (a retention purge of events older
than 180 days may delete, and only inside a transaction that says so)."""

from django.db import migrations, models

from fenji.core.audit.chain import GENESIS, HASHED_FIELDS, event_hash

TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION fenji_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('fenji.audit_purge', true) = 'on'
       AND OLD.at < now() - interval '180 days' THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'TRUNCATE' AND current_setting('fenji.allow_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_auditevent_no_change BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION fenji_audit_append_only();
CREATE TRIGGER audit_auditevent_no_truncate BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION fenji_audit_append_only();
"""
DROP_TRIGGER_SQL = """
DROP TRIGGER IF EXISTS audit_auditevent_no_change ON audit_auditevent;
DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent;
DROP FUNCTION IF EXISTS fenji_audit_append_only();
"""


def chain_existing(apps, schema_editor):
    """Events written before the chain existed are chained in id order."""
    AuditEvent = apps.get_model("audit", "AuditEvent")
    ChainHead = apps.get_model("audit", "ChainHead")
    previous, seq = GENESIS, 0
    for event in AuditEvent.objects.order_by("id"):
        seq += 1
        event.seq = seq
        fields = {name: getattr(event, name) for name in HASHED_FIELDS}
        event.prev_hash = previous
        event.hash = event_hash(fields, previous)
        event.save(update_fields=["seq", "prev_hash", "hash"])
        previous = event.hash
    ChainHead.objects.update_or_create(pk=1, defaults={"seq": seq, "hash": previous})


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER_SQL, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGER_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="ChainHead",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("seq", models.BigIntegerField(default=0)),
                ("hash", models.CharField(default="0" * 64, max_length=64)),
            ],
        ),
        migrations.CreateModel(
            name="Checkpoint",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("seq", models.BigIntegerField(verbose_name="序号")),
                ("hash", models.CharField(max_length=64, verbose_name="哈希")),
                ("at", models.DateTimeField(verbose_name="时间")),
                ("signer", models.CharField(max_length=40, verbose_name="签名算法")),
                ("public_key", models.TextField(verbose_name="公钥")),
                ("signature", models.TextField(verbose_name="签名")),
            ],
            options={"verbose_name": "审计检查点", "ordering": ["-seq"]},
        ),
        migrations.AddField("auditevent", "seq", models.BigIntegerField(null=True, verbose_name="序号")),
        migrations.AddField("auditevent", "prev_hash", models.CharField(default="", max_length=64,
                                                                        verbose_name="前一事件哈希")),
        migrations.AddField("auditevent", "hash", models.CharField(null=True, max_length=64, verbose_name="本事件哈希")),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.AlterField("auditevent", "seq", models.BigIntegerField(unique=True, verbose_name="序号")),
        migrations.AlterField("auditevent", "prev_hash", models.CharField(max_length=64, verbose_name="前一事件哈希")),
        migrations.AlterField("auditevent", "hash", models.CharField(max_length=64, unique=True,
                                                                     verbose_name="本事件哈希")),
        migrations.AlterField("auditevent", "id", models.BigAutoField(primary_key=True, serialize=False)),
        migrations.AlterModelOptions("auditevent", {"ordering": ["seq"], "verbose_name": "审计事件"}),
        migrations.RunPython(add_trigger, drop_trigger),
    ]
