"""The API for what people do every day: requests, dispatch, submissions, messages and the audit log — the page's services
and scope, errors in the envelope, every operation in the OpenAPI schema."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fenji.core.access import policy
from fenji.core.access.roles import AUDITOR, DEPT_HEAD, SECURITY_ADMIN, STAFF, UNIT_LEADER
from fenji.core.api import services as token_services
from fenji.core.console.tests.test_requests import Office
from fenji.testing import actor, make_account

NEW_PATHS = {"/api/v1/requests", "/api/v1/requests/mine", "/api/v1/requests/awaiting", "/api/v1/requests/{id}",
             "/api/v1/requests/{id}/decide", "/api/v1/requests/{id}/withdraw", "/api/v1/dispatch",
             "/api/v1/dispatch/inbox", "/api/v1/dispatch/{id}", "/api/v1/dispatch/{id}/urge",
             "/api/v1/dispatch/deliveries/{id}", "/api/v1/dispatch/deliveries/{id}/sign",
             "/api/v1/dispatch/deliveries/{id}/reply", "/api/v1/dispatch/deliveries/{id}/files/{file_id}",
             "/api/v1/messages", "/api/v1/messages/{id}/read",
             "/api/v1/messages/read-all", "/api/v1/audit/events", "/api/v1/submissions",
             "/api/v1/submissions/outgoing", "/api/v1/submissions/awaiting-review", "/api/v1/submissions/incoming",
             "/api/v1/submissions/{id}", "/api/v1/submissions/{id}/send", "/api/v1/submissions/{id}/seal",
             "/api/v1/submissions/{id}/receive", "/api/v1/submissions/{id}/handle",
             "/api/v1/submissions/{id}/return"}


def api(account) -> Client:
    _, plain = token_services.token_create(actor=policy.SYSTEM, account=account, name="日常接口测试")
    return Client(headers={"Authorization": f"Bearer {plain}"})


def post(client, path, body=None):
    return client.post(path, body or {}, content_type="application/json")


def test_every_new_operation_is_in_the_openapi_schema(tree):
    paths = set(api(make_account(tree.city, role=STAFF)).get("/api/openapi.json").json()["paths"])
    assert NEW_PATHS <= paths, sorted(NEW_PATHS - paths)


def test_a_request_is_filed_decided_and_withdrawn_over_the_api_within_scope(tree):
    city, sibling = Office(tree.city, "南京"), Office(tree.sibling_city, "苏州")
    filed = post(api(city.clerk), "/api/v1/requests", {"kind": "operator.permission.grant", "data": {
        "account": city.clerk.pk, "role": "operator", "reach": "unit"}})
    assert filed.status_code == 201, filed.content
    request_id = filed.json()["id"]
    assert filed.json()["steps"][0]["state"] == "open"
    head = api(city.head)
    assert [row["request"]["id"] for row in head.get("/api/v1/requests/awaiting").json()] == [request_id]
    missing = api(sibling.head).get("/api/v1/requests/999999")
    outside = api(sibling.head).get(f"/api/v1/requests/{request_id}")
    assert outside.status_code == missing.status_code == 404 and outside.json() == missing.json()
    assert post(api(sibling.clerk), f"/api/v1/requests/{request_id}/withdraw").status_code == 404
    decided = post(head, f"/api/v1/requests/{request_id}/decide", {"approve": True, "opinion": "同意"})
    assert decided.status_code == 200 and decided.json()["steps"][0]["state"] == "approved"
    late = post(api(city.clerk), f"/api/v1/requests/{request_id}/withdraw", {"reason": "不需要了"})
    assert late.status_code == 400 and "不能撤回" in late.json()["error"]["message"]
    bad = post(api(city.clerk), "/api/v1/requests", {"kind": "operator.permission.grant", "data": {"role": "x"}})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "form_invalid"
    mine = api(city.clerk).get("/api/v1/requests/mine").json()
    assert mine["total"] == 1 and mine["items"][0]["kind_label"]  # the refused one was never filed


def test_a_dispatch_is_sent_signed_and_tracked_over_the_api(tree):
    head = make_account(tree.city, name="市办主任", role=DEPT_HEAD)
    clerk = make_account(tree.town, name="街道收文员", role=STAFF)
    other = make_account(tree.other_town, name="梅园收文员", role=STAFF)
    sent = post(api(head), "/api/v1/dispatch", {"kind": "notice", "title": "接口下发的通知", "units": [tree.town.pk]})
    assert sent.status_code == 201, sent.content
    dispatch_id = sent.json()["id"]
    inbox = api(clerk).get("/api/v1/dispatch/inbox").json()
    assert inbox["total"] == 1 and inbox["items"][0]["title"] == "接口下发的通知"
    delivery_id = inbox["items"][0]["id"]
    assert api(other).get(f"/api/v1/dispatch/deliveries/{delivery_id}").status_code == 404
    assert post(api(other), f"/api/v1/dispatch/deliveries/{delivery_id}/sign").status_code == 404
    signed = post(api(clerk), f"/api/v1/dispatch/deliveries/{delivery_id}/sign")
    assert signed.status_code == 200 and signed.json()["signed_at"] and not signed.json()["sign_overdue"]
    tracking = api(head).get(f"/api/v1/dispatch/{dispatch_id}").json()
    assert tracking["counts"]["signed"] == 1 and tracking["deliveries"][0]["to_unit"] == "新街口街道"
    assert api(make_account(tree.sibling_city, role=DEPT_HEAD)).get(f"/api/v1/dispatch/{dispatch_id}").status_code == 404
    outside = post(api(head), "/api/v1/dispatch", {"kind": "notice", "title": "越界", "units": [tree.sibling_city.pk]})
    assert outside.status_code == 403


def test_the_tracking_answer_does_not_query_per_delivery(tree):
    """Each delivery's title and sending unit come from the dispatch already read, not one query per row."""
    head = make_account(tree.city, name="市办主任", role=DEPT_HEAD)
    client = api(head)

    def queries_to_track(units) -> int:
        sent = post(client, "/api/v1/dispatch", {"kind": "notice", "title": "逐条", "units": [u.pk for u in units]})
        assert sent.status_code == 201, sent.content
        with CaptureQueriesContext(connection) as queries:
            tracking = client.get(f"/api/v1/dispatch/{sent.json()['id']}").json()
        assert {d["from_unit"] for d in tracking["deliveries"]} == {tree.city.name}
        assert len(tracking["deliveries"]) == len(units)
        return len(queries)

    assert queries_to_track([tree.town, tree.other_town, tree.county]) == queries_to_track([tree.town])


class Reporting:
    """新街口街道 reports up to 玄武区: its clerk drafts, its leader seals (with the unit's seal), the district's
    office head handles; 梅园新村街道's leader is a neighbour, 南京市's leader oversees, 苏州's head is a stranger."""

    def __init__(self, tree):
        from fenji.core.seals.services import seal_key_create

        self.clerk = make_account(tree.town, name="街道科员", role=STAFF)
        self.colleague = make_account(tree.town, name="街道同事", role=STAFF)
        self.leader = make_account(tree.town, name="街道主任", role=UNIT_LEADER)
        self.county = make_account(tree.county, name="区办科长", role=DEPT_HEAD)
        self.neighbour = make_account(tree.other_town, name="邻街主任", role=UNIT_LEADER)
        self.city_leader = make_account(tree.city, name="南京市领导", role=UNIT_LEADER)
        self.sibling = make_account(tree.sibling_city, name="苏州科长", role=DEPT_HEAD)
        seal_key_create(actor=actor(make_account(tree.county, name="区保密员", role=SECURITY_ADMIN)), unit=tree.town)

    def draft(self, by=None):
        created = post(api(by or self.clerk), "/api/v1/submissions", {
            "kind": "report", "title": "关于三季度工作的报告", "body": "一、基本情况。\n二、下一步打算。",
            "contact": "张三 025-12345678"})
        assert created.status_code == 201, created.content
        return created.json()["id"]

    def reviewing(self):
        submission_id = self.draft()
        assert post(api(self.clerk), f"/api/v1/submissions/{submission_id}/send").status_code == 200
        return submission_id


def _ids(client, path):
    page = client.get(path)
    assert page.status_code == 200, page.content
    return [item["id"] for item in page.json()["items"]]


def test_a_submission_goes_up_sealed_over_the_api(tree):
    w = Reporting(tree)
    submission_id = w.draft()
    draft = api(w.clerk).get(f"/api/v1/submissions/{submission_id}").json()
    assert (draft["state"], draft["unit"], draft["target_unit"]) == ("draft", "新街口街道", "玄武区")
    assert draft["seal"] is None and draft["attachments"] == [] and draft["kind_label"] == "报告"
    assert _ids(api(w.clerk), "/api/v1/submissions/outgoing") == [submission_id]
    assert _ids(api(w.colleague), "/api/v1/submissions/outgoing") == []  # a draft is its drafter's alone
    sent = post(api(w.clerk), f"/api/v1/submissions/{submission_id}/send")
    assert sent.status_code == 200 and sent.json()["state"] == "reviewing"
    assert _ids(api(w.leader), "/api/v1/submissions/awaiting-review") == [submission_id]
    sealed = post(api(w.leader), f"/api/v1/submissions/{submission_id}/seal")
    assert sealed.status_code == 200, sealed.content
    assert sealed.json()["state"] == "submitted" and sealed.json()["reviewed_by"] == "街道主任"
    seal = sealed.json()["seal"]
    assert seal["ok"] and seal["unit"] == "新街口街道" and seal["algorithm"] == "SM2-SM3"
    assert _ids(api(w.county), "/api/v1/submissions/incoming") == [submission_id]
    assert _ids(api(w.sibling), "/api/v1/submissions/incoming") == []
    handled_too_early = post(api(w.county), f"/api/v1/submissions/{submission_id}/handle", {"note": "先办"})
    assert handled_too_early.status_code == 400 and handled_too_early.json()["error"]["message"] == "请先签收再办理"
    received = post(api(w.county), f"/api/v1/submissions/{submission_id}/receive")
    assert received.status_code == 200 and received.json()["received_by"] == "区办科长"
    handled = post(api(w.county), f"/api/v1/submissions/{submission_id}/handle", {"note": "已阅\n按计划推进"})
    assert handled.status_code == 200 and handled.json()["state"] == "handled"
    assert handled.json()["handling_note"] == "已阅\n按计划推进" and handled.json()["seal"]["ok"]
    assert api(w.clerk).get(f"/api/v1/submissions/{submission_id}").json()["state"] == "handled"


def test_another_units_submission_answers_404_like_a_missing_one(tree):
    w = Reporting(tree)
    draft_id, reviewing_id = w.draft(), w.reviewing()
    missing_id = reviewing_id + 1000
    for account, submission_id in ((w.sibling, reviewing_id), (w.neighbour, reviewing_id), (w.colleague, draft_id),
                                   (w.leader, draft_id), (w.county, draft_id)):
        client = api(account)
        outside = client.get(f"/api/v1/submissions/{submission_id}")
        missing = client.get(f"/api/v1/submissions/{missing_id}")
        assert outside.status_code == missing.status_code == 404, account.person.real_name
        assert outside.json() == missing.json()
        assert outside.json()["error"]["code"] == "not_found"
    # the steps look the item up the same way: a neighbour's leader cannot seal or return what it cannot see
    assert post(api(w.neighbour), f"/api/v1/submissions/{reviewing_id}/seal").status_code == 404
    assert post(api(w.neighbour), f"/api/v1/submissions/{reviewing_id}/return", {"reason": "退回"}).status_code == 404
    assert post(api(w.colleague), f"/api/v1/submissions/{draft_id}/send").status_code == 404
    assert post(api(w.sibling), f"/api/v1/submissions/{reviewing_id}/receive").status_code == 404
    assert api(w.clerk).get(f"/api/v1/submissions/{reviewing_id}").json()["state"] == "reviewing"
    # the city's leader oversees the town and sees the item, but is no reviewer of it
    assert api(w.city_leader).get(f"/api/v1/submissions/{reviewing_id}").status_code == 200


def test_only_the_units_own_head_approves_and_never_the_drafter(tree):
    w = Reporting(tree)
    submission_id = w.reviewing()
    path = f"/api/v1/submissions/{submission_id}/seal"
    clerk = post(api(w.clerk), path)  # no seal.apply anywhere: refused at the route
    assert clerk.status_code == 403 and clerk.json()["error"]["rule"] == "no_grant"
    superior = post(api(w.city_leader), path)
    assert superior.status_code == 403 and superior.json()["error"]["rule"] == "not_own_unit"
    own_draft = w.draft(by=w.leader)
    post(api(w.leader), f"/api/v1/submissions/{own_draft}/send")
    drafter = post(api(w.leader), f"/api/v1/submissions/{own_draft}/seal")
    assert drafter.status_code == 403 and drafter.json()["error"]["rule"] == "reviewer_is_drafter"
    assert api(w.clerk).get(f"/api/v1/submissions/{submission_id}").json()["seal"] is None
    assert post(api(w.county), f"/api/v1/submissions/{submission_id}/receive").status_code == 400  # not yet sent up


def test_a_submission_is_returned_with_a_reason_and_sent_again(tree):
    w = Reporting(tree)
    submission_id = w.reviewing()
    post(api(w.leader), f"/api/v1/submissions/{submission_id}/seal")
    path = f"/api/v1/submissions/{submission_id}/return"
    blank = post(api(w.county), path, {"reason": "  "})
    assert blank.status_code == 400 and blank.json()["error"]["field"] == "reason"
    assert post(api(w.county), path, {}).status_code == 422
    assert post(api(w.clerk), path, {"reason": "撤回"}).status_code == 403  # the drafter is no handler of the parent
    returned = post(api(w.county), path, {"reason": "数据口径不一致，请核实"})
    assert returned.status_code == 200, returned.content
    assert returned.json()["state"] == "returned" and returned.json()["seal"] is None
    assert returned.json()["return_reason"] == "数据口径不一致，请核实"
    assert api(w.county).get(f"/api/v1/submissions/{submission_id}").status_code == 404  # a draft again
    assert _ids(api(w.county), "/api/v1/submissions/incoming") == []
    again = post(api(w.clerk), f"/api/v1/submissions/{submission_id}/send")
    assert again.status_code == 200 and again.json()["state"] == "reviewing"


def test_drafting_over_the_api_checks_the_input_like_the_page(tree):
    w = Reporting(tree)
    client = api(w.clerk)
    wrong_kind = post(client, "/api/v1/submissions", {"kind": "memo", "title": "标题", "body": "正文", "contact": "张三"})
    assert wrong_kind.status_code == 400 and wrong_kind.json()["error"]["field"] == "kind"
    blank = post(client, "/api/v1/submissions", {"kind": "info", "title": " ", "body": "正文", "contact": "张三"})
    assert blank.status_code == 400 and blank.json()["error"]["field"] == "title"
    control = post(client, "/api/v1/submissions", {"kind": "info", "title": "标题\x1b[31m", "body": "正文",
                                                    "contact": "张三"})
    assert control.status_code == 422 and control.json()["error"]["field"] == "title"
    assert api(w.clerk).get("/api/v1/submissions/outgoing").json()["total"] == 0
    assert post(api(w.county), "/api/v1/submissions", {"kind": "info", "title": "区里的信息", "body": "正文",
                                                      "contact": "李四"}).status_code == 201
    assert api(w.sibling).get("/api/v1/submissions/awaiting-review").status_code == 403  # no seal.apply
def test_a_document_is_sent_with_its_elements_and_its_file_opened_over_the_api(tree, settings, tmp_path):
    from fenji.core.dispatch.services import Targets, dispatch_send
    from fenji.core.files.tests.samples import PDF, upload

    settings.FILES_DIR = tmp_path / "files"
    head = make_account(tree.city, name="市办主任", role=DEPT_HEAD)
    clerk = make_account(tree.town, name="街道收文员", role=STAFF)
    other = make_account(tree.other_town, name="梅园收文员", role=STAFF)
    elements = {"doc_number": "新政办〔２０２６〕12号", "doc_kind": "notice", "urgency": "extra", "signer": "王区长"}
    for wrong, field, says in (({"doc_number": "新政办〔2026〕012号"}, "doc_number", "不编虚位"),
                               ({"doc_number": "新政办(2026)12号"}, "doc_number", "六角括号"),
                               ({"classification": "秘密"}, "classification", "本网为非涉密网络"),
                               ({"doc_kind": "汇报"}, "doc_kind", "15 种"),
                               ({"urgency": "特提"}, "urgency", "紧急程度")):
        refused = post(api(head), "/api/v1/dispatch", {"kind": "document", "title": "错", "units": [tree.town.pk],
                                                       **elements, **wrong})
        assert refused.status_code == 400, refused.content
        assert refused.json()["error"]["field"] == field and says in refused.json()["error"]["message"]
    sent = post(api(head), "/api/v1/dispatch", {"kind": "document", "title": "接口下发的公文", "units": [tree.town.pk],
                                                **elements})
    assert sent.status_code == 201, sent.content
    assert sent.json()["elements"] == {"doc_number": "新政办〔2026〕12号", "doc_kind": "notice", "doc_kind_label": "通知",
                                       "urgency": "extra", "urgency_label": "特急", "signer": "王区长"}
    # files come from the page (multipart); the API reads them and records the receiving unit's opens
    from fenji.core.access import policy as access

    dispatch = dispatch_send(actor=access.actor_for(head), kind="document", title="带文件的公文",
                             targets=Targets(units=[tree.town, tree.other_town]), files=[upload("预案.pdf", PDF)])
    inbox = api(clerk).get("/api/v1/dispatch/inbox").json()
    delivery_id = next(item["id"] for item in inbox["items"] if item["dispatch_id"] == dispatch.pk)
    before = api(clerk).get(f"/api/v1/dispatch/deliveries/{delivery_id}").json()
    assert before["file_count"] == 1 and before["files"] == []
    tracking = api(head).get(f"/api/v1/dispatch/{dispatch.pk}").json()
    [document] = tracking["dispatch"]["files"]
    assert document["name"] == "预案.pdf" and document["kind"] == "pdf"
    url = f"/api/v1/dispatch/deliveries/{delivery_id}/files/{document['id']}"
    unsigned = api(clerk).get(url)
    assert unsigned.status_code == 400 and "请先签收" in unsigned.json()["error"]["message"]
    assert api(other).get(url).status_code == 404
    post(api(clerk), f"/api/v1/dispatch/deliveries/{delivery_id}/sign")
    assert [f["name"] for f in api(clerk).get(f"/api/v1/dispatch/deliveries/{delivery_id}").json()["files"]] == [
        "预案.pdf"]
    download = api(clerk).get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    tracking = api(head).get(f"/api/v1/dispatch/{dispatch.pk}").json()
    assert tracking["counts"]["opened"] == 1
    [row] = [d for d in tracking["deliveries"] if d["id"] == delivery_id]
    assert [(o["account"], o["file_name"], o["times"]) for o in row["file_opens"]] == [("街道收文员", "预案.pdf", 1)]


def test_messages_are_the_recipients_own(tree):
    head = make_account(tree.city, name="市办主任", role=DEPT_HEAD)
    clerk = make_account(tree.town, name="街道收文员", role=STAFF)
    post(api(head), "/api/v1/dispatch", {"kind": "notice", "title": "消息测试", "units": [tree.town.pk]})
    mine = api(clerk).get("/api/v1/messages", {"unread": "true"}).json()
    assert mine["unread"] == 1 and mine["items"][0]["kind"] == "dispatch.arrived"
    message_id = mine["items"][0]["id"]
    assert post(api(head), f"/api/v1/messages/{message_id}/read").status_code == 404
    assert post(api(clerk), f"/api/v1/messages/{message_id}/read").json()["read_at"]
    assert api(clerk).get("/api/v1/messages").json()["unread"] == 0
    assert post(api(clerk), "/api/v1/messages/read-all").json() == {"marked": 0}


@pytest.mark.parametrize("text", ["登录"])
def test_the_auditor_searches_the_log_by_its_chinese_label(tree, text):
    member = make_account(tree.town, kind="member", name="登录会员")
    Client().post("/m/login/", {"mobile": member.mobile, "password": "wrong"})
    auditor = make_account(tree.province, name="审计员", role=AUDITOR)
    found = api(auditor).get("/api/v1/audit/events", {"text": text}).json()
    assert found["total"] >= 1 and all("登录" in item["action"] for item in found["items"])
    assert found["items"][0]["module"] == "人员账号"
    assert api(make_account(tree.city, role=DEPT_HEAD)).get("/api/v1/audit/events").status_code == 403
