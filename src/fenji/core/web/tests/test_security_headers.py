import ipaddress

from fenji.core.access import policy
from fenji.core.access.roles import SYSTEM_ADMIN
from fenji.core.audit.models import AuditEvent
from fenji.core.org.models import UnitKind
from fenji.core.org.services import unit_create
from fenji.testing import PASSWORD, make_account


def test_every_page_carries_a_same_origin_content_security_policy(client, db):
    response = client.get("/login/")
    policy_header = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy_header and "script-src 'self'" in policy_header
    assert "frame-ancestors 'none'" in policy_header and response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_markup_in_data_is_shown_as_text(tree, login, province_admin):
    unit_create(actor=policy.SYSTEM, parent=tree.city, name='<script>alert("x")</script>', kind=UnitKind.COUNTY)
    page = login(province_admin).get(f"/org/units/{tree.city.pk}/").content.decode()
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_administrators_sign_in_only_from_the_admin_networks(tree, client, settings):
    settings.ADMIN_NETWORKS = [ipaddress.ip_network("10.20.0.0/16")]
    admin = make_account(tree.city, role=SYSTEM_ADMIN)
    member = make_account(tree.town, kind="member")
    page = client.post("/login/", {"mobile": admin.mobile, "password": PASSWORD}).content.decode()
    assert "只能从指定的管理终端登录" in page and "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(outcome="denied", details__rule="admin_terminal").count() == 1
    assert client.post("/m/login/", {"mobile": member.mobile, "password": PASSWORD}).status_code == 302
    settings.ADMIN_NETWORKS = [ipaddress.ip_network("127.0.0.0/8")]
    client.post("/logout/")
    assert client.post("/login/", {"mobile": admin.mobile, "password": PASSWORD})["Location"].startswith("/login/verify")


def test_an_administrators_token_is_bound_to_the_admin_networks(tree, client, settings):
    from django.test import Client

    from fenji.core.api import services as token_services

    admin = make_account(tree.city, role=SYSTEM_ADMIN)
    _, plain = token_services.token_create(actor=policy.SYSTEM, account=admin, name="脚本")
    api = Client(headers={"Authorization": f"Bearer {plain}"})
    assert api.get("/api/v1/me").status_code == 200
    settings.ADMIN_NETWORKS = [ipaddress.ip_network("10.20.0.0/16")]
    refused = api.get("/api/v1/me")
    assert refused.status_code == 403 and "管理终端" in refused.json()["error"]["message"]
    assert AuditEvent.objects.filter(outcome="denied", details__rule="admin_terminal").exists()


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_what_a_signed_in_user_sees_is_never_stored(tree, client, login, city_admin, town_member):
    from fenji.core.api import services as token_services

    assert not no_store(client.get("/healthz"))  # public responses stay cacheable
    admin = make_account(tree.city, name="管理员丙", role=SYSTEM_ADMIN)
    pending = client.post("/login/", {"mobile": admin.mobile, "password": PASSWORD})
    assert pending["Location"].startswith("/login/verify")
    assert no_store(client.get("/login/verify/"))  # the second-factor step (enrolment shows the secret)
    client.logout()

    console = login(city_admin)
    for path in ("/", f"/org/units/{tree.city.pk}/", "/people/accounts/", "/no-such-page/"):
        response = console.get(path)
        assert no_store(response), (path, response.status_code, response.get("Cache-Control"))
    console.post("/logout/")

    mobile = login(town_member, path="/m/login/")
    assert no_store(mobile.get("/m/"))
    mobile.post("/m/logout/")

    _, plain = token_services.token_create(actor=policy.SYSTEM, account=city_admin, name="脚本")
    assert no_store(client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}))
    assert no_store(client.get("/api/v1/me"))  # the API's refusals too
