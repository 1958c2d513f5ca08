import io

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
    assert "people.login" in page and "失败" in page
    assert AuditEvent.objects.filter(action="audit.event.search", actor_id=auditor.pk).count() == 1
    event = AuditEvent.objects.filter(action="people.login", outcome="failed").first()
    detail = login(auditor).get(f"/audit/events/{event.seq}/").content.decode()
    assert "哈希校验一致" in detail and event.hash in detail
    assert AuditEvent.objects.filter(action="audit.event.read", target_id=str(event.seq)).exists()


def test_a_city_auditor_sees_only_its_subtree(tree, city_auditor, client, login):
    member, sibling = member_logins(tree, client)
    client = login(city_auditor)
    page = client.get("/audit/events/", {"action": "people.login"}).content.decode()
    assert f"people.account {member.pk}" in page
    assert f"people.account {sibling.pk}" not in page
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
    assert rows[0][:5] == ("序号", "时间", "操作人", "操作人单位路径", "动作")
    assert all(row[4].startswith("people.login") for row in rows[1:]) and len(rows) > 2
    export = AuditEvent.objects.get(action="audit.event.export")
    assert export.actor_id == auditor.pk and export.details["rows"] == len(rows) - 1


def test_others_cannot_read_the_log(tree, city_admin, login):
    assert login(city_admin).get("/audit/events/").status_code == 403
