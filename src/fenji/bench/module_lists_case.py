"""Each module's hot list (issue 21 item 5): League members, discipline petitions, citizen tickets and veterans
service records, on the console page and through the API, read by an actor at the root, a middle level and a leaf.

Every ``every``-th member account of the dataset (by id, so the rows scale with the dataset and spread over its units)
gives one row to each list at its unit: a League member (``league_case``'s one ``INSERT … SELECT``), a petition, a
ticket (``citizen_case``'s loader) and a service record, written in batches (constant memory) and committed before
any request is measured: a request inside an open transaction is not what a server runs (the maintenance banner, for
one, reads the windows on every such request instead of from its per-process list). The rows stay in the benchmark's
database (``make bench`` throws it away); a second run on the same database finds them (by the case's ticket board)
and measures them again instead of adding more. Then per level a staff account granted a read-only role
holding the four lists' view actions at that level's unit is measured as ``request_case`` measures the account list:
median server CPU ms per request in process with the full middleware, and the request's query count. The targets
(console ≤ 5 ms, API ≤ 3 ms server CPU) are judged in ``report.py`` against these numbers.
"""

from functools import partial
from itertools import islice

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.test import Client, override_settings
from django.utils import timezone

from fenji.core.access.models import Role as RoleRow

CONSOLE_TARGET_MS, API_TARGET_MS = 5.0, 3.0
ROLE = "bench_lists"
BOARD = "基准热点列表"  # the case's ticket board: its presence says the rows are there
BATCH = 5000
# (list, profile that makes its module live, console page, API path)
LISTS = (("league_members", "league", "/league/members/", "/api/v1/league/members"),
         ("discipline_petitions", "discipline", "/discipline/petitions/", "/api/v1/discipline/petitions"),
         ("tickets", None, "/tickets/", "/api/v1/tickets"),
         ("veterans_records", "veterans", "/veterans/records/", "/api/v1/veterans/records"))


def _sampled_units(every: int):
    """``(unit_id, unit_path)`` of every ``every``-th member account, read in chunks."""
    from fenji.core.people.models import Account

    return (Account.objects.unscoped(reason="bench: where the module rows go").filter(kind="member")
            .annotate(nth=F("id") % every).filter(nth=0).order_by("id")
            .values_list("unit_id", "unit_path").iterator(chunk_size=BATCH))


def _bulk(model, rows) -> int:
    made = 0
    while batch := list(islice(rows, BATCH)):
        model.objects.bulk_create(batch)
        made += len(batch)
    return made


def _seed(top, every: int, clerk) -> dict:
    from fenji.core.tickets.models import Board
    from fenji.core.tickets.services import board_create
    from fenji.modules.discipline.models import Category, Channel, Petition, PetitionState
    from fenji.modules.veterans.models import RecordKind, ServiceRecord

    from .citizen_case import _account, seed_tickets
    from .league_case import _members_from_accounts

    if Board.objects.unscoped(reason="bench: rows seeded by an earlier run").filter(name=BOARD).exists():
        return {name: _in_scope(name, top) for name, *_ in LISTS}
    today, now = timezone.localdate(), timezone.now()
    citizen = _account(top, 303, "citizen")
    board = board_create(actor=_system(), office=top, unit=top, name=BOARD)
    counts = {"league_members": _members_from_accounts(every)}
    counts["discipline_petitions"] = _bulk(Petition, (
        Petition(unit_id=pk, unit_path=path, number=f"JZ-{n:09d}", received_on=today, channel=Channel.LETTER,
                 category=Category.REPORT, real_name=False, content="基准信访内容", state=PetitionState.HANDLING,
                 registered_by=clerk) for n, (pk, path) in enumerate(_sampled_units(every))))
    counts["tickets"] = seed_tickets(_sampled_units(every), board=board, citizen=citizen)
    counts["veterans_records"] = _bulk(ServiceRecord, (
        ServiceRecord(unit_id=pk, unit_path=path, kind=RecordKind.VISIT, title=f"基准服务记录{n}", ended_on=today,
                      entered_on=today, on_time=True, recorded_by=clerk, created_at=now, updated_at=now)
        for n, (pk, path) in enumerate(_sampled_units(every))))
    if connection.vendor == "postgresql":  # as autovacuum would after such a load
        with connection.cursor() as cursor:
            for table in (Petition._meta.db_table, ServiceRecord._meta.db_table, "tickets_ticket"):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
    return counts


def _in_scope(name: str, unit) -> int:
    """How many of the list's rows lie in ``unit``'s subtree (what the reader's list counts)."""
    from fenji.core.tickets.models import Ticket
    from fenji.modules.discipline.models import Petition
    from fenji.modules.league.models import Member
    from fenji.modules.veterans.models import ServiceRecord

    model = {"league_members": Member, "discipline_petitions": Petition, "tickets": Ticket,
             "veterans_records": ServiceRecord}[name]
    return model.objects.unscoped(reason="bench: the list's size").filter(unit_path__startswith=unit.path).count()


def _system():
    from fenji.core.access import policy

    return policy.SYSTEM


def _measure(account, mobile: str, page: str, api: str, repeat: int) -> dict:
    from . import runner
    from .request_case import _browser, cpu_ms, queries

    browser = _browser(account)
    _, plain = runner.api_token(mobile)
    machine = Client(headers={"Authorization": f"Bearer {plain}"})
    statuses = (browser.get(page).status_code, machine.get(api).status_code)
    if statuses != (200, 200):
        return {"skipped": f"console {page} answered {statuses[0]}, API {api} answered {statuses[1]}"}
    console, machine_call = partial(browser.get, page), partial(machine.get, api)
    warmup = min(10, repeat - 1)  # the requests above compiled the templates (the smoke test's single run: none more)
    return {"console_cpu_ms": round(cpu_ms(console, repeat, warmup), 3), "console_queries": queries(console),
            "api_cpu_ms": round(cpu_ms(machine_call, repeat, warmup), 3), "api_queries": queries(machine_call)}


def case_module_lists(levels, *, every: int = 10, repeat: int) -> dict:
    """``rows`` per list, and per list and level: console and API CPU ms per request (median) and query counts."""
    from fenji.core.people.models import Account
    from fenji.core.tickets import permissions as ticket_perms
    from fenji.modules.discipline import module as discipline
    from fenji.modules.league import module as league
    from fenji.modules.veterans import module as veterans

    from .runner import _staff

    result: dict = {}
    with transaction.atomic():
        RoleRow.objects.get_or_create(code=ROLE, defaults={"label": BOARD, "actions": [
            league.MEMBER_VIEW, discipline.PETITION_VIEW, ticket_perms.TICKET_VIEW, veterans.RECORD_VIEW]})
        readers = [(label, _staff(unit, 400 + i, ROLE)) for i, (label, unit) in enumerate(levels)]
        result["rows"] = _seed(levels[0][1], every, readers[0][1])
        result["every"] = every
    with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
        for name, profile, page, api in LISTS:
            with override_settings(FENJI_PROFILE=profile or settings.FENJI_PROFILE):
                result[name] = {label: {**_measure(Account.objects.unscoped(reason="bench").get(pk=reader.pk),
                                                   reader.mobile, page, api, repeat),
                                        "in_scope": _in_scope(name, unit)}
                                for (label, reader), (_, unit) in zip(readers, levels, strict=True)}
    return result


def main(repeat: int = 100, every: int = 10) -> None:
    """On a loaded benchmark database: ``fenji shell -c "from fenji.bench.module_lists_case import main; main()"``."""
    from . import runner

    result = case_module_lists(runner.pick_levels(None), every=every, repeat=repeat)
    print(f"rows: {result['rows']}")
    for name, *_ in LISTS:
        for label, r in result[name].items():
            print(f"{name} {label}: {r}")

