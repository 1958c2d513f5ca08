"""Requirement tickets (业务需求运维管理暂行办法, design/domain/labor.md §3): a county department's ticket through its
head, the prefecture's counterpart department, the information centre and the vendor to release, every step
recorded; the refusals of the regulation (a skipped step, another vendor, the developer signing the test, release
before the business test, a return without its reason); the vendor's accounts reach tickets and nothing else."""

import datetime

import pytest
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.access.roles import BUILTIN_ROLES, DEPT_HEAD
from fenji.core.access.services import grant_create
from fenji.core.audit.models import AuditEvent
from fenji.core.kernel.errors import AccessDenied, DomainError, NotVisible
from fenji.core.org.services import unit_create
from fenji.core.web import nav
from fenji.modules.labor import kinds as k
from fenji.modules.labor import selectors, services
from fenji.modules.labor.models import SignSide, TicketState
from fenji.testing import actor, make_account

S = TicketState
FIELDS = {"system_name": "劳动力资源信息平台", "subsystem": "labor.gig", "title": "零工驿站岗位发布增加工种筛选",
          "kind": "change", "urgency": "normal", "urgent_reason": "", "description": "按工种筛选零工岗位，便于求职者查找。",
          "contact_name": "邓梅", "contact_phone": "0718-8221234"}


@pytest.fixture(autouse=True)
def labor_profile(settings):
    settings.FENJI_PROFILE = "labor"


@pytest.fixture
def w(db):
    system = policy.SYSTEM

    class World:
        root = unit_create(actor=system, parent=None, name="恩施州人社局", kind=k.PREFECTURE, code="RS-T")
        centre = unit_create(actor=system, parent=root, name="州人社信息中心", kind=k.DEPARTMENT)
        employment = unit_create(actor=system, parent=root, name="州就业服务局", kind=k.DEPARTMENT)
        county = unit_create(actor=system, parent=root, name="恩施市人社局", kind=k.COUNTY)
        county_dept = unit_create(actor=system, parent=county, name="恩施市就业服务中心", kind=k.DEPARTMENT)
        vendor = unit_create(actor=system, parent=root, name="恩施云智科技有限公司", kind=k.VENDOR)
        other_vendor = unit_create(actor=system, parent=root, name="武陵数据服务有限公司", kind=k.VENDOR)

    role = BUILTIN_ROLES.__getitem__
    World.requester = make_account(World.county_dept, name="邓梅", role=role("labor_requester"))
    World.head = make_account(World.county_dept, name="向主任", role=DEPT_HEAD)
    World.reviewer = make_account(World.employment, name="滕飞", role=role("labor_reviewer"))
    World.centre_staff = make_account(World.centre, name="田中心")
    grant_create(actor=system, account=World.centre_staff, role="labor_centre", unit=World.root)
    World.developer = make_account(World.vendor, name="覃开发", role=role("labor_vendor"))
    World.vendor_lead = make_account(World.vendor, name="黄经理", role=role("labor_vendor"))
    World.stranger = make_account(World.other_vendor, name="外公司人员", role=role("labor_vendor"))
    return World


def a(account):
    return actor(account)


def draft(w, **overrides):
    return services.ticket_draft(actor=a(w.requester), unit=w.county_dept, review_unit=w.employment,
                                 **{**FIELDS, **overrides})


def through_development(w):
    t = draft(w)
    services.ticket_submit(actor=a(w.requester), ticket=t)
    services.ticket_sign(actor=a(w.head), ticket=t, approve=True, note="同意")
    services.ticket_review(actor=a(w.reviewer), ticket=t, approve=True)
    services.ticket_intake(actor=a(w.centre_staff), ticket=t, accept=True, vendor_unit=w.vendor)
    services.ticket_assess(actor=a(w.developer), ticket=t, feasible=True, assessment="可实施", plan="两周内完成")
    services.ticket_schedule(actor=a(w.centre_staff), ticket=t, dev_due=timezone.localdate() + datetime.timedelta(14))
    services.ticket_develop(actor=a(w.developer), ticket=t, note="已完成")
    services.ticket_internal_test(actor=a(w.vendor_lead), ticket=t, passed=True, note="内部测试通过")
    t.refresh_from_db()
    return t


def test_a_county_ticket_goes_through_every_step_to_release_and_into_the_ledger(w, login):
    t = draft(w)
    assert (t.state, t.review_unit, t.number) == (S.DRAFT, w.employment, None)
    services.ticket_submit(actor=a(w.requester), ticket=t)
    # the head returns it once: back to the draft with the reason, on the filer's to-do list
    services.ticket_sign(actor=a(w.head), ticket=t, approve=False, note="请补充政策依据")
    todos = [x for x in nav.todos_for(a(w.requester)) if x.kind == "labor.ticket"]
    assert [x.label for x in todos] == ["业务需求被退回，请修改后重新提交"]
    services.ticket_submit(actor=a(w.requester), ticket=t)
    assert [x.kind for x in nav.todos_for(a(w.head)) if x.kind == "labor.ticket"] == ["labor.ticket"]
    services.ticket_sign(actor=a(w.head), ticket=t, approve=True, note="同意")
    t.refresh_from_db()
    assert t.state == S.UPPER_REVIEW  # a county ticket: the prefecture's counterpart department next
    services.ticket_review(actor=a(w.reviewer), ticket=t, approve=True, note="同意报送")
    services.ticket_intake(actor=a(w.centre_staff), ticket=t, accept=True, vendor_unit=w.vendor)
    services.ticket_assess(actor=a(w.developer), ticket=t, feasible=True, assessment="可实施", plan="两周内完成")
    t.refresh_from_db()
    assert t.number == f"XQ{timezone.localdate().year}-0001" and t.state == S.SCHEDULING
    services.ticket_schedule(actor=a(w.centre_staff), ticket=t, dev_due=timezone.localdate() + datetime.timedelta(14))
    services.ticket_develop(actor=a(w.developer), ticket=t)
    services.ticket_internal_test(actor=a(w.vendor_lead), ticket=t, passed=True, note="内部测试通过")
    t.refresh_from_db()
    assert t.state == S.BUSINESS_TEST and t.test_due is not None
    services.ticket_business_test(actor=a(w.centre_staff), ticket=t, side=SignSide.CENTRE, passed=True, result="通过")
    t.refresh_from_db()
    assert t.state == S.BUSINESS_TEST  # the business department has not signed yet
    services.ticket_business_test(actor=a(w.requester), ticket=t, side=SignSide.BUSINESS, passed=True, result="符合需求")
    t.refresh_from_db()
    assert t.state == S.RELEASE_PLAN
    start = timezone.now() + datetime.timedelta(days=1)
    services.ticket_release_plan(actor=a(w.vendor_lead), ticket=t, scope="零工驿站岗位查询", start=start,
                                 end=start + datetime.timedelta(hours=2), lead="黄经理")
    services.ticket_release(actor=a(w.vendor_lead), ticket=t, succeeded=True, result="已上线运行")
    t.refresh_from_db()
    assert t.state == S.RELEASED and t.released_at is not None
    steps = list(t.steps.values_list("action", "actor_name"))
    assert steps[0] == ("submit", "邓梅") and steps[-1] == ("release", "黄经理") and len(steps) == 13
    assert AuditEvent.objects.filter(action="labor.ticket.release").count() == 1

    client = login(w.centre_staff)
    ledger = client.get("/labor/ledger/").content.decode()
    assert f'id="ledger-{t.pk}"' in ledger and t.number in ledger and "已发布" in ledger
    sheet = client.get("/labor/ledger/?format=xlsx")
    assert sheet.status_code == 200 and sheet["Content-Type"].startswith("application/vnd.openxmlformats")
    for form in ("application", "release"):
        pdf = client.get(f"/labor/tickets/{t.pk}/{form}.pdf")
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="labor.ticket.print").count() == 2


def test_the_annexes_carry_the_signatures_names_and_dates(w):
    from django.template.loader import render_to_string

    t = through_development(w)
    services.ticket_business_test(actor=a(w.centre_staff), ticket=t, side=SignSide.CENTRE, passed=True, result="界面正确")
    steps = list(t.steps.all())
    from fenji.modules.labor.exports import _last

    sign = _last(steps, "sign")
    html = render_to_string("labor/application_pdf.html", {"ticket": t, "basis": [], "signatures": {
        "sign": sign, "review": _last(steps, "review"), "intake": _last(steps, "intake"), "assess": _last(steps, "assess")}})
    assert "向主任" in html and "恩施市就业服务中心" in html and f"{sign.at:%Y}年" in html and "零工驿站子系统" in html
    assert "滕飞" in html and "田中心" in html and "可实施" in html
    test = t.tests.get()
    html = render_to_string("labor/release_pdf.html", {"ticket": t, "signatures": {}, "centre_test": test,
                                                       "business_test": None})
    assert "田中心" in html and "界面正确" in html and f"{test.tested_on:%Y}年" in html


def test_steps_are_refused_out_of_order_and_by_the_wrong_party(w):
    t = draft(w)
    with pytest.raises(DomainError, match="当前为“草稿”"):  # skipping the head and the review
        services.ticket_intake(actor=a(w.centre_staff), ticket=t, accept=True, vendor_unit=w.vendor)
    services.ticket_submit(actor=a(w.requester), ticket=t)
    with pytest.raises(AccessDenied):  # the filer cannot sign for the head
        services.ticket_sign(actor=a(w.requester), ticket=t, approve=True)
    with pytest.raises(DomainError, match="退回理由"):  # a return needs its reason
        services.ticket_sign(actor=a(w.head), ticket=t, approve=False, note=" ")
    t.refresh_from_db()
    assert t.state == S.DEPT_REVIEW and t.steps.count() == 1


def test_only_the_assigned_vendor_acts_and_sees_the_ticket(w):
    t = draft(w)
    services.ticket_submit(actor=a(w.requester), ticket=t)
    services.ticket_sign(actor=a(w.head), ticket=t, approve=True)
    services.ticket_review(actor=a(w.reviewer), ticket=t, approve=True)
    with pytest.raises(NotVisible):  # before it is handed over, no vendor sees it
        selectors.ticket_get(actor=a(w.developer), pk=t.pk)
    services.ticket_intake(actor=a(w.centre_staff), ticket=t, accept=True, vendor_unit=w.vendor)
    assert selectors.ticket_get(actor=a(w.developer), pk=t.pk) == t
    with pytest.raises(NotVisible):
        selectors.ticket_get(actor=a(w.stranger), pk=t.pk)
    with pytest.raises(AccessDenied):
        services.ticket_assess(actor=a(w.stranger), ticket=t, feasible=True, assessment="抢单", plan="无")
    t.refresh_from_db()
    assert t.state == S.ASSESSING and t.number is None


def test_the_developer_may_not_sign_the_test_and_nothing_is_released_untested(w):
    t = through_development(w)
    with pytest.raises(DomainError, match="当前为“业务测试中”"):  # release before the business test
        services.ticket_release_plan(actor=a(w.vendor_lead), ticket=t, scope="全部", start=timezone.now(),
                                     end=timezone.now() + datetime.timedelta(hours=1), lead="黄经理")
    # the developer holds the centre's test right too (an engineer seconded to the centre): still refused
    grant_create(actor=policy.SYSTEM, account=w.developer, role="labor_centre", unit=w.root)
    with pytest.raises(DomainError, match="不能是该需求的开发人员"):
        services.ticket_business_test(actor=a(w.developer), ticket=t, side=SignSide.CENTRE, passed=True, result="通过")
    # a failed business test sends it back to development with the result
    services.ticket_business_test(actor=a(w.requester), ticket=t, side=SignSide.BUSINESS, passed=False,
                                  result="筛选结果不全")
    t.refresh_from_db()
    assert t.state == S.DEVELOPING and "筛选结果不全" in t.steps.last().note


def test_overdue_development_is_flagged_and_counted(w):
    t = through_development(w)
    from fenji.modules.labor.models import Ticket

    Ticket.objects.unscoped(reason="test").filter(pk=t.pk).update(state=S.DEVELOPING,
                                                                    dev_due=timezone.localdate() - datetime.timedelta(1))
    rows = selectors.ticket_list(actor=a(w.centre_staff), overdue=True)
    assert list(rows) == [t] and selectors.ticket_counts(rows)["overdue"] == 1
    assert selectors.ticket_list(actor=a(w.requester), overdue=True).count() == 1


def test_a_prefecture_department_needs_no_upper_review_and_a_county_one_must_name_it(w):
    filer = make_account(w.employment, name="州科室填报人", role=BUILTIN_ROLES["labor_requester"])
    own = services.ticket_draft(actor=a(filer), unit=w.employment, **FIELDS)
    assert own.review_unit is None
    with pytest.raises(DomainError, match="州级对口科室"):
        services.ticket_draft(actor=a(w.requester), unit=w.county_dept, **FIELDS)
    with pytest.raises(DomainError, match="州级业务部门"):  # a county unit is no counterpart department
        services.ticket_draft(actor=a(w.requester), unit=w.county_dept, review_unit=w.county, **FIELDS)
    with pytest.raises(DomainError, match="紧急理由"):
        draft(w, urgency="urgent")
    with pytest.raises(DomainError, match="联系电话"):
        draft(w, contact_phone="电话")


def test_the_vendor_reaches_its_tickets_and_nothing_else_of_the_platform(w, login, client):
    from fenji.testing.routing import all_routes

    t = through_development(w)
    pages = [(route.name, route.url(lambda *_: None)) for route in all_routes()
             if route.name and not route.parameters and not route.regex]

    def reached(account):
        signed_in = login(account)
        return {name for name, url in pages if signed_in.get(url).status_code == 200}

    # an account without any grant reaches the pages everyone has (home, messages, password, the phone's tiles);
    # the vendor's reaches those and its ticket list — no unit, account, ledger, audit or other module page
    nobody = make_account(w.vendor, name="无权限人员")
    assert reached(w.developer) - reached(nobody) == {"labor:tickets"}
    developer = login(w.developer)
    assert developer.get(f"/labor/tickets/{t.pk}/").status_code == 200
    assert developer.get("/labor/ledger/").status_code == 403
    assert t.title in developer.get("/labor/tickets/").content.decode()


def test_policy_files_are_served_through_their_ticket(w, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fenji.core.files.tests.samples import PDF

    t = draft(w, files=[SimpleUploadedFile("就业政策.pdf", PDF, content_type="application/pdf")])
    other = draft(w, title="另一项需求")
    [policy_file] = selectors.ticket_basis(t)
    url = f"/labor/tickets/{t.pk}/files/{policy_file.pk}/"
    response = login(w.requester).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert login(w.requester).get(f"/labor/tickets/{other.pk}/files/{policy_file.pk}/").status_code == 404
    assert login(w.stranger).get(url).status_code == 404  # a vendor it was never handed to
    with pytest.raises(DomainError, match="扩展名与内容不符"):
        draft(w, files=[SimpleUploadedFile("脚本.pdf", b"#!/bin/sh\necho", content_type="application/pdf")])


def test_the_api_keeps_to_the_three_roads(w, login):
    t = draft(w)
    requester = login(w.requester)
    assert requester.post(f"/api/v1/labor/tickets/{t.pk}/steps", {"op": "submit"},
                          content_type="application/json").status_code == 200
    head = login(w.head)
    signed = head.post(f"/api/v1/labor/tickets/{t.pk}/steps", {"op": "sign", "approve": True, "note": "同意"},
                       content_type="application/json")
    assert signed.status_code == 200 and signed.json()["state"] == "upper_review"
    # the counterpart department reaches it by its name on the ticket; a vendor not yet, another county never
    assert login(w.reviewer).get(f"/api/v1/labor/tickets/{t.pk}").status_code == 200
    assert login(w.developer).get(f"/api/v1/labor/tickets/{t.pk}").status_code == 404
    elsewhere = unit_create(actor=policy.SYSTEM, parent=w.root, name="利川市人社局", kind=k.COUNTY)
    outsider = make_account(elsewhere, name="利川填报人", role=BUILTIN_ROLES["labor_requester"])
    refused = login(outsider).post(f"/api/v1/labor/tickets/{t.pk}/steps", {"op": "review", "approve": True},
                                   content_type="application/json")
    missing = login(outsider).post("/api/v1/labor/tickets/999999/steps", {"op": "review", "approve": True},
                                   content_type="application/json")
    assert refused.status_code == missing.status_code == 404 and refused.json() == missing.json()
    skipped = login(w.centre_staff).post(f"/api/v1/labor/tickets/{t.pk}/steps",
                                         {"op": "intake", "approve": True, "vendor_unit": w.vendor.pk},
                                         content_type="application/json")
    assert skipped.status_code == 400 and "州级业务部门审核" in skipped.json()["error"]["message"]
    listed = login(w.reviewer).get("/api/v1/labor/tickets").json()
    assert [item["id"] for item in listed["items"]] == [t.pk] and listed["total"] == 1


def test_a_step_not_open_to_the_reader_is_refused_on_the_page_with_the_reason(w, login):
    t = draft(w)
    requester = login(w.requester)
    for op in ("edit", "sign", "nonsense"):
        response = requester.post(f"/labor/tickets/{t.pk}/", {"op": op}, follow=True)
        assert response.status_code == 200 and "您不能办理这一环节" in response.content.decode()
    t.refresh_from_db()
    assert t.state == S.DRAFT and not t.steps.exists()
