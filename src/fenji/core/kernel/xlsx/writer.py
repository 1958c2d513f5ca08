"""Writing many rows of a model straight to its table: the constant columns prepared once by the fields
themselves, only the varying ones filled per row, then one ``COPY … FROM STDIN`` (PostgreSQL, psycopg 3
``cursor.copy``) or one ``executemany`` INSERT (SQLite).

``bulk_create`` runs every field's ``pre_save`` and ``get_db_prep_save`` for every row (~5 µs a field);
for rows that differ in a handful of columns that is most of the cost of a bulk insert. ``RowShape``
calls them once, on a prototype instance, for the columns that do not vary — defaults, ``auto_now_add``
timestamps, a shared foreign key — so a field added to the model is carried without touching the
callers. The caller fills the varying columns with the *database* values the fields would produce
(the ciphertext of ``EncryptedTextField``, the blind index of ``BlindIndexField``, a date as ISO text…):
nothing here runs per-row field code.

Primary keys are chosen before the write (the rows of a second table can then name them):
``reserve_ids`` moves the PostgreSQL sequence past a contiguous range (for a loader that owns the
database), ``allocate_ids`` takes keys one by one from the sequence (safe next to concurrent writers).
Used by the imports (``kernel.xlsx.run``: the member import…) and the benchmark loader (``bench.datasets``).
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import connection

COPY_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(value: str) -> str:
    """A text value escaped for PostgreSQL's COPY text format (backslash, tab, newline, carriage return)."""
    return value.translate(COPY_ESCAPE)


def copy_cell(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.date):  # datetime included
        return value.isoformat()
    return str(value).translate(COPY_ESCAPE)


def uses_copy() -> bool:
    """Whether the current database takes rows as COPY text (PostgreSQL) rather than parameter tuples."""
    return connection.vendor == "postgresql"


@dataclass
class RowShape:
    """A model's concrete columns, with constant values prepared once and the varying ones by name."""

    table: str
    columns: list[str]
    constants: list  # database values (SQLite) or COPY cells (PostgreSQL); None where a value varies
    slots: dict[str, int]  # attname -> position of each varying column
    copy: bool = False

    @classmethod
    def of(cls, model, prototype, varying: tuple[str, ...], *, copy: bool) -> "RowShape":
        fields = model._meta.concrete_fields
        constants = []
        for f in fields:
            if f.attname in varying:
                constants.append(None)
                continue
            value = f.get_db_prep_save(f.pre_save(prototype, add=True), connection)
            constants.append(copy_cell(value) if copy else value)
        missing = set(varying) - {f.attname for f in fields}
        if missing:
            raise RuntimeError(f"{model.__name__} has no field(s) {sorted(missing)}")
        return cls(model._meta.db_table, [f.column for f in fields], constants,
                   {f.attname: i for i, f in enumerate(fields) if f.attname in varying}, copy)

    def row(self, values: dict) -> list:
        row = list(self.constants)
        for name, value in values.items():
            row[self.slots[name]] = value
        return row

    def maker(self, names: tuple[str, ...]) -> Callable[..., object]:
        """A function of the varying values in the order of ``names`` (every varying column, once) giving one
        row: a COPY line (``str``, the values already COPY cells) or a parameter list (SQLite)."""
        if sorted(names) != sorted(self.slots):
            raise ValueError(f"{self.table}: the values must name each varying column once: {sorted(self.slots)}")
        position = {name: i for i, name in enumerate(names)}
        by_slot = {slot: position[name] for name, slot in self.slots.items()}
        if self.copy:
            cells = [f"{{{by_slot[i]}}}" if i in by_slot else c.replace("{", "{{").replace("}", "}}")
                     for i, c in enumerate(self.constants)]
            return ("\t".join(cells) + "\n").format
        pairs = [(slot, index) for slot, index in by_slot.items()]
        constants = self.constants

        def make(*values):
            row = constants.copy()
            for slot, index in pairs:
                row[slot] = values[index]
            return row

        return make


def reserve_ids(model, count: int) -> int:
    """The first of ``count`` fresh, contiguous primary keys for ``model``; on PostgreSQL the sequence moves
    past them. Not safe next to concurrent inserts into the table on PostgreSQL (see ``allocate_ids``)."""
    table, pk = model._meta.db_table, model._meta.pk.column
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk])
            sequence = cursor.fetchone()[0]
            cursor.execute(f"SELECT GREATEST((SELECT COALESCE(MAX({qn(pk)}), 0) FROM {qn(table)}), "
                           f"(SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM {sequence}))")
            base = cursor.fetchone()[0] + 1
            cursor.execute("SELECT setval(%s, %s)", [sequence, base + count - 1])
        else:
            cursor.execute(f"SELECT COALESCE(MAX({qn(pk)}), 0) FROM {qn(table)}")
            base = cursor.fetchone()[0] + 1
    return base


def allocate_ids(model, count: int) -> list[int]:
    """``count`` fresh primary keys for ``model``, as an insert without a key would get them.

    PostgreSQL: ``nextval`` of the column's sequence, ``count`` times (safe next to concurrent writers;
    keys of a rolled-back transaction are skipped, as for any insert). SQLite: after the largest key the
    table ever had (``AUTOINCREMENT``'s ``sqlite_sequence`` included, so a deleted key is not reused) —
    call it inside the transaction that writes the rows: its write lock keeps the range to itself.
    """
    return allocate_ids_of((model,), count)[0]


def allocate_ids_of(models, count: int) -> list[list[int]]:
    """``allocate_ids`` for each of ``models`` (``count`` keys each), in one query on PostgreSQL."""
    if count <= 0:
        return [[] for _model in models]
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            keys = ", ".join(["nextval(pg_get_serial_sequence(%s, %s))"] * len(models))
            cursor.execute(f"SELECT {keys} FROM generate_series(1, %s)",
                           [*(name for m in models for name in (m._meta.db_table, m._meta.pk.column)), count])
            return [list(column) for column in zip(*cursor.fetchall(), strict=True)]
        if not connection.in_atomic_block:
            raise RuntimeError("allocate_ids on SQLite must run inside the transaction that writes the rows")
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_sequence'")
        sequences = cursor.fetchone()[0]
        allocated = []
        for model in models:
            table, pk = model._meta.db_table, model._meta.pk.column
            cursor.execute(f"SELECT COALESCE(MAX({qn(pk)}), 0) FROM {qn(table)}")
            base = cursor.fetchone()[0]
            if sequences:
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                found = cursor.fetchone()
                base = max(base, found[0] if found else 0)
            allocated.append(list(range(base + 1, base + 1 + count)))
    return allocated


def write(shape: RowShape, payload: bytes | str | Iterable) -> None:
    """Insert the rows: on PostgreSQL ``payload`` is COPY text (lines), elsewhere a sequence of parameter rows.
    Database errors come out as Django's (``IntegrityError`` for a unique constraint)."""
    qn = connection.ops.quote_name
    columns = ", ".join(qn(c) for c in shape.columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with connection.wrap_database_errors:
                with cursor.cursor.copy(f"COPY {qn(shape.table)} ({columns}) FROM STDIN") as copy:
                    copy.write(payload)
        else:
            marks = ", ".join(["%s"] * len(shape.columns))
            cursor.executemany(f"INSERT INTO {qn(shape.table)} ({columns}) VALUES ({marks})", payload)
