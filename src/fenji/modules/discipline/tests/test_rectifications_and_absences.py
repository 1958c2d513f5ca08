"""以案促改 (P7: opened by the case service when a case closes with a sanction; closed only with rectification
measures and a follow-up visit) and 外出报备 (P6: a principal leader names an acting person; not back by the return
date and no extension is overdue; the county office reads every unit's); scope; the pages and the API."""

import datetime

import pytest
from django.utils import timezone

from fenji.core.access.roles import BUILTIN_ROLES
from fenji.core.audit.models import AuditEvent
from fenji.core.kernel.errors import DomainError, NotVisible
from fenji.modules.discipline import case_services, followup_selectors, followup_services
from fenji.modules.discipline.case_services import SanctionIn
from fenji.modules.discipline.models import Absence, Rectification, RectificationState
from fenji.modules.discipline.services import SubjectIn
from fenji.testing import actor, make_account, shared_world

from .world import discipline_tree

DAY = datetime.timedelta(days=1)


class World:
    pass


def _closed_case(w, sanctioned: bool):
    today = timezone.localdate()
    officer = actor(w.officer)
    case = case_services.case_register(actor=officer, unit=w.town, case_type="discipline", summary="虚报冒领补贴",
                                       subjects=[SubjectIn("张某", "白沙镇农业服务中心", "staff", "会计", True)])
    case_services.case_approve(actor=actor(w.leader), case=case)
    case_services.case_file(actor=officer, case=case, party_approver="镇党委书记", party_approved_on=today,
                            filed_on=today)
    case_services.case_transfer_review(actor=officer, case=case, transferred_on=today, report="事实清楚")
    case_services.case_review(actor=officer, case=case, reviewed_on=today, participants="全体委员", opinion="意见")
    sanctions = [SanctionIn(case.subjects.get().pk, "party_warning", today)] if sanctioned else []
    case_services.case_decide(actor=officer, case=case, decided_on=today, decision_ref="白纪1号",
                              note="" if sanctioned else "免予处分", sanctions=sanctions)
    return case_services.case_execute(actor=officer, case=case, executed_on=today)


def build():
    w = World()
    w.county, w.town, w.other = discipline_tree("JW-F")
    w.officer = make_account(w.town, name="白沙镇纪委委员", role=BUILTIN_ROLES["case_officer"])
    w.leader = make_account(w.town, name="白沙镇纪委书记", role=BUILTIN_ROLES["unit_leader"])
    w.member = make_account(w.town, name="白沙镇纪委干部", role=BUILTIN_ROLES["conduct_officer"])
    w.other_member = make_account(w.other, name="姚家镇纪委干部", role=BUILTIN_ROLES["conduct_officer"])
    w.office = make_account(w.county, name="办公室干部", role=BUILTIN_ROLES["absence_viewer"])
    w.case = _closed_case(w, sanctioned=True)
    w.unsanctioned = _closed_case(w, sanctioned=False)
    return w


_world, w = shared_world(build, profile="discipline")


def away(w, person=None, start=None, end=None, filer=None, **kwargs):
    today = timezone.localdate()
    values = {"purpose": "official", "reason": "参加培训", "destination": "郑州市", "contact": "13700005555"}
    values.update(kwargs)
    return followup_services.absence_file(actor=actor(filer or w.member), person=person or w.member,
                                          start_on=start or today, end_on=end or today + DAY, **values)


def item_of(w) -> Rectification:
    return Rectification.objects.unscoped(reason="test").get(case=w.case)


def test_a_case_closed_with_a_sanction_opens_its_rectification(w):
    item = item_of(w)
    assert item.state == RectificationState.OPENED and item.incident_unit == "白沙镇农业服务中心"
    assert item.unit_id == w.town.pk and item.due_on > item.opened_on
    assert not Rectification.objects.unscoped(reason="test").filter(case=w.unsanctioned).exists()
    assert AuditEvent.objects.filter(action="discipline.rectification.open", target_id=str(item.pk)).exists()
    assert "discipline.rectification" in [t.kind for t in followup_selectors.followup_todos(actor(w.officer))]


def test_a_rectification_closes_only_with_measures_and_a_visit(w):
    item, officer, today = item_of(w), actor(w.officer), timezone.localdate()
    with pytest.raises(DomainError, match="须有整改措施和回访记录才能办结：尚缺整改措施、回访"):
        followup_services.rectification_close(actor=officer, item=item)
    with pytest.raises(DomainError, match="请先登记整改措施"):
        followup_services.rectification_revisit(actor=officer, item=item, revisited_on=today, result="整改到位")
    item = followup_services.rectification_record(actor=officer, item=item, analysis="剖析报告", warned_on=today)
    assert item.state == RectificationState.WARNED
    item = followup_services.rectification_record(actor=officer, item=item, measures="建立专项资金双人审核制度")
    assert item.state == RectificationState.RECTIFYING and item.analysis == "剖析报告"  # a blank keeps what was there
    with pytest.raises(DomainError, match="尚缺回访"):
        followup_services.rectification_close(actor=officer, item=item)
    assert item_of(w).state == RectificationState.RECTIFYING
    followup_services.rectification_revisit(actor=officer, item=item, revisited_on=today, result="制度已落实")
    item = followup_services.rectification_close(actor=officer, item=item)
    assert item.state == RectificationState.CLOSED and item.closed_on == today


def test_a_principal_leaders_absence_needs_an_acting_person(w):
    with pytest.raises(DomainError, match="是单位主要负责人，外出须明确代为主持工作的人员"):
        away(w, person=w.leader)
    assert not Absence.objects.unscoped(reason="test").exists()
    absence = away(w, person=w.leader, acting_person="白沙镇纪委副书记")
    assert absence.principal and absence.acting_person == "白沙镇纪委副书记"
    assert not away(w).principal  # anyone else: no acting person asked
    with pytest.raises(DomainError, match="通讯畅通"):
        away(w, contact="0371")
    with pytest.raises(DomainError, match="返回日期不能早于外出日期"):
        away(w, end=timezone.localdate() - DAY)


def test_not_back_by_the_end_and_not_extended_is_overdue(w):
    today = timezone.localdate()
    absence = away(w, start=today - 5 * DAY, end=today - 2 * DAY)
    assert absence.late_filed  # reported by phone, filed afterwards
    with pytest.raises(DomainError, match="不能审批本人"):
        followup_services.absence_approve(actor=actor(w.member), absence=absence)
    absence = followup_services.absence_approve(actor=actor(w.leader), absence=absence)
    overdue = followup_selectors.absence_list(actor=actor(w.office), overdue=True)
    assert list(overdue) == [absence]
    with pytest.raises(DomainError, match="须晚于"):
        followup_services.absence_extend(actor=actor(w.member), absence=absence, new_end=today - 3 * DAY, reason="x")
    absence = followup_services.absence_extend(actor=actor(w.member), absence=absence, new_end=today + DAY,
                                               reason="培训延长")
    assert not followup_selectors.absence_list(actor=actor(w.office), overdue=True).exists()
    absence = followup_services.absence_return(actor=actor(w.member), absence=absence, returned_on=today)
    assert absence.state == "returned"
    assert "discipline.absence.return" not in [t.kind for t in followup_selectors.followup_todos(actor(w.member))]


def test_the_county_office_sees_every_units_absences_and_a_town_only_its_own(w):
    mine = away(w)
    theirs = away(w, person=w.other_member, filer=w.other_member)
    assert set(followup_selectors.absence_list(actor=actor(w.office))) == {mine, theirs}
    assert list(followup_selectors.absence_list(actor=actor(w.other_member))) == [theirs]
    with pytest.raises(NotVisible):
        followup_selectors.absence_get(actor=actor(w.other_member), pk=mine.pk)
    assert [t.kind for t in followup_selectors.followup_todos(actor(w.leader))] == ["discipline.absence.approve"]


def test_the_pages_and_api_keep_to_scope(w, client, login):
    today = timezone.localdate().isoformat()
    mine = away(w)
    item = item_of(w)
    login(w.other_member)
    assert client.get(f"/discipline/absences/{mine.pk}/").status_code == 404
    assert client.get(f"/api/v1/discipline/absences/{mine.pk}").status_code == 404
    client.logout()
    login(w.office)
    listing = client.get("/discipline/absences/").content.decode()
    assert "白沙镇纪委干部" in listing and "符合条件的外出报备 1 条" in listing
    assert client.get("/discipline/absences/?format=xlsx").status_code == 200
    client.logout()
    login(w.member)
    response = client.post("/discipline/absences/new/", {
        "person": w.leader.pk, "purpose": "private", "reason": "探亲", "destination": "开封市", "start_on": today,
        "end_on": today, "contact": "13700006666"})
    assert "外出须明确代为主持工作的人员" in response.content.decode()
    response = client.post("/api/v1/discipline/absences", {
        "person": w.leader.pk, "purpose": "private", "reason": "探亲", "destination": "开封市", "start_on": today,
        "end_on": today, "contact": "13700006666", "acting_person": "副书记"}, content_type="application/json")
    assert response.status_code == 201 and response.json()["principal"] is True
    client.logout()
    login(w.officer)
    here = f"/discipline/rectifications/{item.pk}/"
    assert "白沙镇农业服务中心" in client.get("/discipline/rectifications/").content.decode()
    client.post(here, {"op": "close"})
    assert item_of(w).state == RectificationState.OPENED
    assert client.post(here, {"op": "record", "record-measures": "建章立制"}).status_code == 302
    response = client.post(f"/api/v1/discipline/rectifications/{item.pk}/revisit",
                           {"revisited_on": today, "result": "已整改"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["state"] == "revisited"
    client.post(here, {"op": "close"})
    assert item_of(w).state == RectificationState.CLOSED
    assert client.get(f"/api/v1/discipline/rectifications/{item.pk}").json()["closed_on"] == today
