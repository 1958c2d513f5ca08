"""监督考核: the city inspects two counties, samples their accounts (≥10%), marks a record wrong, issues the
整改通知; the county answers, the city accepts; the rules refuse with the reason; each side sees its own part.

    南京市 (inspects) ── 玄武区 (county A: 新街口街道, 梅园新村街道) / 秦淮区 (county B)
    苏州市 (the sibling subtree)
"""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.access.roles import DEPT_HEAD, STAFF
from fenji.core.audit.models import AuditEvent
from fenji.core.kernel.errors import AccessDenied, DomainError, NotVisible
from fenji.core.notify.models import Message
from fenji.core.org.models import UnitKind
from fenji.core.org.services import unit_create
from fenji.core.supervision import sampling, selectors, services
from fenji.core.supervision.alerts import overdue_alerts
from fenji.core.supervision.models import Finding, FindingState, SampleItem, Verdict
from fenji.core.supervision.records import ACCOUNTS
from fenji.core.web import nav
from fenji.testing import actor, make_account

# --- the rule and the draw ----------------------------------------------------------------------------------


@pytest.mark.parametrize("n, ratio, size", [
    (0, "0.1", 0), (1, "0.1", 1), (9, "0.1", 1), (10, "0.1", 1), (11, "0.1", 2), (30, "0.1", 3), (31, "0.1", 4),
    (100, "0.1", 10), (101, "0.1", 11), (7, "0.5", 4), (5, 1, 5), (3, "0.001", 1), (200_000, Decimal("0.15"), 30_000),
])
def test_the_sample_size_is_the_ceiling_of_the_share_at_least_one(n, ratio, size):
    assert sampling.sample_size(n, ratio) == size


@pytest.mark.parametrize("n, ratio", [(-1, "0.1"), (10, "0"), (10, "1.01"), (10, "abc"), (10, "nan"), (True, "0.1")])
def test_the_sample_size_refuses_what_is_no_count_or_no_share(n, ratio):
    with pytest.raises(ValueError):
        sampling.sample_size(n, ratio)


def test_the_draw_is_reproducible_from_its_seed_whatever_the_reading_order():
    ids = list(range(1, 201))
    first = sampling.draw(ids, 20, "a1b2")
    assert len(set(first)) == 20 and set(first) <= set(ids)
    assert sampling.draw(list(reversed(ids)), 20, "a1b2") == first
    assert sampling.draw(ids, 20, "ffff") != first
    # a record added later moves no other record out of the ranking order
    again = sampling.draw([*ids, 999], 20, "a1b2")
    assert [pk for pk in again if pk != 999] == (first[:19] if 999 in again else first)
    assert sampling.population_digest(ids) == sampling.population_digest(reversed(ids))
    assert sampling.accuracy(0, 0) is None and sampling.accuracy(10, 1) == pytest.approx(0.9)


# --- the way through ------------------------------------------------------------------------------------------


@pytest.fixture
def w(tree):
    class World:
        county_b = unit_create(actor=policy.SYSTEM, parent=tree.city, name="秦淮区", kind=UnitKind.COUNTY,
                               code="320104")
        inspector = make_account(tree.city, name="市检查组长", role=DEPT_HEAD)
        county_clerk = make_account(tree.county, name="玄武科员", role=STAFF)
        county_head = make_account(tree.county, name="玄武主任", role=DEPT_HEAD)
        town_clerks = [make_account(tree.town, name=f"街道干事{n}", role=STAFF) for n in range(12)]
        sibling_head = make_account(tree.sibling_city, name="苏州主任", role=DEPT_HEAD)
    World.county_b_clerk = make_account(World.county_b, name="秦淮科员", role=STAFF)
    return World


def plan(tree, w, **kwargs):
    today = timezone.localdate()
    values = {"unit": tree.city, "title": "2026年度系统应用检查", "period_start": today - datetime.timedelta(days=30),
              "period_end": today, "targets": [tree.county, w.county_b], "checklist": ["信息质量", "系统使用"]}
    return services.inspection_plan(actor=actor(w.inspector), **{**values, **kwargs})


def test_sampled_accounts_a_wrong_one_is_rectified_and_the_accuracy_shows_it(tree, w):
    inspection = plan(tree, w)
    target = services.target_of(inspection, tree.county.pk)
    sample = services.sample_draw(actor=actor(w.inspector), inspection=inspection, target=target,
                                  record_type_code=ACCOUNTS.code)
    population = list(ACCOUNTS.population(tree.county.path, inspection.period_start, inspection.period_end))
    assert sample.population == len(population) == 14  # the county's two accounts and the town's twelve
    items = list(selectors.sample_items(sample))
    assert len(items) == 2 and {i.record_id for i in items} <= set(population)  # ceil(10% × 14)
    assert selectors.sample_redraw(sample, population) == {"same_population": True, "same_sample": True}
    assert {t.kind for t in nav.todos_for(actor(w.inspector))} == {"supervision.check"}

    right, wrong = items
    services.sample_check(actor=actor(w.inspector), sample=sample, record_id=right.record_id, verdict=Verdict.CORRECT)
    services.sample_check(actor=actor(w.inspector), sample=sample, record_id=wrong.record_id, verdict=Verdict.WRONG,
                          note="身份证号码与证件不符")
    finding = SampleItem.objects.get(pk=wrong.pk).finding
    assert finding.state == FindingState.DRAFT and finding.unit_id == tree.county.pk
    # a draft is the inspecting unit's working note: the county does not see it yet
    assert not selectors.finding_list(actor=actor(w.county_clerk)).exists()

    services.notice_issue(actor=actor(w.inspector), inspection=inspection, target=target)
    finding = Finding.objects.unscoped(reason="test").get(pk=finding.pk)
    assert finding.state == FindingState.ISSUED and finding.due_at > timezone.now()
    assert Message.objects.filter(recipient=w.county_clerk, kind="supervision.notice").exists()
    assert [t.kind for t in nav.todos_for(actor(w.county_clerk))] == ["supervision.rectify"]
    assert not selectors.finding_list(actor=actor(w.county_b_clerk)).exists()

    services.rectification_answer(actor=actor(w.county_clerk), finding=finding, measures="已核对证件并更正")
    assert Message.objects.filter(recipient=w.inspector, kind="supervision.answered").exists()
    services.rectification_decide(actor=actor(w.inspector), finding=finding, accept=True)
    finding = Finding.objects.unscoped(reason="test").get(pk=finding.pk)
    assert finding.state == FindingState.ACCEPTED and finding.answered_on_time is True
    assert not nav.todos_for(actor(w.county_clerk))

    [row] = selectors.accuracy_by_unit(actor=actor(w.inspector))
    assert (row.unit_name, row.checked, row.wrong, row.accuracy) == ("玄武区", 2, 1, 0.5)
    assert [r.unit_name for r in selectors.accuracy_by_unit(actor=actor(w.county_head))] == ["玄武区"]
    assert not selectors.accuracy_by_unit(actor=actor(w.sibling_head))
    services.inspection_close(actor=actor(w.inspector), inspection=inspection)
    kinds = [e.kind for e in selectors.event_list(actor=actor(w.inspector), inspection=inspection)]
    assert kinds == ["plan", "sample", "check", "check", "notice", "answer", "accept", "close"]
    assert [e.kind for e in selectors.event_list(actor=actor(w.county_clerk), inspection=inspection)] == [
        "sample", "check", "check", "notice", "answer", "accept"]
    actions = set(AuditEvent.objects.filter(action__startswith="supervision.").values_list("action", flat=True))
    assert {"supervision.inspection.plan", "supervision.sample.draw", "supervision.sample.check",
            "supervision.notice.issue", "supervision.rectification.reply", "supervision.rectification.decide",
            "supervision.inspection.close"} <= actions


def test_a_returned_answer_goes_back_with_its_reason_and_an_overdue_one_is_reminded_once(tree, w):
    inspection = plan(tree, w)
    target = services.target_of(inspection, tree.county.pk)
    finding = services.finding_record(actor=actor(w.inspector), inspection=inspection, target=target,
                                      item="信息质量", description="部分人员信息未更新", days=3)
    services.notice_issue(actor=actor(w.inspector), inspection=inspection, target=target)
    services.rectification_answer(actor=actor(w.county_clerk), finding=finding, measures="已更新")
    with pytest.raises(DomainError, match="请填写退回理由"):
        services.rectification_decide(actor=actor(w.inspector), finding=finding, accept=False)
    services.rectification_decide(actor=actor(w.inspector), finding=finding, accept=False, reason="仍有 3 人未更新")
    finding = Finding.objects.unscoped(reason="test").get(pk=finding.pk)
    assert finding.state == FindingState.RETURNED and finding.return_reason == "仍有 3 人未更新"
    assert [t.kind for t in nav.todos_for(actor(w.county_clerk))] == ["supervision.rectify"]
    with time_machine.travel(finding.due_at + datetime.timedelta(hours=1)):
        assert Finding.objects.unscoped(reason="test").get(pk=finding.pk).overdue
        assert overdue_alerts() == 3  # the county's two answerers and the city's inspector
        assert overdue_alerts() == 0
    assert Message.objects.filter(recipient=w.inspector, kind="supervision.overdue").count() == 1


# --- bad input ------------------------------------------------------------------------------------------------


def test_the_rules_refuse_with_their_reason(tree, w):
    with pytest.raises(DomainError, match="截止日期不能早于起始日期"):
        plan(tree, w, period_start=timezone.localdate(), period_end=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(DomainError, match="不在本单位的下级范围内"):
        plan(tree, w, targets=[tree.county, tree.sibling_city])
    with pytest.raises(DomainError, match="不在本单位的下级范围内"):
        plan(tree, w, targets=[tree.city])  # not below itself
    with pytest.raises(AccessDenied):
        plan(tree, w, unit=tree.sibling_city)
    inspection = plan(tree, w)
    target = services.target_of(inspection, tree.county.pk)
    with pytest.raises(DomainError, match="不在本次检查的被检查单位中"):
        services.target_of(inspection, tree.sibling_city.pk)
    with pytest.raises(DomainError, match="不得低于 10%"):
        services.sample_draw(actor=actor(w.inspector), inspection=inspection, target=target,
                             record_type_code=ACCOUNTS.code, ratio="0.05")
    with pytest.raises(DomainError, match="没有这种可抽查的记录类型"):
        services.sample_draw(actor=actor(w.inspector), inspection=inspection, target=target, record_type_code="x.y")
    sample = services.sample_draw(actor=actor(w.inspector), inspection=inspection, target=target,
                                  record_type_code=ACCOUNTS.code, ratio="0.2")
    drawn = set(selectors.sample_items(sample).values_list("record_id", flat=True))
    outside = next(pk for pk in ACCOUNTS.population(tree.county.path, inspection.period_start,
                                                     inspection.period_end) if pk not in drawn)
    with pytest.raises(DomainError, match="不在本次抽查的样本中"):
        services.sample_check(actor=actor(w.inspector), sample=sample, record_id=outside, verdict=Verdict.WRONG,
                              note="错")
    finding = services.finding_record(actor=actor(w.inspector), inspection=inspection, target=target,
                                      item="系统使用", description="登录率低")
    with pytest.raises(DomainError, match="尚未答复"):
        services.rectification_decide(actor=actor(w.inspector), finding=finding, accept=True)
    services.notice_issue(actor=actor(w.inspector), inspection=inspection, target=target)
    with pytest.raises(DomainError, match="整改通知已下发"):
        services.finding_update(actor=actor(w.inspector), finding=finding, item="系统使用", description="改", days=5)
    with pytest.raises(DomainError, match="没有待下发的问题"):
        services.notice_issue(actor=actor(w.inspector), inspection=inspection, target=target)
    with pytest.raises(AccessDenied):  # a unit above the inspected one oversees, it does not answer in its name
        services.rectification_answer(actor=actor(w.inspector), finding=finding, measures="代答")
    services.rectification_answer(actor=actor(w.county_clerk), finding=finding, measures="已组织培训")
    services.rectification_decide(actor=actor(w.inspector), finding=finding, accept=True)
    with pytest.raises(DomainError, match="已验收通过，不能再答复"):
        services.rectification_answer(actor=actor(w.county_clerk), finding=finding, measures="再答复")
    with pytest.raises(DomainError, match="已验收通过"):
        services.rectification_decide(actor=actor(w.inspector), finding=finding, accept=True)


def test_each_side_sees_its_own_part_and_others_see_nothing(tree, w):
    inspection = plan(tree, w)
    for unit in (tree.county, w.county_b):
        target = services.target_of(inspection, unit.pk)
        services.finding_record(actor=actor(w.inspector), inspection=inspection, target=target, item="信息质量",
                                description=f"{unit.name}的问题")
        services.notice_issue(actor=actor(w.inspector), inspection=inspection, target=target)
    county_view = actor(w.county_clerk)
    assert selectors.inspection_get(actor=county_view, pk=inspection.pk) == inspection
    assert [t.unit.name for t in selectors.target_list(actor=county_view, inspection=inspection)] == ["玄武区"]
    assert [f.description for f in selectors.finding_list(actor=county_view)] == ["玄武区的问题"]
    assert len(selectors.target_list(actor=actor(w.inspector), inspection=inspection)) == 2
    other = Finding.objects.unscoped(reason="test").get(unit=w.county_b)
    with pytest.raises(NotVisible) as refused:
        selectors.finding_get(actor=county_view, pk=other.pk)
    with pytest.raises(NotVisible) as missing:
        selectors.finding_get(actor=county_view, pk=other.pk + 1000)
    assert refused.value.message == missing.value.message
    with pytest.raises(NotVisible):
        selectors.inspection_get(actor=actor(w.sibling_head), pk=inspection.pk)


# --- the pages ------------------------------------------------------------------------------------------------


def test_the_pages_plan_sample_check_issue_answer_and_accept(tree, w, client):
    from django.test import Client

    from fenji.testing import sign_in

    city = sign_in(client, w.inspector)
    today = timezone.localdate()
    page = city.get("/supervision/new/")
    assert page.status_code == 200 and "秦淮区" in page.content.decode() and "苏州市" not in page.content.decode()
    refused = city.post("/supervision/new/", {"title": "检查", "period_start": today.isoformat(),
                                              "period_end": (today - datetime.timedelta(days=1)).isoformat(),
                                              "targets": [tree.county.pk], "checklist": "信息质量"})
    assert "截止日期不能早于起始日期" in refused.content.decode()
    done = city.post("/supervision/new/", {"title": "年度检查", "period_start": (today - datetime.timedelta(days=9)).isoformat(),
                                           "period_end": today.isoformat(), "targets": [tree.county.pk, w.county_b.pk],
                                           "checklist": "信息质量\n系统使用"})
    assert done.status_code == 302
    url = done["Location"]
    low = city.post(url, {"op": "sample", "sample-unit": tree.county.pk, "sample-record_type": "people.account",
                          "sample-percent": "5"})
    assert "抽查比例不得低于 10%" in low.content.decode()
    drawn = city.post(url, {"op": "sample", "sample-unit": tree.county.pk, "sample-record_type": "people.account",
                            "sample-percent": "10"})
    assert drawn.status_code == 302 and "/supervision/samples/" in drawn["Location"]
    sample_page = city.get(drawn["Location"])
    assert "已核查 0/2 条" in sample_page.content.decode() and "身份证号码" in sample_page.content.decode()
    items = list(SampleItem.objects.order_by("position"))
    no_note = city.post(drawn["Location"], {"record_id": items[0].record_id, "verdict": "wrong"})
    assert "请填写核查说明" in no_note.content.decode()
    city.post(drawn["Location"], {"record_id": items[0].record_id, "verdict": "wrong", "note": "姓名有误"})
    city.post(drawn["Location"], {"record_id": items[1].record_id, "verdict": "correct"})
    assert city.post(drawn["Location"], {"record_id": "abc", "verdict": "correct"}).status_code == 200
    assert city.post(url, {"op": "notice", "unit": "abc"}).status_code == 404
    assert city.post(url, {"op": "notice", "unit": tree.county.pk}).status_code == 302
    assert "50.0%" in city.get(url).content.decode()

    finding = Finding.objects.unscoped(reason="test").get()
    county = sign_in(Client(), w.county_clerk)
    assert "年度检查" in county.get("/supervision/rectifications/?mine=1").content.decode()
    answered = county.post(f"/supervision/rectifications/{finding.pk}/", {"op": "answer", "answer-measures": "已更正"})
    assert answered.status_code == 302
    assert city.post(f"/supervision/rectifications/{finding.pk}/", {"op": "decide", "decide-decision": "return"}
                     ).status_code == 200  # a return without its reason stays on the page
    city.post(f"/supervision/rectifications/{finding.pk}/", {"op": "decide", "decide-decision": "accept"})
    assert Finding.objects.unscoped(reason="test").get().state == FindingState.ACCEPTED
    sheet = city.get("/supervision/accuracy/?format=xlsx")
    assert sheet.status_code == 200 and sheet["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "玄武区" in city.get("/supervision/accuracy/").content.decode()
    other = sign_in(Client(), w.county_b_clerk)
    assert other.get(f"/supervision/rectifications/{finding.pk}/").status_code == 404


def test_the_inspection_prints_with_its_findings_and_timeline(tree, w, client):
    from fenji.testing import sign_in

    inspection = plan(tree, w)
    services.finding_record(actor=actor(w.inspector), inspection=inspection,
                            target=services.target_of(inspection, tree.county.pk), item="信息质量", description="缺项")
    response = sign_in(client, w.inspector).get(f"/supervision/{inspection.pk}/print.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="supervision.report.export").exists()


def test_evidence_is_served_through_its_finding(tree, w, client):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from fenji.testing import sign_in

    inspection = plan(tree, w)
    files = []
    for unit in (tree.county, w.county_b):
        finding = services.finding_record(
            actor=actor(w.inspector), inspection=inspection, target=services.target_of(inspection, unit.pk),
            item="信息质量", description="缺项", evidence=[SimpleUploadedFile("记录.txt", "检查记录".encode())])
        services.notice_issue(actor=actor(w.inspector), inspection=inspection,
                              target=services.target_of(inspection, unit.pk))
        files.append((finding, selectors.finding_files(finding).get()))
    (mine, my_file), (other, other_file) = files
    county = sign_in(client, w.county_clerk)
    assert county.get(f"/supervision/rectifications/{mine.pk}/files/{my_file.pk}/").status_code == 200
    assert county.get(f"/supervision/rectifications/{mine.pk}/files/{other_file.pk}/").status_code == 404
    assert county.get(f"/supervision/rectifications/{other.pk}/files/{other_file.pk}/").status_code == 404
    assert sign_in(Client(), w.sibling_head).get(
        f"/supervision/rectifications/{mine.pk}/files/{my_file.pk}/").status_code == 404


def test_the_api_runs_the_same_flow_and_answers_404_outside_the_view(tree, w, client):
    from django.test import Client

    from fenji.testing import sign_in

    city = sign_in(client, w.inspector)
    today = timezone.localdate()

    def post(who, url, body):
        return who.post(url, body, content_type="application/json")

    # the core's accounts first, then the live modules' record types (the default profile runs them all)
    assert [t["code"] for t in city.get("/api/v1/supervision/record-types").json()][0] == "people.account"
    refused = post(city, "/api/v1/supervision/inspections", {
        "title": "检查", "period_start": today.isoformat(), "period_end": today.isoformat(),
        "units": [tree.sibling_city.pk], "checklist": ["信息质量"]})
    assert refused.status_code == 400 and "下级范围" in refused.json()["error"]["message"]
    made = post(city, "/api/v1/supervision/inspections", {
        "title": "接口检查", "period_start": (today - datetime.timedelta(days=5)).isoformat(),
        "period_end": today.isoformat(), "units": [tree.county.pk, w.county_b.pk], "checklist": ["信息质量"]})
    assert made.status_code == 201 and [t["unit"] for t in made.json()["targets"]] == ["玄武区", "秦淮区"]
    base = f"/api/v1/supervision/inspections/{made.json()['id']}"
    assert post(city, f"{base}/samples", {"unit": tree.county.pk, "record_type": "people.account",
                                          "ratio": "0.05"}).status_code == 400
    sample = post(city, f"{base}/samples", {"unit": tree.county.pk, "record_type": "people.account"})
    assert sample.status_code == 201 and len(sample.json()["items"]) == 2
    first = sample.json()["items"][0]["record_id"]
    checked = post(city, f"/api/v1/supervision/samples/{sample.json()['id']}/checks",
                   {"record_id": first, "verdict": "wrong", "note": "单位有误"})
    assert checked.json()["items"][0]["finding_id"]
    post(city, f"/api/v1/supervision/samples/{sample.json()['id']}/checks",
         {"record_id": sample.json()["items"][1]["record_id"], "verdict": "correct"})
    issued = post(city, f"{base}/notices", {"unit": tree.county.pk})
    assert [f["state"] for f in issued.json()] == ["issued"]
    finding = issued.json()[0]["id"]
    county = sign_in(Client(), w.county_clerk)
    assert [f["id"] for f in county.get("/api/v1/supervision/rectifications?mine=true").json()["items"]] == [finding]
    assert post(county, f"/api/v1/supervision/rectifications/{finding}/answer",
                {"measures": "已更正"}).json()["state"] == "answered"
    assert post(city, f"/api/v1/supervision/rectifications/{finding}/decide",
                {"accept": True}).json()["state"] == "accepted"
    assert city.get("/api/v1/supervision/accuracy").json()[0]["accuracy"] == 0.5
    # another county and another city read nothing of it, like missing rows
    other = sign_in(Client(), w.county_b_clerk)
    assert other.get(f"/api/v1/supervision/rectifications/{finding}").status_code == 404
    assert other.get(f"/api/v1/supervision/samples/{sample.json()['id']}").status_code == 404
    sibling = sign_in(Client(), w.sibling_head)
    for url in (base, f"/api/v1/supervision/rectifications/{finding}", f"/api/v1/supervision/samples/{sample.json()['id']}"):
        assert sibling.get(url).status_code == 404
    for url, body in ((f"{base}/findings", {"unit": tree.county.pk, "item": "x", "description": "y"}),
                      (f"{base}/notices", {"unit": tree.county.pk}), (f"{base}/close", {}),
                      (f"{base}/samples", {"unit": tree.county.pk, "record_type": "people.account"}),
                      (f"/api/v1/supervision/rectifications/{finding}/decide", {"accept": True})):
        assert post(sibling, url, body).status_code == 404


# --- usage statistics -----------------------------------------------------------------------------------------


def test_usage_rolls_up_by_month_and_drills_down_within_scope(tree, w, client):
    from django.test import Client

    from fenji.core.dispatch.models import Delivery
    from fenji.core.dispatch.services import Targets, delivery_sign, dispatch_send
    from fenji.core.supervision import usage
    from fenji.core.supervision.forms import UsageForm
    from fenji.testing import PASSWORD, sign_in

    for account in (w.county_clerk, w.town_clerks[0], w.town_clerks[0]):
        Client().post("/login/", {"mobile": account.mobile, "password": PASSWORD})
    sent = dispatch_send(actor=actor(w.inspector), kind="notice", title="关于报送材料的通知",
                         targets=Targets(units=[tree.county, w.county_b]))
    delivery_sign(actor=actor(w.county_clerk), delivery=Delivery.objects.unscoped(reason="test").get(
        dispatch=sent, unit=tree.county))
    this = usage.month_start(timezone.localdate())
    with time_machine.travel(timezone.now() + datetime.timedelta(days=40)):  # both deadlines have passed
        run = usage.usage_rebuild([this])
    assert run.rows > 0
    top, rows = selectors.usage_report(unit=tree.city, months=[this])
    county = next(r for r in rows if r.unit_name == "玄武区")
    qinhuai = next(r for r in rows if r.unit_name == "秦淮区")
    assert (county.figures["logins"], county.figures["signed_in"]) == (3, 2)  # the town's clerk twice
    assert county.figures["staff_active"] == 14 and county.has_children and not qinhuai.has_children
    assert (county.notice_rate, qinhuai.notice_rate) == (1.0, 0.0)
    assert top.figures["notices_due"] == 2 and top.figures["logins"] == 3

    city = sign_in(client, w.inspector)
    page = city.get(f"/supervision/usage/?start={this:%Y-%m}&end={this:%Y-%m}")
    assert page.status_code == 200 and "玄武区" in page.content.decode() and "100.0%" in page.content.decode()
    drill = city.get(f"/supervision/usage/?unit={tree.county.pk}&start={this:%Y-%m}&end={this:%Y-%m}")
    assert "新街口街道" in drill.content.decode() and "返回上级：南京市" in drill.content.decode()
    assert sign_in(Client(), w.sibling_head).get(f"/supervision/usage/?unit={tree.county.pk}").status_code == 404
    sheet = city.get(f"/supervision/usage/?start={this:%Y-%m}&end={this:%Y-%m}&format=xlsx")
    assert sheet["Content-Type"].startswith("application/vnd.openxmlformats")
    assert not UsageForm({"start": "2026-05", "end": "2026-04"}).is_valid()
    assert not UsageForm({"start": "2026-13", "end": "2026-04"}).is_valid()
    assert "月份格式" in city.get("/supervision/usage/?start=abc&end=2026-01").content.decode()

    issued = city.post("/supervision/usage/issue/", {"start": f"{this:%Y-%m}", "end": f"{this:%Y-%m}"})
    assert issued.status_code == 302 and "/dispatch/" in issued["Location"]
    notice = Delivery.objects.unscoped(reason="test").filter(dispatch__title__contains="系统使用情况", unit=tree.county)
    assert "玄武区：系统使用率" in notice.get().dispatch.body


# --- assessment -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("period, bounds", [
    ("2026", (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))),
    ("2026Q1", (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))),
    ("2026q4", (datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))),
])
def test_an_assessment_period_is_a_year_or_a_quarter(period, bounds):
    from fenji.core.supervision.assessment import period_bounds

    assert period_bounds(period) == bounds


@pytest.mark.parametrize("period", ["", "2026Q5", "26", "2026-01", "1999", "２０２６x"])
def test_anything_else_is_no_assessment_period(period):
    from fenji.core.supervision.assessment import period_bounds

    with pytest.raises(ValueError):
        period_bounds(period)


def test_the_counties_are_scored_on_the_profiles_indicators_and_ranked(tree, w, client, settings):
    from dataclasses import replace

    from django.test import Client

    from fenji.core.dispatch.models import Delivery
    from fenji.core.dispatch.services import Targets, delivery_sign, dispatch_send
    from fenji.core.kernel import profiles
    from fenji.core.supervision import assessment, usage
    from fenji.testing import sign_in

    sent = dispatch_send(actor=actor(w.inspector), kind="notice", title="通知",
                         targets=Targets(units=[tree.county, w.county_b]))
    delivery_sign(actor=actor(w.county_clerk), delivery=Delivery.objects.unscoped(reason="test").get(
        dispatch=sent, unit=tree.county))
    inspection = plan(tree, w)
    sample = services.sample_draw(actor=actor(w.inspector), inspection=inspection,
                                  target=services.target_of(inspection, tree.county.pk),
                                  record_type_code=ACCOUNTS.code)
    for n, item in enumerate(selectors.sample_items(sample)):
        services.sample_check(actor=actor(w.inspector), sample=sample, record_id=item.record_id,
                              verdict=Verdict.WRONG if n == 0 else Verdict.CORRECT, note="有误" if n == 0 else "")
    this = usage.month_start(timezone.localdate())
    with time_machine.travel(timezone.now() + datetime.timedelta(days=40)):  # the deadlines have passed
        usage.usage_rebuild([this])
    year = str(timezone.localdate().year)
    start, end = assessment.period_bounds(year)
    default = {indicator.code for indicator, _weight in assessment.indicator_set()}
    assert {"supervision.usage_rate", "supervision.notice_rate", "supervision.accuracy"} <= default
    [first, second] = assessment.assess([tree.county, w.county_b], start, end)
    assert (first.unit_name, first.rank, second.unit_name, second.rank) == ("玄武区", 1, "秦淮区", 2)
    values = {indicator.code: value for indicator, _w, value, _e in first.values}
    assert values["supervision.notice_rate"] == 1.0 and values["supervision.accuracy"] == 0.5
    assert values["supervision.ticket_rate"] is None  # nothing to measure: left out of the score
    assert second.score == 0.0  # its notice unsigned, nobody signed in

    # a profile weighs its own set: only the signing rate and the accuracy, 3 to 1
    active = profiles.active()
    weighted = replace(active, name="weighted-test", extra={"assessment_weights": {
        "supervision.notice_rate": 3, "supervision.accuracy": 1}})
    profiles._profiles["weighted-test"] = weighted
    settings.FENJI_PROFILE = "weighted-test"
    try:
        [first, _second] = assessment.assess([tree.county, w.county_b], start, end)
        assert [i.code for i, _w, _v, _e in first.values] == ["supervision.notice_rate", "supervision.accuracy"]
        assert first.score == 87.5  # (3 × 100% + 1 × 50%) ÷ 4
    finally:
        settings.FENJI_PROFILE = active.name
        del profiles._profiles["weighted-test"]

    city = sign_in(client, w.inspector)
    page = city.get(f"/supervision/assessment/?period={year}")
    assert page.status_code == 200 and "玄武区" in page.content.decode()
    assert f"/supervision/usage/?unit={tree.county.pk}" in page.content.decode()  # the evidence behind a number
    assert "考核期间应为年度" in city.get("/supervision/assessment/?period=2026Q9").content.decode()
    assert city.get(f"/supervision/assessment/?period={year}&format=xlsx")["Content-Type"].startswith(
        "application/vnd.openxmlformats")
    assert sign_in(Client(), w.sibling_head).get(f"/supervision/assessment/?unit={tree.city.pk}").status_code == 404
    issued = city.post("/supervision/assessment/issue/", {"period": year})
    assert issued.status_code == 302
    body = Delivery.objects.unscoped(reason="test").filter(dispatch__title__contains="考核评价结果",
                                                           unit=w.county_b).get().dispatch.body
    assert "第 1 名 玄武区" in body and "第 2 名 秦淮区" in body
    ranked = city.get(f"/api/v1/supervision/assessment?period={year}").json()
    assert [(s["unit"], s["rank"]) for s in ranked] == [("玄武区", 1), ("秦淮区", 2)]
    assert city.get("/api/v1/supervision/assessment?period=2026Q9").status_code == 400
    month = f"{timezone.localdate():%Y-%m}"
    report = city.get(f"/api/v1/supervision/usage?start={month}&end={month}").json()
    assert {r["unit"]: r["notice_rate"] for r in report["children"]} == {"玄武区": 1.0, "秦淮区": 0.0}
    assert city.get("/api/v1/supervision/usage?start=2026-05&end=2026-01").status_code == 400
    assert sign_in(Client(), w.sibling_head).get(f"/api/v1/supervision/usage?unit={tree.city.pk}").status_code == 404


def test_every_profiles_weights_name_declared_indicators():
    """A weight for an indicator nobody declares would silently drop out of the assessment."""
    from fenji.core.kernel import modules, profiles

    declared = {getattr(i, "code", None) for m in modules.all_modules() for i in m.indicators}
    for profile in profiles.all_profiles():
        weights = profile.extra.get("assessment_weights", {})
        assert set(weights) <= declared, (profile.name, set(weights) - declared)
        assert all(w > 0 for w in weights.values()), profile.name
