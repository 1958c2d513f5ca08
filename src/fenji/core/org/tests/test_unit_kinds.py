"""Unit kinds are the profile's: its forms offer its kinds by their names, a unit's kind is shown by the
name a profile gives it (never the code), and rules about levels hold for a profile's kinds too."""

import pytest

from fenji.core.access import policy
from fenji.core.access.roles import ACCOUNT_ADMIN, PERMISSION_ADMIN, SECURITY_ADMIN
from fenji.core.access.services import RuleViolation, grant_create
from fenji.core.kernel.errors import DomainError
from fenji.core.org.models import Unit, UnitKind
from fenji.core.org.services import unit_create, unit_update
from fenji.testing import actor, make_account


def test_the_unit_form_offers_the_active_profiles_kinds_by_name(login, tree, city_admin, settings):
    client = login(city_admin)
    page = client.get(f"/org/units/{tree.county.pk}/new/").content.decode()
    assert "乡镇（街道）" in page and "团县委" not in page
    settings.FENJI_PROFILE = "league"
    page = client.get(f"/org/units/{tree.county.pk}/new/").content.decode()
    assert all(name in page for name in ("团省委", "团市委", "团县委", "团委", "团工委", "团支部"))
    assert "乡镇（街道）" not in page and "村（社区）" not in page
    response = client.post(f"/org/units/{tree.county.pk}/new/", {"name": "某中学团委", "kind": "league_committee",
                                                                "code": "", "sort_order": "0"})
    assert response.status_code == 302
    unit = Unit.objects.get(name="某中学团委")
    assert unit.kind == "league_committee"
    assert "团委" in client.get(f"/org/units/{unit.pk}/").content.decode()


def test_a_kind_is_shown_by_a_profiles_name_never_by_its_code(tree, settings):
    settings.FENJI_PROFILE = "league"
    unit = unit_create(actor=policy.SYSTEM, parent=tree.county, name="团区委", kind="league_county")
    settings.FENJI_PROFILE = "discipline"  # another profile: the name of the profile that knows the code
    assert Unit.objects.get(pk=unit.pk).kind_label == "团县委"
    assert tree.town.kind_label == "乡镇（街道）"  # a generic level keeps its own name
    Unit.objects.filter(pk=unit.pk).update(kind="gone_kind")  # a code no profile knows any more
    assert Unit.objects.get(pk=unit.pk).kind_label == "其他"


def test_units_take_the_active_profiles_kinds_or_a_generic_level(tree, settings):
    settings.FENJI_PROFILE = "discipline"
    room = unit_create(actor=policy.SYSTEM, parent=tree.county, name="信访室", kind="disc_room")
    unit_create(actor=policy.SYSTEM, parent=tree.county, name="某社区", kind=UnitKind.VILLAGE)
    with pytest.raises(DomainError, match="单位类型无效"):
        unit_create(actor=policy.SYSTEM, parent=tree.county, name="团委", kind="league_committee")
    settings.FENJI_PROFILE = "league"  # a unit of another profile's kind keeps it when edited
    assert unit_update(actor=policy.SYSTEM, unit=room, kind="disc_room", name="信访室（改）").kind == "disc_room"
    with pytest.raises(DomainError, match="单位类型无效"):
        unit_update(actor=policy.SYSTEM, unit=room, kind="office_bureau")


def test_a_profiles_town_kind_is_a_town_for_the_rules(tree, settings):
    settings.FENJI_PROFILE = "labor"
    town = unit_create(actor=policy.SYSTEM, parent=tree.county, name="舞阳坝街道人社服务中心", kind="labor_town")
    security = make_account(tree.province, name="州保密员", role=SECURITY_ADMIN)
    clerk = make_account(town)
    for role in (ACCOUNT_ADMIN, PERMISSION_ADMIN):
        with pytest.raises(RuleViolation, match="乡镇不设账户管理员、权限管理员"):
            grant_create(actor=actor(security), account=clerk, role=role.code, unit=town)
