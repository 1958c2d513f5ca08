"""Property: the petition list's fast read path (``discipline.fastlist``, ADR 0029) returns exactly what the scoped
selector returns, page after page, on any tree, for any actor and any filter.

Random trees; petitions scattered over them with random states, categories, channels, receipt days, badges and
deadlines (some past, some not); an actor holding a subtree grant (and now and then one more unit-reach grant),
the platform, or nobody, now and then recused from a petition; a filter drawn from the list's own (a unit, a
state, a category, the receipt days, a number part, overdue); pages of 1–4 rows walked by cursor to the end, and a
page by number, each compared with ``selectors.petition_list`` + ``newest_first_page``: the same rows in the same
order, the same next cursor and total, each row's markup as the page's former template wrote it, and each API item
as ``PetitionOut`` gives it.
"""

import datetime
from unittest import mock

import pytest
from django.db import transaction
from django.db.models import Count
from django.template import engines
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fenji.core.access import policy
from fenji.core.access.services import grant_create
from fenji.core.kernel import fastpage
from fenji.core.kernel.pagination import newest_first_page
from fenji.core.org.models import Unit, UnitKind
from fenji.core.org.services import unit_create
from fenji.core.people.models import Account
from fenji.modules.discipline import fastlist, selectors
from fenji.modules.discipline import module as perms
from fenji.modules.discipline.api import PetitionOut, PetitionPage
from fenji.modules.discipline.models import Category, Channel, Petition, PetitionState, Recusal
from fenji.testing import make_account
from tests.test_fastlist_property import viewer as granted_viewer

SETTINGS = settings(max_examples=15, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
TODAY = datetime.date(2026, 6, 15)
DAYS = [None, TODAY - datetime.timedelta(days=3), TODAY, TODAY + datetime.timedelta(days=4)]
# The row the page's template wrote before the fast path: the reference markup.
ROW = engines["django"].from_string(
    '{% load i18n fenji_badges %}<tr id="petition-{{ p.pk }}">\n'
    '<td><a href="{% url \'discipline:petition\' p.pk %}">{{ p.number }}</a>{% if p.backfilled %} {% badge _("补录") "off" %}{% endif %}{% if p.is_repeat %} {% badge _("重复件") "off" %}{% endif %}</td>\n'
    '<td>{{ p.unit.name }}</td><td>{{ p.received_on|date:"Y-m-d" }}</td><td>{{ p.get_channel_display }}</td><td>{{ p.get_category_display }}</td>\n'
    '<td>{% if p.real_name %}{% translate "实名" %}{% else %}{% translate "匿名" %}{% endif %}</td><td>{{ p.get_state_display }}</td>\n'
    '<td>{% if p.state == "to_sign" and p.register_due %}{% translate "登记受理" %} {{ p.register_due|date:"m-d" }}{% if p.register_due < today %} {% badge _("逾期") "off" %}{% endif %}{% elif p.notice_due and not p.notice_on %}{% translate "受理告知" %} {{ p.notice_due|date:"m-d" }}{% if p.notice_due < today %} {% badge _("逾期") "off" %}{% endif %}{% elif p.feedback_due and not p.feedback_on %}{% translate "反馈" %} {{ p.feedback_due|date:"m-d" }}{% if p.feedback_due < today %} {% badge _("逾期") "off" %}{% endif %}{% else %}—{% endif %}</td></tr>')


class _Rollback(Exception):
    pass


@pytest.fixture(autouse=True)
def discipline_profile(settings):
    settings.FENJI_PROFILE = "discipline"


@st.composite
def forests(draw):
    """``parents[i]``: unit i's parent (an earlier unit), or None for a root."""
    size = draw(st.integers(2, 8))
    return [None] + [None if (c := draw(st.integers(-1, i - 1))) < 0 else c for i in range(1, size)]


day = st.sampled_from(DAYS)
petitions = st.lists(st.fixed_dictionaries({
    "unit": st.integers(0, 7), "state": st.sampled_from(PetitionState.values), "category": st.sampled_from(Category.values),
    "channel": st.sampled_from(Channel.values), "received_on": st.sampled_from(DAYS[1:]), "backfilled": st.booleans(),
    "is_repeat": st.booleans(), "real_name": st.booleans(), "register_due": day, "notice_due": day, "notice_on": day,
    "feedback_due": day, "feedback_on": day, "closed_on": day}), min_size=2, max_size=9)


def populate(units, planned, clerk) -> list[Petition]:
    rows = []
    for i, values in enumerate(planned):
        unit = units[values["unit"] % len(units)]
        rows.append(Petition.objects.create(**{**values, "unit": unit}, unit_path=unit.path, number=f"JW-{i:03d}",
                                            content="…", registered_by=clerk))
    return rows


def viewer(data, units, rows):
    def recused(account):
        if data.draw(st.booleans(), label="recused"):
            item = rows[data.draw(st.integers(0, len(rows) - 1), label="from which")]
            Recusal.objects.create(account=account, petition=item, unit=item.unit, unit_path=item.unit_path,
                                   ground="other")

    return granted_viewer(data, units, perms.PETITION_VIEW, also=recused)


def a_filter(data, units) -> dict:
    return {"unit": data.draw(st.sampled_from([None, None, *units]), label="unit"),
            "state": data.draw(st.sampled_from(["", "", "", "to_sign", "accepted", "bogus"]), label="state"),
            "category": data.draw(st.sampled_from(["", "", "", *Category.values[:2]]), label="category"),
            "start": data.draw(st.sampled_from([None, None, TODAY]), label="start"),
            "end": data.draw(st.sampled_from([None, None, TODAY]), label="end"),
            "number": data.draw(st.sampled_from(["", "", "", "jw-00", "1", "%"]), label="number"),
            "overdue": data.draw(st.sampled_from([False, False, True]), label="overdue")}


def counted_apart(rows) -> dict:
    """The page's statistics as it read them before they were one grouped read: a query each."""
    by_state = dict(rows.order_by().values_list("state").annotate(n=Count("id")))
    return {"total": rows.count(), "states": [(label, by_state.get(v, 0)) for v, label in PetitionState.choices],
            "overdue": rows.filter(selectors.overdue_q(timezone.localdate())).count(),
            "categories": dict(rows.order_by().values_list("category").annotate(n=Count("id"))),
            "backfilled": rows.filter(backfilled=True).count()}


def same_page(fast, slow) -> None:
    assert [row[0] for row in fast.rows] == [p.pk for p in slow.rows]
    assert (fast.next_cursor, fast.total, fast.number) == (slow.next_cursor, slow.total, slow.number)


@SETTINGS
@given(parents=forests(), planned=petitions, data=st.data())
def test_the_fast_petition_list_is_the_scoped_selector(db, parents, planned, data, time_machine):
    time_machine.move_to(datetime.datetime(2026, 6, 15, 12, tzinfo=datetime.timezone(datetime.timedelta(hours=8))))
    size = data.draw(st.integers(1, 4), label="page size")
    # now and then every page read as a scope of DENSE_ROWS or more is (on SQLite: by the ids, newest first)
    dense = mock.patch.object(fastpage, "DENSE_ROWS", 0 if data.draw(st.booleans(), label="dense") else 10**9)

    def body():
        units = []
        for i, parent in enumerate(parents):
            units.append(unit_create(actor=policy.SYSTEM, parent=None if parent is None else units[parent],
                                     name=f"单位<{i}>", kind=UnitKind.OTHER))
        clerk = make_account(units[0], name="登记人")
        rows = populate(units, planned, clerk)
        actor = viewer(data, units, rows)
        chosen = a_filter(data, [Unit.objects.get(pk=u.pk) for u in units])
        scoped = selectors.petition_list(actor=actor, **chosen)
        after, walked = "", 0
        while True:  # every keyset page to the end
            slow = newest_first_page(scoped, after=after, size=size)
            fast = fastlist.petition_rows(actor=actor, **chosen, today=TODAY, after=after, size=size)
            same_page(fast, slow)
            assert fastlist.html_rows(fast.rows, TODAY) == [ROW.render({"p": p, "today": TODAY}) for p in slow.rows]
            assert fastlist.api_items(fast.rows) == [PetitionOut.from_orm(p).dict() for p in slow.rows]
            walked += len(fast.rows)
            if fast.next_cursor is None:
                break
            after = fast.next_cursor
        assert walked == scoped.count()
        assert selectors.petition_counts(scoped) == counted_apart(scoped)
        number = data.draw(st.integers(1, 3), label="page number")
        same_page(fastlist.petition_rows(actor=actor, **chosen, today=TODAY, page=number, size=size),
                  newest_first_page(scoped, page=number, size=size))
        raise _Rollback

    try:
        with transaction.atomic(), dense:
            body()
    except _Rollback:
        pass


def test_a_scope_of_many_rows_is_read_by_its_newest_ids_on_sqlite(db):
    """``EXPLAIN QUERY PLAN``: the page's rows over a subtree's path range are sorted (SQLite reads every row in
    scope first), the dense variant reads the ids backwards and sorts nothing; PostgreSQL keeps one plan."""
    from django.db import connection

    shape = fastlist.Shape(1, 0, True, False, False, False, False, False, False, False, False)
    compiled = fastlist._compile(shape, connection)
    if connection.vendor != "sqlite":
        assert compiled.dense_rows_sql is None
        return
    params = ["0001", "0001~", 1, 21, 0]
    with connection.cursor() as db:
        plan = [row[-1] for row in db.execute("EXPLAIN QUERY PLAN " + compiled.rows_sql, params).fetchall()]
        dense = [row[-1] for row in db.execute("EXPLAIN QUERY PLAN " + compiled.dense_rows_sql, params).fetchall()]
    assert any("TEMP B-TREE" in step for step in plan), plan
    assert not any("TEMP B-TREE" in step for step in dense) and any(step.startswith("SCAN p") for step in dense), dense


def test_the_api_answers_the_selectors_rows_as_its_schema_says(db, client, login):
    """Through the API (state and overdue filters, pages by cursor): the items ``PetitionOut`` gives for the
    selector's rows, in order, with the same cursors and exact total; and the console page lists them."""
    county = unit_create(actor=policy.SYSTEM, parent=None, name="县纪委", kind=UnitKind.OTHER)
    town = unit_create(actor=policy.SYSTEM, parent=county, name="镇纪委", kind=UnitKind.OTHER)
    role = next(code for code in policy.role_codes_with(perms.PETITION_VIEW) if policy.role_for(code).builtin)
    reader = make_account(county, name="读者")
    grant_create(actor=policy.SYSTEM, account=reader, role=role, unit=county)
    past = timezone.localdate() - datetime.timedelta(days=2)
    for i in range(5):
        unit = town if i % 2 else county
        Petition.objects.create(unit=unit, unit_path=unit.path, number=f"JW-API-{i}", received_on=past,
                                channel="letter", category="report", real_name=bool(i % 2), content="…",
                                state="handling" if i < 4 else "closed", notice_due=past if i % 3 else None,
                                registered_by=reader, backfilled=i == 1)
    login(reader)
    actor = policy.actor_for(Account.objects.unscoped(reason="test").get(pk=reader.pk))
    for query, chosen in (("", {}), ("state=handling&overdue=true", {"state": "handling", "overdue": True})):
        expected = list(selectors.petition_list(actor=actor, **chosen).order_by("-id"))
        after, seen = "", []
        while True:
            body = client.get(f"/api/v1/discipline/petitions?{query}&limit=2&after={after}").json()
            assert body["total"] == len(expected) and set(body) == set(PetitionPage.model_fields)
            seen += body["items"]
            if body["next"] is None:
                break
            assert body["next"] == str(body["items"][-1]["id"])
            after = body["next"]
        assert seen == [PetitionOut.from_orm(p).model_dump(mode="json") for p in expected]
        assert len(expected) == (5 if not chosen else 2)
    page = client.get("/discipline/petitions/").content.decode()
    assert all(f'id="petition-{p.pk}"' in page for p in Petition.objects.unscoped(reason="test").all())
