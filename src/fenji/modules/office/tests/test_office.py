"""The office network's registers (seed 001 §16) and duty roster (§7.2): within the unit's scope, with their
rules, and arrivals outside working hours reaching whoever is on duty."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from fenji.core.access.roles import BUILTIN_ROLES, DEPT_HEAD, STAFF
from fenji.core.audit.models import AuditEvent
from fenji.core.dispatch.models import DispatchKind
from fenji.core.dispatch.services import Targets, dispatch_send
from fenji.core.kernel.errors import AccessDenied, DomainError
from fenji.core.notify.models import Message
from fenji.core.web import nav
from fenji.modules.office import selectors, services
from fenji.modules.office.models import CheckResult, DutyPeriod, MediumState
from fenji.testing import actor, make_account

TZ = datetime.timezone(datetime.timedelta(hours=8))


@pytest.fixture(autouse=True)
def office_profile(settings):
    settings.FENJI_PROFILE = "office"


@pytest.fixture
def town(tree):
    class Town:
        admin = make_account(tree.town, name="街道专网管理员", role=BUILTIN_ROLES["office_network_admin"])
        clerk = make_account(tree.town, name="街道收文员", role=STAFF)
        keeper = make_account(tree.town, name="街道保管员")
        other = make_account(tree.other_town, name="梅园人员")
    return Town


def register(town, tree, number="XJK-U-001", **kwargs):
    kwargs.setdefault("kind", "usb")
    return services.medium_register(actor=actor(town.admin), unit=tree.town, number=number, keeper=town.keeper,
                                    **kwargs)


def test_a_medium_is_registered_checked_and_retired_with_its_reason(tree, town):
    medium = register(town, tree, model_name="金士顿 DT100", capacity="64GB")
    today = timezone.localdate()
    services.medium_check(actor=actor(town.admin), medium=medium, checked_on=today, result=CheckResult.CLEAN)
    medium.refresh_from_db()
    assert medium.last_checked_on == today
    with pytest.raises(DomainError, match="请填写说明"):  # a virus found must be described
        services.medium_check(actor=actor(town.admin), medium=medium, checked_on=today, result=CheckResult.CLEANED)
    services.medium_retire(actor=actor(town.admin), medium=medium, state=MediumState.LOST, reason="外出开会遗失")
    medium.refresh_from_db()
    assert medium.state == MediumState.LOST and medium.state_reason == "外出开会遗失"
    with pytest.raises(DomainError, match="已丢失"):
        services.medium_check(actor=actor(town.admin), medium=medium, checked_on=today, result=CheckResult.CLEAN)
    assert AuditEvent.objects.filter(action="office.medium.retire", target_id=str(medium.pk)).exists()


def test_a_virus_that_cannot_be_removed_takes_the_medium_out_of_use(tree, town):
    medium = register(town, tree)
    services.medium_check(actor=actor(town.admin), medium=medium, checked_on=timezone.localdate(),
                          result=CheckResult.QUARANTINED, note="顽固木马")
    medium.refresh_from_db()
    assert medium.state == MediumState.RETIRED and "顽固木马" in medium.state_reason


def test_register_refuses_bad_input_and_keeps_nothing(tree, town):
    register(town, tree)
    with pytest.raises(DomainError, match="已登记编号"):
        register(town, tree)
    with pytest.raises(DomainError, match="保管人须为本单位人员"):
        services.medium_register(actor=actor(town.admin), unit=tree.town, number="X2", kind="usb", keeper=town.other)
    with pytest.raises(DomainError, match="不能晚于今天"):
        register(town, tree, number="X3", registered_on=timezone.localdate() + datetime.timedelta(days=1))
    with pytest.raises(DomainError, match="控制字符"):
        register(town, tree, number="X\x004")
    with pytest.raises(AccessDenied):
        services.medium_register(actor=actor(town.clerk), unit=tree.town, number="X5", kind="usb", keeper=town.keeper)
    assert selectors.medium_list(actor=actor(town.admin)).count() == 1


def test_a_medium_not_checked_within_the_interval_is_a_to_do(tree, town, settings):
    settings.FENJI_OFFICE_MEDIA_CHECK_DAYS = 30
    old = register(town, tree, registered_on=timezone.localdate() - datetime.timedelta(days=40))
    register(town, tree, number="NEW")
    [todo] = [t for t in nav.todos_for(actor(town.admin)) if t.kind == "office.media"]
    assert old.number in todo.title and todo.url == f"/office/media/{old.pk}/"
    services.medium_check(actor=actor(town.admin), medium=old, checked_on=timezone.localdate(),
                          result=CheckResult.CLEAN)
    assert not [t for t in nav.todos_for(actor(town.admin)) if t.kind == "office.media"]


def test_the_register_page_lists_registers_and_exports_within_scope(tree, town, login):
    from io import BytesIO

    from openpyxl import load_workbook

    medium = register(town, tree)
    client = login(town.admin)
    page = client.get("/office/media/").content.decode()
    assert "XJK-U-001" in page and ">待查毒<" not in page  # checked within the interval
    created = client.post("/office/media/", {"number": "XJK-U-002", "kind": "disk", "keeper": town.keeper.pk,
                                             "dedicated": "on"})
    assert created.status_code == 302
    response = client.get("/office/media/", {"format": "xlsx"})
    rows = list(load_workbook(BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert rows[0][0] == "登记编号" and {r[0] for r in rows[1:]} == {"XJK-U-001", "XJK-U-002"}
    sibling = make_account(tree.sibling_city, name="苏州专网管理员", role=BUILTIN_ROLES["office_network_admin"])
    assert login(sibling).get(f"/office/media/{medium.pk}/").status_code == 404
    assert "XJK-U-001" not in login(sibling).get("/office/media/").content.decode()


def test_the_pages_are_dark_outside_the_office_profile(tree, town, login, settings):
    client = login(town.admin)
    settings.FENJI_PROFILE = "league"
    assert client.get("/office/media/").status_code == 404


# --- duty roster ---------------------------------------------------------------------------------------


def test_duty_is_assigned_to_the_units_staff_for_days_to_come(tree, town):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    shift = services.duty_assign(actor=actor(town.admin), unit=tree.town, day=tomorrow, period=DutyPeriod.OFF,
                                 account=town.clerk)
    with pytest.raises(DomainError, match="已安排在该日该时段"):
        services.duty_assign(actor=actor(town.admin), unit=tree.town, day=tomorrow, period=DutyPeriod.OFF,
                             account=town.clerk)
    with pytest.raises(DomainError, match="不能安排已过去的日期"):
        services.duty_assign(actor=actor(town.admin), unit=tree.town, day=tomorrow - datetime.timedelta(days=5),
                             period=DutyPeriod.OFF, account=town.clerk)
    with pytest.raises(DomainError, match="值班人须为本单位人员"):
        services.duty_assign(actor=actor(town.admin), unit=tree.town, day=tomorrow, period=DutyPeriod.WORK,
                             account=town.other)
    services.duty_remove(actor=actor(town.admin), shift=shift)
    assert not selectors.duty_list(actor=actor(town.admin), unit=tree.town, start=tomorrow, end=tomorrow).exists()


@pytest.mark.parametrize("moment, period", [
    ((2026, 12, 3, 21, 0), DutyPeriod.OFF),  # a Thursday evening
    ((2026, 12, 4, 3, 0), DutyPeriod.OFF),  # the small hours: the evening's shift (of the 3rd)
    ((2026, 12, 3, 10, 0), DutyPeriod.WORK),  # working hours
])
def test_a_document_arriving_goes_to_whoever_is_on_duty_then(tree, town, moment, period):
    city_head = make_account(tree.city, name="市办主任", role=DEPT_HEAD)
    watcher = make_account(tree.town, name="值班员")  # no grant: not a handler, told only as the person on duty
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, 0, tzinfo=TZ), tick=False):
        services.duty_assign(actor=actor(town.admin), unit=tree.town, day=datetime.date(2026, 12, 3), period=period,
                             account=watcher)
    with time_machine.travel(datetime.datetime(*moment, tzinfo=TZ), tick=False):
        dispatch_send(actor=actor(city_head), kind=DispatchKind.NOTICE, title="紧急通知",
                      targets=Targets(units=[tree.town]))
    told = Message.objects.filter(recipient=watcher, kind="dispatch.arrived_on_duty")
    assert told.count() == 1 and "紧急通知" in told.get().title
    assert Message.objects.filter(recipient=town.clerk, kind="dispatch.arrived").count() == 1  # the handler as ever


def test_nobody_extra_is_told_when_the_roster_is_empty_or_the_module_dark(tree, town, settings):
    city_head = make_account(tree.city, name="市办主任", role=DEPT_HEAD)
    watcher = make_account(tree.town, name="值班员")
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, 0, tzinfo=TZ), tick=False):
        services.duty_assign(actor=actor(town.admin), unit=tree.town, day=datetime.date(2026, 12, 3),
                             period=DutyPeriod.OFF, account=watcher)
    settings.FENJI_PROFILE = "league"
    with time_machine.travel(datetime.datetime(2026, 12, 3, 21, 0, tzinfo=TZ), tick=False):
        dispatch_send(actor=actor(city_head), kind=DispatchKind.NOTICE, title="通知",
                      targets=Targets(units=[tree.town]))
    assert not Message.objects.filter(recipient=watcher).exists()


def test_the_roster_page_shows_the_month_and_its_gaps(tree, town, login):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    client = login(town.admin)
    done = client.post(f"/office/duty/?month={tomorrow:%Y-%m}", {"day": tomorrow.isoformat(), "period": "off",
                                                                 "account": town.clerk.pk})
    assert done.status_code == 302
    page = client.get("/office/duty/", {"month": f"{tomorrow:%Y-%m}"}).content.decode()
    assert "街道收文员" in page and "无人值班" in page
    sibling = make_account(tree.sibling_city, name="苏州专网管理员", role=BUILTIN_ROLES["office_network_admin"])
    assert login(sibling).get("/office/duty/", {"unit": tree.town.pk}).status_code == 404


def test_a_shift_is_removed_only_within_scope(tree, town, login):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    shift = services.duty_assign(actor=actor(town.admin), unit=tree.town, day=tomorrow, period=DutyPeriod.OFF,
                                 account=town.clerk)
    sibling = make_account(tree.sibling_city, name="苏州专网管理员", role=BUILTIN_ROLES["office_network_admin"])
    above = make_account(tree.province, name="省专网管理员", role=BUILTIN_ROLES["office_network_admin"])
    assert login(sibling).post(f"/office/duty/{shift.pk}/remove/").status_code == 404
    county = make_account(tree.county, name="区专网管理员", role=BUILTIN_ROLES["office_network_admin"])
    assert login(county).post(f"/office/duty/{shift.pk}/remove/").status_code == 302  # from above: allowed
    assert not type(shift)._base_manager.filter(pk=shift.pk).exists()
    assert login(above).post(f"/office/duty/{shift.pk}/remove/").status_code == 404  # gone: like any missing row


def test_the_api_keeps_to_the_callers_scope(tree, town):
    from django.test import Client

    from fenji.core.access import policy
    from fenji.core.api import services as token_services

    def api(account):
        _, plain = token_services.token_create(actor=policy.SYSTEM, account=account, name="专网接口测试")
        return Client(headers={"Authorization": f"Bearer {plain}"})

    client = api(town.admin)
    created = client.post("/api/v1/office/media", {"number": "API-1", "kind": "usb", "keeper": town.keeper.pk},
                          content_type="application/json")
    assert created.status_code == 201, created.content
    medium_id = created.json()["id"]
    checked = client.post(f"/api/v1/office/media/{medium_id}/check",
                          {"checked_on": timezone.localdate().isoformat(), "result": "clean"},
                          content_type="application/json")
    assert checked.status_code == 200 and checked.json()["last_checked_on"] == timezone.localdate().isoformat()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    shift = client.post("/api/v1/office/duty", {"day": tomorrow.isoformat(), "period": "off", "account": town.clerk.pk},
                        content_type="application/json")
    assert shift.status_code == 201, shift.content
    roster = client.get("/api/v1/office/duty", {"start": tomorrow.isoformat(), "end": tomorrow.isoformat()}).json()
    assert [s["account"] for s in roster] == ["街道收文员"]

    sibling = api(make_account(tree.sibling_city, name="苏州专网管理员", role=BUILTIN_ROLES["office_network_admin"]))
    assert sibling.get(f"/api/v1/office/media/{medium_id}").status_code == 404
    assert sibling.post(f"/api/v1/office/media/{medium_id}/retire", {"state": "lost", "reason": "x"},
                        content_type="application/json").status_code == 404
    assert sibling.post(f"/api/v1/office/media/{medium_id}/check", {"checked_on": timezone.localdate().isoformat(),
                        "result": "clean"}, content_type="application/json").status_code == 404
    assert sibling.delete(f"/api/v1/office/duty/{shift.json()['id']}").status_code == 404
    assert client.delete(f"/api/v1/office/duty/{shift.json()['id']}").status_code == 204
    assert api(town.clerk).get("/api/v1/office/media").status_code == 403  # no grant for the register


# --- 信息发布登记 -------------------------------------------------------------------------------------


def test_the_publication_register_names_the_drafter_and_each_reviewer(tree, login):
    from io import BytesIO

    from openpyxl import load_workbook

    from fenji.core.access.roles import UNIT_LEADER
    from fenji.core.publish import services as publish

    clerk = make_account(tree.town, name="信息员", role=STAFF)
    first = make_account(tree.town, name="初审科员", role=STAFF)
    head = make_account(tree.town, name="科长", role=DEPT_HEAD)
    leader = make_account(tree.town, name="分管领导", role=UNIT_LEADER)
    column = publish.column_create(actor=actor(head), unit=tree.town, name="街道动态", kind="news", public=True)
    publish.column_managers_set(actor=actor(head), column=column, accounts=[clerk])
    post = publish.post_save(actor=actor(clerk), column=column, title="社区义诊通知", body="周六义诊。")
    post = publish.post_submit(actor=actor(clerk), post=post)
    for reviewer in (first, head, leader):
        post = publish.post_review(actor=actor(reviewer), post=post, approve=True, opinion="同意")
    unpublished = publish.post_save(actor=actor(clerk), column=column, title="尚未发布的稿件", body="草稿。")

    client = login(leader)
    page = client.get("/office/publications/").content.decode()
    assert "社区义诊通知" in page and "初审：初审科员" in page and "终审：分管领导" in page and "信息员" in page
    assert unpublished.title not in page
    response = client.get("/office/publications/", {"format": "xlsx"})
    rows = list(load_workbook(BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert rows[1][2] == "社区义诊通知" and "复审：科长" in rows[1][5]
    assert AuditEvent.objects.filter(action="office.publication.export", actor_id=leader.pk).exists()
    sibling = make_account(tree.sibling_city, name="苏州分管领导", role=UNIT_LEADER)
    assert "社区义诊通知" not in login(sibling).get("/office/publications/").content.decode()


def test_the_home_page_shows_the_media_due_and_who_is_on_duty(tree, town, login, settings):
    settings.FENJI_OFFICE_MEDIA_CHECK_DAYS = 30
    register(town, tree, registered_on=timezone.localdate() - datetime.timedelta(days=40))
    tiles = login(town.admin).get("/").content.decode().split('id="tiles"', 1)[1].split("</div></div>", 1)[0]
    assert "<b>1</b>待查毒的移动存储介质" in tiles and "<b>未安排</b>本单位当前值班" in tiles
