"""The ledgers (C4.2): every account and grant in scope with who requested, approved and carried it
out; Excel exports (text ID numbers, masked unless the actor may unmask, audited); the printed forms."""

import datetime
import io

import pytest
import time_machine
from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import load_workbook

from fenji.core.access import policy
from fenji.core.access.roles import ACCOUNT_ADMIN, DEPT_HEAD, PERMISSION_ADMIN, SECURITY_ADMIN, STAFF, UNIT_LEADER
from fenji.core.access.services import grant_create, grant_revoke
from fenji.core.audit.models import AuditEvent
from fenji.core.console.ledger_views import request_form_context
from fenji.core.people.identity import check_char
from fenji.core.people.models import Account
from fenji.core.people.services import account_set_status
from fenji.core.workflow.models import Request, Step, StepState
from fenji.core.workflow.services import request_file, step_decide
from fenji.testing import actor, make_account


class Office:
    def __init__(self, unit, tag):
        self.unit = unit
        self.clerk = make_account(unit, name=f"{tag}科员", role=STAFF)
        self.head = make_account(unit, name=f"{tag}科长", role=DEPT_HEAD)
        self.leader = make_account(unit, name=f"{tag}分管领导", role=UNIT_LEADER)
        self.account_admin = make_account(unit, name=f"{tag}账户管理员", role=ACCOUNT_ADMIN)
        self.permission_admin = make_account(unit, name=f"{tag}权限管理员", role=PERMISSION_ADMIN)


def _id_number(n: int) -> str:
    first17 = f"32010219850315{n:03d}"
    return first17 + check_char(first17)


def _open_step(request):
    return Step.objects.unscoped(reason="test").get(request=request, state=StepState.OPEN)


def _decide(account, request, opinion=""):
    step_decide(actor=actor(account), step=_open_step(request), approve=True, opinion=opinion)


@pytest.fixture
def city(tree):
    return Office(tree.city, "南京")


@pytest.fixture
def opened(city):
    """An operator account opened through seed 004's form 2, carried out completely."""
    request = request_file(actor=actor(city.clerk), kind="operator.account.open", data={
        "real_name": "王新", "id_number": _id_number(7), "mobile": "13912340001", "title": "窗口经办",
        "role": "operator", "requirement": "新增窗口受理操作员"})
    _decide(city.head, request, "同意")
    _decide(city.leader, request, "同意，请办理")
    _decide(city.account_admin, request)
    _decide(city.permission_admin, request)
    request.refresh_from_db()
    return request, Account.objects.unscoped(reason="test").select_related("person").get(pk=request.subject_id)


def _xlsx(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    return headers, [row for row in sheet.iter_rows(min_row=2)]


# --- 账户台账 --------------------------------------------------------------------------------------


def test_the_account_ledger_names_who_requested_approved_and_opened(city, opened, login):
    _request, account = opened
    page = login(city.account_admin).get("/ledgers/accounts/", {"q": "王新"})
    assert page.status_code == 200
    (row,) = page.context["page"].rows
    assert row.pk == account.pk
    assert row.history.requested_by == "南京科员"
    assert row.history.approved_by == ["南京科长", "南京分管领导"]
    assert row.opened_by_id == city.account_admin.pk
    text = page.content.decode()
    assert "南京科长、南京分管领导" in text and "南京账户管理员" in text


def test_the_account_ledger_shows_who_disabled_an_account(city, login):
    leaving = make_account(city.unit, name="离岗人员")
    account_set_status(actor=actor(city.account_admin), account=leaving, active=False, reason="调离")
    page = login(city.account_admin).get("/ledgers/accounts/", {"q": "离岗人员"})
    (row,) = page.context["page"].rows
    assert row.history.disabled_by == "南京账户管理员" and row.history.disabled_reason == "调离"
    assert row.history.disabled_at is not None


def test_the_account_ledger_is_scoped_and_filters_by_subtree_period_and_name(tree, city, login):
    in_town = make_account(tree.town, name="街道甲")
    make_account(tree.sibling_city, name="苏州甲")
    with time_machine.travel(timezone.now() - datetime.timedelta(days=40)):
        old = make_account(tree.county, name="区里旧人")
    client = login(city.account_admin)
    everything = {a.person.real_name for a in client.get("/ledgers/accounts/").context["page"].rows}
    assert {"街道甲", "区里旧人", "南京科员"} <= everything and "苏州甲" not in everything
    town_only = client.get("/ledgers/accounts/", {"unit": tree.town.pk}).context["page"].rows
    assert [a.pk for a in town_only] == [in_town.pk]
    today = timezone.localdate()
    recent = client.get("/ledgers/accounts/", {"start": today - datetime.timedelta(days=7), "end": today})
    recent_pks = {a.pk for a in recent.context["page"].rows}
    assert in_town.pk in recent_pks and old.pk not in recent_pks
    assert client.get("/ledgers/accounts/", {"unit": tree.sibling_city.pk}).status_code == 404
    assert client.get("/ledgers/accounts/", {"unit": tree.province.pk}).status_code == 404


def test_the_unit_filter_is_a_tree_picker_within_scope(tree, city, login):
    client = login(city.account_admin)
    page = client.get("/ledgers/accounts/", {"unit": tree.county.pk}).content.decode()
    assert 'class="unit-picker"' in page and "南京市 / 玄武区" in page  # the chosen unit by its path
    offered = client.get("/org/units/picker/", {"q": "市"}).content.decode()
    assert "南京市" in offered and "苏州市" not in offered
    assert client.get("/org/units/picker/", {"parent": tree.sibling_city.pk}).status_code == 404


def test_the_account_export_keeps_id_numbers_as_full_text_for_who_may_unmask(city, opened, login):
    _request, account = opened
    response = login(city.account_admin).get("/ledgers/accounts/", {"q": "王新", "format": "xlsx"})
    headers, rows = _xlsx(response)
    (row,) = rows
    id_cell = row[headers.index("身份证号码")]
    assert id_cell.value == _id_number(7) and len(id_cell.value) == 18
    assert id_cell.data_type == "s"
    assert row[headers.index("手机号码")].value == "13912340001"
    assert row[headers.index("申请人")].value == "南京科员"
    assert row[headers.index("审批人")].value == "南京科长、南京分管领导"
    assert row[headers.index("开户人（实施）")].value == "南京账户管理员"
    event = AuditEvent.objects.filter(action="people.account.export").latest("seq")
    assert event.actor_id == city.account_admin.pk
    assert event.details["unmasked"] is True and event.details["rows"] == 1
    assert event.details["filters"] == {"q": "王新"}


def test_the_account_export_masks_id_numbers_for_who_may_not_unmask(tree, city, opened, login):
    security = make_account(tree.city, name="南京保密员", role=SECURITY_ADMIN)  # views accounts, no unmask
    headers, rows = _xlsx(login(security).get("/ledgers/accounts/", {"q": "王新", "format": "xlsx"}))
    (row,) = rows
    masked = row[headers.index("身份证号码")].value
    assert masked != _id_number(7) and masked.startswith(_id_number(7)[:4]) and "*" in masked
    assert row[headers.index("手机号码")].value == "139****0001"
    event = AuditEvent.objects.filter(action="people.account.export").latest("seq")
    assert event.actor_id == security.pk and event.details["unmasked"] is False


# --- 权限台账 --------------------------------------------------------------------------------------


def test_the_permission_ledger_names_requester_approver_and_executor(city, opened, login):
    _request, account = opened
    page = login(city.permission_admin).get("/ledgers/permissions/", {"q": "王新"})
    (grant,) = page.context["page"].rows
    assert grant.account_id == account.pk and grant.role == "operator"
    assert (grant.requested_by_id, grant.approved_by_id, grant.granted_by_id) == (
        city.clerk.pk, city.leader.pk, city.permission_admin.pk)
    assert grant.state == "有效"


def test_the_permission_ledger_filters_by_role_state_period_and_subtree(tree, city, login):
    town_person = make_account(tree.town, name="街道乙")
    live = grant_create(actor=policy.SYSTEM, account=town_person, role="operator", unit=tree.town)
    with time_machine.travel(timezone.now() - datetime.timedelta(days=60)):
        old = grant_create(actor=policy.SYSTEM, account=make_account(tree.county, name="区里乙"),
                           role="operator", unit=tree.county)
    grant_revoke(actor=policy.SYSTEM, grant=old, reason="调离")
    sibling = make_account(tree.sibling_city, name="苏州乙")
    grant_create(actor=policy.SYSTEM, account=sibling, role="operator", unit=tree.sibling_city)
    client = login(city.permission_admin)

    def listed(**params):
        response = client.get("/ledgers/permissions/", params)
        assert response.status_code == 200
        return {g.pk for g in response.context["page"].rows}

    operators = listed(role="operator")
    assert {live.pk, old.pk} <= operators and all(
        g.account.person.real_name != "苏州乙" for g in client.get("/ledgers/permissions/").context["page"].rows)
    assert listed(role="operator", state="revoked") == {old.pk}
    assert live.pk in listed(role="operator", state="live") and old.pk not in listed(state="live")
    assert listed(role="operator", unit=tree.town.pk) == {live.pk}
    today = timezone.localdate()
    # the old grant was made 60 days ago but revoked today: a period covering today finds it
    assert old.pk in listed(role="operator", start=today, end=today)
    long_ago = today - datetime.timedelta(days=60)
    assert listed(role="operator", start=long_ago, end=long_ago) == {old.pk}
    assert client.get("/ledgers/permissions/", {"unit": tree.sibling_city.pk}).status_code == 404


def test_the_permission_export_is_audited(city, opened, login):
    response = login(city.permission_admin).get("/ledgers/permissions/", {"q": "王新", "format": "xlsx"})
    headers, rows = _xlsx(response)
    (row,) = rows
    assert row[headers.index("角色")].value == "操作员"
    assert row[headers.index("申请人")].value == "南京科员"
    assert row[headers.index("审批人")].value == "南京分管领导"
    assert row[headers.index("授权实施人")].value == "南京权限管理员"
    assert row[headers.index("手机号码")].value == "139****0001"
    event = AuditEvent.objects.filter(action="access.grant.export").latest("seq")
    assert event.actor_id == city.permission_admin.pk and event.details["rows"] == 1


def test_ledgers_refuse_an_account_without_grants(outsider, login):
    client = login(outsider)
    for path in ("/ledgers/accounts/", "/ledgers/permissions/", "/ledgers/reviews/", "/ledgers/reviews/new/",
                 "/ledgers/accounts/?format=xlsx"):
        assert client.get(path).status_code == 403, path


# --- 申请表 PDF ------------------------------------------------------------------------------------


def test_the_request_prints_as_the_operator_form_with_signatures(city, opened, login):
    request, _account = opened
    response = login(city.clerk).get(f"/ledgers/requests/{request.pk}/form.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    context = request_form_context(actor(city.clerk), request)
    assert not context["admin"] and context["title"] == "操作员账户权限申请表"
    html = render_to_string("ledgers/request_form.html", context)
    assert "操作员账户权限申请表" in html and "岗位角色名称" in html and "账户管理员办理结果" in html
    assert "王新" in html and "新增" in html and "新增窗口受理操作员" in html
    assert "同意，请办理" in html and "南京分管领导" in html and "已开通账号" in html
    # the clerk may not unmask: numbers printed masked, and nothing to audit
    assert _id_number(7) not in html and "139****0001" in html
    assert not AuditEvent.objects.filter(action="people.person.unmask", target_type="workflow.request").exists()


def test_an_administrator_request_prints_as_annex_1_with_full_numbers_for_who_may_unmask(tree, city):
    county = Office(tree.county, "玄武")
    request = request_file(actor=actor(county.clerk), kind="admin.account.open", data={
        "real_name": "李管", "id_number": _id_number(8), "mobile": "13912340002", "title": "信息科",
        "role": "account_admin"})
    context = request_form_context(actor(city.account_admin), request)
    assert context["admin"] and context["title"] == "管理员账户权限申请表"
    html = render_to_string("ledgers/request_form.html", context)
    assert "管理员账户权限申请表" in html and "管理员办理结果" in html and "提交人" in html
    assert _id_number(8) in html and "13912340002" in html and "账户管理员" in html


def test_printing_with_full_numbers_is_audited(tree, city, login):
    county = Office(tree.county, "玄武")
    request = request_file(actor=actor(county.clerk), kind="admin.account.open", data={
        "real_name": "李管", "id_number": _id_number(9), "mobile": "13912340003", "title": "信息科",
        "role": "account_admin"})
    assert login(city.account_admin).get(f"/ledgers/requests/{request.pk}/form.pdf").status_code == 200
    event = AuditEvent.objects.filter(action="people.person.unmask", target_type="workflow.request").get()
    assert event.actor_id == city.account_admin.pk and event.details["via"] == "request_form"


def test_a_request_with_a_sparse_payload_still_prints(city):
    bare = Request.objects.create(unit=city.unit, unit_path=city.unit.path, kind="operator.unknown", title="手工补录",
                                  payload_json="{}", requester=city.clerk)
    html = render_to_string("ledgers/request_form.html", request_form_context(actor(city.clerk), bare))
    assert "手工补录" in html and "操作员账户权限申请表" in html


def test_the_request_form_is_404_outside_the_scope_like_a_missing_request(tree, city, opened, login):
    request, _account = opened
    sibling = Office(tree.sibling_city, "苏州")
    client = login(sibling.account_admin)
    out_of_scope = client.get(f"/ledgers/requests/{request.pk}/form.pdf")
    missing = client.get(f"/ledgers/requests/{request.pk + 1000}/form.pdf")
    assert out_of_scope.status_code == 404 and missing.status_code == 404
    assert out_of_scope.context["message"] == missing.context["message"]
    assert "王新" not in out_of_scope.content.decode()
    # a county administrator cannot reach up to the city's request either
    county_admin = make_account(tree.county, name="玄武账户管理员", role=ACCOUNT_ADMIN)
    assert login(county_admin).get(f"/ledgers/requests/{request.pk}/form.pdf").status_code == 404
    # a city-level overseer and the province above do
    province_security = make_account(tree.province, name="省保密员", role=SECURITY_ADMIN)
    assert login(province_security).get(f"/ledgers/requests/{request.pk}/form.pdf").status_code == 200
