"""The API for what people do every day: requests, dispatch, messages and the audit log — the page's services
and scope, errors in the envelope, every operation in the OpenAPI schema."""

import pytest
from django.test import Client

from fenji.core.access import policy
from fenji.core.access.roles import AUDITOR, DEPT_HEAD, STAFF
from fenji.core.api import services as token_services
from fenji.core.console.tests.test_requests import Office
from fenji.testing import make_account

NEW_PATHS = {"/api/v1/requests", "/api/v1/requests/mine", "/api/v1/requests/awaiting", "/api/v1/requests/{id}",
             "/api/v1/requests/{id}/decide", "/api/v1/requests/{id}/withdraw", "/api/v1/dispatch",
             "/api/v1/dispatch/inbox", "/api/v1/dispatch/{id}", "/api/v1/dispatch/{id}/urge",
             "/api/v1/dispatch/deliveries/{id}", "/api/v1/dispatch/deliveries/{id}/sign",
             "/api/v1/dispatch/deliveries/{id}/reply", "/api/v1/dispatch/deliveries/{id}/files/{file_id}",
             "/api/v1/messages", "/api/v1/messages/{id}/read",
             "/api/v1/messages/read-all", "/api/v1/audit/events"}


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
