"""Subsystems as permission domains (seed 004 §2, §7, 附件2; ADR 0018): ``can`` answers per subsystem, a
permission administrator limited to some subsystems grants and revokes only their roles, form 2 names one
subsystem and prints it, and the permission ledger and the grant reviews filter by subsystem."""

import io
import re
import zlib

import pytest
from django.http import HttpResponse
from django.urls import include, path
from openpyxl import load_workbook

from fenji.core.access import policy
from fenji.core.access.models import Grant, GrantReview
from fenji.core.access.models import Role as RoleRow
from fenji.core.access.roles import (
    BUILTIN_ROLES,
    DEPT_HEAD,
    OPERATOR,
    PERMISSION_ADMIN,
    SECURITY_ADMIN,
    STAFF,
    UNIT_LEADER,
)
from fenji.core.access.services import (
    RuleViolation,
    grant_create,
    grant_review_record,
    grant_revoke,
    role_create,
)
from fenji.core.audit.models import AuditEvent, Outcome
from fenji.core.kernel import modules
from fenji.core.kernel.errors import AccessDenied, DomainError
from fenji.core.web.routes import requires
from fenji.core.workflow.models import Request, Step, StepState
from fenji.core.workflow.services import request_file, step_decide
from fenji.modules.labor import module as labor
from fenji.modules.labor import subsystems as sub
from fenji.testing import actor, make_account


@requires(sub.SHARING_DEMAND_PUBLISH)
def sharing_page(request):
    return HttpResponse("共享用工")


urlpatterns = [path("t/sharing/", sharing_page), path("", include("fenji.urls"))]


@pytest.fixture(autouse=True)
def labor_profile(settings):
    settings.FENJI_PROFILE = "labor"


def grant(account, role: str, unit, subsystem=""):
    return grant_create(actor=policy.SYSTEM, account=account, role=role, unit=unit, subsystem=subsystem)


def live(**filters):
    return Grant.objects.unscoped(reason="test").filter(revoked_at__isnull=True, **filters)


def denials(rule: str):
    return AuditEvent.objects.filter(outcome=Outcome.DENIED, details__rule=rule)


@pytest.fixture
def county(tree):
    class County:
        unit = tree.county
        admin = make_account(tree.county, name="玄武权限管理员", role=PERMISSION_ADMIN)  # unlimited
        gig_admin = make_account(tree.county, name="零工驿站权限管理员")
        gig_clerk = make_account(tree.county, name="零工经办员")
        sharing_clerk = make_account(tree.county, name="共享用工经办员")
        newcomer = make_account(tree.town, name="新操作员")
    grant(County.gig_admin, PERMISSION_ADMIN.code, tree.county, subsystem=sub.GIG)
    grant(County.gig_clerk, "labor_gig_clerk", tree.county)
    grant(County.sharing_clerk, "labor_sharing_clerk", tree.county)
    return County


# --- the declaration --------------------------------------------------------------------------------


def test_labor_declares_five_subsystems_and_every_subsystem_action_and_role_names_one():
    assert [s.label for s in modules.live_subsystems()] == [
        "劳动力资源信息库", "共享用工", "零工驿站", "人社数据分析", "人社政务服务办件分析预警"]
    declared = {s.code for s in sub.SUBSYSTEMS}
    for action in labor.MODULE.actions:
        if action.code.startswith("labor.ticket."):
            continue  # requirement tickets are the platform's maintenance, not one subsystem's business
        assert action.subsystem in declared, action.code
    for role in labor.MODULE.roles:
        if role.code in ("labor_requester", "labor_reviewer", "labor_centre", "labor_vendor"):
            continue
        assert BUILTIN_ROLES[role.code].subsystem == role.subsystem in declared, role.code


def test_a_subsystem_is_known_only_while_its_module_is_live(settings):
    settings.FENJI_PROFILE = "office"
    assert modules.live_subsystems() == []
    assert modules.subsystem_label(sub.GIG) == "零工驿站"  # old grants still print their subsystem


def test_the_contract_refuses_a_role_holding_another_subsystems_action():
    bad = modules.Module(
        name="sample", label="样例", subsystems=(modules.SubsystemDecl("sample.a", "甲"),
                                              modules.SubsystemDecl("sample.b", "乙")),
        actions=(modules.ActionDecl("sample.a.do", "甲操作", "business", subsystem="sample.a"),
                 modules.ActionDecl("sample.c.do", "丙操作", "business", subsystem="sample.c")),
        roles=(modules.RoleDecl("sample_b", "乙角色", "business", ("sample.a.do",), subsystem="sample.b"),))
    errors = modules.problems([bad], core_actions={}, core_roles=set())
    text = " ".join(e.msg for e in errors)
    assert {e.id for e in errors} == {"fenji.E016"}
    assert "sample.c.do 属于本模块未声明的子系统 sample.c" in text
    assert "角色 sample_b（乙角色）含有子系统 sample.a 的动作 sample.a.do" in text


# --- can, per subsystem -----------------------------------------------------------------------------


def test_can_answers_per_subsystem(tree, county):
    clerk = actor(county.gig_clerk)
    assert policy.can(clerk, sub.GIG_POST_PUBLISH, tree.town.path)
    assert policy.can(clerk, sub.GIG_WORKER_REGISTER, tree.county.path)
    for other in (sub.SHARING_DEMAND_PUBLISH, sub.SHARING_MATCH, labor.WORKER_VIEW, sub.WARNING_HANDLE):
        assert not policy.can(clerk, other, tree.town.path), other
        assert not policy.can(clerk, other), other
    with pytest.raises(AccessDenied, match="您在“共享用工”子系统没有岗位角色，不能“发布共享用工需求”") as caught:
        policy.require(clerk, sub.SHARING_DEMAND_PUBLISH, tree.town.path)
    assert caught.value.rule == "no_subsystem_role"
    assert not policy.can(clerk, sub.GIG_POST_PUBLISH, tree.sibling_city.path)  # and within its subtree only


def test_a_role_of_another_subsystem_gives_a_subsystems_action_to_nobody(tree, county):
    security = make_account(tree.province, name="省保密员", role=SECURITY_ADMIN)
    with pytest.raises(RuleViolation, match="“发布零工岗位”属于“零工驿站”子系统，只能放入该子系统的角色"):
        role_create(actor=actor(security), code="mixed", label="混合角色", actions=[sub.GIG_POST_PUBLISH],
                    subsystem=sub.SHARING)
    assert not RoleRow.objects.filter(code="mixed").exists()
    # a row changed behind the services' back still gives nothing: the action's subsystem is the role's to match
    RoleRow.objects.create(code="mixed", label="混合角色", actions=[sub.GIG_POST_PUBLISH], subsystem=sub.SHARING)
    grant(county.newcomer, "mixed", tree.town)
    assert not policy.can(actor(county.newcomer), sub.GIG_POST_PUBLISH, tree.town.path)
    assert not policy.scope_roots(actor(county.newcomer), sub.GIG_POST_PUBLISH)


def test_an_operator_acting_in_a_subsystem_it_holds_no_role_of_gets_403(tree, county, login, settings):
    settings.ROOT_URLCONF = __name__
    response = login(county.gig_clerk).get("/t/sharing/")
    assert response.status_code == 403
    assert "您在“共享用工”子系统没有岗位角色" in response.content.decode()
    assert denials("no_subsystem_role").filter(actor_id=county.gig_clerk.pk).exists()
    assert login(county.sharing_clerk).get("/t/sharing/").status_code == 200


# --- the permission administrator per subsystem -------------------------------------------------------


def test_a_limited_permission_administrator_grants_only_its_subsystems_roles(tree, county):
    admin = actor(county.gig_admin)
    made = grant_create(actor=admin, account=county.newcomer, role="labor_gig_clerk", unit=tree.town)
    assert made.subsystem == sub.GIG

    before = Grant.objects.unscoped(reason="test").count()
    with pytest.raises(RuleViolation, match="您的权限管理员授权限于“零工驿站”子系统，不能授予“共享用工”子系统的角色"
                                            "“共享用工经办员”") as caught:
        grant_create(actor=admin, account=county.newcomer, role="labor_sharing_clerk", unit=tree.town)
    assert caught.value.rule == "subsystem_limit"
    with pytest.raises(RuleViolation, match="不能授予不属于任何子系统的“操作员”"):
        grant_create(actor=admin, account=county.newcomer, role=OPERATOR.code, unit=tree.town)
    # another permission administrator: within its own subsystems only
    with pytest.raises(RuleViolation, match="不能授予不属于任何子系统的“权限管理员”"):
        grant_create(actor=admin, account=county.sharing_clerk, role=PERMISSION_ADMIN.code, unit=tree.county)
    with pytest.raises(RuleViolation, match="不能授予限于“零工驿站”、“共享用工”子系统的“权限管理员”"):
        grant_create(actor=admin, account=county.sharing_clerk, role=PERMISSION_ADMIN.code, unit=tree.county,
                     subsystem=[sub.GIG, sub.SHARING])
    assert Grant.objects.unscoped(reason="test").count() == before  # nothing written
    assert denials("subsystem_limit").filter(actor_id=county.gig_admin.pk).count() == 4  # each refusal recorded

    assistant = make_account(tree.county, name="零工驿站助理管理员")  # towns have none (§7)
    limited = grant_create(actor=admin, account=assistant, role=PERMISSION_ADMIN.code, unit=tree.county,
                           subsystem=sub.GIG)
    assert limited.subsystem == sub.GIG


def test_a_limited_permission_administrator_revokes_only_its_subsystems_grants(tree, county):
    admin = actor(county.gig_admin)
    sharing = live(account=county.sharing_clerk).get()
    with pytest.raises(RuleViolation, match="不能撤销“共享用工”子系统的角色“共享用工经办员”"):
        grant_revoke(actor=admin, grant=sharing, reason="调岗")
    assert live(pk=sharing.pk).exists()
    assert denials("subsystem_limit").filter(actor_id=county.gig_admin.pk, action="access.grant.revoke").exists()
    gig = live(account=county.gig_clerk).get()
    grant_revoke(actor=admin, grant=gig, reason="调岗")
    assert not live(pk=gig.pk).exists()


def test_an_unlimited_permission_administrator_grants_every_subsystems_roles(tree, county):
    admin = actor(county.admin)
    for role in ("labor_collector", "labor_sharing_clerk", "labor_gig_clerk", "labor_analyst",
                 "labor_warning_handler", OPERATOR.code):
        grant_create(actor=admin, account=county.newcomer, role=role, unit=tree.town)
    assert policy.can(actor(county.newcomer), sub.WARNING_HANDLE, tree.town.path)
    made = grant_create(actor=admin, account=make_account(tree.county, name="两子系统权限管理员"),
                        role=PERMISSION_ADMIN.code, unit=tree.county, subsystem=f"{sub.SHARING},{sub.GIG}")
    assert made.subsystem == f"{sub.GIG},{sub.SHARING}"  # codes sorted: one spelling per set


def test_the_subsystem_of_a_business_grant_is_its_roles(tree, county):
    with pytest.raises(DomainError, match="“零工驿站经办员”属于“零工驿站”子系统，不能授予为“共享用工”子系统的权限"):
        grant_create(actor=actor(county.admin), account=county.newcomer, role="labor_gig_clerk", unit=tree.town,
                     subsystem=sub.SHARING)
    with pytest.raises(DomainError, match="未知子系统：labor.nope"):
        grant_create(actor=actor(county.admin), account=county.newcomer, role=PERMISSION_ADMIN.code,
                     unit=tree.town, subsystem="labor.nope")


# --- form 2, per subsystem ----------------------------------------------------------------------------


@pytest.fixture
def office(tree, county):
    class Office:
        clerk = make_account(tree.county, name="玄武科员", role=STAFF)
        head = make_account(tree.county, name="玄武科长", role=DEPT_HEAD)
        leader = make_account(tree.county, name="玄武分管领导", role=UNIT_LEADER)
        operator = make_account(tree.county, name="王零工")
    return Office


def _open_step(request):
    return Step.objects.unscoped(reason="test").get(request=request, state=StepState.OPEN)


def test_form_2_refuses_roles_of_two_subsystems(office):
    before = Request.objects.unscoped(reason="test").count()
    with pytest.raises(RuleViolation, match="一张操作员账户权限申请表只能填写一个子系统：本表的子系统是“零工驿站”，"
                                            "岗位角色“共享用工经办员”属于“共享用工”子系统") as caught:
        request_file(actor=actor(office.clerk), kind="operator.permission.grant", data={
            "subsystem": sub.GIG, "account": office.operator.pk, "role": "labor_sharing_clerk", "reach": "unit"})
    assert caught.value.rule == "form_one_subsystem"
    assert Request.objects.unscoped(reason="test").count() == before
    assert denials("form_one_subsystem").filter(actor_id=office.clerk.pk).count() == 1


def _pdf_text_has(data: bytes, text: str) -> bool:
    """Whether every character of ``text`` is in the PDF's ToUnicode maps (how the PDF tests read text)."""
    inflated = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            inflated.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    objects = b"\n".join(inflated).lower()
    return all(f"{ord(ch):04x}".encode() in objects for ch in text)


def test_form_2_names_its_subsystem_and_prints_it(office, county, login):
    request = request_file(actor=actor(office.clerk), kind="operator.permission.grant", data={
        "account": office.operator.pk, "role": "labor_gig_clerk", "reach": "unit", "requirement": "驿站登记"})
    assert request.payload["subsystem"] == sub.GIG  # a role of a subsystem names it
    step_decide(actor=actor(office.head), step=_open_step(request), approve=True, opinion="同意")
    step_decide(actor=actor(office.leader), step=_open_step(request), approve=True, opinion="同意")
    step_decide(actor=actor(county.gig_admin), step=_open_step(request), approve=True)  # the subsystem's own
    assert live(account=office.operator, role="labor_gig_clerk").exists()

    from django.template.loader import render_to_string

    from fenji.core.console.ledger_views import request_form_context
    html = render_to_string("ledgers/request_form.html", request_form_context(actor(office.clerk), request))
    assert re.search(r"子系统名称</td><td[^>]*>零工驿站</td>", html)
    response = login(office.clerk).get(f"/ledgers/requests/{request.pk}/form.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert _pdf_text_has(response.content, "零工驿站")


def test_a_limited_administrator_deciding_another_subsystems_form_is_refused(office, county):
    request = request_file(actor=actor(office.clerk), kind="operator.permission.grant", data={
        "subsystem": sub.SHARING, "account": office.operator.pk, "role": "labor_sharing_clerk", "reach": "unit"})
    step_decide(actor=actor(office.head), step=_open_step(request), approve=True, opinion="同意")
    step_decide(actor=actor(office.leader), step=_open_step(request), approve=True, opinion="同意")
    with pytest.raises(RuleViolation, match="限于“零工驿站”子系统"):
        step_decide(actor=actor(county.gig_admin), step=_open_step(request), approve=True)
    assert not live(account=office.operator).exists()


# --- the ledger and the reviews, per subsystem ---------------------------------------------------------


def test_the_permission_ledger_filters_by_subsystem_and_its_export_follows(tree, county, login):
    security = make_account(tree.province, name="省保密员", role=SECURITY_ADMIN)
    client = login(security)
    page = client.get("/ledgers/permissions/", {"subsystem": sub.GIG})
    assert page.status_code == 200
    text = page.content.decode()
    assert '<option value="labor.gig" selected>零工驿站</option>' in text
    names = {g.account.person.real_name for g in page.context["page"].rows}
    assert names == {"零工经办员", "零工驿站权限管理员"}  # its roles' grants and the administrator limited to it
    response = client.get("/ledgers/permissions/", {"subsystem": sub.GIG, "format": "xlsx"})
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = [[c.value for c in row] for row in book.worksheets[0].iter_rows(min_row=2)]
    headers = [c.value for c in book.worksheets[0][1]]
    column = headers.index("子系统")
    assert sorted(row[0] for row in rows) == sorted(names) and {row[column] for row in rows} == {"零工驿站"}
    assert AuditEvent.objects.filter(action="access.grant.export").latest("id").details["filters"] == {
        "subsystem": "零工驿站"}
    everything = {g.account.person.real_name for g in client.get("/ledgers/permissions/").context["page"].rows}
    assert "共享用工经办员" in everything


def test_a_limited_administrator_reviews_one_of_its_subsystems_and_the_reviews_filter(tree, county, login):
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    period = {"unit": tree.county, "period_start": today - datetime.timedelta(days=1), "period_end": today}
    with pytest.raises(RuleViolation, match="您的权限审查限于“零工驿站”子系统"):
        grant_review_record(actor=actor(county.gig_admin), findings="未发现问题", **period)
    review = grant_review_record(actor=actor(county.gig_admin), findings="未发现问题", subsystem=sub.GIG, **period)
    assert (review.subsystem, review.grants_created) == (sub.GIG, 2)  # the gig clerk and the gig administrator
    everything = grant_review_record(actor=actor(county.admin), findings="未发现问题", **period)
    assert everything.grants_created == 4
    client = login(county.admin)
    rows = client.get("/ledgers/reviews/", {"subsystem": sub.GIG}).context["page"].rows
    assert [r.pk for r in rows] == [review.pk]
    assert {r.pk for r in client.get("/ledgers/reviews/").context["page"].rows} == {review.pk, everything.pk}
    assert GrantReview.objects.unscoped(reason="test").count() == 2


def test_the_api_refuses_a_limited_administrator_another_subsystems_role(tree, county):
    from django.test import Client

    from fenji.core.api import services as token_services

    _token, plain = token_services.token_create(actor=policy.SYSTEM, account=county.gig_admin, name="测试脚本")
    client = Client(headers={"Authorization": f"Bearer {plain}"})
    body = {"account_id": county.newcomer.pk, "unit_id": tree.town.pk, "reach": "unit"}
    refused = client.post("/api/v1/grants", {**body, "role": "labor_sharing_clerk"}, content_type="application/json")
    assert refused.status_code == 403
    assert "限于“零工驿站”子系统" in refused.json()["error"]["message"]
    assert not live(account=county.newcomer).exists()
    made = client.post("/api/v1/grants", {**body, "role": "labor_gig_clerk"}, content_type="application/json")
    assert made.status_code == 201 and made.json()["subsystem"] == sub.GIG
