"""公文 on a dispatch: the elements (发文字号, 文种, 紧急程度, 签发人, 密级) and the files, from the sender's
form to the receiving unit's download and back to the sender's tracking."""

import pytest

from fenji.core.dispatch import selectors, services
from fenji.core.dispatch.elements import (
    NOT_CLASSIFIED,
    UPWARD,
    DocKind,
    ElementError,
    classification_check,
    doc_kind_check,
    doc_number_normalise,
    elements_check,
    urgency_check,
)
from fenji.core.dispatch.models import Delivery, Dispatch, DispatchKind, FileOpen
from fenji.core.dispatch.services import Targets
from fenji.core.files.models import Attachment
from fenji.core.files.tests.samples import PDF, docx, ofd, png, upload
from fenji.core.kernel.errors import DomainError

from .conftest import as_actor
from .test_views import delivery_of, signed_in

# --- 发文字号 (a pure function) ---------------------------------------------------------------------


@pytest.mark.parametrize(("given", "expected"), [
    ("新政办〔2026〕12号", "新政办〔2026〕12号"),
    ("国办发〔2019〕1号", "国办发〔2019〕1号"),
    ("苏政办发〔2025〕100号", "苏政办发〔2025〕100号"),
    ("新政办〔２０２６〕１２号", "新政办〔2026〕12号"),  # full-width digits written back half-width
    (" 新政办 〔2026〕 12号 ", "新政办〔2026〕12号"),
    ("", ""),
])
def test_a_valid_doc_number_is_normalised(given, expected):
    assert doc_number_normalise(given) == expected


@pytest.mark.parametrize(("given", "says"), [
    ("新政办〔2026〕012号", "不编虚位"),
    ("新政办〔2026〕0号", "不编虚位"),
    ("新政办〔２０２６〕０１２号", "不编虚位"),
    ("新政办[2026]12号", "六角括号"),
    ("新政办(2026)12号", "六角括号"),
    ("新政办（2026）12号", "六角括号"),
    ("新政办【2026】12号", "六角括号"),
    ("新政办2026年12号", "六角括号"),
    ("新政办〔26〕12号", "四位数字"),
    ("新政办〔0226〕12号", "四位数字"),
    ("新政办〔2026〕第12号", "不加“第”"),
    ("新政办〔2026〕12", "“号”字结尾"),
    ("新政办〔2026〕号", "缺少序号"),
    ("〔2026〕12号", "缺少机关代字"),
    ("新政办〔2026〕十二号", "阿拉伯数字"),
    ("新政办〔2026〕〔2027〕12号", "一对六角括号"),
])
def test_an_invalid_doc_number_is_refused_in_chinese(given, says):
    with pytest.raises(ElementError) as refused:
        doc_number_normalise(given)
    assert says in refused.value.message and refused.value.field == "doc_number"
    assert "新政办〔2026〕12号" in refused.value.message  # the example of the right form


def test_the_other_elements():
    assert len(DocKind.values) == 15 and DocKind.LETTER.label == "函"
    assert doc_kind_check("notice") == "notice" and doc_kind_check("") == ""
    for wrong in ("汇报", "请示报告", "notice2"):
        with pytest.raises(ElementError, match="15 种"):
            doc_kind_check(wrong)
    with pytest.raises(ElementError, match="上行文，不能向下级单位下发"):
        doc_kind_check("request")
    assert doc_kind_check("request", direction=UPWARD) == "request"
    assert [urgency_check(v) for v in ("extra", "urgent", "normal", "")] == ["extra", "urgent", "normal", ""]
    with pytest.raises(ElementError, match="特急、加急、平急"):
        urgency_check("特提")
    for value in ("秘密", "机密", "绝密", "非密", "内部"):
        with pytest.raises(ElementError) as refused:
            classification_check(value)
        assert refused.value.message == NOT_CLASSIFIED and "本网为非涉密网络" in NOT_CLASSIFIED
    assert classification_check(" ") == ""
    # 签发人: an upward document must carry it; a dispatch goes down and may leave it out
    with pytest.raises(ElementError, match="上行文必须标注签发人") as refused:
        elements_check(doc_kind="report", direction=UPWARD)
    assert refused.value.field == "signer"
    assert elements_check(doc_kind="report", signer=" 张三 ", direction=UPWARD).signer == "张三"
    assert elements_check(doc_kind="notice").signer == ""


# --- the service ---------------------------------------------------------------------------------


def _send(people, tree, **kwargs):
    kwargs.setdefault("kind", DispatchKind.DOCUMENT)
    kwargs.setdefault("title", "关于印发《新华区防汛应急预案》的通知")
    return services.dispatch_send(actor=as_actor(people.city_head), targets=Targets(units=[tree.town, tree.other_town]),
                                  **kwargs)


def _nothing_stored(files_dir):
    assert not Dispatch.objects.unscoped(reason="test").exists()
    assert not Attachment.objects.unscoped(reason="test").exists()
    assert not [p for p in files_dir.rglob("*") if p.is_file()] if files_dir.exists() else True


def test_a_document_is_sent_with_its_elements_and_files(tree, people, settings, tmp_path):
    settings.FILES_DIR = tmp_path / "files"
    dispatch = _send(people, tree, doc_number="新政办〔２０２６〕12号", doc_kind="notice", urgency="urgent",
                     signer="王区长", files=[upload("预案.pdf", PDF), upload("预案.ofd", ofd()), upload("附件.docx", docx())])
    dispatch.refresh_from_db()
    assert (dispatch.doc_number, dispatch.doc_kind, dispatch.urgency, dispatch.signer) == (
        "新政办〔2026〕12号", "notice", "urgent", "王区长")
    files = selectors.dispatch_files(dispatch)
    assert [(a.original_name, a.kind, a.unit_id) for a in files] == [
        ("预案.pdf", "pdf", tree.city.pk), ("预案.ofd", "ofd", tree.city.pk), ("附件.docx", "docx", tree.city.pk)]
    # the elements stay optional on every kind: a plain notice still goes without them
    plain = _send(people, tree, kind=DispatchKind.NOTICE, title="普通通知")
    assert (plain.doc_number, plain.doc_kind, plain.urgency, plain.signer) == ("", "", "", "")


@pytest.mark.parametrize(("elements", "field", "says"), [
    ({"classification": "秘密"}, "classification", "本网为非涉密网络"),
    ({"doc_number": "新政办〔2026〕012号"}, "doc_number", "不编虚位"),
    ({"doc_number": "新政办[2026]12号"}, "doc_number", "六角括号"),
    ({"doc_kind": "汇报"}, "doc_kind", "15 种"),
    ({"doc_kind": "request"}, "doc_kind", "上行文"),
    ({"urgency": "特提"}, "urgency", "紧急程度"),
])
def test_a_wrong_element_refuses_the_whole_send(tree, people, settings, tmp_path, elements, field, says):
    settings.FILES_DIR = tmp_path / "files"
    with pytest.raises(DomainError) as refused:
        _send(people, tree, files=[upload("预案.pdf", PDF)], **elements)
    assert refused.value.field == field and says in refused.value.message
    _nothing_stored(tmp_path / "files")


@pytest.mark.parametrize(("name", "data", "says"), [
    ("预案.pdf", png(), "扩展名与内容不符"),  # an image named as a PDF
    ("预案.docx", PDF, "扩展名与内容不符"),
    ("照片.png", png(), "仅接受 PDF、OFD 或 Word（docx）"),  # a whitelisted upload, but no 公文 file
    ("说明.txt", "一、基本情况".encode(), "仅接受 PDF、OFD 或 Word（docx）"),
    ("脚本.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "扩展名与内容不符"),
    ("网页.pdf", b"<html><script>alert(1)</script></html>", "扩展名与内容不符"),
])
def test_a_file_that_is_not_a_clean_document_is_refused_with_nothing_stored(tree, people, settings, tmp_path,
                                                                           name, data, says):
    settings.FILES_DIR = tmp_path / "files"
    with pytest.raises(DomainError) as refused:
        _send(people, tree, files=[upload("正文.pdf", PDF), upload(name, data)])
    assert says in refused.value.message
    _nothing_stored(tmp_path / "files")


def test_the_size_limit_holds_for_document_files(tree, people, settings, tmp_path):
    settings.FILES_DIR, settings.UPLOAD_MAX_MB = tmp_path / "files", 1
    with pytest.raises(DomainError, match="1 MB"):
        _send(people, tree, files=[upload("大文件.pdf", PDF + b"0" * (1024 * 1024))])
    _nothing_stored(tmp_path / "files")


def test_only_the_senders_own_stored_files_can_be_attached(tree, people, settings, tmp_path):
    settings.FILES_DIR = tmp_path / "files"
    [mine] = services.dispatch_files_store(actor=as_actor(people.city_head), uploads=[upload("预案.pdf", PDF)])
    [theirs] = services.dispatch_files_store(actor=as_actor(people.province_head), uploads=[upload("省.pdf", PDF)])
    with pytest.raises(DomainError, match="公文文件不存在"):
        _send(people, tree, files=[theirs.pk])
    dispatch = _send(people, tree, files=[mine.pk])
    assert selectors.dispatch_files(dispatch) == [mine]


# --- receiving and tracking through the pages ----------------------------------------------------


def test_receivers_download_after_signing_and_the_sender_sees_who_opened(tree, people, settings, tmp_path):
    settings.FILES_DIR = tmp_path / "files"
    dispatch = _send(people, tree, doc_number="新政办〔2026〕12号", doc_kind="notice", urgency="extra",
                     files=[upload("预案.pdf", PDF)])
    [document] = selectors.dispatch_files(dispatch)
    delivery = delivery_of(dispatch, tree.town)
    page_url = f"/dispatch/deliveries/{delivery.pk}/"
    file_url = f"{page_url}files/{document.pk}/"
    clerk = signed_in(people.town_clerk)

    assert "特急" in clerk.get("/dispatch/inbox/").content.decode()  # the urgency shows in the inbox
    before = clerk.get(page_url).content.decode()
    assert "新政办〔2026〕12号" in before and "特急" in before and "附公文文件 1 个" in before
    assert file_url not in before
    refused = clerk.get(file_url)  # not signed yet: back to the page with the reason, nothing recorded
    assert refused.status_code == 302 and refused["Location"] == page_url
    assert "请先签收" in clerk.get(page_url).content.decode()
    assert not FileOpen.objects.unscoped(reason="test").exists()

    clerk.post(page_url, {"op": "sign"})
    after = clerk.get(page_url).content.decode()
    assert file_url in after and "预案.pdf" in after
    for _ in range(2):
        download = clerk.get(file_url)
        assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
        assert download["Content-Disposition"].startswith("attachment;")
    [opened] = FileOpen.objects.unscoped(reason="test").all()
    assert (opened.delivery_id, opened.attachment_id, opened.account_id, opened.times, opened.unit_id) == (
        delivery.pk, document.pk, people.town_clerk.pk, 2, tree.town.pk)

    head = signed_in(people.city_head)
    tracking = head.get(f"/dispatch/{dispatch.pk}/")
    assert tracking.context["counts"]["opened"] == 1
    html = tracking.content.decode()
    assert "新街口收文员" in html and "未打开" in html and "新政办〔2026〕12号" in html
    assert f"/dispatch/{dispatch.pk}/files/{document.pk}/" in html
    review = head.get(page_url).content.decode()
    assert "文件打开记录" in review and "新街口收文员" in review
    sender_download = head.get(f"/dispatch/{dispatch.pk}/files/{document.pk}/")  # the sender's own copy
    assert sender_download.status_code == 200 and b"".join(sender_download.streaming_content) == PDF
    assert head.get(file_url).status_code == 200  # the sending side opens without a record
    assert FileOpen.objects.unscoped(reason="test").count() == 1

    # the mobile page offers the file too, recorded the same way
    phone = signed_in(people.town_clerk, mobile=True)
    mobile_url = f"/m/dispatch/{delivery.pk}/files/{document.pk}/"
    assert mobile_url in phone.get(f"/m/dispatch/{delivery.pk}/").content.decode()
    assert phone.get(mobile_url).status_code == 200
    assert FileOpen.objects.unscoped(reason="test").get().times == 3


def test_the_file_is_404_outside_the_delivery(tree, people, settings, tmp_path):
    settings.FILES_DIR = tmp_path / "files"
    dispatch = _send(people, tree, files=[upload("预案.pdf", PDF)])
    other = services.dispatch_send(actor=as_actor(people.city_head), kind=DispatchKind.DOCUMENT, title="另一份",
                                   targets=Targets(units=[tree.county]), files=[upload("另一份.pdf", PDF + b"x")])
    [document] = selectors.dispatch_files(dispatch)
    [other_document] = selectors.dispatch_files(other)
    delivery = delivery_of(dispatch, tree.town)
    file_url = f"/dispatch/deliveries/{delivery.pk}/files/{document.pk}/"
    for outsider in (people.other_clerk, people.sibling_clerk, people.county_clerk):
        client = signed_in(outsider)
        assert client.get(file_url).status_code == 404
        assert client.get(f"/dispatch/{dispatch.pk}/files/{document.pk}/").status_code in (403, 404)
    clerk = signed_in(people.town_clerk)
    clerk.post(f"/dispatch/deliveries/{delivery.pk}/", {"op": "sign"})
    # another dispatch's file is not reachable through this delivery, nor the generic download
    assert clerk.get(f"/dispatch/deliveries/{delivery.pk}/files/{other_document.pk}/").status_code == 404
    assert clerk.get(f"/files/{document.pk}/").status_code == 404
    assert signed_in(people.town_clerk, mobile=True).get(
        f"/m/dispatch/{delivery_of(dispatch, tree.other_town).pk}/files/{document.pk}/").status_code == 404
    assert not FileOpen.objects.unscoped(reason="test").exists()


def test_the_send_form_shows_the_elements_and_carries_the_files_to_the_confirmation(tree, people, settings, tmp_path):
    settings.FILES_DIR = tmp_path / "files"
    client = signed_in(people.city_head)
    page = client.get("/dispatch/new/").content.decode()
    for label in ("发文字号", "文种", "紧急程度", "签发人", "密级", "公文文件", 'enctype="multipart/form-data"'):
        assert label in page
    sending = {"kind": "document", "title": "关于印发预案的通知", "doc_number": "新政办〔2026〕12号", "doc_kind": "notice",
               "urgency": "urgent", "signer": "王区长", "units": [tree.town.pk]}

    wrong = client.post("/dispatch/new/", {**sending, "doc_number": "新政办[2026]012号", "classification": "秘密"})
    assert wrong.status_code == 200 and "本网为非涉密网络" in wrong.content.decode()
    wrong = client.post("/dispatch/new/", {**sending, "doc_number": "新政办〔2026〕012号"})
    assert "不编虚位" in str(wrong.context["form"].errors["doc_number"])
    mismatch = client.post("/dispatch/new/", {**sending, "files": upload("预案.pdf", png())})
    assert "扩展名与内容不符" in mismatch.content.decode() and "确认下发" not in mismatch.content.decode()
    assert not Attachment.objects.unscoped(reason="test").exists()

    first = client.post("/dispatch/new/", {**sending, "files": upload("预案.pdf", PDF)})
    html = first.content.decode()
    assert "将发送至 1 个单位" in html and "确认下发" in html
    assert "新政办〔2026〕12号" in html and "加急" in html and "王区长" in html and "预案.pdf" in html
    [stored] = Attachment.objects.unscoped(reason="test").all()
    assert f'name="file_ids" value="{stored.pk}"' in html
    assert not Dispatch.objects.unscoped(reason="test").exists()
    response = client.post("/dispatch/new/", {**sending, "file_ids": [stored.pk], "confirmed": "1"})
    dispatch = Dispatch.objects.unscoped(reason="test").get()
    assert response.status_code == 302 and selectors.dispatch_files(dispatch) == [stored]
    assert (dispatch.doc_number, dispatch.doc_kind, dispatch.urgency, dispatch.signer) == (
        "新政办〔2026〕12号", "notice", "urgent", "王区长")
    detail = client.get(f"/dispatch/{dispatch.pk}/").content.decode()
    assert "新政办〔2026〕12号" in detail and "通知" in detail and "加急" in detail and "预案.pdf" in detail
    assert Delivery.objects.unscoped(reason="test").filter(dispatch=dispatch).count() == 1
