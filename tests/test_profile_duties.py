"""What a profile's duty rules decide, through the grant page: seed 000 §6 under ``veterans``, 三员 under ``default``."""

from fenji.core.access.models import Grant
from fenji.core.access.roles import SYSTEM_ADMIN
from fenji.testing import make_account

NEW = "/access/grants/new/"


def grant_form(account, unit, role):
    return {"account": account.pk, "unit": unit.pk, "role": role, "reach": "subtree", "valid_until": "",
            "subsystem": ""}


def live(**filters):
    return Grant.objects.unscoped(reason="test").filter(revoked_at__isnull=True, **filters)


def test_under_veterans_a_unit_system_admin_grants_a_lower_administrator_on_the_page(tree, settings, login):
    settings.FENJI_PROFILE = "veterans"
    city_admin = make_account(tree.city, name="南京老干部局管理员", role=SYSTEM_ADMIN)
    county_clerk = make_account(tree.county, name="玄武老干部局干部")
    client = login(city_admin)
    page = client.get(NEW, {"account": county_clerk.pk}).content.decode()
    assert "系统管理员" in page and "账户管理员" in page and "安全审计员" not in page  # what it may hand on
    response = client.post(f"{NEW}?account={county_clerk.pk}", grant_form(county_clerk, tree.county, "account_admin"))
    assert response.status_code == 302
    made = live(account=county_clerk, role="account_admin", unit=tree.county).get()
    assert made.granted_by_id == city_admin.pk


def test_under_default_the_same_grant_is_refused(tree, settings, login):
    settings.FENJI_PROFILE = "default"
    city_admin = make_account(tree.city, name="南京系统管理员", role=SYSTEM_ADMIN)
    county_clerk = make_account(tree.county, name="玄武干部")
    client = login(city_admin)
    assert client.get(NEW, {"account": county_clerk.pk}).status_code == 403
    response = client.post(f"{NEW}?account={county_clerk.pk}", grant_form(county_clerk, tree.county, "account_admin"))
    assert response.status_code == 403
    assert not live(account=county_clerk).exists()
