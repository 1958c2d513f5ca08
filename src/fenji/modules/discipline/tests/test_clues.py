"""Clues (问题线索, design/domain/discipline.md §1, P2, P4): the central ledger, the assignment approved by the
unit's principal leader, disposal by exactly one way (移送审查调查 only after a recorded 集体研究), every handler's
signature before the disposal is final, the outcome; the rank guard as for petitions; scope."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from fenji.core.access.roles import BUILTIN_ROLES
from fenji.core.audit.models import AuditEvent
from fenji.core.audit.services import PLATFORM
from fenji.core.calendar import services as calendar
from fenji.core.kernel.errors import AccessDenied, DomainError, NotVisible
from fenji.core.org.services import unit_create
from fenji.modules.discipline import clue_reminders, clue_report_services, kinds, selectors, services
from fenji.modules.discipline.models import Clue, ClueState, ClueSubject, UpwardReport
from fenji.modules.discipline.services import SubjectIn
from fenji.testing import actor, make_account

CASE = BUILTIN_ROLES["case_officer"]
TZ = datetime.timezone(datetime.timedelta(hours=8))
LEADER = BUILTIN_ROLES["unit_leader"]
CLERK = SubjectIn("张某", "白沙镇农业服务中心", "staff", "会计")
STUDY = {"study_on": None, "study_participants": "书记、副书记、纪委委员", "study_conclusion": "同意移送审查调查"}


@pytest.fixture(autouse=True)
def discipline_profile(settings):
    settings.FENJI_PROFILE = "discipline"


@pytest.fixture
def w(db):
    from fenji.core.access import policy

    class World:
        county = unit_create(actor=policy.SYSTEM, parent=None, name="中牟县纪委监委", kind=kinds.COMMISSION, code="JW-C")
    World.town = unit_create(actor=policy.SYSTEM, parent=World.county, name="白沙镇纪委", kind=kinds.TOWN, code="JW-C-T1")
    World.other = unit_create(actor=policy.SYSTEM, parent=World.county, name="姚家镇纪委", kind=kinds.TOWN,
                              code="JW-C-T2")
    World.officer = make_account(World.town, name="白沙镇纪委委员", role=CASE)
    World.colleague = make_account(World.town, name="白沙镇另一委员", role=CASE)
    World.leader = make_account(World.town, name="白沙镇纪委书记", role=LEADER)
    World.other_officer = make_account(World.other, name="姚家镇纪委委员", role=CASE)
    World.other_leader = make_account(World.other, name="姚家镇纪委书记", role=LEADER)
    return World


def register(w, who=None, unit=None, subjects=(CLERK,), **kwargs):
    values = {"received_on": timezone.localdate(), "source": "assigned", "summary": "反映张某虚报冒领补贴"}
    values.update(kwargs)
    return services.clue_register(actor=actor(who or w.officer), unit=unit or w.town, subjects=list(subjects), **values)


def assigned(w, handlers=None):
    clue = register(w)
    services.clue_assign(actor=actor(w.officer), clue=clue, handlers=handlers or [w.officer, w.colleague],
                         note="请两位委员承办")
    return services.clue_approve(actor=actor(w.leader), clue=clue)


def test_the_whole_path_from_registration_to_the_outcome(w):
    clue = register(w)
    assert clue.state == ClueState.REGISTERED and clue.number.startswith(f"XS{timezone.localdate().year}-JW-C-T1-")
    assert ClueSubject.objects.get(clue=clue).name == "张某"
    clue = services.clue_assign(actor=actor(w.officer), clue=clue, handlers=[w.officer, w.colleague])
    assert clue.state == ClueState.PROPOSED
    assert [t.kind for t in selectors.clue_todos(actor(w.leader))] == ["discipline.clue.approve"]
    clue = services.clue_approve(actor=actor(w.leader), clue=clue)
    assert clue.state == ClueState.ASSIGNED and clue.approved_by_id == w.leader.pk
    assert [t.kind for t in selectors.clue_todos(actor(w.colleague))] == ["discipline.clue.dispose"]
    clue = services.clue_dispose(actor=actor(w.officer), clue=clue, disposal="talk_letter", note="拟谈话函询")
    assert clue.state == ClueState.SIGNING
    clue = services.clue_sign(actor=actor(w.officer), clue=clue)
    assert clue.state == ClueState.SIGNING  # one handler still to sign
    assert [t.kind for t in selectors.clue_todos(actor(w.colleague))] == ["discipline.clue.sign"]
    clue = services.clue_sign(actor=actor(w.colleague), clue=clue, note="同意")
    assert clue.state == ClueState.DISPOSED and clue.report_due > timezone.localdate()
    with pytest.raises(DomainError, match="谈话函询尚未提交函询回复或谈话记录，不能了结"):
        services.clue_conclude(actor=actor(w.officer), clue=clue, outcome="accepted")
    clue_report_services.clue_report_submit(actor=actor(w.colleague), clue=clue, kind="reply",
                                            reported_on=timezone.localdate(), text="本人书面说明：补贴系按规定领取")
    assert [t.kind for t in selectors.clue_todos(actor(w.colleague))] == ["discipline.clue.conclude"]
    clue = services.clue_conclude(actor=actor(w.officer), clue=clue, outcome="accepted", note="函询说明属实，采信了结")
    assert clue.state == ClueState.CONCLUDED and clue.concluded_on == timezone.localdate()
    actions = list(AuditEvent.objects.filter(target_id=str(clue.pk), target_type="discipline.clue")
                   .order_by("seq").values_list("action", flat=True))
    assert actions == ["discipline.clue.register", "discipline.clue.assign", "discipline.clue.approve",
                       "discipline.clue.dispose", "discipline.clue.sign", "discipline.clue.sign",
                       "discipline.clue.report", "discipline.clue.conclude"]


def test_a_clue_from_a_petition_keeps_the_link(w):
    from fenji.core.access import policy

    petitioner = make_account(w.town, name="信访委员", role=BUILTIN_ROLES["petition_officer"])
    petition = services.petition_register(actor=actor(petitioner), unit=w.town, received_on=timezone.localdate(),
                                          channel="letter", category="report", real_name=False, content="反映张某",
                                          subjects=[CLERK])
    clue = register(w, petition=petition, source="other")
    assert clue.petition_id == petition.pk and clue.source == "petition"
    assert policy.can(actor(w.officer), "discipline.clue.manage", w.town.path)


def test_transfer_needs_a_recorded_collective_study(w):
    clue = assigned(w)
    with pytest.raises(DomainError, match="集体研究"):
        services.clue_dispose(actor=actor(w.officer), clue=clue, disposal="transfer")
    clue = services.clue_dispose(actor=actor(w.officer), clue=clue, disposal="transfer",
                                 **{**STUDY, "study_on": timezone.localdate()})
    assert clue.disposal == "transfer" and clue.study_on == timezone.localdate()
    assert clue.study_conclusion == "同意移送审查调查"


def test_a_local_rule_may_ask_a_study_for_other_ways(w, settings):
    settings.FENJI_DISCIPLINE_CLUE_STUDY = "prelim"
    clue = assigned(w)
    with pytest.raises(DomainError, match="初步核实须经集体研究"):
        services.clue_dispose(actor=actor(w.officer), clue=clue, disposal="prelim")


def test_only_one_disposal_way(w):
    clue = assigned(w)
    with pytest.raises(DomainError, match="只能选择一种处置方式"):
        services.clue_dispose(actor=actor(w.officer), clue=clue, disposal=["talk_letter", "prelim"])
    with pytest.raises(DomainError, match="请选择处置方式"):
        services.clue_dispose(actor=actor(w.officer), clue=clue, disposal="warning")
    services.clue_dispose(actor=actor(w.officer), clue=clue, disposal="shelved")
    with pytest.raises(DomainError, match="不能办理这一步"):
        services.clue_dispose(actor=actor(w.officer), clue=clue, disposal="closed")


def test_concluding_waits_for_every_handler(w):
    clue = assigned(w)
    services.clue_dispose(actor=actor(w.officer), clue=clue, disposal="closed")
    services.clue_sign(actor=actor(w.officer), clue=clue)
    with pytest.raises(DomainError, match="尚有承办人未在处置意见上签字"):
        services.clue_conclude(actor=actor(w.officer), clue=clue, outcome="cleared")
    assert Clue.objects.unscoped(reason="test").get(pk=clue.pk).state == ClueState.SIGNING


def test_a_handler_not_assigned_may_not_sign_or_dispose(w):
    stranger = make_account(w.town, name="未分办委员", role=CASE)
    clue = assigned(w, handlers=[w.officer])
    with pytest.raises(DomainError, match="只有经审批分办的承办人"):
        services.clue_dispose(actor=actor(stranger), clue=clue, disposal="prelim")
    services.clue_dispose(actor=actor(w.officer), clue=clue, disposal="prelim")
    with pytest.raises(DomainError, match="不是该线索经审批分办的承办人"):
        services.clue_sign(actor=actor(stranger), clue=clue)


def test_only_the_principal_leader_of_the_unit_approves(w):
    clue = register(w)
    services.clue_assign(actor=actor(w.officer), clue=clue, handlers=[w.officer])
    with pytest.raises(AccessDenied, match="主要负责人审批问题线索分办"):
        services.clue_approve(actor=actor(w.officer), clue=clue)
    with pytest.raises(AccessDenied):
        services.clue_approve(actor=actor(w.other_leader), clue=clue)
    assert Clue.objects.unscoped(reason="test").get(pk=clue.pk).state == ClueState.PROPOSED
    clue = services.clue_approve(actor=actor(w.leader), clue=clue, approve=False, note="承办人不够")
    assert clue.state == ClueState.REGISTERED and "承办人不够" in clue.proposal_note


def test_handlers_come_from_the_unit(w):
    clue = register(w)
    with pytest.raises(DomainError, match="不是本单位有线索处置权限的人员"):
        services.clue_assign(actor=actor(w.officer), clue=clue, handlers=[w.other_officer])
    with pytest.raises(DomainError, match="请至少指定一名承办人"):
        services.clue_assign(actor=actor(w.officer), clue=clue, handlers=[])


def test_the_rank_guard_refuses_a_clue_before_anything_is_written(w):
    deputy = SubjectIn("王某", "白沙镇人民政府", "副科", "副镇长")
    with pytest.raises(services.RankRefused) as refused:
        register(w, subjects=[CLERK, deputy])
    assert Clue.objects.unscoped(reason="test").count() == 0 and ClueSubject.objects.count() == 0
    report = UpwardReport.objects.unscoped(reason="test").get()
    assert report.pk == refused.value.report.pk and report.unit_id == w.town.pk
    county_officer = make_account(w.county, name="案管室干部", role=CASE)
    clue = register(w, who=county_officer, unit=w.county, subjects=[deputy])
    assert clue.unit_id == w.county.pk


def test_the_rank_guard_follows_the_configured_limit(w, settings):
    settings.FENJI_DISCIPLINE_RANK_LIMIT = "section"
    clue = register(w, subjects=[SubjectIn("王某", "白沙镇人民政府", "deputy_section", "副镇长")])
    assert clue.subjects.get().rank == "deputy_section"


def test_scope_another_towns_officer_sees_nothing(w):
    clue = register(w)
    with pytest.raises(NotVisible):
        selectors.clue_get(actor=actor(w.other_officer), pk=clue.pk)
    assert not selectors.clue_list(actor=actor(w.other_officer)).exists()
    county_officer = make_account(w.county, name="案管室干部", role=CASE)
    assert selectors.clue_get(actor=actor(county_officer), pk=clue.pk) == clue
    with pytest.raises(AccessDenied):
        services.clue_assign(actor=actor(w.other_officer), clue=clue, handlers=[w.other_officer])


def test_dates_are_checked(w):
    with pytest.raises(DomainError, match="受理日期不能晚于今天"):
        register(w, received_on=timezone.localdate() + datetime.timedelta(days=1))
    clue = assigned(w)
    with pytest.raises(DomainError, match="集体研究"):
        services.clue_dispose(actor=actor(w.officer), clue=clue, disposal="transfer",
                              **{**STUDY, "study_on": timezone.localdate() + datetime.timedelta(days=1)})


def test_the_pages_walk_the_path_and_keep_to_scope(w, client, login):
    clue = register(w)
    login(w.other_officer)
    assert client.get(f"/discipline/clues/{clue.pk}/").status_code == 404
    assert client.get(f"/api/v1/discipline/clues/{clue.pk}").status_code == 404
    assert clue.number not in client.get("/discipline/clues/").content.decode()
    client.logout()
    login(w.officer)
    listing = client.get("/discipline/clues/").content.decode()
    assert clue.number in listing and "符合条件的问题线索 1 条" in listing
    assert client.get("/discipline/clues/?format=xlsx").status_code == 200
    here = f"/discipline/clues/{clue.pk}/"
    response = client.post(here, {"op": "assign", "assign-handlers": [w.officer.pk], "assign-note": "请承办"})
    assert response.status_code == 302, response.content.decode()
    assert 'id="approve"' not in client.get(here).content.decode()  # the officer is not the principal leader
    client.post(here, {"op": "approve", "approve-approve": "yes"})
    assert Clue.objects.unscoped(reason="test").get(pk=clue.pk).state == ClueState.PROPOSED
    client.logout()
    login(w.leader)
    page = client.get(here).content.decode()
    assert 'id="approve"' in page and "虚报冒领" in page  # the leader reads what is approved
    assert client.post(here, {"op": "approve", "approve-approve": "yes"}).status_code == 302
    client.logout()
    login(w.officer)
    page = client.post(here, {"op": "dispose", "dispose-disposal": "transfer"}).content.decode()
    assert "集体研究" in page
    assert client.post(here, {"op": "dispose", "dispose-disposal": "talk_letter"}).status_code == 302
    assert client.post(here, {"op": "sign"}).status_code == 302
    page = client.get(here).content.decode()
    assert 'id="report-due"' in page and 'id="report-form"' in page and 'id="extend"' not in page  # 函询: no extension
    page = client.post(here, {"op": "report", "report-kind": "verification", "report-text": "核实情况"}).content.decode()
    assert "verification 不在可用的选项中" in page  # the kinds of a 谈话函询 only
    response = client.post(here, {"op": "report", "report-kind": "talk", "report-reported_on": timezone.localdate(),
                                  "report-text": "谈话中本人说明了情况"})
    assert response.status_code == 302, response.content.decode()
    assert client.post(here, {"op": "conclude", "conclude-outcome": "reminder"}).status_code == 302
    page = client.get(here).content.decode()
    assert "谈话提醒" in page and "承办人签字" in page and Clue.objects.unscoped(reason="t").get(pk=clue.pk).state == "concluded"


def test_the_api_registers_and_walks_the_steps(w, client, login):
    login(w.officer)
    response = client.post("/api/v1/discipline/clues", {
        "received_on": timezone.localdate().isoformat(), "source": "inspection", "summary": "巡察移交：违规发放补贴",
        "subjects": [{"name": "刘某", "workplace": "某村", "rank": "村（社区）干部"}]}, content_type="application/json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    response = client.post(f"/api/v1/discipline/clues/{pk}/assign", {"handlers": [w.officer.pk]},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["state"] == "proposed"
    assert client.post(f"/api/v1/discipline/clues/{pk}/approve", {}, content_type="application/json").status_code == 403
    response = client.post("/api/v1/discipline/clues", {
        "received_on": timezone.localdate().isoformat(), "source": "other", "summary": "反映副镇长",
        "subjects": [{"name": "王某", "workplace": "镇政府", "rank": "副科"}]}, content_type="application/json")
    assert response.status_code == 400 and "上报编号" in response.content.decode()
    assert client.get("/api/v1/discipline/clues").json()["total"] == 1


def test_a_back_entered_clue_keeps_its_paper_date_and_is_marked(w, client, login):
    paper = timezone.localdate() - datetime.timedelta(days=30)
    login(w.officer)
    response = client.post("/api/v1/discipline/clues", {
        "received_on": paper.isoformat(), "backfilled": True, "source": "other", "summary": "停电期间纸质登记：反映虚报",
        "subjects": [{"name": "赵某", "workplace": "某村", "rank": "村（社区）干部"}]}, content_type="application/json")
    assert response.status_code == 201 and response.json()["backfilled"] is True
    clue = Clue.objects.unscoped(reason="test").get(pk=response.json()["id"])
    assert clue.received_on == paper and timezone.localtime(clue.entered_at).date() == timezone.localdate()
    event = AuditEvent.objects.filter(action="discipline.clue.register", target_id=str(clue.pk)).get()
    assert (event.details["received_on"], event.details["backfilled"]) == (paper.isoformat(), True)
    assert "补录" in client.get(f"/discipline/clues/{clue.pk}/").content.decode()


def signed(w, disposal):
    clue = assigned(w, handlers=[w.officer])
    services.clue_dispose(actor=actor(w.officer), clue=clue, disposal=disposal)
    return services.clue_sign(actor=actor(w.officer), clue=clue)


def test_a_verification_is_due_on_a_working_day_overdue_flagged_and_extended_once(w):
    from fenji.core.notify.models import Message

    calendar.calendar_seed(actor=PLATFORM, first=2026, last=2026)
    with time_machine.travel(datetime.datetime(2026, 8, 3, 10, tzinfo=TZ), tick=False):
        clue = signed(w, "prelim")
        assert clue.report_due == datetime.date(2026, 10, 8)  # two months: 10-03 falls in the National Day holiday
        with pytest.raises(DomainError, match="初步核实尚未提交初步核实报告"):
            services.clue_conclude(actor=actor(w.officer), clue=clue, outcome="cleared")
    with time_machine.travel(datetime.datetime(2026, 10, 9, 10, tzinfo=TZ), tick=False):
        assert list(selectors.clue_list(actor=actor(w.leader), overdue=True)) == [clue]
        assert selectors.clue_counts(selectors.clue_list(actor=actor(w.leader)))["overdue"] == 1
        todo = next(t for t in selectors.clue_todos(actor(w.officer)) if t.kind == "discipline.clue.report")
        assert todo.title == clue.number and todo.due_at.date() == datetime.date(2026, 10, 8)
        assert clue_reminders.clue_report_reminders() == 1 and clue_reminders.clue_report_reminders() == 0
        assert Message.objects.filter(recipient=w.officer, kind="discipline.clue_report_due").exists()
        clue_report_services.clue_extension_request(actor=actor(w.officer), clue=clue, reason="需调取银行流水")
        assert [t.kind for t in selectors.clue_todos(actor(w.leader))] == ["discipline.clue.extension"]
        with pytest.raises(AccessDenied):
            clue_report_services.clue_extension_decide(actor=actor(w.officer), clue=clue, approve=True)
        clue_report_services.clue_extension_decide(actor=actor(w.leader), clue=clue, approve=True, note="同意")
        clue.refresh_from_db()
        assert clue.report_due == datetime.date(2026, 11, 9)  # a month on is a Sunday
        assert not selectors.clue_list(actor=actor(w.leader), overdue=True).exists()
        with pytest.raises(DomainError, match="只能申请延期一次"):
            clue_report_services.clue_extension_request(actor=actor(w.officer), clue=clue, reason="再延一次")
        with pytest.raises(DomainError, match="应提交初步核实报告"):
            clue_report_services.clue_report_submit(actor=actor(w.officer), clue=clue, kind="reply",
                                                    reported_on=datetime.date(2026, 10, 9), text="回复")
        clue_report_services.clue_report_submit(actor=actor(w.officer), clue=clue, kind="verification",
                                                reported_on=datetime.date(2026, 10, 9), text="经核实，反映问题不属实")
        clue = services.clue_conclude(actor=actor(w.officer), clue=clue, outcome="cleared")
        assert clue.state == ClueState.CONCLUDED and not selectors.clue_todos(actor(w.officer))


def test_the_report_api_keeps_to_scope(w, client, login):
    clue = signed(w, "talk_letter")
    login(w.other_officer)
    body = {"kind": "reply", "reported_on": timezone.localdate().isoformat(), "text": "书面说明"}
    assert client.post(f"/api/v1/discipline/clues/{clue.pk}/report", body,
                       content_type="application/json").status_code == 404
    assert client.post(f"/api/v1/discipline/clues/{clue.pk}/extension", {"reason": "x"},
                       content_type="application/json").status_code == 404
    client.logout()
    login(w.other_leader)
    assert client.post(f"/api/v1/discipline/clues/{clue.pk}/extension/decide", {"approve": True},
                       content_type="application/json").status_code == 404
    client.logout()
    login(w.officer)
    response = client.post(f"/api/v1/discipline/clues/{clue.pk}/extension", {"reason": "被函询人外出"},
                           content_type="application/json")
    assert response.status_code == 400 and "不能延期" in response.content.decode()
    response = client.post(f"/api/v1/discipline/clues/{clue.pk}/report", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["conclude_due"] == (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    assert client.get(f"/api/v1/discipline/clues/{clue.pk}").json()["report_due"] == clue.report_due.isoformat()


def test_the_page_asks_and_decides_the_extension(w, client, login):
    clue = signed(w, "prelim")
    here, due = f"/discipline/clues/{clue.pk}/", clue.report_due
    login(w.officer)
    assert 'id="extend"' in client.get(here).content.decode()
    assert client.post(here, {"op": "extend", "extend-reason": "需调取银行流水"}).status_code == 302
    assert client.post(here, {"op": "extension_decide", "extension_decide-approve": "yes"}).status_code == 403
    client.logout()
    login(w.leader)
    page = client.get(here).content.decode()
    assert 'id="extension-decide"' in page and "需调取银行流水" in page
    page = client.post(here, {"op": "extension_decide", "extension_decide-approve": "no"}).content.decode()
    assert "请填写审批意见" in page and Clue.objects.unscoped(reason="t").get(pk=clue.pk).report_due == due  # a reason
    assert client.post(here, {"op": "extension_decide", "extension_decide-approve": "yes"}).status_code == 302
    assert Clue.objects.unscoped(reason="t").get(pk=clue.pk).report_due > due
    assert "经批准由" in client.get(here).content.decode()
