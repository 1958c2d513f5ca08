"""Property: the account list's fast read path (``people.fastlist``, ADR 0029) returns exactly what the scoped
selector returns, page after page, on any tree, for any actor and any filter.

Random trees as in ``test_scope_property``; accounts scattered over them with a few kinds, statuses, names and
titles; an actor holding one or two grants (a subtree, and now and then a single unit), the platform itself, or
nobody; a filter drawn from the list's own (a unit, the search box — a name part, a whole mobile or ID number, a
partial number —, a kind, a status); pages of 1–4 rows walked by cursor to the end, and a page by number, each
compared with ``selectors.account_list`` + ``selectors.account_page``: the same rows in the same order, the same
next cursor, the same (capped) total, and each API item as ``AccountOut`` gives it from the model.
"""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fenji.core.access import policy
from fenji.core.access.models import Reach
from fenji.core.access.services import grant_create
from fenji.core.org.models import Unit
from fenji.core.people import fastlist, selectors
from fenji.core.people import permissions as perms
from fenji.core.people.api import AccountOut
from fenji.core.people.models import Account
from fenji.testing import make_account
from tests.test_scope_property import build, forests, in_rolled_back_transaction

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
NAMES = ("张三", "李四", "张四", "王五")
TITLES = ("", "书记", "副书记")


@st.composite
def people(draw, size):
    """(unit index, kind, disabled?, name, title) of each account."""
    return draw(st.lists(st.tuples(st.integers(0, size - 1), st.sampled_from(["staff", "member", "elder"]),
                                   st.booleans(), st.sampled_from(NAMES), st.sampled_from(TITLES)), min_size=3, max_size=10))


def populate(units, planned) -> list[Account]:
    accounts = []
    for unit_index, kind, disabled, name, title in planned:
        account = make_account(units[unit_index], name=name, kind=kind)
        Account.objects.unscoped(reason="test data").filter(pk=account.pk).update(
            title=title, status="disabled" if disabled else "active")
        accounts.append(account)
    return accounts


def viewer(data, units, action: str = perms.ACCOUNT_VIEW, *, also=None):
    """An actor granted ``action`` over one subtree (and now and then one more single unit), the platform, or nobody
    at all (an account with no grant); ``also(account)`` adds what a list needs more (a recusal, say). Shared by
    each hot list's property test."""
    who = data.draw(st.sampled_from(["granted", "granted", "granted", "granted", "system", "nobody"]), label="actor")
    if who == "system":
        return policy.SYSTEM
    home = units[data.draw(st.integers(0, len(units) - 1), label="actor's unit")]
    account = make_account(home, name="查看人")
    if who == "granted":
        role = next(code for code in policy.role_codes_with(action) if policy.role_for(code).builtin)
        grant_create(actor=policy.SYSTEM, account=account, role=role, unit=home)
        if data.draw(st.integers(0, 2), label="one unit more"):
            other = units[data.draw(st.integers(0, len(units) - 1), label="that unit")]
            if other.pk != home.pk:
                grant_create(actor=policy.SYSTEM, account=account, role=role, unit=other, reach=Reach.UNIT)
        if also is not None:
            also(account)
    return policy.actor_for(Account.objects.unscoped(reason="test").get(pk=account.pk))


def a_filter(data, units, accounts) -> dict:
    some = accounts[data.draw(st.integers(0, len(accounts) - 1), label="whose number")] if accounts else None
    texts = ["张", "四", "书记", "1391234"] + ([some.mobile, some.person.id_number] if some else [])
    # Each filter is more often off than on: a list narrowed by all of them at once is mostly empty.
    return {"unit": data.draw(st.sampled_from([None, None, *units]), label="unit"),
            "text": data.draw(st.sampled_from(["", "", "", "", *texts]), label="text"),
            "kind": data.draw(st.sampled_from(["", "", "", "staff", "member"]), label="kind"),
            "status": data.draw(st.sampled_from(["", "", "", "active", "disabled"]), label="status")}


def same_page(fast, slow) -> None:
    assert [row[0] for row in fast.rows] == [account.pk for account in slow.rows]
    assert (fast.next_cursor, fast.total, str(fast.total), fast.number) == (
        slow.next_cursor, slow.total, str(slow.total), slow.number)


@SETTINGS
@given(parents=forests(min_units=3, max_units=12), data=st.data())
def test_the_fast_account_list_is_the_scoped_selector(db, parents, data):
    planned = data.draw(people(len(parents)), label="accounts")
    size = data.draw(st.integers(1, 4), label="page size")
    limit = data.draw(st.integers(1, 8), label="count limit")

    def body():
        units = build(parents)
        accounts = populate(units, planned)
        actor = viewer(data, units)
        chosen = a_filter(data, [Unit.objects.get(pk=u.pk) for u in units], accounts)
        scoped = selectors.account_list(actor=actor, **chosen)
        after, walked = "", 0
        while True:  # every keyset page to the end: each boundary lands where the selector's does
            slow = selectors.account_page(scoped, after=after, size=size, count_limit=limit)
            fast = fastlist.account_rows(actor=actor, **chosen, after=after, size=size, count_limit=limit, api=True)
            same_page(fast, slow)
            models = {a.pk: a for a in selectors.account_page(scoped, after=after, size=size, count_limit=None).rows}
            assert fastlist.api_items(fast.rows) == [AccountOut.from_orm(models[row[0]]).dict() for row in fast.rows]
            walked += len(fast.rows)
            if fast.next_cursor is None:
                break
            after = fast.next_cursor
        assert walked == scoped.count()
        number = data.draw(st.integers(1, 3), label="page number")
        same_page(fastlist.account_rows(actor=actor, **chosen, page=number, size=size, count_limit=limit),
                  selectors.account_page(scoped, page=number, size=size, count_limit=limit))

    in_rolled_back_transaction(body)
