"""Property: the League member list's fast read path (``league.fastlist``, ADR 0029) returns exactly what the scoped
selector returns, page after page, on any tree, for any actor and any filter; and the page and the API show it.

Random trees as in ``test_scope_property``; members scattered over them with a few names, development numbers and
statuses; an actor granted the member list over a subtree (now and then one more single unit), the platform, or
nobody; a filter drawn from the list's own (an organisation, the search box, a status); pages of 1–4 rows walked by
cursor to the end and a page by number, each compared with ``selectors.member_list`` + ``selectors.member_page``:
the same rows in the same order, the same next cursor and (capped) total, each API item as ``MemberOut`` gives it
from the model, each row's markup as the template wrote it.
"""

import datetime

from django.template import Context, Template
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fenji.core.org.models import Unit
from fenji.core.people.models import Person
from fenji.modules.league import fastlist, selectors
from fenji.modules.league import module as perms
from fenji.modules.league.api import MemberOut
from fenji.modules.league.models import Member
from tests.test_fastlist_property import same_page, viewer
from tests.test_scope_property import build, forests, in_rolled_back_transaction

SETTINGS = settings(max_examples=30, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
NAMES = ("张三", "李四", "张四", "王五<b>")
NUMBERS = (None, None, "2020001", "2020012", "2021003")
ROW = Template('{% for m in rows %}<tr id="member-{{ m.pk }}"><td><a href="{% url \'league:member\' m.pk %}">'
               '{{ m.person.real_name }}</a></td>\n<td>{{ m.unit.name }}</td><td>{{ m.join_date|date:"Y-m-d" }}</td>'
               '<td>{{ m.development_no|default:"—" }}</td><td>{{ m.get_political_status_display }}</td>'
               '<td>{{ m.get_occupation_display }}</td></tr>{% endfor %}')  # the template's row, as it was


@st.composite
def members(draw, size):
    """(unit index, name, development number, status) of each member."""
    return draw(st.lists(st.tuples(st.integers(0, size - 1), st.sampled_from(NAMES), st.sampled_from(NUMBERS),
                                   st.sampled_from(["normal", "normal", "left"])), min_size=3, max_size=10))


def populate(units, planned) -> None:
    used = set()
    for n, (unit_index, name, number, status) in enumerate(planned):
        number = None if number in used else number  # the development number is unique
        used.add(number)
        unit = units[unit_index]
        Member.objects.create(person=Person.objects.create(real_name=name), unit=unit, unit_path=unit.path,
                              join_date=datetime.date(2019, 5, 1 + n), join_place="某中学", development_no=number,
                              status=status)


@SETTINGS
@given(parents=forests(min_units=3, max_units=10), data=st.data())
def test_the_fast_member_list_is_the_scoped_selector(db, settings, parents, data):
    settings.FENJI_PROFILE = "league"
    planned = data.draw(members(len(parents)), label="members")
    size = data.draw(st.integers(1, 4), label="page size")
    limit = data.draw(st.integers(1, 8), label="count limit")

    def body():
        units = build(parents)
        populate(units, planned)
        actor = viewer(data, units, perms.MEMBER_VIEW)
        chosen = {"unit": data.draw(st.sampled_from([None, None, *[Unit.objects.get(pk=u.pk) for u in units]]),
                                    label="unit"),
                  "text": data.draw(st.sampled_from(["", "", "", "张", "四", "2020", "20200", "<b>", "%"]),
                                    label="text"),
                  "status": data.draw(st.sampled_from(["normal", "normal", "left", ""]), label="status")}
        scoped = selectors.member_list(actor=actor, **chosen)
        after, walked = "", 0
        while True:  # every keyset page to the end: each boundary lands where the selector's does
            slow = selectors.member_page(scoped, after=after, size=size, count_limit=limit)
            fast = fastlist.member_rows(actor=actor, **chosen, after=after, size=size, count_limit=limit, api=True)
            same_page(fast, slow)
            assert fastlist.api_items(fast.rows) == [MemberOut.from_orm(m).dict() | {"join_date": m.join_date.isoformat()}
                                                     for m in slow.rows]
            console = fastlist.member_rows(actor=actor, **chosen, after=after, size=size, count_limit=limit)
            assert "".join(fastlist.html_rows(console.rows)) == ROW.render(Context({"rows": slow.rows}))
            walked += len(fast.rows)
            if fast.next_cursor is None:
                break
            after = fast.next_cursor
        assert walked == scoped.count()
        number = data.draw(st.integers(1, 3), label="page number")
        same_page(fastlist.member_rows(actor=actor, **chosen, page=number, size=size, count_limit=limit),
                  selectors.member_page(scoped, page=number, size=size, count_limit=limit))

    in_rolled_back_transaction(body)
