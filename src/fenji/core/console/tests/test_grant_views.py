"""The access console pages: grants, roles and the administrator registry, through HTTP."""

import datetime
import re

import pytest
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.access.models import Grant
from fenji.core.access.models import Role as RoleRow
from fenji.core.access.roles import ACCOUNT_ADMIN, AUDITOR, SECURITY_ADMIN, STAFF, SYSTEM_ADMIN
from fenji.core.access.services import grant_create
from fenji.core.audit.models import AuditEvent
from fenji.testing import actor, make_account

LIST = "/access/grants/"
NEW = "/access/grants/new/"
ROLES = "/access/roles/"
ROLE_NEW = "/access/roles/new/"
REGISTRY = "/access/registry/"


def revoke_url(grant):
    return f"/access/grants/{grant.pk}/revoke/"


def live(**filters):
    return Grant.objects.unscoped(reason="test").filter(revoked_at__isnull=True, **filters)


def grant(account, role, unit):
    return grant_create(actor=policy.SYSTEM, account=account, role=role.code, unit=unit)


def grant_form(account, unit, role=SYSTEM_ADMIN, **overrides):
    data = {"account": account.pk, "unit": unit.pk, "role": getattr(role, "code", role), "reach": "subtree", "valid_until": "",
            "subsystem": ""}
    data.update(overrides)
    return data


@pytest.fixture
def security(tree):
    """南京市's security-secrecy administrator (安全保密管理员): the one who grants."""
    return make_account(tree.city, name="南京保密员", role=SECURITY_ADMIN)


@pytest.fixture
def auditor(tree):
    return make_account(tree.city, name="南京审计员", role=AUDITOR)


# --- granting ------------------------------------------------------------------------------------


def test_security_admin_grants_system_admin_through_the_form(tree, security, login):
    cadre = make_account(tree.county, name="玄武干部")
    client = login(security)
    found = client.get(NEW, {"q": "玄武干部"}).content.decode()
    assert f"?account={cadre.pk}" in found and "139****" in found
    page = client.get(NEW, {"account": cadre.pk}).content.decode()
    assert "玄武干部" in page and "系统管理员" in page and "玄武区" in page
    assert 'value="auditor"' in page and 'value="security_admin"' in page

    response = client.post(f"{NEW}?account={cadre.pk}", grant_form(cadre, tree.county), follow=True)
    assert response.redirect_chain and response.redirect_chain[-1][0].startswith(LIST)
    page = response.content.decode()
    assert "已授予玄武干部“系统管理员”（玄武区，本单位及下级）" in page
    made = live(account=cadre).get()
    assert (made.role, made.unit_id, made.granted_by_id, made.slot) == ("system_admin", tree.county.pk, security.pk, 1)
    assert policy.can(actor(cadre), "org.unit.create", tree.town.path)
    assert not policy.can(actor(cadre), "org.unit.create", tree.city.path)
    rows = response.context["page"].rows  # the list, searched by the grantee's name
    assert [(g.account_id, g.granted_by.person.real_name) for g in rows] == [(cadre.pk, "南京保密员")]


def test_a_third_system_admin_at_one_unit_is_refused_with_the_rule_on_the_page(tree, security, login):
    for n in range(2):
        grant(make_account(tree.county, name=f"在任管理员{n}"), SYSTEM_ADMIN, tree.county)
    third = make_account(tree.county, name="第三人")
    response = login(security).post(f"{NEW}?account={third.pk}", grant_form(third, tree.county))
    assert response.status_code == 403  # the refusal page names the rule
    page = response.content.decode()
    assert "“玄武区”已有 2 名系统管理员，每个单位最多 2 名" in page
    assert not live(account=third).exists()
    assert AuditEvent.objects.filter(outcome="denied", details__rule="per_unit_limit", actor_id=security.pk).count() == 1


def test_the_three_duties_cannot_be_combined(tree, security, login):
    admin = make_account(tree.county, name="已任系统管理员")
    grant(admin, SYSTEM_ADMIN, tree.county)
    page = login(security).post(NEW, grant_form(admin, tree.county, role=AUDITOR)).content.decode()
    assert "已担任系统管理员（系统管理职责），不能再担任安全审计员（安全审计职责）" in page
    assert "三员分设，系统管理、安全保密、安全审计职责不得由一人兼任" in page
    assert not live(account=admin, role="auditor").exists()


def test_a_system_admin_may_not_grant(tree, city_admin, login):
    cadre = make_account(tree.county, name="玄武干部")
    client = login(city_admin)
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, grant_form(cadre, tree.county)).status_code == 403
    assert not live(account=cadre).exists()


def test_an_account_or_unit_outside_the_scope_answers_404(tree, security, login):
    client = login(security)
    suzhou = make_account(tree.sibling_city, name="苏州干部")
    assert client.get(NEW, {"account": suzhou.pk}).status_code == 404
    assert client.post(NEW, grant_form(suzhou, tree.sibling_city)).status_code == 404
    cadre = make_account(tree.county, name="玄武干部")
    response = client.post(NEW, grant_form(cadre, tree.sibling_city))
    assert response.status_code == 404
    assert "单位不存在或不在您的管理范围内" in response.content.decode()
    assert not live(account__in=[suzhou, cadre]).exists()


def test_valid_until_must_not_be_in_the_past_and_is_kept(tree, security, login):
    cadre = make_account(tree.county, name="玄武干部")
    client = login(security)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    page = client.post(NEW, grant_form(cadre, tree.county, role=STAFF, valid_until=yesterday.isoformat()))
    assert "有效期不能早于今天" in page.content.decode()
    assert not live(account=cadre).exists()
    until = timezone.localdate() + datetime.timedelta(days=30)
    assert client.post(NEW, grant_form(cadre, tree.county, role=STAFF, reach="unit",
                                       valid_until=until.isoformat())).status_code == 302
    made = live(account=cadre).get()
    assert made.reach == "unit" and timezone.localtime(made.valid_until).date() == until


def test_the_account_page_offers_granting_to_those_who_may(tree, security, city_admin, login, client):
    cadre = make_account(tree.county, name="玄武干部")
    link = f"/access/grants/new/?account={cadre.pk}"
    assert link in login(security).get(f"/people/accounts/{cadre.pk}/").content.decode()
    client.logout()
    assert link not in login(city_admin).get(f"/people/accounts/{cadre.pk}/").content.decode()


# --- the list and revoking -----------------------------------------------------------------------


def test_the_list_shows_grants_in_scope_with_seats_and_filters(tree, security, sibling_admin, login):
    a = make_account(tree.county, name="账户甲")
    b = make_account(tree.county, name="账户乙")
    grant(a, ACCOUNT_ADMIN, tree.county)
    grant(b, ACCOUNT_ADMIN, tree.county)
    client = login(security)
    page = client.get(LIST).content.decode()
    assert "账户管理员（A角）" in page and "账户管理员（B角）" in page
    assert "苏州管理员" not in page  # sibling_admin's grant lives in 苏州市
    assert "账户甲" in client.get(LIST, {"q": "账户甲"}).content.decode()
    assert "账户乙" not in client.get(LIST, {"q": "账户甲"}).content.decode()
    in_county = client.get(LIST, {"unit": tree.county.pk}).context["page"].rows
    assert {g.account.person.real_name for g in in_county} == {"账户甲", "账户乙"}
    assert client.get(LIST, {"unit": tree.sibling_city.pk}).status_code == 404


def test_the_list_pages_by_twenty(tree, security, login):
    for n in range(24):
        grant(make_account(tree.town, name=f"科员{n:02d}"), STAFF, tree.town)
    client = login(security)
    first = client.get(LIST).content.decode()
    assert "共 25 条授权" in first and "下一页" in first
    cursor = first.split("after=")[1].split('"')[0]
    second = client.get(f"{LIST}?after={cursor}")
    assert len(second.context["page"].rows) == 5 and "下一页" not in second.content.decode()


def test_revoke_needs_confirmation_and_a_reason(tree, security, login):
    cadre = make_account(tree.county, name="玄武干部")
    made = grant(cadre, SYSTEM_ADMIN, tree.county)
    client = login(security)
    assert f'href="{revoke_url(made)}"' in client.get(LIST).content.decode()
    page = client.get(revoke_url(made)).content.decode()
    assert "确定要撤销玄武干部" in page and "系统管理员" in page
    client.post(revoke_url(made), {"reason": ""})
    assert live(pk=made.pk).exists()
    response = client.post(revoke_url(made), {"reason": "调离本单位"}, follow=True)
    assert "已撤销玄武干部在“玄武区”的“系统管理员”授权" in response.content.decode()
    made.refresh_from_db()
    assert made.revoked_at is not None and made.revoke_reason == "调离本单位" and made.revoked_by_id == security.pk
    assert not policy.can(actor(cadre), "org.unit.create", tree.town.path)
    assert "玄武干部" not in client.get(LIST).content.decode()
    shown = client.get(LIST, {"revoked": "on"}).content.decode()
    assert "玄武干部" in shown and "已撤销" in shown and "调离本单位" in shown
    # A second attempt says it is already done and changes nothing.
    assert client.post(revoke_url(made), {"reason": "再次"}).status_code == 302
    made.refresh_from_db()
    assert made.revoke_reason == "调离本单位"


def test_the_security_admin_of_a_sibling_city_cannot_revoke(tree, login):
    cadre = make_account(tree.county, name="玄武干部")
    made = grant(cadre, SYSTEM_ADMIN, tree.county)
    suzhou = make_account(tree.sibling_city, name="苏州保密员", role=SECURITY_ADMIN)
    client = login(suzhou)
    assert client.get(revoke_url(made)).status_code == 404
    assert client.post(revoke_url(made), {"reason": "越权"}).status_code == 404
    assert live(pk=made.pk).exists()


# --- read-only duties ----------------------------------------------------------------------------


def test_the_auditor_reads_but_may_not_change(tree, auditor, login):
    cadre = make_account(tree.county, name="玄武干部")
    made = grant(cadre, SYSTEM_ADMIN, tree.county)
    client = login(auditor)
    listing = client.get(LIST)
    assert listing.status_code == 200 and "玄武干部" in listing.content.decode()
    assert revoke_url(made) not in listing.content.decode() and NEW not in listing.content.decode()
    assert client.get(ROLES).status_code == 200
    assert ROLE_NEW not in client.get(ROLES).content.decode()
    assert client.get(REGISTRY).status_code == 200
    assert client.get(NEW).status_code == 403
    assert client.get(revoke_url(made)).status_code == 403
    assert client.post(revoke_url(made), {"reason": "越权"}).status_code == 403
    assert client.get(ROLE_NEW).status_code == 403
    assert client.post(ROLE_NEW, {"code": "x", "label": "x", "actions": ["org.unit.view"]}).status_code == 403
    assert live(pk=made.pk).exists() and not RoleRow.objects.exists()


def test_the_menu_follows_the_duty(security, auditor, city_admin, login, client):
    def menu(account):
        client.logout()
        return {entry["label"] for entry in login(account).get("/").context["nav_entries"]}

    assert {"授权管理", "角色", "管理员报备"} <= menu(security)
    assert {"授权管理", "角色", "管理员报备"} <= menu(auditor)
    admin_menu = menu(city_admin)
    assert "管理员报备" in admin_menu and "授权管理" not in admin_menu and "角色" not in admin_menu


# --- roles ---------------------------------------------------------------------------------------


def test_the_roles_page_lists_duties_actions_and_delegation(security, login):
    page = login(security).get(ROLES).content.decode()
    for text in ("系统管理员", "安全保密管理员", "安全审计员", "账户管理员", "权限管理员", "操作员", "工作人员",
                 "系统管理", "安全保密", "安全审计", "新建单位", "授予权限", "查看审计日志", "自定义业务角色"):
        assert text in page, text
    assert ROLE_NEW in page
    shown = re.sub(r"<[^>]+>", " ", page.split("<main>", 1)[1])  # what a reader sees: labels, never codes
    assert not re.search(r"\b(system_admin|security_admin|auditor|dept_head|unit_leader)\b", shown)


def test_only_a_top_unit_security_admin_defines_business_roles(tree, security, login):
    page = login(security).post(ROLE_NEW, {"code": "stats_clerk", "label": "统计员",
                                           "actions": ["org.unit.view"]}).content.decode()
    assert "只能由最上级单位的安全保密管理员定义" in page
    assert not RoleRow.objects.filter(code="stats_clerk").exists()


def test_a_business_role_is_created_and_can_then_be_granted(tree, security, login):
    top = make_account(tree.province, name="省保密员", role=SECURITY_ADMIN)
    client = login(top)
    form = client.get(ROLE_NEW).content.decode()
    assert 'value="org.unit.view"' in form and 'value="org.unit.create"' not in form
    response = client.post(ROLE_NEW, {"code": "stats_clerk", "label": "统计员", "subsystem": "",
                                      "description": "报表填报", "actions": ["org.unit.view"]}, follow=True)
    page = response.content.decode()
    assert "已新建业务角色“统计员”" in page and "报表填报" in page
    assert RoleRow.objects.get(code="stats_clerk").created_by_id == top.pk
    duplicate = client.post(ROLE_NEW, {"code": "stats_clerk", "label": "又一个", "actions": ["org.unit.view"]})
    assert "角色代码 stats_clerk 已存在" in duplicate.content.decode()
    assert client.post(ROLE_NEW, {"code": "bad", "label": "越权", "actions": ["org.unit.create"]}).status_code == 200
    assert not RoleRow.objects.filter(code="bad").exists()

    clerk = make_account(tree.town, name="统计人员", kind="member")
    assert 'value="stats_clerk"' in client.get(NEW, {"account": clerk.pk}).content.decode()
    assert client.post(NEW, grant_form(clerk, tree.town, role="stats_clerk")).status_code == 302
    made = live(account=clerk).get()
    assert made.subsystem == ""  # a role of no subsystem
    assert "统计员" in client.get(LIST, {"q": "统计人员"}).content.decode()


# --- 管理员报备 ------------------------------------------------------------------------------------


def test_the_registry_shows_each_lower_unit_and_its_administrators(tree, security, login):
    first = make_account(tree.county, name="玄武系统管理员", mobile="13812345678")
    grant(first, SYSTEM_ADMIN, tree.county)
    grant(make_account(tree.county, name="玄武账户管理员"), ACCOUNT_ADMIN, tree.county)
    grant(make_account(tree.county, name="玄武科员"), STAFF, tree.county)
    grant(make_account(tree.sibling_city, name="苏州系统管理员"), SYSTEM_ADMIN, tree.sibling_city)
    page = login(security).get(REGISTRY).content.decode()
    assert "南京市" in page and "南京保密员" in page and "安全保密管理员" in page
    assert "玄武区" in page and "玄武系统管理员" in page and "138****5678" in page and "13812345678" not in page
    assert "账户管理员（A角）" in page
    assert page.index("玄武系统管理员") < page.index("玄武账户管理员")  # 三员 first, in the built-in order
    assert "玄武科员" not in page  # business roles are not administrators
    assert "苏州" not in page
    assert re.findall(r'class="registry-unit"><a href="[^"]*">([^<]+)</a>', page) == ["南京市", "玄武区"]


def test_the_province_sees_every_city_in_the_registry(tree, city_admin, sibling_admin, login):
    province_security = make_account(tree.province, name="省保密员", role=SECURITY_ADMIN)
    client = login(province_security)
    page = client.get(REGISTRY).content.decode()
    assert "南京管理员" in page and "苏州管理员" in page and "南京市" in page and "苏州市" in page
    only_nanjing = client.get(REGISTRY, {"unit": tree.city.pk}).content.decode()
    assert "南京管理员" in only_nanjing and "苏州管理员" not in only_nanjing
