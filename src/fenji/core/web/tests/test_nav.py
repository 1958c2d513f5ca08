"""The console menu: which entries show is decided on every request against the live grants; the URLs
and the menu's HTML are built once per process."""

import re

import pytest
from django.conf import settings

from fenji.core.access import policy
from fenji.core.access.models import Role
from fenji.core.access.services import grant_create, grant_revoke
from fenji.core.web import nav
from fenji.testing import make_account


@pytest.fixture
def viewer_role(db):
    return Role.objects.create(code="test_viewer", label="只读", actions=["people.account.view", "org.unit.view"])


@pytest.fixture
def plain(tree):
    return make_account(tree.city, name="无授权人员")


def sidebar(response) -> str:
    return re.search(r'<nav class="sidebar"[^>]*>\s*(.*?)\s*</nav>', response.content.decode(), re.S).group(1)


def labels(client, path="/"):
    return [entry["label"] for entry in client.get(path).context["nav_entries"]]


def test_the_menu_follows_grants_made_and_revoked_between_requests(tree, plain, viewer_role, login):
    client = login(plain)
    assert labels(client) == ["首页", "个人信息", "提意见建议"]
    grant = grant_create(actor=policy.SYSTEM, account=plain, role=viewer_role.code, unit=tree.city)
    assert labels(client) == ["首页", "统计概览", "组织机构", "账号管理", "账户台账", "个人信息", "提意见建议"]
    grant_revoke(actor=policy.SYSTEM, grant=grant, reason="调离")
    assert labels(client) == ["首页", "个人信息", "提意见建议"]


def test_the_menu_follows_a_roles_actions_changed_between_requests(tree, plain, viewer_role, login):
    """What the menu shows for a set of grants is kept per process: keyed on the roles' actions, so a role changed
    in the database (another process's edit) shows on the next request."""
    grant_create(actor=policy.SYSTEM, account=plain, role=viewer_role.code, unit=tree.city)
    client = login(plain)
    assert "账号管理" in labels(client)
    Role.objects.filter(pk=viewer_role.pk).update(actions=["org.unit.view"])
    assert "账号管理" not in labels(client) and "组织机构" in labels(client)


def test_the_menu_marks_the_longest_matching_entry_and_speaks_the_chosen_language(tree, plain, viewer_role,
                                                                                 login):
    grant_create(actor=policy.SYSTEM, account=plain, role=viewer_role.code, unit=tree.city)
    client = login(plain)
    assert sidebar(client.get("/")) == (
        '<a href="/" class="active" aria-current="page">首页</a><a href="/dashboard/">统计概览</a>'
        '<details class="nav-group" data-group="org" open><summary>组织与账号</summary>'
        '<a href="/org/units/">组织机构</a><a href="/people/accounts/">账号管理</a>'
        '<a href="/ledgers/accounts/">账户台账</a></details><a href="/profile/">个人信息</a>'
        '<a href="/community/opinions/mine/">提意见建议</a>')
    on_accounts = sidebar(client.get(f"/people/accounts/?unit={tree.city.pk}"))
    assert '<a href="/">首页</a>' in on_accounts  # "/" is active on the home page only
    assert '<a href="/people/accounts/" class="active" aria-current="page">账号管理</a>' in on_accounts
    assert on_accounts.count('class="active"') == 1
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = sidebar(client.get("/people/accounts/"))
    assert '<a href="/">Home</a>' in english
    assert '<a href="/people/accounts/" class="active" aria-current="page">Accounts</a>' in english
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert "首页" in sidebar(client.get("/"))


def test_urls_are_resolved_once_per_process(tree, plain, viewer_role, login, monkeypatch):
    grant_create(actor=policy.SYSTEM, account=plain, role=viewer_role.code, unit=tree.city)
    client = login(plain)
    calls = []
    real_reverse = nav.reverse
    monkeypatch.setattr(nav, "reverse", lambda name: calls.append(name) or real_reverse(name))
    nav._urls.clear()
    nav._menu.cache_clear()
    first = client.get("/").content.decode()
    assert {"home:home", "people:accounts", "people:profile", "messages:list", "people:logout"} <= set(calls)
    assert len(calls) == len(set(calls))
    calls.clear()
    assert client.get("/").content.decode().count("<a href=") == first.count("<a href=")
    assert client.get("/org/units/").status_code == 200
    assert calls == []  # the header links and the menu: no reverse() after the first request


def test_a_replaced_urlconf_is_resolved_again(db, settings):
    assert nav.url("home:home") == "/"
    assert nav._urls
    settings.ROOT_URLCONF = "fenji.urls"  # as override_settings does: the URLs are resolved again
    assert not nav._urls
    assert nav.url("home:home") == "/"


def test_the_to_do_summary_follows_writes_and_not_refusals(tree):
    """The summary in every page's menu is kept until something is written (a successful audit event); a refusal
    writes an event too, but changes nothing, so it does not make every account compute its to-dos again."""
    from django.core.cache import cache

    from fenji.core.access.roles import DEPT_HEAD, STAFF
    from fenji.core.audit.models import Outcome
    from fenji.core.audit.services import audit_record
    from fenji.core.dispatch.models import Delivery, DispatchKind
    from fenji.core.dispatch.services import Targets, dispatch_send

    cache.clear()
    head = make_account(tree.city, name="市办主任", role=DEPT_HEAD)
    clerk = make_account(tree.town, name="街道收文员", role=STAFF)
    dispatch_send(actor=policy.actor_for(head), kind=DispatchKind.NOTICE, title="待签收",
                  targets=Targets(units=[tree.town]))
    assert nav.todo_summary(policy.actor_for(clerk))["total"] == 1  # the delivery to sign
    # the to-do goes away without an event (as no service would do): only a new event can tell
    Delivery.objects.unscoped(reason="test").filter(unit=tree.town).delete()
    audit_record(actor=policy.actor_for(clerk), action="test.refused", outcome=Outcome.DENIED, target=None)
    assert nav.todo_summary(policy.actor_for(clerk))["total"] == 1  # a refusal: the kept summary
    audit_record(actor=policy.actor_for(clerk), action="test.written", target=None)
    assert nav.todo_summary(policy.actor_for(clerk))["total"] == 0  # a write: computed again

