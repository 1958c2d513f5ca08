from fenji.core.org import selectors
from fenji.core.org.tally import tally_rebuild
from fenji.testing import actor, make_account


def test_children_carry_subtree_counts(tree, province_admin):
    make_account(tree.town, kind="member")
    make_account(tree.other_town, kind="elder")
    tally_rebuild()
    children = {c.name: c for c in selectors.unit_list_children(actor=actor(province_admin), unit=tree.province)}
    assert set(children) == {"南京市", "苏州市"}
    assert children["南京市"].descendant_count == 3
    assert children["南京市"].account_count == 2
    assert children["苏州市"].descendant_count == 0


def test_ancestors_stop_at_the_actors_scope(tree, city_admin):
    crumbs = selectors.unit_list_ancestors(actor=actor(city_admin), unit=tree.town)
    assert [u.name for u in crumbs] == ["南京市", "玄武区"]


def test_roots_and_search_are_scoped(tree, city_admin):
    assert [u.name for u in selectors.unit_list_roots(actor=actor(city_admin))] == ["南京市"]
    matching = selectors.unit_list_matching(actor=actor(city_admin), text="街道")
    assert {u.name for u in matching} == {"新街口街道", "梅园新村街道"}
    assert list(selectors.unit_list_matching(actor=actor(city_admin), text="苏州")) == []
