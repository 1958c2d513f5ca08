"""Maintenance announcements (C5.5): scheduled for a subtree, a banner above every signed-in page in
the subtree from 7 days before until the end, and one SMS per active staff account in the subtree.

    江苏省 ── 南京市 ── 玄武区 ── 新街口街道 / 梅园新村街道
          └─ 苏州市
"""

import datetime
import re

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.access.roles import STAFF, SYSTEM_ADMIN
from fenji.core.audit.models import AuditEvent, Outcome
from fenji.core.kernel.errors import AccessDenied, DomainError, Refusal
from fenji.core.notify.sms import read_outbox
from fenji.core.ops import selectors, services
from fenji.core.ops.models import MaintenanceWindow
from fenji.core.org.models import Unit, UnitStatus
from fenji.core.people.models import Account, AccountStatus
from fenji.testing import actor, make_account

NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)
MINUTE = datetime.timedelta(minutes=1)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def schedule(account_or_actor, unit, *, starts=NOW + 2 * DAY, ends=NOW + 2 * DAY + 3 * HOUR, title="数据库升级",
             message=""):
    who = account_or_actor if isinstance(account_or_actor, policy.Actor) else actor(account_or_actor)
    return services.maintenance_schedule(actor=who, unit=unit, title=title, starts_at=starts, ends_at=ends,
                                         message=message)


@pytest.fixture
def people(tree, city_admin, city_clerk, sibling_admin, town_member, province_admin):
    """Staff inside 南京市's subtree, and everyone who must not be told."""
    return {
        "town_staff": make_account(tree.town, name="街道干部"),
        "county_staff": make_account(tree.county, name="区干部"),
        "disabled_staff": _disabled(make_account(tree.other_town, name="停用干部")),
        "elder": make_account(tree.county, name="离休干部", kind="elder"),
        "sibling_staff": make_account(tree.sibling_city, name="苏州干部"),
    }


def _disabled(account):
    Account.objects.unscoped(reason="test").filter(pk=account.pk).update(status=AccountStatus.DISABLED)
    return account


# --- SMS -----------------------------------------------------------------------------------------


def test_scheduling_texts_every_active_staff_account_in_the_subtree_once(
        frozen, tree, people, city_admin, city_clerk, sibling_admin, town_member, province_admin,
        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        window = schedule(city_admin, tree.city, message="期间请勿录入数据")
    told = [sms.mobile for sms in read_outbox()]
    expected = {city_admin.mobile, city_clerk.mobile, people["town_staff"].mobile, people["county_staff"].mobile}
    assert sorted(told) == sorted(expected)  # one message each
    for outside in (town_member, people["elder"], people["disabled_staff"], people["sibling_staff"], sibling_admin,
                    province_admin):
        assert outside.mobile not in told
    text = read_outbox(city_clerk.mobile)[0].text
    assert "系统维护通知：数据库升级" in text and "2026-03-04 17:00至20:00" in text and "期间请勿录入数据" in text
    window.refresh_from_db()
    assert window.notified_at == NOW
    notify = AuditEvent.objects.get(action="ops.maintenance.notify")
    assert notify.details == {"sms_sent": 4, "sms_failed": 0}


def test_nothing_is_sent_before_the_commit(frozen, tree, people, city_admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        window = schedule(city_admin, tree.city)
    assert read_outbox() == [] and len(callbacks) == 1
    assert MaintenanceWindow.objects.unscoped(reason="test").get(pk=window.pk).notified_at is None


def test_scheduling_is_audited_with_the_unit_path(frozen, tree, city_admin):
    window = schedule(city_admin, tree.county)
    event = AuditEvent.objects.get(action="ops.maintenance.schedule")
    assert event.actor_id == city_admin.pk and event.target_id == str(window.pk)
    assert event.target_unit_path == tree.county.path
    assert window.unit_path == tree.county.path and window.created_by_id == city_admin.pk


# --- validation and scope ------------------------------------------------------------------------


@pytest.mark.parametrize(("starts", "ends", "field", "message"), [
    (NOW - HOUR, NOW + HOUR, "starts_at", "开始时间必须晚于当前时间"),
    (NOW, NOW + HOUR, "starts_at", "开始时间必须晚于当前时间"),
    (NOW + 2 * HOUR, NOW + HOUR, "ends_at", "结束时间必须晚于开始时间"),
    (NOW + HOUR, NOW + HOUR, "ends_at", "结束时间必须晚于开始时间"),
])
def test_invalid_times_are_refused_in_chinese(frozen, tree, city_admin, starts, ends, field, message):
    with pytest.raises(DomainError) as refused:
        schedule(city_admin, tree.city, starts=starts, ends=ends)
    assert refused.value.message == message and refused.value.field == field
    assert not MaintenanceWindow.objects.unscoped(reason="test").exists()


def test_a_blank_title_is_refused(frozen, tree, city_admin):
    with pytest.raises(DomainError, match="请填写维护标题"):
        schedule(city_admin, tree.city, title="  ")


def test_a_revoked_unit_is_refused(frozen, tree, city_admin):
    Unit.objects.filter(pk=tree.other_town.pk).update(status=UnitStatus.REVOKED)
    tree.refresh()
    with pytest.raises(DomainError, match="已撤销"):
        schedule(city_admin, tree.other_town)


@pytest.mark.parametrize("where", ["sibling_city", "province"])
def test_out_of_scope_is_refused_and_audited(frozen, tree, city_admin, where, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(AccessDenied) as refused:
        schedule(city_admin, getattr(tree, where))
    assert refused.value.rule == "out_of_scope"
    assert not MaintenanceWindow.objects.unscoped(reason="test").exists()
    assert read_outbox() == []
    denied = AuditEvent.objects.get(outcome=Outcome.DENIED)
    assert denied.action == "ops.maintenance.manage" and denied.actor_id == city_admin.pk


def test_staff_without_the_grant_are_refused(frozen, tree, city_clerk):
    with pytest.raises(AccessDenied) as refused:
        schedule(city_clerk, tree.city)
    assert refused.value.rule == "no_grant"


def test_only_the_system_administrator_role_holds_the_actions():
    from fenji.core.access.roles import BUILTIN_ROLES

    holders = {code for code, role in BUILTIN_ROLES.items() if "ops.maintenance.manage" in role.actions}
    assert holders == {"system_admin"}


# --- the banner ----------------------------------------------------------------------------------


def _banner(client, path="/"):
    response = client.get(path)
    assert response.status_code == 200, path
    html = response.content.decode()
    if 'class="maintenance-banner"' not in html:
        return None
    return html.split('class="maintenance-banner"', 1)[1].split("</div>", 1)[0]


def test_the_banner_shows_in_the_subtree_until_the_end(frozen, tree, city_admin, login, client):
    town_staff = make_account(tree.town, name="街道干部")
    schedule(city_admin, tree.city, message="请提前保存工作")
    for moment, shown in ((NOW + DAY, True),  # the day before: announced
                          (NOW + 2 * DAY + HOUR, True),  # during the window
                          (NOW + 2 * DAY + 3 * HOUR, False)):  # ended
        frozen.move_to(moment)
        client.logout()
        banner = _banner(login(town_staff))  # signed in again: sessions expire while the clock jumps
        assert (banner is not None) == shown, moment
    frozen.move_to(NOW + DAY)
    client.logout()
    banner = _banner(login(town_staff))
    assert "系统维护通知：数据库升级（2026-03-04 17:00至2026-03-04 20:00）" in banner
    assert "请提前保存工作" in banner


def test_the_banner_waits_until_seven_days_before(frozen, tree, city_admin, login):
    schedule(city_admin, tree.city, starts=NOW + 8 * DAY, ends=NOW + 8 * DAY + HOUR)
    schedule(city_admin, tree.city, title="近期维护", starts=NOW + 6 * DAY, ends=NOW + 6 * DAY + HOUR)
    banner = _banner(login(city_admin))
    assert "近期维护" in banner and "数据库升级" not in banner


def test_the_banner_is_not_shown_to_the_sibling_city_or_above(frozen, tree, city_admin, sibling_admin,
                                                              province_admin, login, client):
    schedule(city_admin, tree.county)
    assert _banner(login(sibling_admin)) is None
    client.logout()
    assert _banner(login(province_admin)) is None  # scheduled below the province: not the province's own
    client.logout()
    assert _banner(login(make_account(tree.other_town, name="梅园干部"))) is not None


def test_the_mobile_pages_show_the_banner_to_members(frozen, tree, city_admin, town_member, login, client):
    schedule(city_admin, tree.city)
    login(town_member, path="/m/login/")
    banner = _banner(client, "/m/")
    assert banner is not None and "数据库升级" in banner


def test_a_cancelled_window_is_not_shown(frozen, tree, city_admin, login, client):
    window = schedule(city_admin, tree.city)
    services.maintenance_cancel(actor=actor(city_admin), window=window)
    assert _banner(login(city_admin)) is None


def test_the_login_page_shows_no_banner(db, client):
    assert 'class="maintenance-banner"' not in client.get("/login/").content.decode()


def test_the_banner_costs_one_query_per_request(frozen, tree, city_admin, login, client):
    for n in range(3):
        schedule(city_admin, tree.city, title=f"维护{n}")
    login(city_admin)
    with CaptureQueriesContext(connection) as captured:
        html = client.get("/").content.decode()
    banner_queries = [q["sql"] for q in captured.captured_queries if "ops_maintenancewindow" in q["sql"]]
    assert len(banner_queries) == 1
    assert all(f"维护{n}" in html for n in range(3))


def test_the_selector_matches_the_viewers_unit_and_its_ancestors_only(frozen, tree, city_admin):
    at_county = schedule(city_admin, tree.county, title="区级")
    at_city = schedule(city_admin, tree.city, title="市级")
    schedule(city_admin, tree.town, title="街道级")
    assert [w.pk for w in selectors.maintenance_notices(unit_path=tree.other_town.path)] == [at_county.pk, at_city.pk]
    assert selectors.maintenance_notices(unit_path=tree.sibling_city.path) == []
    assert selectors.maintenance_notices(unit_path="") == []


# --- cancelling ----------------------------------------------------------------------------------


def test_cancel_texts_the_staff_who_were_told(frozen, tree, city_admin, city_clerk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        window = schedule(city_admin, tree.city)
    with django_capture_on_commit_callbacks(execute=True):
        services.maintenance_cancel(actor=actor(city_admin), window=window)
    messages = read_outbox(city_clerk.mobile)
    assert len(messages) == 2 and "已取消" in messages[1].text
    window.refresh_from_db()
    assert window.cancelled_at == NOW
    assert AuditEvent.objects.filter(action="ops.maintenance.cancel", target_id=str(window.pk)).exists()


def test_cancel_twice_or_after_the_end_is_refused(frozen, tree, city_admin):
    window = schedule(city_admin, tree.city)
    services.maintenance_cancel(actor=actor(city_admin), window=window)
    with pytest.raises(DomainError, match="已经取消"):
        services.maintenance_cancel(actor=actor(city_admin), window=window)
    later = schedule(city_admin, tree.city, title="另一次")
    frozen.move_to(NOW + 3 * DAY)
    with pytest.raises(DomainError, match="已经结束"):
        services.maintenance_cancel(actor=actor(city_admin), window=later)


def test_cancel_out_of_scope_is_refused(frozen, tree, city_admin, sibling_admin):
    window = schedule(city_admin, tree.city)
    with pytest.raises(AccessDenied):
        services.maintenance_cancel(actor=actor(sibling_admin), window=window)
    window.refresh_from_db()
    assert window.cancelled_at is None


# --- the console pages ---------------------------------------------------------------------------


def test_the_console_schedules_and_cancels(frozen, tree, city_admin, login, django_capture_on_commit_callbacks):
    client = login(city_admin)
    assert "系统维护" in client.get("/").content.decode()  # the menu entry
    page = client.get("/ops/maintenance/new/")
    assert page.status_code == 200 and tree.county.name in page.content.decode()
    data = {"unit": tree.county.pk, "title": "机房搬迁", "starts_at": "2026-03-05T20:00", "ends_at": "2026-03-05T23:00",
            "message": ""}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/ops/maintenance/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    window = MaintenanceWindow.objects.unscoped(reason="test").get()
    assert window.unit_id == tree.county.pk
    assert timezone.localtime(window.starts_at).strftime("%Y-%m-%d %H:%M") == "2026-03-05 20:00"
    listing = client.get("/ops/maintenance/").content.decode()
    assert "机房搬迁" in listing and f"/ops/maintenance/{window.pk}/cancel/" in listing
    confirm = client.get(f"/ops/maintenance/{window.pk}/cancel/")
    assert "确定要取消吗" in confirm.content.decode()
    assert client.post(f"/ops/maintenance/{window.pk}/cancel/").status_code == 302
    window.refresh_from_db()
    assert window.cancelled_at is not None


def test_the_console_form_shows_the_time_errors(frozen, tree, city_admin, login):
    client = login(city_admin)
    data = {"unit": tree.city.pk, "title": "倒序", "starts_at": "2026-03-05T20:00", "ends_at": "2026-03-05T19:00"}
    response = client.post("/ops/maintenance/new/", data)
    assert response.status_code == 200
    assert "结束时间必须晚于开始时间" in response.content.decode()
    assert not MaintenanceWindow.objects.unscoped(reason="test").exists()


def test_the_console_refuses_a_unit_out_of_scope_like_a_missing_one(frozen, tree, city_admin, login):
    client = login(city_admin)
    data = {"title": "越权", "starts_at": "2026-03-05T20:00", "ends_at": "2026-03-05T23:00"}
    assert client.post("/ops/maintenance/new/", {**data, "unit": tree.sibling_city.pk}).status_code == 404
    assert client.post("/ops/maintenance/new/", {**data, "unit": 999999}).status_code == 404
    assert client.get("/ops/maintenance/new/", {"unit": tree.sibling_city.pk}).status_code == 404
    assert not MaintenanceWindow.objects.unscoped(reason="test").exists()


def test_the_list_shows_only_the_subtree(frozen, tree, city_admin, sibling_admin, login):
    schedule(city_admin, tree.city, title="南京维护")
    schedule(sibling_admin, tree.sibling_city, title="苏州维护")
    html = login(city_admin).get("/ops/maintenance/").content.decode()
    assert "南京维护" in html and "苏州维护" not in html


def test_a_clerk_has_no_menu_entry_and_no_page(tree, login):
    grant_holder = make_account(tree.town, name="另一科员", role=STAFF)
    client = login(grant_holder)
    assert "/ops/maintenance/" not in client.get("/").content.decode()
    assert client.get("/ops/maintenance/").status_code == 403


# --- the banner's process-wide list ---------------------------------------------------------------


@pytest.fixture
def banner_clock(monkeypatch):
    """The banner list's clock, advanced by hand; the list starts empty and is dropped afterwards."""
    now = [1000.0]
    monkeypatch.setattr(selectors, "_clock", lambda: now[0])
    selectors.forget_banner_notices()
    yield now
    selectors.forget_banner_notices()


def _banner_queries(client, path="/"):
    with CaptureQueriesContext(connection) as captured:
        banner = _banner(client, path)
    return banner, sum("ops_maintenancewindow" in q["sql"] for q in captured.captured_queries)


@pytest.mark.django_db(transaction=True)
def test_the_banner_reads_the_live_windows_once_every_few_seconds(frozen, tree, city_admin, sibling_admin,
                                                                  province_admin, city_clerk, login, client,
                                                                  banner_clock):
    schedule(city_admin, tree.city, title="数据库升级")
    schedule(sibling_admin, tree.sibling_city, title="苏州维护")  # not 南京市's subtree: never shown there
    login(city_clerk)
    banner, queries = _banner_queries(client)
    assert "数据库升级" in banner and "苏州维护" not in banner and queries == 1
    banner, queries = _banner_queries(client)
    assert "数据库升级" in banner and queries == 0  # the same process within the interval: no query

    # Written by another process (no service call here): shown once the interval has passed.
    MaintenanceWindow.objects.unscoped(reason="test").create(
        unit=tree.city, unit_path=tree.city.path, title="另一进程安排", starts_at=NOW - HOUR, ends_at=NOW + 10 * MINUTE)
    assert "另一进程安排" not in _banner_queries(client)[0]
    banner_clock[0] += selectors.BANNER_CACHE_SECONDS
    banner, queries = _banner_queries(client)
    assert "另一进程安排" in banner and banner.index("另一进程安排") < banner.index("数据库升级") and queries == 1

    # Scheduled or cancelled through this process: at once.
    window = MaintenanceWindow.objects.unscoped(reason="test").get(title="数据库升级")
    services.maintenance_cancel(actor=actor(city_admin), window=window)
    assert "数据库升级" not in _banner_queries(client)[0]
    schedule(city_admin, tree.town, title="街道维护")  # the clerk is in 南京市, not in this town: not shown
    schedule(province_admin, tree.province, title="全省维护")
    banner = _banner_queries(client)[0]
    assert "全省维护" in banner and "街道维护" not in banner

    # The current time decides, not the time the list was read: a window that ends goes at once.
    assert "另一进程安排" in banner
    frozen.move_to(NOW + 10 * MINUTE + datetime.timedelta(seconds=1))
    assert "另一进程安排" not in _banner_queries(client)[0]


@pytest.mark.django_db(transaction=True)
def test_the_banner_queries_per_request_when_too_many_windows_are_live(frozen, tree, city_admin, city_clerk,
                                                                        login, client, banner_clock, monkeypatch):
    monkeypatch.setattr(selectors, "BANNER_CACHE_ROWS", 2)
    for n in range(3):
        schedule(city_admin, tree.city, title=f"维护{n}")
    login(city_clerk)
    for _ in range(2):
        banner, queries = _banner_queries(client)
        assert all(f"维护{n}" in banner for n in range(3))
    assert queries == 1  # the per-unit query; the long list is read once per interval


class _Undo(Exception):
    pass


def _cancel_accepted(account, window) -> bool:
    """Whether ``maintenance_cancel`` goes through for ``account``; rolled back either way."""
    try:
        with transaction.atomic():
            services.maintenance_cancel(actor=actor(account), window=window)
            raise _Undo
    except _Undo:
        return True
    except (DomainError, Refusal):
        return False


def test_the_list_offers_cancel_exactly_when_the_service_accepts(frozen, tree, city_admin, login):
    county_admin = make_account(tree.county, name="玄武管理员", role=SYSTEM_ADMIN)
    ended = schedule(city_admin, tree.county, starts=NOW + HOUR, ends=NOW + 2 * HOUR, title="已结束")
    schedule(city_admin, tree.city, title="市级")
    schedule(city_admin, tree.town, title="街道")
    services.maintenance_cancel(actor=actor(city_admin), window=schedule(city_admin, tree.county, title="已取消"))
    frozen.move_to(NOW + 3 * HOUR)
    assert ended.ends_at <= timezone.now()
    for account in (city_admin, county_admin):
        listing = login(account).get("/ops/maintenance/").content.decode()
        offered = {int(pk) for pk in re.findall(r'/ops/maintenance/(\d+)/cancel/', listing)}
        shown = {w.pk for w in selectors.maintenance_list(actor=actor(account))}
        assert offered == {pk for pk in shown if _cancel_accepted(account, MaintenanceWindow.objects.unscoped(
            reason="test").get(pk=pk))}, account.person.real_name
        assert offered  # each may cancel something, never the ended or the cancelled window
