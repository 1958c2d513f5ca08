"""Filing, deciding, carrying out and withdrawing requests; working-day deadlines; timeliness."""

import datetime
import zoneinfo

import pytest
import time_machine

from fenji.core.access import policy
from fenji.core.access.roles import DEPT_HEAD, PERMISSION_ADMIN, UNIT_LEADER
from fenji.core.access.services import RuleViolation, grant_create
from fenji.core.audit.models import AuditEvent, Outcome
from fenji.core.audit.services import PLATFORM
from fenji.core.calendar import services as calendar
from fenji.core.calendar.models import DayKind
from fenji.core.kernel.errors import AccessDenied, DomainError, NotVisible
from fenji.core.workflow import selectors, services
from fenji.core.workflow.models import Request, RequestState, Step, StepState
from fenji.core.workflow.reminders import deciders
from fenji.testing import actor as as_actor
from fenji.testing import make_account

from .sample import FAIL, KIND

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime.datetime(*args, tzinfo=TZ)


def file(account, name="开通测试", **extra) -> Request:
    return services.request_file(actor=as_actor(account), kind=KIND, data={"name": name, **extra})


def open_step(request) -> Step:
    return Step.objects.unscoped(reason="test").get(request=request, state=StepState.OPEN)


def decide(account, request, *, approve=True, opinion="") -> Step:
    return services.step_decide(actor=as_actor(account), step=open_step(request), approve=approve, opinion=opinion)


def steps(request) -> list[tuple[str, str]]:
    return [(s.code, s.state) for s in selectors.step_list_for_request(request)]


def fresh(request) -> Request:
    return Request.objects.unscoped(reason="test").get(pk=request.pk)


# --- the happy path ------------------------------------------------------------------------------


def test_a_request_is_endorsed_approved_and_carried_out(seeded, people):
    request = file(people.staff, "新增岗位")
    assert request.title == "测试：新增岗位" and request.unit_id == people.staff.unit_id
    assert steps(request) == [("endorse", "open"), ("approve", "waiting"), ("execute", "waiting")]
    decide(people.head, request, opinion="同意")
    decide(people.leader, request)
    done = decide(people.executor, request)
    assert done.state == StepState.DONE and done.result == "已办理“新增岗位”"
    request = fresh(request)
    assert request.state == RequestState.DONE and request.closed_at is not None
    assert request.result == "已办理“新增岗位”"
    assert steps(request) == [("endorse", "approved"), ("approve", "approved"), ("execute", "done")]
    decided_by = [s.decided_by_id for s in selectors.step_list_for_request(request)]
    assert decided_by == [people.head.pk, people.leader.pk, people.executor.pk]
    events = AuditEvent.objects.filter(target_type="workflow.request", target_id=str(request.pk)).order_by("seq")
    assert [e.details.get("step") for e in events] == [None, "endorse", "approve", "execute"]


def test_the_awaiting_lists_follow_the_steps(seeded, people):
    request = file(people.staff)
    assert [s.request_id for s in selectors.step_list_awaiting(actor=as_actor(people.head))] == [request.pk]
    assert not selectors.step_list_awaiting(actor=as_actor(people.leader)).exists()
    assert not selectors.step_list_awaiting(actor=as_actor(people.sibling_head)).exists()
    assert selectors.step_get_open(actor=as_actor(people.sibling_head), request=request) is None
    with pytest.raises(NotVisible):
        selectors.request_get(actor=as_actor(people.sibling_head), pk=request.pk)
    decide(people.head, request)
    assert not selectors.step_list_awaiting(actor=as_actor(people.head)).exists()
    assert [s.code for s in selectors.step_list_awaiting(actor=as_actor(people.leader))] == ["approve"]


# --- separation of duties ------------------------------------------------------------------------


def test_the_requester_may_not_decide_a_step_of_the_own_request(seeded, people):
    request = file(people.head, "处长自己的申请")  # a department head may file as well as endorse
    assert not selectors.step_list_awaiting(actor=as_actor(people.head)).exists()
    with pytest.raises(RuleViolation) as refused:
        decide(people.head, request)
    assert refused.value.message == "审批人不能是申请人本人：请由其他有权限的人员办理"
    assert refused.value.rule == "approver_is_requester"
    assert steps(request)[0] == ("endorse", "open")
    denial = AuditEvent.objects.filter(outcome=Outcome.DENIED, actor_id=people.head.pk).get()
    assert denial.details["rule"] == "approver_is_requester" and denial.action == "workflow.request.endorse"


def test_one_person_may_not_decide_two_steps_of_one_request(seeded, people, tree):
    both = make_account(tree.county, name="兼任处长")
    grant_create(actor=policy.SYSTEM, account=both, role=DEPT_HEAD.code, unit=tree.county)
    grant_create(actor=policy.SYSTEM, account=both, role=UNIT_LEADER.code, unit=tree.county)
    request = file(people.staff)
    decide(both, request)
    with pytest.raises(RuleViolation, match="同一申请的不同环节须由不同人员办理") as refused:
        decide(both, request)
    assert refused.value.rule == "one_person_one_step"
    assert steps(request)[1] == ("approve", "open")
    assert AuditEvent.objects.filter(outcome=Outcome.DENIED, actor_id=both.pk,
                                     details__rule="one_person_one_step").count() == 1
    decide(people.leader, request)  # someone else may
    assert steps(request)[1] == ("approve", "approved")


def test_a_decider_outside_the_unit_is_refused(seeded, people):
    request = file(people.staff)
    with pytest.raises(AccessDenied) as refused:
        decide(people.sibling_head, request)
    assert refused.value.rule == "out_of_scope"
    assert steps(request)[0] == ("endorse", "open")


def test_a_superior_may_not_sign_the_units_own_opinions(seeded, people, tree):
    """南京's department head and leader hold endorse/approve over 玄武区 through their subtree grants,
    but the department opinion and the leader opinion are 玄武区's own: only its people sign them.
    The executing step keeps its rule (an administrator above may carry it out)."""
    city_head = make_account(tree.city, name="南京处长", role=DEPT_HEAD)
    city_leader = make_account(tree.city, name="南京分管领导", role=UNIT_LEADER)
    request = file(people.staff)
    for superior, own in ((city_head, people.head), (city_leader, people.leader)):
        assert not selectors.step_list_awaiting(actor=as_actor(superior)).exists()
        assert selectors.step_get_open(actor=as_actor(superior), request=request) is None
        assert superior.pk not in {a.pk for a in deciders(open_step(request))}
        assert own.pk in {a.pk for a in deciders(open_step(request))}
        with pytest.raises(RuleViolation) as refused:
            decide(superior, request)
        assert refused.value.rule == "not_own_unit" and "本单位人员签署" in refused.value.message
        assert open_step(request).decided_by_id is None
        assert AuditEvent.objects.filter(outcome=Outcome.DENIED, actor_id=superior.pk,
                                         details__rule="not_own_unit").count() == 1
        decide(own, request)  # the unit's own head, then its own leader
    city_executor = make_account(tree.city, name="南京权限管理员", role=PERMISSION_ADMIN)
    assert decide(city_executor, request).state == StepState.DONE


# --- disagreement, failures ----------------------------------------------------------------------


def test_a_disagreement_needs_an_opinion_closes_the_request_and_cancels_the_rest(seeded, people):
    request = file(people.staff)
    decide(people.head, request)
    with pytest.raises(DomainError, match="不同意时请填写意见"):
        decide(people.leader, request, approve=False)
    assert steps(request)[1] == ("approve", "open")
    rejected = decide(people.leader, request, approve=False, opinion="岗位不需要该权限")
    assert rejected.state == StepState.REJECTED and rejected.opinion == "岗位不需要该权限"
    request = fresh(request)
    assert request.state == RequestState.REJECTED and request.closed_at is not None
    assert steps(request) == [("endorse", "approved"), ("approve", "rejected"), ("execute", "cancelled")]
    assert not selectors.step_list_awaiting(actor=as_actor(people.executor)).exists()
    with pytest.raises(DomainError, match="已办理或申请已结束"):
        services.step_decide(actor=as_actor(people.executor), step=selectors.step_list_for_request(request)[2],
                             approve=True)


def test_a_failing_service_undoes_the_decision(seeded, people):
    request = file(people.staff, FAIL)
    decide(people.head, request)
    decide(people.leader, request)
    before = AuditEvent.objects.count()
    with pytest.raises(DomainError, match="办理服务拒绝了该申请"):
        decide(people.executor, request)
    step = open_step(request)
    assert step.code == "execute" and step.decided_by_id is None and step.decided_at is None and step.result == ""
    assert fresh(request).state == RequestState.PENDING
    assert AuditEvent.objects.count() == before  # nothing of the refused decision was kept


# --- withdrawal ----------------------------------------------------------------------------------


def test_the_requester_withdraws_while_nothing_is_decided(seeded, people):
    request = file(people.staff)
    with pytest.raises(NotVisible):
        services.request_withdraw(actor=as_actor(people.head), request=request)
    services.request_withdraw(actor=as_actor(people.staff), request=request, reason="填错了")
    request = fresh(request)
    assert request.state == RequestState.WITHDRAWN and request.closed_at is not None
    assert {state for _code, state in steps(request)} == {"cancelled"}
    assert not selectors.step_list_awaiting(actor=as_actor(people.head)).exists()
    with pytest.raises(DomainError, match="申请已结束，不能撤回"):
        services.request_withdraw(actor=as_actor(people.staff), request=request)


def test_no_withdrawal_once_a_step_is_decided(seeded, people):
    request = file(people.staff)
    decide(people.head, request)
    with pytest.raises(DomainError, match="已有环节办理，不能撤回"):
        services.request_withdraw(actor=as_actor(people.staff), request=request)
    assert fresh(request).state == RequestState.PENDING


# --- deadlines -----------------------------------------------------------------------------------


def test_a_deadline_skips_the_national_day_holiday(seeded, people):
    # Wed 2026-09-30 + 3 working days: 10-01..10-07 off, Thu 10-08 (1), Fri 10-09 (2), Sat 10-10 (3, 调休上班).
    with time_machine.travel(at(2026, 9, 30, 10, 0), tick=False):
        request = file(people.staff)
    step = open_step(request)
    assert step.opened_at == at(2026, 9, 30, 10, 0)
    assert step.due_at == at(2026, 10, 10, 10, 0)
    assert step.due_provisional is False
    with time_machine.travel(at(2026, 10, 8, 9, 0), tick=False):  # back from the holiday: not late yet
        assert not step.overdue
        decide(people.head, request)
    assert selectors.step_list_for_request(request)[0].on_time is True


def test_a_deadline_past_the_last_confirmed_year_is_provisional_and_recomputed(seeded, people):
    # Wed 2026-12-30 + 3: Thu 12-31 (1), Fri 2027-01-01 (2, not known to be a holiday yet), Mon 01-04 (3).
    with time_machine.travel(at(2026, 12, 30, 15, 30), tick=False):
        request = file(people.staff)
    step = open_step(request)
    assert step.due_at == at(2027, 1, 4, 15, 30) and step.due_provisional is True
    assert services.step_deadlines_refresh() == 0  # nothing changed in the calendar yet
    calendar.day_override_set(actor=PLATFORM, date=datetime.date(2027, 1, 1), kind=DayKind.HOLIDAY, name="元旦")
    calendar.calendar_year_confirm(actor=PLATFORM, year=2027)
    assert services.step_deadlines_refresh() == 1
    step = open_step(request)
    assert step.due_at == at(2027, 1, 5, 15, 30) and step.due_provisional is False
    assert services.step_deadlines_refresh() == 0


# --- timeliness ----------------------------------------------------------------------------------


def test_timeliness_counts_decided_on_time_and_overdue_open(seeded, people, tree):
    with time_machine.travel(at(2026, 6, 1, 9, 0), tick=False):  # Monday; 3 working days → Thu 06-04
        on_time, late, waiting = file(people.staff, "甲"), file(people.staff, "乙"), file(people.staff, "丙")
        decide(people.head, on_time)  # its approval step opens now, due 06-04: left open, it becomes overdue
    with time_machine.travel(at(2026, 6, 22, 9, 0), tick=False):
        decide(people.head, late)
        leader = as_actor(people.leader)
        (row,) = selectors.request_timeliness(actor=leader, root_path=tree.county.path,
                                              start=datetime.date(2026, 6, 1), end=datetime.date(2026, 6, 30))
        assert (row.unit_id, row.decided, row.on_time, row.overdue_open) == (tree.county.pk, 2, 1, 2)
        assert row.rate == 0.5
        assert selectors.request_timeliness(actor=leader, root_path=tree.county.path,
                                            start=datetime.date(2026, 7, 1), end=datetime.date(2026, 7, 31))[0].decided == 0
        with pytest.raises(NotVisible):
            selectors.request_timeliness(actor=as_actor(people.sibling_leader), root_path=tree.county.path,
                                         start=datetime.date(2026, 6, 1), end=datetime.date(2026, 6, 30))
        assert selectors.request_timeliness(actor=as_actor(people.sibling_leader), root_path=tree.sibling_city.path,
                                            start=datetime.date(2026, 6, 1), end=datetime.date(2026, 6, 30)) == []
    assert selectors.step_list_for_request(late)[0].on_time is False
    assert selectors.step_list_for_request(waiting)[0].state == StepState.OPEN
