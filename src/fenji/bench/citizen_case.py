"""The citizen-facing cases (issue 15): the public column page and a department's ticket list.

Run at one level of the loaded dataset inside a transaction that is rolled back, so the dataset stays as
loaded: a public column with its published posts and a board whose unit holds ``tickets`` tickets are
written in bulk, then

- ``public_page``: the public home page (``/public/``, no login) rendered by its view, CPU time per request;
- ``ticket_list``: the handling department's first page of its ticket list (the count and 20 rows), as the
  console's 诉求办理 page asks for it.
"""

import datetime
import time

from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.test import RequestFactory
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.access.roles import STAFF
from fenji.core.access.services import grant_create
from fenji.core.org.models import Unit
from fenji.core.people.bootstrap import bootstrap_account
from fenji.core.people.identity import check_char

POSTS = 20
BATCH = 5000


class _Rollback(Exception):
    pass


def _cpu_ms(fn, repeat: int) -> dict:
    fn()  # warm: templates compiled, the first query planned
    wall, cpu = [], []
    for _ in range(max(1, repeat)):
        w, c = time.perf_counter(), time.process_time()
        fn()
        cpu.append((time.process_time() - c) * 1000)
        wall.append((time.perf_counter() - w) * 1000)
    cpu.sort()
    wall.sort()
    return {"cpu_median": round(cpu[len(cpu) // 2], 3), "median": round(wall[len(wall) // 2], 3),
            "p95": round(wall[min(len(wall) - 1, int(len(wall) * 0.95))], 3), "n": len(wall)}


def _account(unit: Unit, index: int, kind: str):
    first17 = f"11010119900101{index:03d}"
    return bootstrap_account(unit=unit, real_name=f"基准{index}", mobile=f"198{index:08d}", kind=kind,
                             id_number=first17 + check_char(first17), title="", password=None, must_change=False)


def seed_tickets(units, *, board, citizen) -> int:
    """A pending ticket on ``board`` for each ``(unit_id, unit_path)`` of ``units`` (an iterator: written in batches
    of ``BATCH``, constant memory), handled by that unit."""
    from itertools import islice

    from fenji.core.tickets.models import Ticket

    now = timezone.now()
    due, made, units = now + datetime.timedelta(days=7), 0, iter(units)
    while batch := list(islice(units, BATCH)):
        Ticket.objects.bulk_create(
            Ticket(unit_id=pk, unit_path=path, board=board, office_id=pk, office_path=path, citizen=citizen,
                   content=f"基准诉求{made + n}", created_at=now, received_at=now, due_at=due, return_until=due)
            for n, (pk, path) in enumerate(batch))
        made += len(batch)
    return made


def case_citizen(unit: Unit, *, tickets: int, repeat: int) -> dict:
    from fenji.core.publish.models import Column, Post, PostState
    from fenji.core.publish.reader_views import public_home
    from fenji.core.tickets import selectors as ticket_selectors
    from fenji.core.tickets.models import Board, Ticket
    from fenji.core.tickets.services import board_create

    result = {}
    try:
        with transaction.atomic():
            clerk = _account(unit, 301, "staff")
            grant_create(actor=policy.SYSTEM, account=clerk, role=STAFF.code, unit=unit)
            citizen = _account(unit, 302, "citizen")
            column = Column.objects.create(unit=unit, unit_path=unit.path, name="基准公开栏目", public=True)
            now = timezone.now()
            Post.objects.bulk_create(
                Post(unit=unit, unit_path=unit.path, column=column, title=f"基准稿件{n}", body="正文" * 200,
                     drafter=clerk, state=PostState.PUBLISHED, published_at=now - datetime.timedelta(minutes=n))
                for n in range(POSTS))
            board = board_create(actor=policy.SYSTEM, office=unit, unit=unit, name="基准版块")
            seed_tickets(((unit.pk, unit.path) for _ in range(tickets)), board=board, citizen=citizen)
            if connection.vendor == "postgresql":
                # As autovacuum would after 100,000 inserts: else the planner plans for the table the dataset left
                # (no tickets) and bitmap-sorts the department's rows for any query shape.
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE tickets_ticket")
            request = RequestFactory().get("/public/")
            request.user, request.actor = AnonymousUser(), policy.ANONYMOUS
            result["public_page"] = _cpu_ms(lambda: public_home(request), repeat)
            actor = policy.actor_for(clerk)

            def first_page():
                page = ticket_selectors.ticket_page(actor=actor, size=20)  # as the console's 诉求办理 page asks for it
                return page.total, len(page.rows)

            result["ticket_list"] = _cpu_ms(first_page, repeat)
            result["ticket_list"]["total"], result["ticket_list"]["rows"] = first_page()
            result["tickets"] = Ticket.objects.unscoped(reason="bench").filter(board=board).count()
            result["unit"] = unit.name
            assert Board.objects.unscoped(reason="bench").filter(pk=board.pk).exists()
            raise _Rollback
    except _Rollback:
        pass
    return result
