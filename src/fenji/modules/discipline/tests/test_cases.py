"""Cases (案件, design/domain/discipline.md §1 and P5): filed only with both approvals (the unit's principal leader
and the same-level Party committee's), from a clue moved to 审查调查 (linked) or directly; investigation, 审理,
the decision with sanctions from both lists and their periods (``sanctions.sanction_end``), execution, appeals;
the rank guard as for petitions and clues; scope; the pages and the API."""

import datetime

import pytest
from django.utils import timezone

from fenji.core.access.roles import BUILTIN_ROLES
from fenji.core.audit.models import AuditEvent
from fenji.core.kernel.errors import AccessDenied, DomainError, NotVisible
from fenji.core.web import nav
from fenji.modules.discipline import case_services, selectors, services
from fenji.modules.discipline.case_services import SanctionIn
from fenji.modules.discipline.models import Case, CaseState, CaseSubject, Sanction, UpwardReport
from fenji.modules.discipline.sanctions import add_months, sanction_end
from fenji.modules.discipline.services import SubjectIn
from fenji.testing import actor, make_account, shared_world

from .world import discipline_tree

CASE = BUILTIN_ROLES["case_officer"]
LEADER = BUILTIN_ROLES["unit_leader"]
CLERK = SubjectIn("张某", "白沙镇农业服务中心", "staff", "会计", True)
D = datetime.date


class World:
    pass


def build():
    w = World()
    w.county, w.town, w.other = discipline_tree("JW-K")
    w.officer = make_account(w.town, name="白沙镇纪委委员", role=CASE)
    w.leader = make_account(w.town, name="白沙镇纪委书记", role=LEADER)
    w.other_officer = make_account(w.other, name="姚家镇纪委委员", role=CASE)
    w.county_officer = make_account(w.county, name="案管室干部", role=CASE)
    today = timezone.localdate()
    officer, leader = actor(w.officer), actor(w.leader)
    w.clue = services.clue_register(actor=officer, unit=w.town, received_on=today, source="assigned",
                                    summary="反映张某虚报冒领补贴", subjects=[CLERK])
    services.clue_assign(actor=officer, clue=w.clue, handlers=[w.officer])
    services.clue_approve(actor=leader, clue=w.clue)
    services.clue_dispose(actor=officer, clue=w.clue, disposal="transfer", study_on=today, study_participants="全体委员",
                          study_conclusion="同意移送审查调查")
    w.clue = services.clue_sign(actor=officer, clue=w.clue)
    w.plain_clue = services.clue_register(actor=officer, unit=w.town, received_on=today, source="other",
                                          summary="反映李某", subjects=[CLERK])
    return w


_world, w = shared_world(build, profile="discipline")


def propose(w, **kwargs):
    values = {"case_type": "both", "summary": "张某虚报冒领农机补贴 3 万元", "subjects": [CLERK]}
    values.update(kwargs)
    return case_services.case_register(actor=actor(w.officer), unit=w.town, **values)


def filed(w, **kwargs):
    today = timezone.localdate()
    case = case_services.case_approve(actor=actor(w.leader), case=propose(w, **kwargs))
    return case_services.case_file(actor=actor(w.officer), case=case, party_approver="镇党委书记", party_approved_on=today,
                              filed_on=today)


def decided(w, sanctions=None):
    today = timezone.localdate()
    case = filed(w)
    case = case_services.case_transfer_review(actor=actor(w.officer), case=case, transferred_on=today, report="事实清楚")
    case = case_services.case_review(actor=actor(w.officer), case=case, reviewed_on=today, participants="全体委员",
                                opinion="建议给予记过处分")
    subject = case.subjects.get()
    return case_services.case_decide(actor=actor(w.officer), case=case, decided_on=today, decision_ref="白纪〔2026〕1号",
                                sanctions=sanctions or [SanctionIn(subject.pk, "gov_demerit", today)])


def test_sanction_periods_count_calendar_months_from_the_start():
    assert sanction_end("gov_demerit", D(2026, 3, 15)) == D(2027, 3, 15)  # 记过 12 months
    assert sanction_end("gov_warning", D(2026, 8, 31)) == D(2027, 2, 28)  # no 31 February: the month's last day
    assert sanction_end("gov_major_demerit", D(2026, 1, 1)) == D(2027, 7, 1)
    assert sanction_end("gov_dismissal", D(2026, 1, 1)) == sanction_end("gov_demotion", D(2026, 1, 1)) == D(2028, 1, 1)
    assert sanction_end("party_serious_warning", D(2026, 1, 1)) == D(2027, 7, 1)
    assert sanction_end("party_probation", D(2026, 1, 1), 24) == D(2028, 1, 1)
    assert sanction_end("party_expulsion", D(2026, 1, 1)) is None and sanction_end("gov_discharge", D(2026, 1, 1)) is None
    with pytest.raises(DomainError, match="一年或二年"):
        sanction_end("party_probation", D(2026, 1, 1))
    with pytest.raises(DomainError, match="处分的种类"):
        sanction_end("记过", D(2026, 1, 1))


def test_a_case_from_a_clue_walks_every_stage_to_its_close(w):
    today = timezone.localdate()
    case = propose(w, clue=w.clue, subjects=())
    assert case.clue_id == w.clue.pk and case.state == CaseState.PROPOSED
    assert CaseSubject.objects.get(case=case).name == "张某"  # taken over from the clue
    assert [t.kind for t in selectors.case_todos(actor(w.leader))] == ["discipline.case.approve"]
    case = case_services.case_approve(actor=actor(w.leader), case=case, note="同意")
    case = case_services.case_file(actor=actor(w.officer), case=case, party_approver="镇党委书记", party_approved_on=today,
                              filed_on=today)
    assert case.state == CaseState.INVESTIGATING and case.investigation_due == add_months(today, 3)
    assert [t.kind for t in selectors.case_todos(actor(w.officer))] == ["discipline.case.investigate"]
    case = case_services.case_transfer_review(actor=actor(w.officer), case=case, transferred_on=today, report="事实清楚")
    case = case_services.case_review(actor=actor(w.officer), case=case, reviewed_on=today, participants="全体委员",
                                opinion="建议给予党内警告、记过处分")
    subject = case.subjects.get()
    case = case_services.case_decide(actor=actor(w.officer), case=case, decided_on=today, decision_ref="白纪〔2026〕1号",
                                sanctions=[SanctionIn(subject.pk, "party_warning", today),
                                           SanctionIn(subject.pk, "gov_demerit", today)])
    ends = dict(Sanction.objects.filter(case=case).values_list("kind", "end_on"))
    assert ends == {"party_warning": sanction_end("party_warning", today), "gov_demerit": sanction_end("gov_demerit", today)}
    case = case_services.case_execute(actor=actor(w.officer), case=case, executed_on=today)
    assert case.state == CaseState.CLOSED
    actions = list(AuditEvent.objects.filter(target_type="discipline.case", target_id=str(case.pk))
                   .order_by("seq").values_list("action", flat=True))
    assert actions == ["discipline.case.register", "discipline.case.approve", "discipline.case.file",
                       "discipline.case.transfer", "discipline.case.review", "discipline.case.decide",
                       "discipline.case.execute"]


def test_filing_needs_both_approvals(w):
    case = propose(w)
    with pytest.raises(DomainError, match="须经本机关主要负责人审批"):
        case_services.case_file(actor=actor(w.officer), case=case, party_approver="镇党委书记",
                           party_approved_on=timezone.localdate(), filed_on=timezone.localdate())
    with pytest.raises(AccessDenied):
        case_services.case_approve(actor=actor(w.officer), case=case)  # not the principal leader
    case = case_services.case_approve(actor=actor(w.leader), case=case)
    with pytest.raises(DomainError, match="须经同级党委主要负责人批准"):
        case_services.case_file(actor=actor(w.officer), case=case, party_approver="  ", party_approved_on=None,
                           filed_on=timezone.localdate())
    with pytest.raises(DomainError, match="立案日期不能晚于今天"):
        case_services.case_file(actor=actor(w.officer), case=case, party_approver="镇党委书记",
                           party_approved_on=timezone.localdate(),
                           filed_on=timezone.localdate() + datetime.timedelta(days=1))
    case = Case.objects.unscoped(reason="test").get(pk=case.pk)
    assert case.state == CaseState.APPROVED and case.filed_on is None and case.party_approver == ""
    refused = case_services.case_approve(actor=actor(w.leader), case=propose(w), approve=False, note="证据不足")
    assert refused.state == CaseState.NOT_FILED


def test_only_a_clue_moved_to_investigation_becomes_a_case_and_once(w):
    with pytest.raises(DomainError, match="未经集体研究移送审查调查"):
        propose(w, clue=w.plain_clue)
    propose(w, clue=w.clue)
    with pytest.raises(DomainError, match="已立案"):
        propose(w, clue=w.clue)


def test_the_rank_guard_refuses_a_case_before_anything_is_written(w):
    deputy = SubjectIn("王某", "白沙镇人民政府", "副科", "副镇长")
    with pytest.raises(services.RankRefused) as refused:
        propose(w, subjects=[deputy])
    assert not Case.objects.unscoped(reason="test").exists()
    assert UpwardReport.objects.unscoped(reason="test").filter(unit=w.town).count() == 1
    # the case officer registers no petition, yet the task is theirs to see and carry out
    officer = actor(w.officer)
    assert [r.pk for r in selectors.upward_list(actor=officer)] == [refused.value.report.pk]
    assert [t.kind for t in nav.todos_for(officer) if t.kind == "discipline.upward"] == ["discipline.upward"]
    services.upward_report_done(actor=officer, report=refused.value.report, done_on=timezone.localdate())
    assert selectors.upward_list(actor=actor(w.other_officer)).count() == 0  # another town's officer: not theirs
    case = case_services.case_register(actor=actor(w.county_officer), unit=w.county, case_type="supervision",
                                  summary="副镇长违规吃喝", subjects=[deputy])
    assert case.unit_id == w.county.pk


def test_the_decision_checks_its_sanctions(w):
    case = filed(w, subjects=[SubjectIn("李某", "某村", "village_cadre", "主任", False)])
    today = timezone.localdate()
    case = case_services.case_transfer_review(actor=actor(w.officer), case=case, transferred_on=today, report="查实")
    case = case_services.case_review(actor=actor(w.officer), case=case, reviewed_on=today, participants="委员", opinion="意见")
    subject = case.subjects.get()

    def decide(*sanctions, note=""):
        return case_services.case_decide(actor=actor(w.officer), case=case, decided_on=today, decision_ref="1号",
                                    note=note, sanctions=list(sanctions))

    with pytest.raises(DomainError, match="不是党员，不能给予党纪处分"):
        decide(SanctionIn(subject.pk, "party_warning", today))
    with pytest.raises(DomainError, match="只能给予一种处分"):
        decide(SanctionIn(subject.pk, "gov_warning", today), SanctionIn(subject.pk, "gov_demerit", today))
    with pytest.raises(DomainError, match="不能早于决定日期"):
        decide(SanctionIn(subject.pk, "gov_demerit", today - datetime.timedelta(days=1)))
    with pytest.raises(DomainError, match="处理决定"):
        decide()  # no sanction needs the decision's words
    assert not Sanction.objects.filter(case=case).exists()
    assert decide(note="免予处分").state == CaseState.DECIDED


def test_an_appeal_has_its_deadline_and_does_not_stop_execution(w):
    case = decided(w)
    today = timezone.localdate()
    appeal = case_services.appeal_register(actor=actor(w.officer), case=case, kind="recheck", applied_on=today,
                                      reason="认为处分过重")
    assert appeal.due_on == add_months(today, 2)  # 复核: two months (监察法 §56)
    assert "discipline.case.appeal" in [t.kind for t in selectors.case_todos(actor(w.officer))]
    case = case_services.case_execute(actor=actor(w.officer), case=case, executed_on=today)
    assert case.state == CaseState.CLOSED
    with pytest.raises(DomainError, match="结果说明"):
        case_services.appeal_decide(actor=actor(w.officer), appeal=appeal, decided_on=today, result="changed")
    appeal = case_services.appeal_decide(actor=actor(w.officer), appeal=appeal, decided_on=today, result="upheld")
    assert appeal.result == "upheld"


def test_scope_another_towns_officer_sees_nothing(w):
    case = propose(w)
    with pytest.raises(NotVisible):
        selectors.case_get(actor=actor(w.other_officer), pk=case.pk)
    assert selectors.case_get(actor=actor(w.county_officer), pk=case.pk) == case
    with pytest.raises(AccessDenied):
        case_services.case_approve(actor=actor(w.other_officer), case=case)


def test_the_pages_and_api_walk_the_case_and_keep_to_scope(w, client, login):
    case = propose(w, clue=w.clue, subjects=())
    login(w.other_officer)
    assert client.get(f"/discipline/cases/{case.pk}/").status_code == 404
    assert client.get(f"/api/v1/discipline/cases/{case.pk}").status_code == 404
    client.logout()
    login(w.officer)
    listing = client.get("/discipline/cases/").content.decode()
    assert case.number in listing and "符合条件的案件 1 件" in listing
    assert client.get("/discipline/cases/?format=xlsx&state=proposed").status_code == 200
    here = f"/discipline/cases/{case.pk}/"
    assert client.post(here, {"op": "approve", "approve-approve": "yes"}).status_code == 403  # not the leader
    assert Case.objects.unscoped(reason="t").get(pk=case.pk).state == CaseState.PROPOSED
    assert client.post(f"/api/v1/discipline/cases/{case.pk}/approve", {},
                       content_type="application/json").status_code == 403
    client.logout()
    login(w.leader)
    assert 'id="approve"' in client.get(here).content.decode()
    assert client.post(here, {"op": "approve", "approve-approve": "yes"}).status_code == 302
    client.logout()
    login(w.officer)
    today = timezone.localdate().isoformat()
    page = client.post(here, {"op": "file", "file-filed_on": today}).content.decode()
    assert "须经同级党委主要负责人批准" in page
    response = client.post(f"/api/v1/discipline/cases/{case.pk}/file", {
        "party_approver": "镇党委书记", "party_approved_on": today, "filed_on": today}, content_type="application/json")
    assert response.status_code == 200 and response.json()["state"] == "investigating"
    assert client.post(here, {"op": "transfer", "transfer-transferred_on": today,
                              "transfer-report": "事实清楚"}).status_code == 302
    assert client.post(here, {"op": "review", "review-reviewed_on": today, "review-participants": "全体委员",
                              "review-opinion": "建议记过"}).status_code == 302
    subject = case.subjects.get()
    assert client.post(here, {"op": "decide", "decide-decided_on": today, "decide-decision_ref": "白纪1号",
                              f"decide-p{subject.pk}_gov": "gov_demerit"}).status_code == 302
    page = client.get(here).content.decode()
    assert "记过" in page and sanction_end("gov_demerit", timezone.localdate()).strftime("%Y-%m-%d") in page
    response = client.post(f"/api/v1/discipline/cases/{case.pk}/execute", {"executed_on": today},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["sanctions"][0]["label"] == "记过"
    response = client.post("/api/v1/discipline/cases", {
        "case_type": "discipline", "summary": "反映副镇长",
        "subjects": [{"name": "王某", "workplace": "镇政府", "rank": "副科"}]}, content_type="application/json")
    assert response.status_code == 400 and "上报编号" in response.content.decode()
