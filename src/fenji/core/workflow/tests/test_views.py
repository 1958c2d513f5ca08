"""The request console pages through HTTP: who sees which page, filing, deciding, withdrawing."""

import datetime
import io
import zoneinfo

import openpyxl
import time_machine
from django.test import Client
from django.utils import timezone

from fenji.core.access.roles import DEPT_HEAD
from fenji.core.audit.models import AuditEvent
from fenji.core.workflow import services
from fenji.core.workflow.models import Request, RequestState, Step, StepState
from fenji.testing import PASSWORD, complete_second_factor, make_account
from fenji.testing import actor as as_actor

from .sample import FAIL, KIND

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
MINE, NEW, AWAITING, LIST, TIMELINESS = ("/requests/mine/", "/requests/new/", "/requests/awaiting/", "/requests/",
                                         "/requests/timeliness/")
FILE = f"/requests/new/{KIND}/"
ID_NUMBER = "11010519491231002X"
MOBILE = "13812341234"


def detail(request):
    return f"/requests/{request.pk}/"


def client_for(account) -> Client:
    """A separate browser for each persona, signed in through the real login page."""
    client = Client()
    response = client.post("/login/", {"mobile": account.mobile, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    complete_second_factor(client, account, response)
    return client


def file(account, name="开通测试", **extra) -> Request:
    return services.request_file(actor=as_actor(account), kind=KIND, data={"name": name, **extra})


def decide(account, request, *, approve=True, opinion="") -> Step:
    step = Step.objects.unscoped(reason="test").get(request=request, state=StepState.OPEN)
    return services.step_decide(actor=as_actor(account), step=step, approve=approve, opinion=opinion)


def fresh(request) -> Request:
    return Request.objects.unscoped(reason="test").get(pk=request.pk)


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- 新建申请 ----------------------------------------------------------------------------------------


def test_staff_file_a_request_through_the_form(seeded, people):
    client = client_for(people.staff)
    page = text(client.get(NEW))
    assert "测试分组" in page and "测试申请" in page and f'href="{FILE}"' in page
    form = text(client.get(FILE))
    assert "事项名称" in form and "申请部门意见" in form
    invalid = client.post(FILE, {"name": ""})
    assert "这个字段是必填项" in text(invalid) or "This field is required" in text(invalid)
    assert not Request.objects.unscoped(reason="test").exists()
    response = client.post(FILE, {"name": "新增岗位", "id_number": ID_NUMBER, "mobile": MOBILE})
    filed = Request.objects.unscoped(reason="test").get()
    assert response.status_code == 302 and response["Location"] == detail(filed)
    shown = text(client.get(response["Location"]))
    assert "已提交申请“测试：新增岗位”" in shown
    assert "110***********002X" in shown and "138****1234" in shown
    assert ID_NUMBER not in shown and MOBILE not in shown
    mine = text(client.get(MINE))
    assert "测试：新增岗位" in mine and "申请部门意见" in mine and "新建申请" in mine


def test_the_file_pages_need_the_file_action(seeded, people):
    for account in (people.leader, people.nobody):  # a unit leader approves; it does not file
        client = client_for(account)
        assert client.get(NEW).status_code == 403
        assert client.get(FILE).status_code == 403
        assert client.post(FILE, {"name": "越权"}).status_code == 403
    assert not Request.objects.unscoped(reason="test").exists()
    assert client_for(people.staff).get("/requests/new/no.such.kind/").status_code == 404


def test_a_service_refusal_is_shown_on_the_form(seeded, people, monkeypatch):
    from fenji.core.kernel.errors import DomainError
    from fenji.core.workflow import views

    def refuse(**_kwargs):
        raise DomainError("该事项已有办理中的申请", field="name")

    monkeypatch.setattr(views.services, "request_file", refuse)
    page = text(client_for(people.staff).post(FILE, {"name": "重复"}))
    assert "该事项已有办理中的申请" in page and 'value="重复"' in page


# --- 待我审批 and deciding -----------------------------------------------------------------------


def test_the_department_head_sees_the_step_and_agrees(seeded, people):
    request = file(people.staff, "新增岗位")
    head = client_for(people.head)
    awaiting = text(head.get(AWAITING))
    assert "测试：新增岗位" in awaiting and "玄武科员" in awaiting and "申请部门意见" in awaiting
    assert "玄武区" in awaiting
    page = text(head.get(detail(request)))
    assert f'action="/requests/{request.pk}/decide/"' in page and "不同意" in page
    response = head.post(f"/requests/{request.pk}/decide/", {"decision": "approve", "opinion": "同意"})
    assert response.status_code == 302 and response["Location"] == detail(request)
    step = Step.objects.unscoped(reason="test").get(request=request, code="endorse")
    assert (step.state, step.decided_by_id, step.opinion) == (StepState.APPROVED, people.head.pk, "同意")
    after = text(head.get(detail(request)))
    assert "已签署同意意见" in after and f'action="/requests/{request.pk}/decide/"' not in after
    assert "测试：新增岗位" not in text(head.get(AWAITING))
    assert "测试：新增岗位" in text(client_for(people.leader).get(AWAITING))


def test_the_executing_step_says_so_and_shows_the_result(seeded, people):
    request = file(people.staff, "新增岗位")
    decide(people.head, request)
    decide(people.leader, request)
    executor = client_for(people.executor)
    page = text(executor.get(detail(request)))
    assert ">办理</button>" in page
    response = executor.post(f"/requests/{request.pk}/decide/", {"decision": "approve", "opinion": ""})
    assert response.status_code == 302
    shown = text(executor.get(detail(request)))
    assert "已办理：已办理“新增岗位”" in shown and "已办结" in shown
    assert fresh(request).state == RequestState.DONE


def test_a_refused_execution_is_shown_on_the_decision_form(seeded, people):
    request = file(people.staff, FAIL)
    decide(people.head, request)
    decide(people.leader, request)
    page = text(client_for(people.executor).post(f"/requests/{request.pk}/decide/", {"decision": "approve"}))
    assert "办理服务拒绝了该申请" in page
    assert fresh(request).state == RequestState.PENDING


def test_disagreeing_asks_for_an_opinion_then_for_confirmation(seeded, people):
    request = file(people.staff)
    head = client_for(people.head)
    url = f"/requests/{request.pk}/decide/"
    missing = text(head.post(url, {"decision": "reject", "opinion": ""}))
    assert "不同意时请填写意见" in missing
    confirm = text(head.post(url, {"decision": "reject", "opinion": "不需要"}))
    assert "确认不同意" in confirm and 'name="confirmed"' in confirm
    assert fresh(request).state == RequestState.PENDING  # nothing decided before the confirmation
    response = head.post(url, {"decision": "reject", "opinion": "不需要", "confirmed": "on"})
    assert response.status_code == 302
    assert fresh(request).state == RequestState.REJECTED
    shown = text(head.get(detail(request)))
    assert "不需要" in shown and "已取消" in shown and "未通过" in shown


def test_the_requester_is_told_not_to_decide_and_is_refused(seeded, people):
    request = file(people.head, "处长申请")
    head = client_for(people.head)
    page = text(head.get(detail(request)))
    assert "审批人不能是申请人本人" in page  # the service's own words, before any attempt
    refused = head.post(f"/requests/{request.pk}/decide/", {"decision": "approve"})
    assert refused.status_code == 403 and "审批人不能是申请人本人" in refused.content.decode()
    assert AuditEvent.objects.filter(actor_id=people.head.pk, details__rule="approver_is_requester").exists()
    assert "处长申请" not in text(head.get(AWAITING))


def test_a_superior_is_not_offered_the_units_own_opinion(seeded, people, tree):
    """南京's department head oversees 玄武区's request but does not sign its department opinion: not in
    待我审批, no decision form on the page, and a forged POST decides nothing."""
    request = file(people.staff, "区里的申请")
    city = client_for(make_account(tree.city, name="南京处长", role=DEPT_HEAD))
    assert "区里的申请" not in text(city.get(AWAITING))
    page = text(city.get(detail(request)))
    assert "区里的申请" in page and f'action="/requests/{request.pk}/decide/"' not in page
    response = city.post(f"/requests/{request.pk}/decide/", {"decision": "approve", "opinion": "同意"})
    assert response.status_code == 302
    step = Step.objects.unscoped(reason="test").get(request=request, code="endorse")
    assert (step.state, step.decided_by_id) == (StepState.OPEN, None)
    assert "区里的申请" in text(client_for(people.head).get(AWAITING))


def test_overdue_and_provisional_deadlines_are_marked(seeded, people):
    with time_machine.travel(datetime.datetime(2026, 12, 30, 10, 0, tzinfo=TZ), tick=False):
        provisional = file(people.staff, "跨年申请")
    with time_machine.travel(datetime.datetime(2026, 6, 1, 9, 0, tzinfo=TZ), tick=False):
        late = file(people.staff, "超期申请")
    with time_machine.travel(datetime.datetime(2026, 6, 22, 9, 0, tzinfo=TZ), tick=False):
        page = text(client_for(people.head).get(AWAITING))
    late_row = page.split(f'id="step-{Step.objects.unscoped(reason="test").get(request=late, index=0).pk}"')[1]
    assert "已超期" in late_row.split("</tr>")[0]
    provisional_row = page.split(
        f'id="step-{Step.objects.unscoped(reason="test").get(request=provisional, index=0).pk}"')[1]
    assert "（暂定）" in provisional_row.split("</tr>")[0] and "已超期" not in provisional_row.split("</tr>")[0]


# --- 申请详情: scope ------------------------------------------------------------------------------


def test_the_detail_is_404_outside_the_scope(seeded, people):
    request = file(people.staff)
    for account in (people.sibling_head, people.sibling_leader, people.nobody):
        client = client_for(account)
        out_of_scope = client.get(detail(request))
        missing = client.get(f"/requests/{request.pk + 1000}/")
        assert out_of_scope.status_code == missing.status_code == 404
        assert out_of_scope.context["message"] == missing.context["message"]
        assert "测试：" not in out_of_scope.content.decode()
        assert client.post(f"/requests/{request.pk}/decide/", {"decision": "approve"}).status_code == 404
        assert client.post(f"/requests/{request.pk}/withdraw/", {}).status_code == 404
    assert fresh(request).state == RequestState.PENDING
    # the overseers of the unit read it; the executor reaches it once its step is open (it oversees anyway)
    assert client_for(people.leader).get(detail(request)).status_code == 200


def test_only_the_requester_withdraws_and_only_before_any_decision(seeded, people):
    request = file(people.staff)
    assert client_for(people.head).post(f"/requests/{request.pk}/withdraw/", {}).status_code == 404
    staff = client_for(people.staff)
    assert f'href="/requests/{request.pk}/withdraw/"' in text(staff.get(detail(request)))
    assert "确认撤回" in text(staff.get(f"/requests/{request.pk}/withdraw/"))
    response = staff.post(f"/requests/{request.pk}/withdraw/", {"reason": "填错"})
    assert response.status_code == 302 and fresh(request).state == RequestState.WITHDRAWN
    assert "已撤回" in text(staff.get(detail(request)))
    second = file(people.staff)
    decide(people.head, second)
    assert f'href="/requests/{second.pk}/withdraw/"' not in text(staff.get(detail(second)))
    staff.post(f"/requests/{second.pk}/withdraw/", {})
    assert fresh(second).state == RequestState.PENDING
    assert "不能撤回" in text(staff.get(detail(second)))


# --- 本单位申请 -----------------------------------------------------------------------------------


def test_the_unit_list_filters_and_stays_in_scope(seeded, people):
    first, second = file(people.staff, "甲事项"), file(people.staff, "乙事项")
    services.request_withdraw(actor=as_actor(people.staff), request=second)
    sibling_request = services.request_file(actor=as_actor(people.sibling_head), kind=KIND, data={"name": "苏州事项"})
    leader = client_for(people.leader)
    page = text(leader.get(LIST))
    assert "测试：甲事项" in page and "测试：乙事项" in page and "苏州事项" not in page
    pending = text(leader.get(LIST, {"state": "pending"}))
    assert "测试：甲事项" in pending and "测试：乙事项" not in pending
    assert "测试：甲事项" not in text(leader.get(LIST, {"q": "乙"}))
    assert "测试：甲事项" in text(leader.get(LIST, {"kind": KIND}))
    assert "苏州事项" in text(client_for(people.sibling_leader).get(LIST))
    assert client_for(people.staff).get(LIST).status_code == 403
    assert client_for(people.nobody).get(LIST).status_code == 403
    assert first.pk and sibling_request.pk


def test_the_lists_page_by_keyset(seeded, people):
    for n in range(23):
        file(people.staff, f"第{n:02d}件")
    staff = client_for(people.staff)
    first = staff.get(MINE)
    assert first.context["page"].total == 23 and len(first.context["page"].rows) == 20
    assert "测试：第22件" in text(first)  # newest first
    cursor = first.context["page"].next_cursor
    second = staff.get(MINE, {"after": cursor})
    assert [r.title for r in second.context["page"].rows] == ["测试：第02件", "测试：第01件", "测试：第00件"]
    leader = client_for(people.leader)
    assert len(leader.get(LIST).context["page"].rows) == 20
    assert len(leader.get(LIST, {"after": cursor}).context["page"].rows) == 3


# --- 及时率 ---------------------------------------------------------------------------------------


def test_the_timeliness_page_and_its_export(seeded, people, tree):
    with time_machine.travel(datetime.datetime(2026, 6, 1, 9, 0, tzinfo=TZ), tick=False):
        on_time = file(people.staff, "甲")
        decide(people.head, on_time)
    leader = client_for(people.leader)
    query = {"unit": tree.county.pk, "start": "2026-06-01", "end": "2026-06-30"}
    page = text(leader.get(TIMELINESS, query))
    assert "玄武区" in page and "100.0%" in page
    default = leader.get(TIMELINESS)
    assert default.status_code == 200 and default.context["unit"] == tree.county
    today = timezone.localdate()
    assert default.context["start"] == today.replace(day=1)
    export = leader.get(TIMELINESS, {**query, "format": "xlsx"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2] == ("单位", "已办理环节", "按时办理", "及时率", "超期未办")
    assert rows[3][:4] == ("玄武区", 1, 1, 1.0)
    assert AuditEvent.objects.filter(actor_id=people.leader.pk, details__export="timeliness").exists()
    assert leader.get(TIMELINESS, {"unit": tree.sibling_city.pk}).status_code == 404
    assert leader.get(TIMELINESS, {"unit": tree.city.pk}).status_code == 404  # above the leader's unit
    bad = text(leader.get(TIMELINESS, {"unit": tree.county.pk, "start": "2026-06-30", "end": "2026-06-01"}))
    assert "结束日期不能早于开始日期" in bad
    assert client_for(people.staff).get(TIMELINESS).status_code == 403


# --- navigation ----------------------------------------------------------------------------------


def test_the_menu_offers_the_request_pages_by_role(seeded, people):
    staff = text(client_for(people.staff).get(MINE))
    assert f'href="{MINE}"' in staff and f'href="{AWAITING}"' in staff and f'href="{TIMELINESS}"' not in staff
    leader = text(client_for(people.leader).get(AWAITING))
    assert f'href="{LIST}"' in leader and f'href="{TIMELINESS}"' in leader and f'href="{MINE}"' not in leader
    assert text(client_for(people.nobody).get(AWAITING)).count("暂无待办") == 1
