import datetime
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.notify import periodic
from fenji.core.org import selectors
from fenji.core.org.models import TallyRun, UnitKind, UnitTally
from fenji.core.org.services import unit_create, unit_move, unit_revoke
from fenji.core.org.tally import UNITS, tally_rebuild
from fenji.core.people.services import account_set_status
from fenji.testing import actor, make_account

ACCOUNTS = "people.account"


def tallies() -> dict[tuple[int, str], int]:
    return {(t.unit_id, t.key): t.subtree for t in UnitTally.objects.all()}


def tally_writes(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries
            if re.match(r'\s*(INSERT INTO|UPDATE|DELETE FROM) "org_unittally"', q["sql"], re.IGNORECASE)]


def children_of(viewer, unit, **kwargs) -> dict[str, object]:
    return {c.name: c for c in selectors.unit_list_children(actor=actor(viewer), unit=unit, **kwargs)}


def test_the_rebuild_counts_units_and_active_accounts_over_each_subtree(tree, province_admin):
    make_account(tree.town, kind="member")
    make_account(tree.town, kind="member")
    make_account(tree.other_town, kind="elder")
    make_account(tree.county)
    disabled = make_account(tree.other_town)
    account_set_status(actor=policy.SYSTEM, account=disabled, active=False, reason="调离")
    tally_rebuild()

    viewer = actor(province_admin)
    stats = selectors.unit_subtree_stats(actor=viewer, unit=tree.province)
    # 5 units below the province; 4 accounts in the city subtree, and the province administrator
    # the modules' blockers (团员 …) are counted beside the accounts: none here
    assert stats["units"] == 5 and stats["people"]["在用账号"] == 5 and sum(stats["people"].values()) == 5
    county = selectors.unit_subtree_stats(actor=viewer, unit=tree.county)
    assert county["units"] == 2 and county["people"]["在用账号"] == 4  # the disabled account is not counted
    town = selectors.unit_subtree_stats(actor=viewer, unit=tree.town)
    assert town["units"] == 0 and town["people"]["在用账号"] == 2

    cities = children_of(province_admin, tree.province)
    assert (cities["南京市"].descendant_count, cities["南京市"].account_count) == (3, 4)
    assert (cities["苏州市"].descendant_count, cities["苏州市"].account_count) == (0, 0)
    towns = children_of(province_admin, tree.county)
    assert (towns["新街口街道"].account_count, towns["梅园新村街道"].account_count) == (2, 1)
    # Only non-zero counts are stored: a leaf without accounts has no row at all.
    assert not UnitTally.objects.filter(unit=tree.sibling_city).exists()


def test_the_counts_are_a_snapshot_until_the_next_rebuild(tree, province_admin):
    tally_rebuild()
    make_account(tree.town)
    assert selectors.unit_subtree_stats(actor=actor(province_admin), unit=tree.town)["people"]["在用账号"] == 0
    tally_rebuild()
    assert selectors.unit_subtree_stats(actor=actor(province_admin), unit=tree.town)["people"]["在用账号"] == 1


def test_a_move_and_a_revocation_are_reflected_after_the_rebuild(tree, province_admin):
    make_account(tree.town)
    tally_rebuild()
    unit_move(actor=policy.SYSTEM, unit=tree.county, new_parent=tree.sibling_city)
    tally_rebuild()
    cities = children_of(province_admin, tree.province)
    assert (cities["南京市"].descendant_count, cities["南京市"].account_count) == (0, 0)
    assert (cities["苏州市"].descendant_count, cities["苏州市"].account_count) == (3, 1)
    assert selectors.unit_subtree_stats(actor=actor(province_admin), unit=tree.province)["units"] == 5

    tree.refresh()
    unit_revoke(actor=policy.SYSTEM, unit=tree.other_town, revoked_on=datetime.date(2026, 11, 23),
                reference="宁〔2026〕1号")
    tally_rebuild()
    cities = children_of(province_admin, tree.province)
    assert cities["苏州市"].descendant_count == 2
    assert set(children_of(province_admin, tree.county)) == {"新街口街道"}
    revoked = children_of(province_admin, tree.county, include_revoked=True)["梅园新村街道"]
    assert (revoked.descendant_count, revoked.account_count, revoked.has_children) == (0, 0, False)


def test_the_rebuild_is_idempotent_and_writes_nothing_when_nothing_changed(tree, province_admin):
    make_account(tree.town)
    first = tally_rebuild()
    assert first.created == len(tallies()) > 0
    before = {(t.unit_id, t.key): (t.pk, t.subtree) for t in UnitTally.objects.all()}
    with CaptureQueriesContext(connection) as captured:
        again = tally_rebuild()
    assert (again.created, again.updated, again.deleted) == (0, 0, 0)
    assert {(t.unit_id, t.key): (t.pk, t.subtree) for t in UnitTally.objects.all()} == before
    assert tally_writes(captured) == []
    assert TallyRun.objects.count() == 2


def test_the_rebuild_writes_only_the_rows_that_changed(tree, province_admin):
    account = make_account(tree.town)
    tally_rebuild()
    untouched = UnitTally.objects.get(unit=tree.province, key=UNITS)
    account_set_status(actor=policy.SYSTEM, account=account, active=False, reason="调离")
    make_account(tree.sibling_city)
    make_account(tree.sibling_city)
    with CaptureQueriesContext(connection) as captured:
        result = tally_rebuild()
    assert [sql.split()[0].upper() for sql in tally_writes(captured)] == ["DELETE", "INSERT"]
    # town, county and city lose their only account; 苏州市 gains two; the province goes from 2 to 3
    assert (result.created, result.updated, result.deleted) == (1, 1, 3)
    assert UnitTally.objects.get(pk=untouched.pk).subtree == 5
    assert tallies()[(tree.province.pk, ACCOUNTS)] == 3
    assert (tree.town.pk, ACCOUNTS) not in tallies()


def test_a_new_child_unit_can_be_unfolded_before_any_rebuild(tree, province_admin, login):
    tally_rebuild()
    village = unit_create(actor=policy.SYSTEM, parent=tree.town, name="新街口社区", kind=UnitKind.VILLAGE)
    town = children_of(province_admin, tree.county)["新街口街道"]
    assert town.has_children and town.descendant_count == 0  # expandable at once; counted at the next rebuild
    fragment = login(province_admin).get(f"/org/units/{tree.county.pk}/children/").content.decode()
    assert f'hx-get="/org/units/{tree.town.pk}/children/"' in fragment
    assert f'hx-get="/org/units/{tree.other_town.pk}/children/"' not in fragment
    assert village.name in login(province_admin).get(f"/org/units/{tree.town.pk}/children/").content.decode()


def test_units_without_a_snapshot_show_zero_and_say_so(tree, province_admin, login):
    make_account(tree.town)
    stats = selectors.unit_subtree_stats(actor=actor(province_admin), unit=tree.city)
    assert stats["units"] == 0 and stats["as_of"] is None and not any(stats["people"].values())
    assert "在用账号" in stats["people"]
    client = login(province_admin)
    assert "统计尚未生成" in client.get("/").content.decode()
    assert "统计尚未生成" in client.get(f"/org/units/{tree.city.pk}/").content.decode()


def test_the_pages_show_the_snapshot_time(tree, province_admin, login):
    run = tally_rebuild().run
    as_of = timezone.localtime(run.started_at).strftime("%Y-%m-%d %H:%M")
    assert selectors.unit_subtree_stats(actor=actor(province_admin), unit=tree.city)["as_of"] == run.started_at
    client = login(province_admin)
    for url in ("/", f"/org/units/{tree.city.pk}/"):
        page = client.get(url).content.decode()
        assert f"统计截至 {as_of}（每 10 分钟更新）" in page and "统计尚未生成" not in page


def test_the_api_gives_the_snapshot_time_with_the_counts(tree, province_admin, login):
    client = login(province_admin)  # the API accepts the session too
    url = f"/api/v1/units/{tree.county.pk}/children"
    make_account(tree.town)
    town = {c["name"]: c for c in client.get(url).json()}["新街口街道"]
    assert (town["counts_as_of"], town["has_children"]) == (None, False) and not any(town["counts"].values())
    assert "account" in town["counts"]
    run = tally_rebuild().run
    town = {c["name"]: c for c in client.get(url).json()}["新街口街道"]
    assert town["counts"]["account"] == 1 and sum(town["counts"].values()) == 1
    as_of = datetime.datetime.fromisoformat(town["counts_as_of"])
    assert abs(as_of - run.started_at) < datetime.timedelta(milliseconds=1)  # JSON keeps milliseconds


def test_the_rebuild_is_a_periodic_job_and_a_command(tree, capsys):
    job = {job.name: job for job in periodic.jobs()}["org.tally"]
    assert job.every == datetime.timedelta(minutes=10)
    assert "org.tally" in periodic.run_due(run_all=True, names=["org.tally"]).ran
    call_command("tally")
    assert "统计快照已更新：6 个单位" in capsys.readouterr().out
    assert TallyRun.objects.count() == 2


@pytest.mark.parametrize("days, kept", [(3, 2), (8, 1)])
def test_old_runs_are_pruned(tree, days, kept):
    tally_rebuild()
    TallyRun.objects.update(started_at=timezone.now() - datetime.timedelta(days=days),
                            finished_at=timezone.now() - datetime.timedelta(days=days))
    tally_rebuild()
    assert TallyRun.objects.count() == kept
