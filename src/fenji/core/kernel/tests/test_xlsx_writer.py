"""kernel.xlsx.writer: a model's rows written with COPY (PostgreSQL) or executemany (SQLite), read back by the ORM."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction

from fenji.core.kernel.crypto import keyring
from fenji.core.kernel.xlsx import writer as bulk_rows
from fenji.core.kernel.xlsx.writer import RowShape, copy_cell, copy_text
from fenji.core.people.models import Account, Person

VARYING = ("id", "real_name", "id_number", "id_number_hash", "gender", "birth_date")


def test_copy_cells_escape_what_copy_text_format_would_misread():
    assert copy_cell(None) == "\\N" and copy_cell(True) == "t" and copy_cell(False) == "f"
    assert copy_cell(datetime.date(2026, 1, 2)) == "2026-01-02"
    assert copy_cell(datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)) == "2026-01-02T03:04:05+00:00"
    assert copy_cell("a\tb\nc\rd\\N") == "a\\tb\\nc\\rd\\\\N" == copy_text("a\tb\nc\rd\\N")
    assert copy_cell(12) == "12"


def _rows(shape, values):
    make = shape.maker(VARYING)
    rows = [make(*(copy_cell(v) for v in row) if shape.copy else row) for row in values]
    return "".join(rows) if shape.copy else rows


def test_rows_written_in_bulk_read_back_as_the_orm_wrote_them(db):
    ring = keyring()
    copy = bulk_rows.uses_copy()
    shape = RowShape.of(Person, Person(real_name=""), VARYING, copy=copy)
    names = ["制表\t符", "换\n行", "反斜杠\\N", "{花括号}", "普通"]
    with transaction.atomic():
        ids = bulk_rows.allocate_ids(Person, len(names))
        values = [(pk, name, ring.encrypt(f"32010219900101{n:03d}X"), ring.blind_index(f"32010219900101{n:03d}X"),
                   "F", "1990-01-01") for n, (pk, name) in enumerate(zip(ids, names, strict=True))]
        bulk_rows.write(shape, _rows(shape, values))
    people = {p.pk: p for p in Person.objects.filter(pk__in=ids)}
    assert [people[pk].real_name for pk in ids] == names
    first = people[ids[0]]
    assert first.id_number == "32010219900101000X" and first.birth_date == datetime.date(1990, 1, 1)
    assert Person.objects.get(id_number="32010219900101004X").pk == ids[4]  # the blind index
    assert first.created_at is not None  # auto_now_add: the shape's constant

    # fresh keys next time, and a key of a deleted row is not handed out again (as an ORM insert would not)
    Person.objects.filter(pk=ids[-1]).delete()
    with transaction.atomic():
        again = bulk_rows.allocate_ids(Person, 2)
    assert min(again) > max(ids) and len(set(again)) == 2
    if connection.vendor == "postgresql":  # taken from the sequence: an ORM insert comes after them
        assert Person.objects.create(real_name="ORM").pk > max(again)
    with transaction.atomic():  # several tables at once (one query on PostgreSQL)
        people, accounts = bulk_rows.allocate_ids_of((Person, Account), 3)
        assert bulk_rows.allocate_ids_of((Person, Account), 0) == [[], []]
    assert min(people) > max(ids) and len(set(people)) == len(set(accounts)) == 3
    assert not Account.objects.unscoped(reason="test").filter(pk__in=accounts).exists()


def test_a_unique_constraint_comes_out_as_an_integrity_error_and_the_transaction_rolls_back(db):
    ring = keyring()
    shape = RowShape.of(Person, Person(real_name=""), VARYING, copy=bulk_rows.uses_copy())
    number = "32010219900101123X"
    with transaction.atomic():
        ids = bulk_rows.allocate_ids(Person, 2)
    twice = [(pk, "重复", ring.encrypt(number), ring.blind_index(number), "M", "1990-01-01") for pk in ids]
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk_rows.write(shape, _rows(shape, twice))
    assert not Person.objects.filter(pk__in=ids).exists()


def test_the_values_must_name_each_varying_column():
    shape = RowShape("t", ["a", "b"], [None, "x"], {"a": 0}, False)
    with pytest.raises(ValueError):
        shape.maker(("a", "b"))
    assert shape.maker(("a",))(1) == [1, "x"]
