import io
import re

import pytest
from openpyxl import load_workbook

from fenji.core.access.roles import AUDITOR
from fenji.core.audit.models import AuditEvent
from fenji.testing import PASSWORD, make_account


@pytest.fixture
def auditor(tree):
    return make_account(tree.province, name="审计员", role=AUDITOR)


@pytest.fixture
def city_auditor(tree):
    return make_account(tree.city, name="南京审计员", role=AUDITOR)


def table(page: str) -> str:
    """The text of the events table (what the auditor reads), without the search form."""
    return re.sub(r"<[^>]+>", " ", page.split('id="audit-events"', 1)[1].split("</table>", 1)[0])


def member_logins(tree, client):
    member = make_account(tree.town, kind="member", name="街道会员")
    sibling = make_account(tree.sibling_city, kind="member", name="苏州会员")
    client.post("/m/login/", {"mobile": member.mobile, "password": "wrong"})
    client.post("/m/login/", {"mobile": sibling.mobile, "password": PASSWORD})
    client.post("/logout/")
    return member, sibling


def test_the_auditor_reads_login_records_and_the_reads_are_recorded(tree, auditor, client, login):
    member_logins(tree, client)
    page = login(auditor).get("/audit/events/", {"action": "people.login"}).content.decode()
    rows = table(page)
    assert "登录" in rows and "失败" in rows and "people.login" not in rows  # the label, never the code
    assert AuditEvent.objects.filter(action="audit.event.search", actor_id=auditor.pk).count() == 1
    event = AuditEvent.objects.filter(action="people.login", outcome="failed").first()
    detail = login(auditor).get(f"/audit/events/{event.seq}/").content.decode()
    assert "哈希校验一致" in detail and event.hash in detail
    assert AuditEvent.objects.filter(action="audit.event.read", target_id=str(event.seq)).exists()


def test_a_city_auditor_sees_only_its_subtree(tree, city_auditor, client, login):
    member, sibling = member_logins(tree, client)
    client = login(city_auditor)
    page = client.get("/audit/events/", {"action": "people.login"}).content.decode()
    assert f'href="/people/accounts/{member.pk}/"' in page and "街道会员" in page  # the object by name, linked
    assert "苏州会员" not in page
    sibling_event = AuditEvent.objects.filter(target_id=str(sibling.pk), action="people.login").first()
    assert client.get(f"/audit/events/{sibling_event.seq}/").status_code == 404
    assert client.get("/audit/events/", {"unit": tree.sibling_city.pk}).status_code == 404


def test_search_filters_by_outcome_time_and_unit(tree, auditor, client, login):
    member_logins(tree, client)
    client = login(auditor)
    denied_only = client.get("/audit/events/", {"outcome": "failed"}).content.decode()
    assert "共 1 条" in denied_only
    future = client.get("/audit/events/", {"start": "2099-01-01"}).content.decode()
    assert "没有符合条件的审计事件" in future
    assert "结束日期不能早于开始日期" in client.get("/audit/events/", {"start": "2026-02-01",
                                                                     "end": "2026-01-01"}).content.decode()


def test_export_is_an_excel_file_and_is_audited(tree, auditor, client, login):
    member_logins(tree, client)
    response = login(auditor).get("/audit/events/export.xlsx", {"action": "people.login"})
    assert response["Content-Disposition"].startswith("attachment")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][:7] == ("序号", "时间（北京时间）", "操作人", "操作人单位", "模块", "动作", "动作代码")
    assert all(row[6].startswith("people.login") and "登录" in row[5] for row in rows[1:]) and len(rows) > 2
    assert {row[4] for row in rows[1:]} == {"人员账号"}
    export = AuditEvent.objects.get(action="audit.event.export")
    assert export.actor_id == auditor.pk and export.details["rows"] == len(rows) - 1


def test_others_cannot_read_the_log(tree, city_admin, login):
    assert login(city_admin).get("/audit/events/").status_code == 403


def test_searching_login_in_chinese_finds_the_logins_and_the_tabs_split_the_two_logs(tree, auditor, client, login):
    member_logins(tree, client)
    client = login(auditor)
    client.get("/audit/events/")  # an operation of the auditor's own: audit.event.search
    found = table(client.get("/audit/events/", {"text": "登录"}).content.decode())
    assert "登录" in found and "查询审计日志" not in found
    logins = table(client.get("/audit/events/", {"log": "login"}).content.decode())
    operations = table(client.get("/audit/events/", {"log": "operation"}).content.decode())
    assert "登录" in logins and "查询审计日志" not in logins
    assert "查询审计日志" in operations and "失败" not in operations
    by_module = table(client.get("/audit/events/", {"module": "audit"}).content.decode())
    assert "查询审计日志" in by_module and "登录" not in by_module


def test_a_change_reads_as_before_and_after_with_the_unit_path_and_local_time(tree, auditor, city_admin, login):
    from fenji.core.org.services import unit_update
    from fenji.testing import actor

    unit_update(actor=actor(city_admin), unit=tree.town, name="新街口街道办事处")
    event = AuditEvent.objects.filter(action="org.unit.update").latest("seq")
    page = login(auditor).get(f"/audit/events/{event.seq}/").content.decode()
    details = page.split('id="audit-details"', 1)[1]
    assert re.search(r"名称.*?<td>新街口街道</td>\s*<td>新街口街道办事处</td>", details, re.S)
    assert "江苏省 / 南京市 / 玄武区 / 新街口街道办事处" in page  # units by their path of names, not 0001…
    assert "时间（北京时间）" in page and "UTC" not in page
    local = event.at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M:%S")
    assert local in page
