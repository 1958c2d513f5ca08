"""Pages with totals, page numbers and sizes: numbers reach only the rows within the OFFSET cap, deeper
pages follow the cursor, and bad numbers or sizes are clamped."""

import re

import pytest

from fenji.core.access.roles import DEPT_HEAD, SECURITY_ADMIN, STAFF
from fenji.core.kernel import pagination
from fenji.core.kernel.pagination import Page, page_number, page_size
from fenji.core.people.models import Account
from fenji.testing import make_account


@pytest.mark.parametrize("raw, expected", [("50", 50), ("7", 20), ("", 20), ("-1", 20), ("x", 20), ("１０", 10)])
def test_only_the_offered_sizes_are_taken(raw, expected):
    assert page_size(raw) == expected


@pytest.mark.parametrize("raw, expected", [("3", 3), ("0", 1), ("", 1), ("abc", 1), ("99999999999", pagination.NUMBER_MAX), ("２", 2)])
def test_page_numbers_are_clamped(raw, expected):
    assert page_number(raw) == expected


def test_the_numbers_offered_stay_within_the_cap(monkeypatch):
    monkeypatch.setattr(pagination, "OFFSET_CAP", 100)
    page = Page(rows=[], next_cursor="x", total=1000, number=3, size=20)
    assert page.pages == 50
    assert page.numbers == [1, 2, 3, 4, 5]  # page 6 starts at row 100: the cursor only
    deep = Page(rows=[], next_cursor=None, total=1000, number=50, size=20)
    assert deep.numbers == [1, 50]


def test_a_page_number_jumps_within_the_cap_and_the_cursor_walks_on(tree):
    for n in range(5):
        make_account(tree.town, name=f"分页{n}")
    units = Account.objects.unscoped(reason="test")
    total = units.count()
    first = pagination.keyset_page(units, size=2)
    second = pagination.keyset_page(units, size=2, page=2)
    assert (first.number, second.number, first.total) == (1, 2, total)
    assert [u.pk for u in second.rows] == [u.pk for u in pagination.keyset_page(units, size=2, after=first.next_cursor).rows]
    walked = pagination.keyset_page(units, size=2, after=second.next_cursor, page=3)
    assert walked.number == 3 and walked.rows and not set(walked.rows) & set(second.rows)


def test_the_account_list_shows_total_numbers_size_and_jump(tree, city_admin, login):
    client = login(city_admin)
    page = client.get("/people/accounts/", {"size": "10"}).content.decode()
    pager = page.split('class="pager"', 1)[1]
    assert "共 " in pager and "第 1 / 1 页" in pager and 'name="size"' in pager and 'name="page"' in pager
    assert '<option value="10" selected>' in pager
    assert client.get("/people/accounts/", {"page": "999", "size": "abc"}).status_code == 200


def test_the_account_list_sorts_by_an_allowed_column_and_ignores_any_other(tree, city_admin, login):
    for name in ("丙三", "甲一", "乙二"):
        make_account(tree.town, name=name)
    client = login(city_admin)

    def names(sort):
        page = client.get("/people/accounts/", {"sort": sort, "unit": tree.town.pk}).content.decode()
        return [n for n in re.findall(r">([甲乙丙][一二三])</a>", page)], page

    ascending, page = names("name")
    assert ascending == sorted(ascending) and len(ascending) == 3
    assert 'aria-sort="ascending"' in page and "sort=-name" in page  # the header now offers the other way
    assert names("-name")[0] == list(reversed(ascending))
    assert client.get("/people/accounts/", {"sort": "password"}).status_code == 200  # not a sortable key: ignored


# Every list with sortable columns, the keys its headers offer, and who may see it.
SORTED_LISTS = [
    ("/people/accounts/stale/", ("name", "unit", "login"), "city_admin"),
    ("/requests/", ("title", "kind", "filed", "state", "unit"), "security"),
    ("/requests/mine/", ("title", "kind", "filed", "state"), "city_admin"),
    ("/access/grants/", ("name", "unit", "role", "granted"), "security"),
    ("/ledgers/accounts/", ("name", "unit", "kind", "status", "opened"), "city_admin"),
    ("/ledgers/permissions/", ("name", "role", "unit", "granted", "until"), "security"),
    ("/dispatch/", ("title", "kind", "sent"), "head"),
    ("/dispatch/inbox/", ("title", "from", "sent", "sign_due", "reply_due"), "head"),
]


@pytest.mark.parametrize("url, keys, who", SORTED_LISTS, ids=[row[0] for row in SORTED_LISTS])
def test_every_sortable_column_sorts_both_ways(url, keys, who, tree, city_admin, login):
    roles = {"security": SECURITY_ADMIN, "head": DEPT_HEAD}
    viewer = city_admin if who == "city_admin" else make_account(tree.city, name="南京查阅人", role=roles[who])
    client = login(viewer)
    for key in keys:
        for sort in (key, f"-{key}"):
            response = client.get(url, {"sort": sort})
            assert response.status_code == 200, (url, sort)
            assert ("aria-sort=\"ascending\"" if sort == key else "aria-sort=\"descending\"") in response.content.decode()


def test_the_grant_list_sorts_by_name(tree, login):
    security = make_account(tree.city, name="南京安全员", role=SECURITY_ADMIN)
    for name in ("丙三", "甲一", "乙二"):
        make_account(tree.town, name=name, role=STAFF)
    client = login(security)

    def names(sort):
        return re.findall(r"<td>([甲乙丙][一二三]) ", client.get("/access/grants/", {"sort": sort}).content.decode())

    ascending = names("name")
    assert ascending == sorted(ascending) and len(ascending) == 3
    assert names("-name") == list(reversed(ascending))
