"""Property: the staff's ticket list's fast read path (``tickets.fastlist``, ADR 0029) returns exactly what the scoped
selector returns, page after page, on any tree, for any actor and any filter; and the page and the API show it.

Random trees as in ``test_scope_property``; tickets scattered over them with a random handling unit and managing
unit, state, deadline (past or not, now and then provisional), content (long, with markup), coordinates and
answer times with microseconds; an actor granted the list (a role that may also oversee, or not) over a subtree,
now and then with one more grant over another subtree or a single unit, the platform, or nobody; a filter drawn
from the list's own (a state, overdue); pages of 1–4 rows walked by cursor to the end and a page by number, each
compared with ``selectors.ticket_page`` (the union of scope segments): the same rows in the same order, the same
next cursor and (capped, or exact) total, each row's markup as the template wrote it, and each API item as
``TicketOut`` gives it through the API's JSON encoder.
"""

import datetime
import json
from decimal import Decimal

from django.template import engines
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ninja.responses import NinjaJSONEncoder

from fenji.core.access import policy
from fenji.core.access.models import Reach
from fenji.core.access.services import grant_create
from fenji.core.people.models import Account
from fenji.core.tickets import fastlist, selectors
from fenji.core.tickets import permissions as perms
from fenji.core.tickets.api import TicketOut, TicketPage
from fenji.core.tickets.models import Board, Ticket, TicketState
from fenji.testing import make_account
from tests.test_fastlist_property import same_page
from tests.test_scope_property import build, forests, in_rolled_back_transaction

SETTINGS = settings(max_examples=10, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
CONTENTS = ("路灯不亮", "和平路与中华大街交口人行道上堆放建筑垃圾，影响通行，<b>请尽快</b>清运 & 处理，谢谢！！！", "x" * 40)
# The rows the page's template wrote before the fast path: the reference markup.
ROWS = engines["django"].from_string(
    '{% load i18n fenji_badges %}{% for t in rows %}<tr><td><a href="{% url \'tickets:detail\' t.pk %}">{{ t.number }}</a>{% if t.emergency %} {% badge _("紧急") "off" %}{% endif %}</td><td>{{ t.board.name }}</td>\n'
    '<td><a href="{% url \'tickets:detail\' t.pk %}">{{ t.content|truncatechars:40 }}</a></td><td>{{ t.unit.name }}</td><td>{{ t.created_at|date:"Y-m-d H:i" }}</td>\n'
    '<td>{% due_badge t.due_at overdue=t.overdue still_open=True open_label=_("已超期") provisional=t.due_provisional %}</td>\n'
    '<td>{% status_badge t.state t.get_state_display ok="answered visited" off="returned" neutral="merged" other="off" %}</td></tr>{% endfor %}')


@st.composite
def tickets(draw, size):
    """The planned tickets: each one's handling unit, managing unit, board and the values shown."""
    moment = st.sampled_from([None, datetime.timedelta(days=-3, microseconds=123456), datetime.timedelta(hours=5)])
    return draw(st.lists(st.fixed_dictionaries({
        "unit": st.integers(0, size - 1), "office": st.integers(0, size - 1), "board": st.integers(0, 1),
        "state": st.sampled_from(TicketState.values), "emergency": st.booleans(), "provisional": st.booleans(),
        "due": st.sampled_from([-2, 3]), "content": st.sampled_from(CONTENTS), "answered": moment,
        "latitude": st.sampled_from([None, Decimal("39.1"), Decimal("-38.123456")]), "master": st.booleans(),
        "rating": st.sampled_from(["", "satisfied"])}), min_size=2, max_size=10))


def populate(units, planned) -> None:
    citizen = make_account(units[0], name="市民", kind="citizen")
    boards = [Board.objects.create(name=f"版块<{i}>", unit=units[-i], unit_path=units[-i].path, office=units[i],
                                   office_path=units[i].path) for i in range(2)]
    now, made = timezone.now(), []
    for n, t in enumerate(planned):
        unit, office = units[t["unit"]], units[t["office"]]
        made.append(Ticket.objects.create(
            board=boards[t["board"]], unit=unit, unit_path=unit.path, office=office, office_path=office.path,
            citizen=citizen, content=t["content"], state=t["state"], emergency=t["emergency"],
            due_provisional=t["provisional"], due_at=now + datetime.timedelta(days=t["due"], minutes=n),
            return_until=now, created_at=now - datetime.timedelta(days=n, microseconds=n * 1001),
            answered_at=None if t["answered"] is None else now + t["answered"], latitude=t["latitude"],
            longitude=None if t["latitude"] is None else Decimal("117.5"), location_text=f"位置{n}",
            answer="已处理" if t["answered"] else "", rating=t["rating"], reopen_count=n % 2,
            master=made[0] if t["master"] and made else None))


def viewer(data, units):
    """An actor granted the list over a subtree (by a role that may oversee the boards' units too, or not), now and
    then with one more grant (a subtree or a single unit), the platform, or nobody at all."""
    who = data.draw(st.sampled_from(["granted", "granted", "granted", "granted", "system", "nobody"]), label="actor")
    if who == "system":
        return policy.SYSTEM
    roles = [code for code in policy.role_codes_with(perms.TICKET_VIEW) if policy.role_for(code).builtin]
    home = units[data.draw(st.integers(0, len(units) - 1), label="actor's unit")]
    account = make_account(home, name="查看人")
    if who == "granted":
        grant_create(actor=policy.SYSTEM, account=account, role=data.draw(st.sampled_from(roles), label="role"),
                     unit=home)
        if data.draw(st.integers(0, 2), label="one grant more"):
            other = units[data.draw(st.integers(0, len(units) - 1), label="that unit")]
            reach = data.draw(st.sampled_from([Reach.UNIT, Reach.SUBTREE]), label="its reach")
            if other.pk != home.pk:
                grant_create(actor=policy.SYSTEM, account=account, role=data.draw(st.sampled_from(roles)),
                             unit=other, reach=reach)
    return policy.actor_for(Account.objects.unscoped(reason="test").get(pk=account.pk))


def as_json(ticket) -> dict:
    """What the API wrote for a ticket before the fast path: ``TicketOut`` through ninja's JSON encoder."""
    return json.loads(json.dumps(TicketOut.from_orm(ticket).model_dump(), cls=NinjaJSONEncoder))


@SETTINGS
@given(parents=forests(min_units=2, max_units=8), data=st.data())
def test_the_fast_ticket_list_is_the_scoped_selector(db, parents, data):
    planned = data.draw(tickets(len(parents)), label="tickets")
    size = data.draw(st.integers(1, 4), label="page size")
    limit = data.draw(st.integers(1, 8), label="count limit")

    def body():
        units = build(parents)
        populate(units, planned)
        actor = viewer(data, units)
        chosen = {"state": data.draw(st.sampled_from(["", "", "pending", "answered", "bogus"]), label="state"),
                  "overdue": data.draw(st.sampled_from([False, False, True]), label="overdue")}
        now = timezone.now()
        exact = selectors.ticket_list(actor=actor, **chosen).count()
        after, walked = "", 0
        while True:  # every keyset page to the end: each boundary lands where the selector's does
            slow = selectors.ticket_page(actor=actor, **chosen, after=after, size=size, count_limit=limit)
            console = fastlist.ticket_rows(actor=actor, **chosen, now=now, after=after, size=size, count_limit=limit)
            same_page(console, slow)
            assert "".join(fastlist.html_rows(console.rows, now)) == ROWS.render({"rows": slow.rows})
            fast = fastlist.ticket_rows(actor=actor, **chosen, now=now, after=after, size=size,
                                        count_limit=fastlist.EXACT, api=True)
            same_page(fast, selectors.ticket_page(actor=actor, **chosen, after=after, size=size, total=exact))
            assert fastlist.api_items(fast.rows, now) == [as_json(t) for t in slow.rows]
            walked += len(fast.rows)
            if fast.next_cursor is None:
                break
            after = fast.next_cursor
        assert walked == exact
        number = data.draw(st.integers(1, 3), label="page number")
        same_page(fastlist.ticket_rows(actor=actor, **chosen, now=now, page=number, size=size, count_limit=limit),
                  selectors.ticket_page(actor=actor, **chosen, page=number, size=size, count_limit=limit))

    in_rolled_back_transaction(body)


def test_the_api_and_the_page_show_the_selectors_rows(db, client, login, tree):
    """Through the API (a state filter, pages by cursor): the JSON ``TicketOut`` gave for the selector's rows, in
    order, with the same cursors and exact total; and the console page lists them."""
    populate([tree.county, tree.town, tree.other_town], [
        {"unit": n % 3, "office": 0, "board": n % 2, "state": "pending" if n % 2 else "answered", "emergency": n == 1,
         "provisional": n == 2, "due": -2 if n % 3 else 3, "content": CONTENTS[n % 3],
         "answered": datetime.timedelta(microseconds=5) if n % 2 else None, "latitude": Decimal("39.5"),
         "master": n == 4, "rating": ""} for n in range(5)])
    reader = make_account(tree.county, name="读者")
    role = next(code for code in policy.role_codes_with(perms.TICKET_OVERSEE) if policy.role_for(code).builtin)
    grant_create(actor=policy.SYSTEM, account=reader, role=role, unit=tree.town)
    login(reader)
    actor = policy.actor_for(Account.objects.unscoped(reason="test").get(pk=reader.pk))
    for query, chosen in (("", {}), ("state=pending", {"state": "pending"})):
        expected = list(selectors.ticket_list(actor=actor, **chosen))
        after, seen = "", []
        while True:
            body = client.get(f"/api/v1/tickets?{query}&limit=2&after={after}").json()
            assert body["total"] == len(expected) and set(body) == set(TicketPage.model_fields)
            seen += body["items"]
            if body["next"] is None:
                break
            assert body["next"] == str(body["items"][-1]["id"])
            after = body["next"]
        assert seen == [as_json(t) for t in expected] and expected
    page = client.get("/tickets/").content.decode()
    assert all(f'href="/tickets/{t.pk}/"' in page for t in selectors.ticket_list(actor=actor))
