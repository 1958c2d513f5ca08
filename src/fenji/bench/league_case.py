"""The League case (issue 17): the member list at the root and at a branch, and one month's dues bills for every
member, at the loaded dataset's scale (``province``: 5,000,000 member accounts on ~150,000 branches).

Inside a transaction rolled back at the end (the dataset stays as loaded):

1. every member account of the dataset becomes a League member of its unit — one ``INSERT … SELECT`` (timed,
   not judged), each with an income spread over the four tiers and one in five a student; the tables analysed,
   as autovacuum would after such a load;
2. ``list``: the members page's first page (``selectors.member_page`` over ``member_list``: 20 rows in
   (unit_path, id) order, counted up to 1,000) at the root and at one branch, read by a League cadre granted at
   the root — median and the process's CPU;
3. ``bills``: ``services.bills_generate`` over the root for this month (one ``INSERT … SELECT`` on PostgreSQL,
   ``billing``) — seconds and bills per second; the target is every member's bill in ≤ 5 minutes.
"""

import datetime
import time

from django.db import connection, transaction
from django.utils import timezone

from fenji.core.org.models import Unit

BILLS_TARGET_SECONDS = 300


class _Rollback(Exception):
    pass


def _members_from_accounts(every: int = 1) -> int:
    """A League member for every member account with a person (or every ``every``-th by id; incomes 0–14,999.99 by
    the id, every fifth a student): one statement, whatever the dataset's size."""
    from fenji.core.people.models import Account
    from fenji.modules.league.models import Member

    quote = connection.ops.quote_name
    member, account = quote(Member._meta.db_table), quote(Account._meta.db_table)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {member} (person_id, unit_id, unit_path, ethnicity, join_date, join_place, political_status,"
            " education, occupation, work_unit, income, student, status, created_at, updated_at)"
            f" SELECT a.person_id, a.unit_id, a.unit_path, '汉族', %s, '基准测试', 'member', 'senior', 'student', '',"
            "  ((a.id * 7919) %% 1500000) / 100.0, (a.id %% 5) = 0, 'normal', %s, %s"
            f" FROM {account} a WHERE a.kind = 'member' AND a.person_id IS NOT NULL AND (a.id %% %s) = 0"
            f" AND NOT EXISTS (SELECT 1 FROM {member} m WHERE m.person_id = a.person_id)",
            [timezone.localdate() - datetime.timedelta(days=3 * 365), now, now, every])
        made = cursor.rowcount
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {member}")
    return made


def _branch() -> Unit | None:
    from fenji.modules.league.models import Member

    first = Member.objects.unscoped(reason="bench: a branch that has members").order_by("unit_path", "id").first()
    return first.unit if first else None


def case_league(top: Unit, *, repeat: int) -> dict:
    from fenji.modules.league import selectors, services

    from .runner import _staff, timed

    result: dict = {}
    try:
        with transaction.atomic():
            clock = time.perf_counter()
            result["members"] = {"rows": _members_from_accounts(), "seconds": round(time.perf_counter() - clock, 1)}
            if not result["members"]["rows"]:
                return {"skipped": "no member accounts in the dataset"}
            from fenji.core.access import policy

            cadre = policy.actor_for(_staff(top, 300, "league_cadre"))
            branch = _branch()
            for label, unit in (("root", top), ("branch", branch)):
                def page(unit=unit):
                    return selectors.member_page(selectors.member_list(actor=cadre, unit=unit))

                result[f"list_{label}"] = {**timed(page, repeat), "unit": unit.name, "total": str(page().total)}
            clock, cpu = time.perf_counter(), time.process_time()
            made = services.bills_generate(actor=policy.SYSTEM, unit=top, month=timezone.localdate())
            seconds = time.perf_counter() - clock
            result["bills"] = {"rows": made, "seconds": round(seconds, 1),
                               "cpu_seconds": round(time.process_time() - cpu, 1),
                               "per_second": round(made / seconds) if seconds else None,
                               "target_seconds": BILLS_TARGET_SECONDS}
            raise _Rollback
    except _Rollback:
        pass
    return result
