"""ID and mobile numbers at rest: SM4-GCM ciphertext plus a keyed SM3 hash that carries uniqueness.

Existing rows are converted in place: the plaintext columns become text, every value is encrypted
under the current data key and hashed with the index key (``fenji.core.kernel.crypto``; the key file
is created on first use if no key is configured), then the hash columns become unique. On SQLite, freed pages are
overwritten with zeros (``secure_delete``), so the old plaintext does not linger in the file.
Reversible: going back decrypts the values into the original columns (the keys must still be there).
"""

from django.db import migrations, models

import fenji.core.kernel.fields

BATCH = 500
COLUMNS = [("account", "mobile", "mobile_hash"), ("person", "id_number", "id_number_hash")]


def _rows(cursor, table, column, after):
    cursor.execute(f"SELECT id, {column} FROM {table} WHERE id > %s ORDER BY id LIMIT {BATCH}", [after])
    return cursor.fetchall()


def zero_freed_pages(apps, schema_editor):
    """SQLite: the rebuilt tables' old pages held plaintext; have SQLite overwrite them with zeros."""
    if schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")


def encrypt_existing(apps, schema_editor):
    from fenji.core.kernel import crypto

    connection = schema_editor.connection
    quote = connection.ops.quote_name
    for model_name, column, hash_column in COLUMNS:
        table = quote(apps.get_model("people", model_name)._meta.db_table)
        with connection.cursor() as cursor:
            after = 0
            while rows := _rows(cursor, table, quote(column), after):
                for pk, value in rows:
                    if value:
                        plain = crypto.decrypt(value) if crypto.is_token(value) else value.strip()
                        token, digest = crypto.encrypt(plain), crypto.blind_index(plain)
                    else:
                        token, digest = value, None
                    cursor.execute(f"UPDATE {table} SET {quote(column)} = %s, {quote(hash_column)} = %s WHERE id = %s",
                                   [token, digest, pk])
                after = rows[-1][0]


def decrypt_existing(apps, schema_editor):
    from fenji.core.kernel import crypto

    connection = schema_editor.connection
    quote = connection.ops.quote_name
    for model_name, column, _hash_column in COLUMNS:
        table = quote(apps.get_model("people", model_name)._meta.db_table)
        with connection.cursor() as cursor:
            after = 0
            while rows := _rows(cursor, table, quote(column), after):
                for pk, value in rows:
                    if crypto.is_token(value):
                        cursor.execute(f"UPDATE {table} SET {quote(column)} = %s WHERE id = %s",
                                       [crypto.decrypt(value), pk])
                after = rows[-1][0]


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(zero_freed_pages, zero_freed_pages),
        # 1. room for ciphertext, and the hash columns (not yet unique)
        migrations.AddField(
            model_name='account',
            name='mobile_hash',
            field=fenji.core.kernel.fields.BlindIndexField(null=True, source='mobile', verbose_name='手机号码哈希'),
        ),
        migrations.AddField(
            model_name='person',
            name='id_number_hash',
            field=fenji.core.kernel.fields.BlindIndexField(blank=True, null=True, source='id_number',
                                                           verbose_name='身份证号码哈希'),
        ),
        migrations.AlterField(
            model_name='account',
            name='mobile',
            field=models.TextField(verbose_name='手机号码'),
        ),
        migrations.AlterField(
            model_name='person',
            name='id_number',
            field=models.TextField(blank=True, null=True, verbose_name='身份证号码'),
        ),
        # 2. encrypt and hash every existing row
        migrations.RunPython(encrypt_existing, decrypt_existing),
        # 3. the final fields: uniqueness moves to the hashes
        migrations.AlterField(
            model_name='account',
            name='mobile',
            field=fenji.core.kernel.fields.EncryptedTextField(blind_index='mobile_hash', verbose_name='手机号码'),
        ),
        migrations.AlterField(
            model_name='person',
            name='id_number',
            field=fenji.core.kernel.fields.EncryptedTextField(blank=True, blind_index='id_number_hash', null=True,
                                                              verbose_name='身份证号码'),
        ),
        migrations.AlterField(
            model_name='account',
            name='mobile_hash',
            field=fenji.core.kernel.fields.BlindIndexField(source='mobile', unique=True, verbose_name='手机号码哈希'),
        ),
        migrations.AlterField(
            model_name='person',
            name='id_number_hash',
            field=fenji.core.kernel.fields.BlindIndexField(blank=True, null=True, source='id_number', unique=True,
                                                           verbose_name='身份证号码哈希'),
        ),
    ]
