"""Seed 004's forms as request types: filed, signed twice, carried out by the right administrator."""

import pytest

from fenji.core.access import policy
from fenji.core.access.models import Grant
from fenji.core.access.roles import ACCOUNT_ADMIN, DEPT_HEAD, PERMISSION_ADMIN, STAFF, UNIT_LEADER
from fenji.core.access.services import RuleViolation, grant_create
from fenji.core.audit.models import AuditEvent
from fenji.core.kernel.errors import AccessDenied, DomainError
from fenji.core.people.identity import check_char
from fenji.core.people.models import Account, AccountStatus
from fenji.core.workflow.models import RequestState, Step, StepState
from fenji.core.workflow.services import FormInvalid, request_file, step_decide
from fenji.testing import actor, make_account


class Office:
    """One unit's people around a request: a clerk files, the head and the leader sign, the
    administrators carry it out."""

    def __init__(self, unit, tag):
        self.unit = unit
        self.clerk = make_account(unit, name=f"{tag}科员", role=STAFF)
        self.head = make_account(unit, name=f"{tag}科长", role=DEPT_HEAD)
        self.leader = make_account(unit, name=f"{tag}分管领导", role=UNIT_LEADER)
        self.account_admin = make_account(unit, name=f"{tag}账户管理员", role=ACCOUNT_ADMIN)
        self.permission_admin = make_account(unit, name=f"{tag}权限管理员", role=PERMISSION_ADMIN)


@pytest.fixture
def city(tree):
    return Office(tree.city, "南京")


def _open_step(request):
    return Step.objects.unscoped(reason="test").get(request=request, state=StepState.OPEN)


def _sign_twice(office, request):
    step_decide(actor=actor(office.head), step=_open_step(request), approve=True, opinion="同意")
    step_decide(actor=actor(office.leader), step=_open_step(request), approve=True, opinion="同意，请办理")


def _id_number(n: int) -> str:
    first17 = f"32010219850315{n:03d}"
    return first17 + check_char(first17)


def test_operator_permission_request_is_signed_twice_then_granted_with_its_signatures(city):
    operator = make_account(city.unit, name="新操作员")
    request = request_file(actor=actor(city.clerk), kind="operator.permission.grant",
                           data={"account": operator.pk, "role": "operator", "reach": "unit", "requirement": "窗口受理"})
    assert request.subject_id == operator.pk
    assert [s.state for s in Step.objects.unscoped(reason="test").filter(request=request)] == [
        StepState.OPEN, StepState.WAITING, StepState.WAITING]
    _sign_twice(city, request)
    step_decide(actor=actor(city.permission_admin), step=_open_step(request), approve=True)

    request.refresh_from_db()
    assert request.state == RequestState.DONE
    assert "已授予新操作员“操作员”" in request.result
    grant = Grant.objects.unscoped(reason="test").get(account=operator, role="operator", revoked_at__isnull=True)
    assert (grant.requested_by_id, grant.approved_by_id, grant.granted_by_id) == (
        city.clerk.pk, city.leader.pk, city.permission_admin.pk)


def test_the_requester_cannot_sign_their_own_request(city):
    request = request_file(actor=actor(city.head), kind="operator.permission.grant",
                           data={"account": city.clerk.pk, "role": "operator", "reach": "unit"})
    with pytest.raises(RuleViolation, match="审批人不能是申请人本人"):
        step_decide(actor=actor(city.head), step=_open_step(request), approve=True)
    assert _open_step(request).code == "department"
    assert AuditEvent.objects.filter(outcome="denied", details__rule="approver_is_requester").exists()


def test_one_person_cannot_sign_two_steps(city):
    both = make_account(city.unit, name="兼职领导", role=DEPT_HEAD)
    grant_create(actor=policy.SYSTEM, account=both, role=UNIT_LEADER.code, unit=city.unit)
    request = request_file(actor=actor(city.clerk), kind="operator.permission.grant",
                           data={"account": city.clerk.pk, "role": "operator", "reach": "unit"})
    step_decide(actor=actor(both), step=_open_step(request), approve=True)
    with pytest.raises(RuleViolation, match="须由不同人员办理"):
        step_decide(actor=actor(both), step=_open_step(request), approve=True)


def test_an_administrator_without_the_executing_duty_is_refused_and_nothing_is_granted(city):
    request = request_file(actor=actor(city.clerk), kind="operator.permission.grant",
                           data={"account": city.clerk.pk, "role": "operator", "reach": "unit"})
    _sign_twice(city, request)
    with pytest.raises(AccessDenied):
        step_decide(actor=actor(city.account_admin), step=_open_step(request), approve=True)
    assert _open_step(request).code == "permission"
    assert not Grant.objects.unscoped(reason="test").filter(account=city.clerk, role="operator").exists()


def test_a_sibling_citys_permission_administrator_cannot_execute(tree, city):
    sibling = Office(tree.sibling_city, "苏州")
    request = request_file(actor=actor(city.clerk), kind="operator.permission.grant",
                           data={"account": city.clerk.pk, "role": "operator", "reach": "unit"})
    _sign_twice(city, request)
    with pytest.raises(AccessDenied):
        step_decide(actor=actor(sibling.permission_admin), step=_open_step(request), approve=True)


def test_a_refused_executing_service_undoes_the_decision(city):
    operator = make_account(city.unit, name="已有操作员")
    grant_create(actor=policy.SYSTEM, account=operator, role="operator", unit=city.unit)
    request = request_file(actor=actor(city.clerk), kind="operator.permission.grant",
                           data={"account": operator.pk, "role": "operator", "reach": "unit"})
    _sign_twice(city, request)
    with pytest.raises(DomainError, match="已有“操作员”授权"):
        step_decide(actor=actor(city.permission_admin), step=_open_step(request), approve=True)
    step = _open_step(request)
    assert step.code == "permission" and step.decided_by_id is None


def test_operator_account_open_runs_the_account_then_the_permission_administrator(city):
    request = request_file(actor=actor(city.clerk), kind="operator.account.open", data={
        "real_name": "王新", "id_number": _id_number(7), "mobile": "13912340001", "title": "窗口经办",
        "role": "operator"})
    _sign_twice(city, request)
    step_decide(actor=actor(city.account_admin), step=_open_step(request), approve=True)
    request.refresh_from_db()
    account = Account.objects.unscoped(reason="test").get(pk=request.subject_id)
    assert account.person.real_name == "王新" and account.unit_id == city.unit.pk
    step_decide(actor=actor(city.permission_admin), step=_open_step(request), approve=True)
    request.refresh_from_db()
    assert request.state == RequestState.DONE
    assert Grant.objects.unscoped(reason="test").filter(account=account, role="operator").exists()


def test_a_county_administrator_request_is_carried_out_by_the_prefecture(tree, city):
    county = Office(tree.county, "玄武")
    newcomer = make_account(tree.county, name="玄武新任权限管理员")  # no business role: 账户/权限/操作员 apart
    request = request_file(actor=actor(county.clerk), kind="admin.permission.grant",
                           data={"account": newcomer.pk, "role": "permission_admin", "reach": "subtree"})
    executing = Step.objects.unscoped(reason="test").get(request=request, code="permission")
    assert executing.unit_id == tree.city.pk and executing.working_days == 3
    _sign_twice(county, request)
    with pytest.raises(AccessDenied):  # the county's own administrator does not carry it out
        step_decide(actor=actor(county.permission_admin), step=_open_step(request), approve=True)
    step_decide(actor=actor(city.permission_admin), step=_open_step(request), approve=True)
    assert Grant.objects.unscoped(reason="test").filter(account=newcomer, role="permission_admin",
                                                        unit=tree.county).exists()


def test_cancelling_an_operator_revokes_business_grants_then_disables_the_account(city):
    operator = make_account(city.unit, name="离岗操作员", role=STAFF)
    grant_create(actor=policy.SYSTEM, account=operator, role="operator", unit=city.unit)
    request = request_file(actor=actor(city.clerk), kind="operator.account.cancel", data={"account": operator.pk})
    _sign_twice(city, request)
    step_decide(actor=actor(city.permission_admin), step=_open_step(request), approve=True)
    step_decide(actor=actor(city.account_admin), step=_open_step(request), approve=True)
    operator.refresh_from_db()
    assert operator.status == AccountStatus.DISABLED
    assert not Grant.objects.unscoped(reason="test").filter(account=operator, revoked_at__isnull=True).exists()


def test_a_staff_member_cannot_file_an_account_outside_their_unit(tree, city):
    stranger = make_account(tree.sibling_city, name="苏州人员")
    with pytest.raises(FormInvalid):
        request_file(actor=actor(city.clerk), kind="operator.permission.grant",
                     data={"account": stranger.pk, "role": "operator", "reach": "unit"})


def test_a_bad_id_number_is_a_form_error(city):
    with pytest.raises(FormInvalid) as caught:
        request_file(actor=actor(city.clerk), kind="operator.account.open", data={
            "real_name": "王新", "id_number": "320102198503150071", "mobile": "13912340001", "title": "经办",
            "role": "operator"})
    assert "id_number" in caught.value.form.errors


def test_appointment_report_is_acknowledged_by_the_upper_units_security_administrator(tree, city):
    from fenji.core.access.roles import SECURITY_ADMIN

    county = Office(tree.county, "玄武")
    upper = make_account(tree.city, name="南京安全管理员", role=SECURITY_ADMIN)
    request = request_file(actor=actor(county.clerk), kind="admin.appointment.report",
                           data={"account": county.account_admin.pk, "role": "account_admin", "document": "玄人社〔2026〕3号"})
    step_decide(actor=actor(county.leader), step=_open_step(request), approve=True)
    step_decide(actor=actor(upper), step=_open_step(request), approve=True)
    request.refresh_from_db()
    assert request.state == RequestState.DONE and "玄人社〔2026〕3号" in request.result


def test_the_person_a_request_is_about_cannot_sign_it(city):
    request = request_file(actor=actor(city.clerk), kind="operator.permission.grant",
                           data={"account": city.head.pk, "role": "operator", "reach": "unit"})
    with pytest.raises(RuleViolation, match="涉及您本人"):
        step_decide(actor=actor(city.head), step=_open_step(request), approve=True)
    from fenji.core.workflow.selectors import step_list_awaiting

    assert not step_list_awaiting(actor=actor(city.head)).filter(request=request).exists()


def test_request_forms_offer_only_the_requesting_units_own_staff(tree, city):
    from fenji.core.console.requests import AccountCancelForm

    below = make_account(tree.county, name="区里人员")
    choices = dict(AccountCancelForm(actor=actor(city.clerk), unit=tree.city).fields["account"].choices)
    assert city.head.pk in choices and below.pk not in choices
