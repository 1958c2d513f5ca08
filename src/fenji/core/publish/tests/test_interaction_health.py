"""Column health's interaction measures: an interaction column (互动交流) linked to ticket boards managed within
its manager's reach shows the oldest public ticket still unanswered and the on-time reply rate, on the page, the
subtree report and its Excel."""

import datetime
import io

import openpyxl
import pytest
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.access.roles import DEPT_HEAD, STAFF
from fenji.core.audit.models import AuditEvent
from fenji.core.kernel.errors import AccessDenied, DomainError
from fenji.core.publish import selectors, services
from fenji.core.publish.health import column_health
from fenji.core.tickets import services as tickets
from fenji.core.tickets.models import Ticket
from fenji.testing import actor, make_account


@pytest.fixture
def w(tree):
    class World:
        head = make_account(tree.town, name="科长", role=DEPT_HEAD)
        clerk = make_account(tree.town, name="街道干事", role=STAFF)
        other_head = make_account(tree.other_town, name="梅园科长", role=DEPT_HEAD)
        citizen = make_account(tree.province, kind="citizen", name="市民甲")
        board = tickets.board_create(actor=policy.SYSTEM, office=tree.town, unit=tree.town, name="街道信箱")
        county_board = tickets.board_create(actor=policy.SYSTEM, office=tree.county, unit=tree.town, name="区长信箱")
    World.column = services.column_create(actor=actor(World.head), unit=tree.town, name="街道互动", kind="interact",
                                          public=True)
    return World


def shift(ticket, **fields):
    Ticket.objects.unscoped(reason="test").filter(pk=ticket.pk).update(**fields)
    return Ticket.objects.unscoped(reason="test").get(pk=ticket.pk)


def file(w, content, *, public_ok=True, days_ago=0):
    ticket = tickets.ticket_file(actor=actor(w.citizen), board=w.board, content=content, public_ok=public_ok)
    return shift(ticket, created_at=timezone.now() - datetime.timedelta(days=days_ago))


def answer(w, ticket, *, late=False):
    if late:
        ticket = shift(ticket, due_at=timezone.now() - datetime.timedelta(days=1))
    tickets.ticket_sign(actor=actor(w.clerk), ticket=ticket)
    return tickets.ticket_answer(actor=actor(w.clerk), ticket=ticket, answer="已处理")


def test_a_column_links_only_boards_managed_within_its_managers_reach(tree, w):
    linked = services.column_boards_set(actor=actor(w.head), column=w.column, boards=[w.board])
    assert list(selectors.column_boards(linked)) == [w.board]
    assert AuditEvent.objects.filter(action="publish.column.boards", target_id=str(w.column.pk)).count() == 1
    assert [b.name for b in selectors.board_choices(actor=actor(w.head))] == ["街道信箱"]
    with pytest.raises(AccessDenied):  # managed by the county: beyond the town's head
        services.column_boards_set(actor=actor(w.head), column=w.column, boards=[w.county_board])
    with pytest.raises(AccessDenied):  # another town's head does not manage the column
        services.column_boards_set(actor=actor(w.other_head), column=w.column, boards=[])
    news = services.column_create(actor=actor(w.head), unit=tree.town, name="街道动态", kind="news")
    with pytest.raises(DomainError):
        services.column_boards_set(actor=actor(w.head), column=news, boards=[w.board])
    assert list(selectors.column_boards(w.column)) == [w.board]
    services.column_boards_set(actor=actor(w.head), column=w.column, boards=[])
    assert list(selectors.column_boards(w.column)) == []


def test_health_shows_the_oldest_unanswered_public_ticket_and_the_on_time_rate(tree, w, login):
    services.column_boards_set(actor=actor(w.head), column=w.column, boards=[w.board])
    file(w, "路灯不亮", days_ago=100)  # the oldest public one still unanswered
    file(w, "噪音扰民", days_ago=200, public_ok=False)  # older, but the citizen did not agree to a public reply
    answer(w, file(w, "井盖缺失", days_ago=3))
    answer(w, file(w, "占道经营", days_ago=300), late=True)
    old = answer(w, file(w, "去年的诉求", days_ago=500))
    shift(old, answered_at=timezone.now() - datetime.timedelta(days=400))  # answered before the period
    rows = {row.column.name: row for row in column_health(actor=actor(w.head))}
    row = rows["街道互动"]
    assert row.interaction and row.unanswered_days == 100 and row.unanswered_too_long
    assert (row.answered, row.answered_on_time, row.on_time_rate) == (2, 1, 0.5)
    assert row.published == 0  # the tickets do not multiply the posts
    assert column_health(actor=actor(w.other_head)) == []

    client = login(w.head)
    page = client.get("/publish/health/").content.decode()
    assert "<strong>100</strong>" in page and "50%（1/2）" in page
    workbook = client.get(f"/publish/health/?unit={tree.town.pk}&output=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(workbook.streaming_content))).active
    values = [[cell.value for cell in r] for r in sheet.iter_rows()]
    header = next(r for r in values if "按期答复率" in r)
    line = next(r for r in values if r[0] == "街道互动")
    assert line[header.index("最早未答复公开诉求（天）")] == 100 and line[header.index("按期答复率")] == "50%"


def test_a_column_without_boards_or_tickets_shows_no_reply_measures(tree, w, login):
    rows = {row.column.name: row for row in column_health(actor=actor(w.head))}
    assert not rows["街道互动"].interaction and rows["街道互动"].on_time_rate is None
    services.column_boards_set(actor=actor(w.head), column=w.column, boards=[w.board])
    row = column_health(actor=actor(w.head))[0]
    assert row.interaction and row.unanswered_days is None and row.on_time_rate is None


def test_the_boards_are_set_on_the_column_page(tree, w, login):
    client = login(w.head)
    page = client.get(f"/publish/columns/{w.column.pk}/").content.decode()
    assert 'id="column-boards"' in page and "区长信箱" not in page
    response = client.post(f"/publish/columns/{w.column.pk}/", {"op": "boards", "boards": [w.board.pk]})
    assert response.status_code in (200, 302)
    assert list(selectors.column_boards(w.column)) == [w.board]
