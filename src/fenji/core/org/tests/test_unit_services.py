import datetime

import pytest

from fenji.core.access import policy
from fenji.core.audit.models import AuditEvent
from fenji.core.kernel.errors import AccessDenied, DomainError
from fenji.core.org.models import Unit, UnitKind, UnitStatus
from fenji.core.org.services import unit_create, unit_move, unit_revoke, unit_update
from fenji.core.people.models import Account
from fenji.core.people.services import account_set_status
from fenji.testing import actor, make_account

TODAY = datetime.date(2026, 11, 23)


def assert_tree_consistent():
    """Every unit's path is its parent's path plus one segment, and depth matches."""
    units = {u.pk: u for u in Unit.objects.all()}
    for unit in units.values():
        if unit.parent_id is None:
            assert len(unit.path) == 4
        else:
            assert unit.path[:-4] == units[unit.parent_id].path
        assert unit.depth == len(unit.path) // 4
    for account in Account.objects.unscoped(reason="test").select_related("unit"):
        assert account.unit_path == account.unit.path


def test_create_places_children_under_parent_path(tree):
    assert tree.city.path.startswith(tree.province.path)
    assert tree.town.depth == 4
    assert tree.city.path != tree.sibling_city.path
    assert_tree_consistent()


def test_create_is_audited_and_checked(tree, city_admin):
    unit = unit_create(actor=actor(city_admin), parent=tree.county, name="社区", kind=UnitKind.VILLAGE)
    assert AuditEvent.objects.filter(action="org.unit.create", target_id=str(unit.pk), actor_id=city_admin.pk).exists()
    with pytest.raises(AccessDenied) as refused:
        unit_create(actor=actor(city_admin), parent=tree.sibling_city, name="越权", kind=UnitKind.TOWN)
    assert "管理范围" in refused.value.message
    assert not Unit.objects.filter(name="越权").exists()


def test_create_refuses_blank_name_and_duplicate_code(tree, province_admin):
    with pytest.raises(DomainError, match="请填写单位名称"):
        unit_create(actor=actor(province_admin), parent=tree.city, name="  ", kind=UnitKind.COUNTY)
    with pytest.raises(DomainError, match="已被其他单位使用"):
        unit_create(actor=actor(province_admin), parent=tree.city, name="重复", kind=UnitKind.COUNTY, code="320102")


def test_update_records_before_and_after(tree, province_admin):
    unit_update(actor=actor(province_admin), unit=tree.county, name="玄武区（新）", leader="王五")
    event = AuditEvent.objects.get(action="org.unit.update")
    assert event.details["changes"]["name"] == {"before": "玄武区", "after": "玄武区（新）"}


def test_move_rewrites_subtree_paths_and_account_paths(tree, province_admin):
    member = make_account(tree.town, kind="member")
    old_path = tree.county.path
    moved = unit_move(actor=actor(province_admin), unit=tree.county, new_parent=tree.sibling_city)
    tree.refresh()
    member.refresh_from_db()
    assert moved.parent_id == tree.sibling_city.pk
    assert tree.county.path.startswith(tree.sibling_city.path)
    assert tree.town.path.startswith(tree.county.path)
    assert member.unit_path == tree.town.path
    assert not Unit.objects.filter(path__startswith=old_path).exists()
    assert_tree_consistent()


def test_move_under_own_descendant_is_refused_and_changes_nothing(tree, province_admin):
    before = dict(Unit.objects.values_list("pk", "path"))
    with pytest.raises(DomainError, match="不能将单位迁移到其自身或其下级单位之下"):
        unit_move(actor=actor(province_admin), unit=tree.city, new_parent=tree.town)
    with pytest.raises(DomainError):
        unit_move(actor=actor(province_admin), unit=tree.city, new_parent=tree.city)
    assert dict(Unit.objects.values_list("pk", "path")) == before


def test_move_rechecks_the_destination(tree, city_admin):
    with pytest.raises(AccessDenied):
        unit_move(actor=actor(city_admin), unit=tree.town, new_parent=tree.sibling_city)
    tree.refresh()
    assert tree.town.parent_id == tree.county.pk


def test_revoke_refused_while_subtree_has_active_accounts(tree, province_admin):
    member = make_account(tree.town, kind="member")
    with pytest.raises(DomainError, match="仍有 1 个在用账号"):
        unit_revoke(actor=actor(province_admin), unit=tree.county, revoked_on=TODAY, reference="宁政发〔2026〕1号")
    tree.refresh()
    assert tree.county.status == UnitStatus.ACTIVE
    account_set_status(actor=actor(province_admin), account=member, active=False, reason="转出")
    unit_revoke(actor=actor(province_admin), unit=tree.county, revoked_on=TODAY, reference="宁政发〔2026〕1号")
    tree.refresh()
    for unit in (tree.county, tree.town, tree.other_town):
        assert unit.status == UnitStatus.REVOKED
        assert unit.revoked_ref == "宁政发〔2026〕1号"
        assert unit.revoked_on == TODAY
    assert Unit.objects.filter(pk=tree.county.pk).exists(), "revoked units are kept, not deleted"


def test_revoke_needs_a_reference_and_not_the_root(tree, province_admin):
    with pytest.raises(DomainError, match="撤销批准文号"):
        unit_revoke(actor=actor(province_admin), unit=tree.town, revoked_on=TODAY, reference=" ")
    with pytest.raises(DomainError, match="根单位"):
        unit_revoke(actor=actor(province_admin), unit=tree.province, revoked_on=TODAY, reference="x")


def test_no_children_under_a_revoked_unit(tree, province_admin):
    unit_revoke(actor=actor(province_admin), unit=tree.other_town, revoked_on=TODAY, reference="文号")
    tree.refresh()
    with pytest.raises(DomainError, match="已撤销"):
        unit_create(actor=actor(province_admin), parent=tree.other_town, name="新单位", kind=UnitKind.UNIT)


def test_root_units_only_by_the_platform(db):
    outsider_actor = policy.Actor(account_id=None, label="x", unit_id=None, unit_path="", kind="staff")
    with pytest.raises(DomainError):
        unit_create(actor=outsider_actor, parent=None, name="根", kind=UnitKind.PROVINCE)
