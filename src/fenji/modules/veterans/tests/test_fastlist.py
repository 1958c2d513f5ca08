"""Property: the service record list's fast read path (``veterans.fastlist``, ADR 0029) returns exactly what the
scoped selector returns, page after page, for any actor and any filter; and the page and the API show it.

The world is built once for the file: three random forests (seeded), records scattered over them with random kinds,
elders, titles and workers (markup and LIKE wildcards among them), days, lateness, revisions, amounts, hours and
details (a bool and a float among them, which the schema converts); actors holding a subtree grant (some one more
unit-reach grant), the platform, or nobody. Each example draws an actor, a filter from the list's own (a unit, a
kind, an elder, late only, the end days, the search box) and a page size of 1–4, walks every keyset page to the end
and a page by number, and compares each with ``selectors.record_list`` + ``newest_first_page``: the same rows in the
same order, the same next cursor and total, each row's markup as the page's former template wrote it (from the fast
rows and from the ORM's instances, the sorted columns' path; the last page in English too), and each API item as
``RecordOut`` gives it in JSON (the same bytes through orjson as through ninja's encoder).
"""

import datetime
import json
import random
from decimal import Decimal
from unittest import mock

import orjson
from django.template import engines
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ninja.responses import NinjaJSONEncoder

from fenji.core.access import policy
from fenji.core.access.models import Reach
from fenji.core.access.services import grant_create
from fenji.core.kernel import fastpage
from fenji.core.kernel.pagination import newest_first_page
from fenji.core.org.models import Unit, UnitKind
from fenji.core.org.services import unit_create
from fenji.core.people.models import Account, Person
from fenji.modules.veterans import fastlist, selectors
from fenji.modules.veterans import module as perms
from fenji.modules.veterans.api import RecordOut, RecordPage
from fenji.modules.veterans.models import Elder, RecordKind, ServiceRecord
from fenji.testing import make_account, shared_world
from tests.test_fastlist_property import same_page

SETTINGS = settings(max_examples=25, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
DAYS = [datetime.date(2026, 5, d) for d in (4, 11, 18, 25)]
TITLES = ("走访吴老", "帮扶<b>张</b>", "100%到场", "a_b 党日", "张老生日")
WORKERS = ("", "张敏", "李四 & 王五", "赵_敏")
AMOUNTS = (None, Decimal("0"), Decimal("12.5"), Decimal("1000"), Decimal("99999999.99"))
HOURS = (None, Decimal("1"), Decimal("2.5"))
DETAILS = ({}, {"visit_type": "日常走访", "method": "上门走访"}, {"expected": 12, "present": 10, "note": None},
           {"z": "后", "a": "前", "flag": True, "count": 2.0})
# The row the page's template wrote before the fast path: the reference markup.
ROW = engines["django"].from_string(
    '{% load i18n fenji_badges %}<tr id="record-{{ r.pk }}">\n'
    '<td>{{ r.get_kind_display }}</td><td><a href="{% url \'veterans:record\' r.pk %}">{{ r.title }}</a>{% if r.revision %} <span class="muted">{% blocktranslate with n=r.revision %}（修改 {{ n }} 次）{% endblocktranslate %}</span>{% endif %}</td>\n'
    '<td>{{ r.unit.name }}</td><td>{{ r.workers }}</td><td>{{ r.ended_on|date:"Y-m-d" }}</td><td>{{ r.entered_on|date:"Y-m-d" }}</td>\n'
    '<td>{% if r.on_time %}{% badge _("按时") "ok" %}{% else %}{% badge _("逾期录入") "off" %}{% endif %}</td></tr>')


def forest(rng: random.Random, n: int) -> list[Unit]:
    units = []
    for i in range(rng.randint(3, 8)):
        parent = rng.randint(-1, i - 1) if i else -1  # -1: a root
        units.append(unit_create(actor=policy.SYSTEM, parent=units[parent] if parent >= 0 else None,
                                 name=f"林{n}单位<{i}>", kind=UnitKind.OTHER))
    return units


def build():
    rng = random.Random(20261205)
    role = next(code for code in policy.role_codes_with(perms.RECORD_VIEW) if policy.role_for(code).builtin)
    forests, viewers = [], [None]  # None: the platform
    for n in range(3):
        units = forest(rng, n)
        clerk = make_account(units[0], name="录入人")
        elders = [Elder.objects.create(person=Person.objects.create(real_name=f"老{n}{i}"), unit=unit,
                                       unit_path=unit.path, retirement="tuixiu")
                  for i, unit in enumerate(rng.sample(units, min(3, len(units))))]
        for _ in range(rng.randint(6, 12)):
            unit, ended = rng.choice(units), rng.choice(DAYS)
            ServiceRecord.objects.create(
                unit=unit, unit_path=unit.path, kind=rng.choice(RecordKind.values),
                elder=rng.choice([None, *elders]), title=rng.choice(TITLES), workers=rng.choice(WORKERS),
                started_on=rng.choice([None, ended]), ended_on=ended,
                entered_on=ended + datetime.timedelta(days=rng.randint(0, 9)), on_time=rng.random() < 0.6,
                amount=rng.choice(AMOUNTS), hours=rng.choice(HOURS), details=rng.choice(DETAILS),
                revision=rng.choice([0, 0, 1, 3]), recorded_by=clerk)
        for _ in range(3):
            home = rng.choice(units)
            account = make_account(home, name="查看人")
            grant_create(actor=policy.SYSTEM, account=account, role=role, unit=home)
            other = rng.choice(units)
            if rng.random() < 0.5 and other.pk != home.pk:
                grant_create(actor=policy.SYSTEM, account=account, role=role, unit=other, reach=Reach.UNIT)
            viewers.append(account.pk)
        viewers.append(make_account(units[-1], name="无权限").pk)  # nobody: no grant at all
        forests.append((units, elders))
    return {"forests": forests, "viewers": viewers}


_world, w = shared_world(build, profile="veterans")


def viewer(pk):
    if pk is None:
        return policy.SYSTEM
    return policy.actor_for(Account.objects.unscoped(reason="test").get(pk=pk))


def a_filter(data, units, elders) -> dict:
    # Each filter is more often off than on: a list narrowed by all of them at once is mostly empty.
    return {"unit": data.draw(st.sampled_from([None, None, None, *units]), label="unit"),
            "kind": data.draw(st.sampled_from(["", "", "", "visit", "aid", "bogus"]), label="kind"),
            "elder": data.draw(st.sampled_from([None, None, None, *elders]), label="elder"),
            "late": data.draw(st.sampled_from([False, False, True]), label="late"),
            "start": data.draw(st.sampled_from([None, None, DAYS[1]]), label="start"),
            "end": data.draw(st.sampled_from([None, None, DAYS[2]]), label="end"),
            "text": data.draw(st.sampled_from(["", "", "", "张", "<b>", "%", "_", "走访"]), label="text")}


def as_json(record) -> dict:
    """``RecordOut`` of ``record`` as the API writes it (ninja's dump through its JSON encoder)."""
    return json.loads(json.dumps(RecordOut.from_orm(record).model_dump(), cls=NinjaJSONEncoder))


@SETTINGS
@given(data=st.data())
def test_the_fast_record_list_is_the_scoped_selector(w, data):
    units, elders = w["forests"][data.draw(st.integers(0, 2), label="forest")]
    actor = viewer(data.draw(st.sampled_from(w["viewers"]), label="actor"))
    chosen = a_filter(data, [Unit.objects.get(pk=u.pk) for u in units], elders)
    size = data.draw(st.integers(1, 4), label="page size")
    # now and then every page read as a scope of DENSE_ROWS or more is (on SQLite: by the ids, newest first)
    with mock.patch.object(fastpage, "DENSE_ROWS", 0 if data.draw(st.booleans(), label="dense") else 10**9):
        compare(actor, chosen, size, data)


def compare(actor, chosen, size, data):
    scoped = selectors.record_list(actor=actor, **chosen)
    after, walked = "", 0
    while True:  # every keyset page to the end: each boundary lands where the selector's does
        slow = newest_first_page(scoped, after=after, size=size)
        fast = fastlist.record_rows(actor=actor, **chosen, after=after, size=size)
        api = fastlist.record_rows(actor=actor, **chosen, after=after, size=size, api=True)
        same_page(fast, slow)
        same_page(api, slow)
        markup = [ROW.render({"r": r}) for r in slow.rows]
        assert fastlist.html_rows(fast.rows) == markup
        assert fastlist.html_rows([fastlist.console_row(r) for r in slow.rows]) == markup
        items = fastlist.api_items(api.rows)
        assert items == [as_json(r) for r in slow.rows]  # and typed alike (True is not 1), keys in the same order:
        assert orjson.dumps(items) == orjson.dumps([as_json(r) for r in slow.rows])
        walked += len(fast.rows)
        if fast.next_cursor is None:
            break
        after = fast.next_cursor
    assert walked == scoped.count()
    with translation.override("en"):  # the labels and badges in the reader's language, as the template's
        assert fastlist.html_rows(fast.rows) == [ROW.render({"r": r}) for r in slow.rows]
    number = data.draw(st.integers(1, 3), label="page number")
    same_page(fastlist.record_rows(actor=actor, **chosen, page=number, size=size),
              newest_first_page(scoped, page=number, size=size))


def test_the_api_and_the_page_answer_the_selectors_rows(w, client, login):
    """Through the API (pages by cursor, a kind and late filter): the items ``RecordOut`` gives for the selector's
    rows, in order, with the same cursors and exact total, in the page the schema declares; the console page lists
    the rows in its own order and by a sorted column."""
    pk = next(pk for pk in w["viewers"][1:] if selectors.record_list(actor=viewer(pk)).count() >= 5)
    account = Account.objects.unscoped(reason="test").get(pk=pk)
    actor = viewer(pk)
    login(account)
    for query, chosen in (("", {}), ("kind=visit&late=true", {"kind": "visit", "late": True})):
        expected = list(selectors.record_list(actor=actor, **chosen).order_by("-id"))
        after, seen = "", []
        while True:
            answer = client.get(f"/api/v1/veterans/records?{query}&limit=2&after={after}")
            assert answer["Content-Type"] == "application/json; charset=utf-8"
            body = answer.json()
            assert body["total"] == len(expected) and list(body) == list(RecordPage.model_fields)
            seen += body["items"]
            if body["next"] is None:
                break
            assert body["next"] == str(body["items"][-1]["id"])
            after = body["next"]
        assert orjson.dumps(seen) == orjson.dumps([as_json(r) for r in expected])
        assert all(isinstance(item["amount"], str | None) and isinstance(item["ended_on"], str) for item in seen)
    shown = list(selectors.record_list(actor=actor).order_by("-id").values_list("pk", flat=True))
    assert shown, "the viewer sees some records"
    for page in ("/veterans/records/", "/veterans/records/?sort=-ended"):
        html = client.get(page).content.decode()
        assert all(f'id="record-{pk}"' in html for pk in shown[:20])
    html = client.get("/veterans/records/").content.decode()
    assert [html.index(f'id="record-{pk}"') for pk in shown[:20]] == sorted(
        html.index(f'id="record-{pk}"') for pk in shown[:20])
