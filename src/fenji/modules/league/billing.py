"""One month's dues bills for every member of a subtree, at a province's scale (5,000,000 members).

The amounts are ``dues.monthly_dues`` of each member's income. On PostgreSQL the bills are written by one
``INSERT … SELECT`` over the members, the amount computed in the SELECT by ``dues.dues_sql`` — the same tiers and
rates as the pure function, read from the same constants, in exact ``numeric`` arithmetic with ``round`` (half
away from zero: half-up for the non-negative incomes there are) — so no member row travels to Python and back
(a tested property: both give the same amount for every income, the tier limits and the half-fen cases included).
Elsewhere (SQLite keeps decimals as binary floating point, whose rounding of a half fen is not exact) the members
are read in keyset chunks, the amounts computed by the function itself and the bills inserted in batches: memory
stays bounded whatever the subtree's size.

A member who already has the month's bill is skipped by an anti-join (``NOT EXISTS``), so a second run of the month
writes nothing; a bill written meanwhile by another run is skipped by the unique constraint (one bill per member
and month).
"""

import datetime

from django.db import connection
from django.db.models import CharField, DateField, DateTimeField, Exists, F, OuterRef, Value
from django.utils import timezone

from fenji.core.org.models import Unit

from .dues import dues_sql, monthly_dues
from .models import DuesBill, LeagueStatus, Member

CHUNK = 5000


def _owing(unit: Unit, month: datetime.date):
    """The members of ``unit``'s subtree in good standing who joined by the month's end and have no bill for it."""
    following = (month + datetime.timedelta(days=32)).replace(day=1)
    billed = DuesBill.objects.unscoped(reason="the bill of the month, if any").filter(member=OuterRef("pk"), month=month)
    return (Member.objects.unscoped(reason="the members of a subtree the actor manages")
            .filter(unit_path__startswith=unit.path, status=LeagueStatus.NORMAL, join_date__lt=following)
            .filter(~Exists(billed)))


def bills_insert(*, unit: Unit, month: datetime.date, rule_set: str) -> int:
    """Write the month's bills for ``unit``'s subtree (``month`` the first of the month); returns how many."""
    if connection.vendor == "postgresql":
        return _insert_select(unit, month, rule_set)
    return _in_chunks(unit, month, rule_set)


def _insert_select(unit: Unit, month: datetime.date, rule_set: str) -> int:
    columns = {
        "unit_id": F("unit_id"),
        "unit_path": F("unit_path"),
        "member_id": F("id"),
        "month": Value(month, output_field=DateField()),
        "amount": dues_sql(rule_set),
        "rule_set": Value(rule_set, output_field=CharField()),
        "channel": Value("", output_field=CharField()),
        "reference": Value("", output_field=CharField()),
        "created_at": Value(timezone.now(), output_field=DateTimeField()),
    }
    aliases = {f"bill_{column}": column for column in columns}
    select = (_owing(unit, month).annotate(**{alias: columns[column] for alias, column in aliases.items()})
              .values_list(*aliases).order_by())
    compiler = select.query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    ordered = [aliases[alias] for _, _, alias in compiler.select]  # the SELECT list's order, as compiled
    quote = connection.ops.quote_name
    insert = (f"INSERT INTO {quote(DuesBill._meta.db_table)} ({', '.join(quote(c) for c in ordered)}) {sql} "
              f"ON CONFLICT DO NOTHING")
    with connection.cursor() as cursor:
        cursor.execute(insert, params)
        return cursor.rowcount


def _in_chunks(unit: Unit, month: datetime.date, rule_set: str) -> int:
    made, after = 0, 0
    members = _owing(unit, month).only("id", "unit_id", "unit_path", "income", "student").order_by("id")
    while True:
        chunk = list(members.filter(id__gt=after)[:CHUNK])
        if not chunk:
            return made
        bills = [DuesBill(unit_id=m.unit_id, unit_path=m.unit_path, member_id=m.pk, month=month, rule_set=rule_set,
                          amount=monthly_dues(m.income, student=m.student, rule_set=rule_set)) for m in chunk]
        made += len(DuesBill.objects.bulk_create(bills, batch_size=CHUNK, ignore_conflicts=True))
        after = chunk[-1].pk

