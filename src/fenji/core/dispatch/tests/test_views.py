import datetime

import pytest
from django.test import Client

from fenji.core.audit.models import AuditEvent, Outcome
from fenji.core.dispatch import selectors
from fenji.core.dispatch.models import Delivery, Dispatch, DispatchKind, ReviewState
from fenji.core.dispatch.services import Targets, dispatch_send
from fenji.core.notify.models import Message
from fenji.core.org.models import Unit, UnitKind
from fenji.testing import PASSWORD

from .conftest import as_actor


def signed_in(account, *, mobile=False) -> Client:
    client = Client()
    response = client.post("/m/login/" if mobile else "/login/", {"mobile": account.mobile, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:300]
    return client


def send(account, targets, **kwargs):
    kwargs.setdefault("kind", DispatchKind.NOTICE)
    kwargs.setdefault("title", "关于防汛值班的通知")
    return dispatch_send(actor=as_actor(account), targets=targets, **kwargs)


def delivery_of(dispatch, unit):
    return Delivery.objects.unscoped(reason="test").get(dispatch=dispatch, unit=unit)


def test_the_tracking_page_is_404_outside_the_senders_scope(tree, people):
    from fenji.core.access.roles import DEPT_HEAD
    from fenji.testing import make_account

    dispatch = send(people.city_head, Targets(subtrees=[tree.county]))
    url = f"/dispatch/{dispatch.pk}/"
    assert signed_in(people.city_head).get(url).status_code == 200
    assert signed_in(people.province_head).get(url).status_code == 200  # the sender's superior
    sibling_head = make_account(tree.sibling_city, name="苏州主任", role=DEPT_HEAD)
    county_head = make_account(tree.county, name="区主任", role=DEPT_HEAD)
    assert signed_in(sibling_head).get(url).status_code == 404
    assert signed_in(county_head).get(url).status_code == 404  # a receiving unit does not track the sender
    assert signed_in(people.town_clerk).get(url).status_code == 403  # no sending action at all
    assert signed_in(people.city_head).get("/dispatch/999999/").status_code == 404
    assert signed_in(sibling_head).post(url, {"op": "urge"}).status_code == 404


def test_a_delivery_is_404_to_units_outside_the_targets(tree, people):
    dispatch = send(people.city_head, Targets(units=[tree.town]))
    url = f"/dispatch/deliveries/{delivery_of(dispatch, tree.town).pk}/"
    assert signed_in(people.town_clerk).get(url).status_code == 200
    assert signed_in(people.city_head).get(url).status_code == 200
    assert signed_in(people.province_head).get(url).status_code == 200
    for outsider in (people.other_clerk, people.sibling_clerk, people.county_clerk):
        client = signed_in(outsider)
        assert client.get(url).status_code == 404
        assert client.post(url, {"op": "sign"}).status_code == 404
    assert delivery_of(dispatch, tree.town).signed_at is None


def test_the_mobile_delivery_is_the_receiving_units_only(tree, people):
    dispatch = send(people.city_head, Targets(subtrees=[tree.county], kinds=[UnitKind.TOWN]))
    delivery = delivery_of(dispatch, tree.town)
    url = f"/m/dispatch/{delivery.pk}/"
    clerk = signed_in(people.town_clerk, mobile=True)
    listing = clerk.get("/m/dispatch/")
    assert listing.status_code == 200 and "关于防汛值班的通知" in listing.content.decode()
    page = clerk.get(url)
    assert page.status_code == 200 and "签收后查看正文" in page.content.decode()
    response = clerk.post(url, {"op": "sign", "next": "/m/dispatch/"})
    assert response.status_code == 302 and response["Location"] == "/m/dispatch/"
    assert delivery_of(dispatch, tree.town).signed_by_id == people.town_clerk.pk
    assert signed_in(people.other_clerk, mobile=True).get(url).status_code == 404
    assert signed_in(people.city_head, mobile=True).get(url).status_code == 404  # the sender tracks on the console


def test_reply_attachments_are_served_through_their_delivery(tree, people, settings, tmp_path):
    """Only whoever may see the delivery (its receiving unit's handlers, the sending side) downloads its
    reply's attachments, and only through that delivery; the generic /files/ download is the uploader's."""
    from fenji.core.access.roles import STAFF
    from fenji.core.dispatch.services import delivery_reply
    from fenji.core.files.tests.samples import PDF, upload
    from fenji.testing import make_account

    settings.FILES_DIR = tmp_path / "files"
    dispatch = send(people.city_head, Targets(units=[tree.town, tree.other_town]), kind=DispatchKind.FEEDBACK,
                    feedback_kind="undertake", reply_days=5)
    mine, theirs = delivery_of(dispatch, tree.town), delivery_of(dispatch, tree.other_town)
    delivery_reply(actor=as_actor(people.town_clerk), delivery=mine, text="已落实",
                   attachments=[upload("落实情况.pdf", PDF)])
    delivery_reply(actor=as_actor(people.other_clerk), delivery=theirs, text="已办理",
                   attachments=[upload("办理情况.pdf", PDF + b"x")])
    [attachment] = selectors.delivery_reply_attachments(mine)
    [other_attachment] = selectors.delivery_reply_attachments(theirs)
    url = f"/dispatch/deliveries/{mine.pk}/attachments/{attachment.pk}/"
    colleague = make_account(tree.town, name="新街口同事", role=STAFF)

    for account in (people.town_clerk, colleague, people.city_head, people.province_head):
        response = signed_in(account).get(url)
        assert response.status_code == 200, account.person.real_name
        assert b"".join(response.streaming_content) == PDF
    missing_delivery = f"/dispatch/deliveries/{theirs.pk + 1000}/attachments/{attachment.pk}/"
    for outsider in (people.other_clerk, people.sibling_clerk, people.county_clerk):
        client = signed_in(outsider)
        out_of_scope = client.get(url)
        assert out_of_scope.status_code == 404
        assert out_of_scope.context["message"] == client.get(missing_delivery).context["message"]
    # another delivery's attachment is not reachable through this one, even by the sender of both
    head = signed_in(people.city_head)
    crossed = head.get(f"/dispatch/deliveries/{mine.pk}/attachments/{other_attachment.pk}/")
    missing = head.get(f"/dispatch/deliveries/{mine.pk}/attachments/{other_attachment.pk + 1000}/")
    assert crossed.status_code == 404 and missing.status_code == 404
    assert crossed.context["message"] == missing.context["message"]
    # the generic download no longer reaches around the delivery: only the uploader gets it there
    assert head.get(f"/files/{attachment.pk}/").status_code == 404
    assert signed_in(colleague).get(f"/files/{attachment.pk}/").status_code == 404
    assert signed_in(people.town_clerk).get(f"/files/{attachment.pk}/").status_code == 200


def test_the_new_dispatch_page_sends_and_refuses_an_out_of_scope_target_like_a_missing_one(tree, people):
    client = signed_in(people.city_head)
    page = client.get("/dispatch/new/")
    assert page.status_code == 200 and "玄武区" in page.content.decode()  # the units below, to pick from
    picker = client.get("/dispatch/units/", {"q": "街道"})
    assert "新街口街道" in picker.content.decode() and "苏州市" not in picker.content.decode()
    assert "苏州市" not in client.get("/dispatch/units/", {"q": "苏州"}).content.decode()
    refused = client.post("/dispatch/new/", {"kind": "notice", "title": "越权", "units": [tree.sibling_city.pk]})
    absent = Unit.objects.order_by("-pk").first().pk + 1000
    missing = client.post("/dispatch/new/", {"kind": "notice", "title": "越权", "units": [absent]})
    assert refused.status_code == missing.status_code == 403  # a refusal page, not a form error
    shown = [r.context["message"].replace(str(pk), "N") for r, pk in ((refused, tree.sibling_city.pk),
                                                                     (missing, absent))]
    assert shown[0] == shown[1] and "发送范围中的单位不存在或不在您的发文范围内" in shown[0]
    assert "苏州市" not in refused.content.decode()
    for scope in ("units", "subtrees"):  # a whole subtree outside the scope is refused the same way
        subtree = client.post("/dispatch/new/", {"kind": "notice", "title": "越权", scope: [tree.sibling_city.pk]})
        assert subtree.status_code == 403
        assert subtree.context["message"].replace(str(tree.sibling_city.pk), "N") == shown[0]
    assert not Dispatch.objects.unscoped(reason="test").exists()
    # four refusals recorded, the missing unit's as well: the log does not tell them apart either
    assert AuditEvent.objects.filter(outcome=Outcome.DENIED, action="dispatch.dispatch.send").count() == 4
    sending = {"kind": "feedback", "feedback_kind": "supervise", "title": "督办：背街小巷整治", "reply_days": "3",
               "body": "请于期限内反馈。", "subtrees": [tree.county.pk], "units": [tree.county.pk], "kinds": ["town"]}
    first = client.post("/dispatch/new/", sending)  # the consequence first, nothing sent yet
    assert first.status_code == 200 and "将发送至 2 个单位。" in first.content.decode()
    assert not Dispatch.objects.unscoped(reason="test").exists()
    response = client.post("/dispatch/new/", {**sending, "confirmed": "1"})
    dispatch = Dispatch.objects.unscoped(reason="test").get()
    assert response.status_code == 302 and response["Location"] == f"/dispatch/{dispatch.pk}/"
    assert dispatch.delivery_count == 2 and dispatch.reply_days == 3 and dispatch.sent_by_id == people.city_head.pk
    listing = client.get("/dispatch/").content.decode()
    assert "督办：背街小巷整治" in listing


class _Forms:
    """Which form owns each named control of a page (its ``form`` attribute, else the enclosing form),
    and the htmx requests' ``hx-include`` / ``hx-params``."""

    def __init__(self, html: str):
        from html.parser import HTMLParser

        self.forms: dict[str, dict] = {}
        self.htmx: list[dict] = []
        forms, htmx = self.forms, self.htmx

        class Parser(HTMLParser):
            current = None

            def handle_starttag(self, tag, attrs):
                a = dict(attrs)
                if tag == "form":
                    self.current = a.get("id") or f"form{len(forms)}"
                    forms[self.current] = {"method": (a.get("method") or "get").lower(), "controls": set()}
                elif tag in ("input", "button", "select", "textarea"):
                    owner = a.get("form") or self.current
                    if owner is not None and a.get("name"):
                        forms.setdefault(owner, {"method": "?", "controls": set()})["controls"].add(a["name"])
                    if a.get("formmethod"):
                        forms.setdefault(owner, {"method": "?", "controls": set()})["method"] = a["formmethod"]
                if "hx-get" in a:
                    htmx.append(a)

            def handle_endtag(self, tag):
                if tag == "form":
                    self.current = None

        Parser().feed(html)


def test_the_new_dispatch_page_keeps_the_csrf_token_out_of_urls(tree, people):
    """The unit search (htmx, and the plain search button without JavaScript) is a GET: it must not carry
    the sending form's CSRF token into a query string (server logs, history, Referer)."""
    client = signed_in(people.city_head)
    page = _Forms(client.get("/dispatch/new/", {"units": [tree.county.pk]}).content.decode())
    get_forms = [f for f in page.forms.values() if f["method"] == "get"]
    post_forms = [f for f in page.forms.values() if f["method"] == "post"]
    assert post_forms and all("csrfmiddlewaretoken" in f["controls"] for f in post_forms)
    assert get_forms, "the plain search is a GET form of its own"
    for form in get_forms:
        assert "csrfmiddlewaretoken" not in form["controls"]
        assert form["controls"] <= {"q", "units", "subtrees"}
    [picker] = page.htmx
    assert picker["hx-include"] == "#unit-candidates" and "closest form" not in picker["hx-include"]
    assert picker["hx-params"] == "not csrfmiddlewaretoken"
    searched = client.get("/dispatch/new/", {"q": "街道", "units": [tree.county.pk]}).content.decode()
    assert "新街口街道" in searched  # the search still works; the chosen unit stays listed
    assert f'name="units" value="{tree.county.pk}" id="unit-{tree.county.pk}" ' in searched


def test_sign_reply_return_and_accept_through_the_pages(tree, people, settings, tmp_path):
    settings.FILES_DIR = tmp_path / "files"
    dispatch = send(people.city_head, Targets(units=[tree.town, tree.other_town]), kind=DispatchKind.FEEDBACK,
                    feedback_kind="undertake", reply_days=5, body="正文内容甲乙丙")
    delivery = delivery_of(dispatch, tree.town)
    url = f"/dispatch/deliveries/{delivery.pk}/"
    clerk = signed_in(people.town_clerk)
    inbox = clerk.get("/dispatch/inbox/").content.decode()
    assert dispatch.title in inbox and "签收" in inbox
    assert clerk.post(url, {"op": "sign", "next": "/dispatch/inbox/"})["Location"] == "/dispatch/inbox/"
    detail = clerk.get(url).content.decode()
    assert "正文内容甲乙丙" in detail and "提交答复" in detail
    delivery.refresh_from_db()
    assert delivery.read_by_id == people.town_clerk.pk
    empty = clerk.post(url, {"op": "reply", "text": ""})
    assert empty.status_code == 200
    from fenji.core.files.tests.samples import PDF, upload

    assert clerk.post(url, {"op": "reply", "text": "已落实", "attachments": upload("落实情况.pdf", PDF)}).status_code == 302
    head = signed_in(people.city_head)
    review = head.get(url).content.decode()
    assert "审核通过" in review and "已落实" in review and "落实情况.pdf" in review
    [attachment] = selectors.delivery_reply_attachments(delivery)
    download = head.get(f"/dispatch/deliveries/{delivery.pk}/attachments/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert f"/dispatch/deliveries/{delivery.pk}/attachments/{attachment.pk}/" in review
    assert signed_in(people.sibling_clerk).get(
        f"/dispatch/deliveries/{delivery.pk}/attachments/{attachment.pk}/").status_code == 404
    assert head.post(url, {"op": "return", "reason": ""}).status_code == 200
    assert head.post(url, {"op": "return", "reason": "请补充数据"}).status_code == 302
    delivery.refresh_from_db()
    assert delivery.review_state == ReviewState.RETURNED
    assert "请补充数据" in clerk.get(url).content.decode()
    assert clerk.post(url, {"op": "accept"}).status_code == 403  # refused, nothing changes
    delivery.refresh_from_db()
    assert delivery.review_state == ReviewState.RETURNED
    assert clerk.post(url, {"op": "reply", "text": "已补充"}).status_code == 302
    assert head.post(url, {"op": "accept"}).status_code == 302
    delivery.refresh_from_db()
    assert delivery.review_state == ReviewState.ACCEPTED


def test_the_tracking_page_counts_filters_and_urges(tree, people):
    dispatch = send(people.province_head, Targets(subtrees=[tree.province]))
    Delivery.objects.unscoped(reason="test: the deadline has passed").filter(dispatch=dispatch).update(
        sign_due_at=dispatch.sent_at - datetime.timedelta(minutes=1))
    from fenji.core.dispatch import services

    services.delivery_sign(actor=as_actor(people.town_clerk), delivery=delivery_of(dispatch, tree.town))
    client = signed_in(people.province_head)
    url = f"/dispatch/{dispatch.pk}/"
    html = client.get(url).content.decode()
    assert 'data-count="total">5<' in html and 'data-count="signed">1<' in html and 'data-count="overdue">4<' in html
    overdue = client.get(url, {"status": "overdue", "within": tree.county.pk}).content.decode()
    overdue = overdue[overdue.index('id="deliveries"'):]
    assert "梅园新村街道" in overdue and "玄武区" in overdue and "新街口街道" not in overdue and "苏州市" not in overdue
    assert client.get(url, {"within": 999999}).status_code == 404
    response = client.post(url, {"op": "urge"})
    assert response.status_code == 302
    urged = set(Message.objects.filter(kind="dispatch.urge").values_list("recipient_id", flat=True))
    # every account of a lagging unit holding dispatch.delivery.handle: 南京市's head (部门负责人) too
    assert urged == {people.city_head.pk, people.city_clerk.pk, people.sibling_clerk.pk, people.county_clerk.pk,
                     people.other_clerk.pk}


def test_the_bulletin_page_exports_and_issues_a_notice(tree, people):
    dispatch = send(people.city_head, Targets(subtrees=[tree.county], kinds=[UnitKind.TOWN]))
    from fenji.core.dispatch import services

    services.delivery_sign(actor=as_actor(people.town_clerk), delivery=delivery_of(dispatch, tree.town))
    Delivery.objects.unscoped(reason="test: the deadline has passed").filter(unit=tree.other_town).update(
        sign_due_at=dispatch.sent_at - datetime.timedelta(minutes=1))
    client = signed_in(people.city_head)
    html = client.get("/dispatch/bulletin/").content.decode()
    assert html.index("新街口街道") < html.index("梅园新村街道")
    export = client.get("/dispatch/bulletin/", {"format": "xlsx"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert b"".join(export.streaming_content)[:2] == b"PK"
    from fenji.core.web import pdf

    try:
        pdf._weasyprint()
    except pdf.PdfUnavailable:
        pass
    else:
        printed = client.get("/dispatch/bulletin/", {"format": "pdf"})
        assert printed.status_code == 200 and printed.content[:4] == b"%PDF"
    response = client.post("/dispatch/bulletin/issue/", {"unit": tree.city.pk})
    notice = Dispatch.objects.unscoped(reason="test").exclude(pk=dispatch.pk).get()
    assert response.status_code == 302 and response["Location"] == f"/dispatch/{notice.pk}/"
    assert notice.kind == DispatchKind.NOTICE and "通报" in notice.title
    assert "1. 新街口街道" in notice.body and "2. 梅园新村街道" in notice.body
    assert notice.delivery_count == 3  # 南京市's subtree but itself: 玄武区 and its two towns
    assert signed_in(people.city_head).post("/dispatch/bulletin/issue/", {"unit": tree.province.pk}).status_code == 404


@pytest.mark.parametrize("path", ["/dispatch/", "/dispatch/new/", "/dispatch/bulletin/"])
def test_a_receiving_clerk_cannot_use_the_sending_pages(path, people):
    assert signed_in(people.town_clerk).get(path).status_code == 403


def test_the_confirmation_names_the_units_where_nobody_can_sign(tree, people, login):
    from fenji.core.access import policy
    from fenji.core.org.services import unit_create

    unit_create(actor=policy.SYSTEM, parent=tree.county, name="新建社区", kind="village")
    page = login(people.city_head).post("/dispatch/new/", {"kind": "notice", "title": "通知",
                                                           "subtrees": [tree.county.pk]}).content.decode()
    assert "将发送至 4 个单位，其中 1 个单位无人可签收（新建社区）" in page
    assert not Dispatch.objects.unscoped(reason="test").exists()


def test_urging_units_with_nobody_to_remind_says_so_as_a_warning(tree, people, login):
    from fenji.core.access import policy
    from fenji.core.dispatch.services import Targets, dispatch_send
    from fenji.core.org.services import unit_create

    empty = unit_create(actor=policy.SYSTEM, parent=tree.county, name="无人社区", kind="village")
    dispatch = dispatch_send(actor=policy.actor_for(people.city_head), kind="notice", title="通知",
                             targets=Targets(units=[empty]))
    page = login(people.city_head).post(f"/dispatch/{dispatch.pk}/", {"op": "urge"}, follow=True).content.decode()
    assert "0 条提醒：1 个未签收或未答复的单位都没有可提醒的经办人员" in page
    assert 'class="msg-warning"' in page and "msg-success" not in page
