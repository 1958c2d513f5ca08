"""Key rotation for the encrypted columns (``fenji rotate_data_key``).

Data keys: a new key id is appended to the key file (or, with keys from the environment, the
operator adds it to ``FENJI_DATA_KEYS`` and restarts), then every value of every
``EncryptedTextField`` not yet under the newest key is decrypted and encrypted again, in batches of
one short transaction each. The update is conditional on the old ciphertext, so a row changed in
between is left to its writer (which already used the newest key). Running processes notice the
changed key file at their next key use; rows under a key they have not loaded yet make them read
the file again. Old keys stay in the file until ``--prune`` removes the ones no row uses any more.

Index key (``--index``): every blind index (``BlindIndexField``) is recomputed under a new index key
in one transaction, and the key file is replaced before that transaction commits; if the commit
fails the previous key file is put back. Lookups by hash in other processes miss between the commit
and their next key use: rotate the index key in a maintenance window.

Normalisation (``renormalise_column``, used by the migration ``people/0005``): every value of an
encrypted column with a blind index is decrypted, folded (``text.normalise_number``), and where that
changes it, encrypted again and re-hashed. A row whose folded value is already another row's (the
same person entered twice in two spellings) is left as it is and reported: merging two people is a
decision for an administrator, not for a migration.

Raw SQL throughout: no model ``save()`` side effects, and no fail-closed manager in the way.
"""

import secrets
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.db import connection, transaction

from . import crypto
from .fields import blind_index_fields, encrypted_fields

BATCH_SIZE = 500


@dataclass
class ColumnReport:
    label: str  # "people_account.mobile"
    rows: int = 0
    reencrypted: int = 0
    skipped: int = 0  # changed by someone else during the batch
    key_ids: Counter = field(default_factory=Counter)  # afterwards


def encrypted_columns() -> list[tuple]:
    """(model, field) for every encrypted column of every installed model."""
    return [(model, f) for model in apps.get_models() for f in encrypted_fields(model)]


def _batches(model, column: str, batch_size: int):
    yield from _table_batches(connection, model._meta.db_table, model._meta.pk.column, column, batch_size)


def _table_batches(connection, table: str, pk: str, column: str, batch_size: int, *more: str):
    """(pk, value, *more values) of every row of ``table``, ``batch_size`` rows a query, in key order."""
    quote = connection.ops.quote_name
    table, pk = quote(table), quote(pk)
    columns = ", ".join(quote(c) for c in (column, *more))
    after = None
    while True:
        with connection.cursor() as cursor:
            where = "" if after is None else f" WHERE {pk} > %s"
            cursor.execute(f"SELECT {pk}, {columns} FROM {table}{where} ORDER BY {pk} LIMIT {int(batch_size)}",
                           [] if after is None else [after])
            rows = cursor.fetchall()
        if not rows:
            return
        yield rows
        after = rows[-1][0]


def reencrypt_all(*, batch_size: int = BATCH_SIZE, ring: crypto.KeyRing | None = None) -> list[ColumnReport]:
    """Bring every encrypted value under the newest data key."""
    ring = ring or crypto.keyring()
    newest = ring.newest_id
    quote = connection.ops.quote_name
    reports = []
    for model, fld in encrypted_columns():
        table, pk, column = quote(model._meta.db_table), quote(model._meta.pk.column), quote(fld.column)
        report = ColumnReport(f"{model._meta.db_table}.{fld.column}")
        for rows in _batches(model, fld.column, batch_size):
            with transaction.atomic(), connection.cursor() as cursor:
                for pk_value, token in rows:
                    if not token:
                        continue
                    report.rows += 1
                    if crypto.key_id_of(token) == newest:
                        report.key_ids[newest] += 1
                        continue
                    fresh = ring.encrypt(ring.decrypt(token), key_id=newest)
                    cursor.execute(f"UPDATE {table} SET {column} = %s WHERE {pk} = %s AND {column} = %s",
                                   [fresh, pk_value, token])
                    if cursor.rowcount == 1:
                        report.reencrypted += 1
                        report.key_ids[newest] += 1
                    else:
                        report.skipped += 1
        reports.append(report)
    return reports


def key_ids_in_use(*, batch_size: int = BATCH_SIZE) -> Counter:
    used = Counter()
    for model, fld in encrypted_columns():
        for rows in _batches(model, fld.column, batch_size):
            used.update(crypto.key_id_of(token) for _pk, token in rows if token)
    return used


def add_data_key(path: Path) -> int:
    """Append a new data key to the key file; returns its id (the newest from now on)."""
    masters, index = crypto.read_key_file(path, create=False)
    new_id = max(masters) + 1
    masters[new_id] = secrets.token_bytes(crypto.MASTER_BYTES)
    crypto.write_key_file(path, masters, index)
    crypto.reset()
    return new_id


def prune_data_keys(path: Path) -> list[int]:
    """Remove from the key file the old data keys no stored value uses; returns their ids."""
    masters, index = crypto.read_key_file(path, create=False)
    used = key_ids_in_use()
    newest = max(masters)
    removable = [key_id for key_id in masters if key_id != newest and used[key_id] == 0]
    if removable:
        crypto.write_key_file(path, {k: v for k, v in masters.items() if k not in removable}, index)
        crypto.reset()
    return removable


def rotate_index_key(path: Path, *, batch_size: int = BATCH_SIZE) -> dict[str, int]:
    """A new blind-index key, and every hash recomputed under it, atomically with the key file."""
    masters, _index = crypto.read_key_file(path, create=False)
    ring = crypto.keyring()
    new_index = secrets.token_bytes(crypto.MASTER_BYTES)
    new_ring = crypto.KeyRing(masters, new_index, str(path))
    previous = path.read_bytes()
    quote = connection.ops.quote_name
    counts: dict[str, int] = {}
    try:
        with transaction.atomic():
            for model in apps.get_models():
                table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
                for hash_field in blind_index_fields(model):
                    source = model._meta.get_field(hash_field.source)
                    label = f"{model._meta.db_table}.{hash_field.column}"
                    counts[label] = 0
                    for rows in _batches(model, source.column, batch_size):
                        with connection.cursor() as cursor:
                            for pk_value, token in rows:
                                plain = ring.decrypt(token) if crypto.is_token(token) else token
                                digest = new_ring.blind_index(plain) if plain else None
                                cursor.execute(f"UPDATE {table} SET {quote(hash_field.column)} = %s WHERE {pk} = %s",
                                               [digest, pk_value])
                                counts[label] += 1
            crypto.write_key_file(path, masters, new_index)
    except BaseException:
        if path.read_bytes() != previous:
            path.write_bytes(previous)
        raise
    finally:
        crypto.reset()
    return counts


@dataclass
class NormaliseReport:
    label: str  # "people_account.mobile"
    rows: int = 0
    changed: int = 0
    collisions: list = field(default_factory=list)  # primary keys left unchanged: folded, another row's value


def renormalise_column(connection, *, table: str, pk: str, column: str, hash_column: str, normalise,
                       batch_size: int = BATCH_SIZE, ring: crypto.KeyRing | None = None) -> NormaliseReport:
    """Fold every value of one encrypted column with ``normalise`` and recompute its blind index.

    Only rows whose value or hash changes are written (under the newest data key). A row whose folded
    value's hash belongs to another row is left unchanged and its key listed in ``collisions``.
    ``connection``: the migration's (``schema_editor.connection``) or ``django.db.connection``.
    """
    ring = ring or crypto.keyring()
    quote = connection.ops.quote_name
    q_table, q_pk, q_column, q_hash = quote(table), quote(pk), quote(column), quote(hash_column)
    report = NormaliseReport(f"{table}.{column}")
    for rows in _table_batches(connection, table, pk, column, batch_size, hash_column):
        with connection.cursor() as cursor:
            for pk_value, token, stored_digest in rows:
                if not token:
                    continue
                report.rows += 1
                plain = ring.decrypt(token) if crypto.is_token(token) else token
                folded = normalise(plain)
                if not folded:  # blank once folded: nothing a lookup could find, left to its owner
                    continue
                digest = ring.blind_index(folded)
                if folded == plain and stored_digest == digest:
                    continue
                cursor.execute(f"SELECT {q_pk} FROM {q_table} WHERE {q_hash} = %s AND {q_pk} <> %s",
                               [digest, pk_value])
                if cursor.fetchone() is not None:
                    report.collisions.append(pk_value)
                    continue
                fresh = token if folded == plain and crypto.is_token(token) else ring.encrypt(folded)
                cursor.execute(f"UPDATE {q_table} SET {q_column} = %s, {q_hash} = %s WHERE {q_pk} = %s",
                               [fresh, digest, pk_value])
                report.changed += 1
    return report
