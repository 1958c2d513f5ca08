"""Reports up (C7.2): a clerk drafts, the unit's head reviews and seals (never the drafter), the
parent unit signs for and handles or returns it; the seal is checked against the stored bytes."""

import io
import zipfile

import pytest

from fenji.core.access.roles import DEPT_HEAD, SECURITY_ADMIN, STAFF, UNIT_LEADER
from fenji.core.audit.models import AuditEvent
from fenji.core.files.models import Attachment
from fenji.core.files.tests import samples
from fenji.core.kernel.errors import AccessDenied, DomainError, NotVisible
from fenji.core.seals.services import package_verify, seal_key_create
from fenji.core.submissions import selectors
from fenji.core.submissions.models import Submission, SubmissionState
from fenji.core.submissions.services import (
    submission_approve_and_seal,
    submission_draft,
    submission_handle,
    submission_receive,
    submission_return,
    submission_send_for_review,
)
from fenji.testing import actor, make_account


class World:
    def __init__(self, tree):
        self.tree = tree
        self.security = make_account(tree.county, name="区保密员", role=SECURITY_ADMIN)
        self.clerk = make_account(tree.town, name="街道科员", role=STAFF)
        self.leader = make_account(tree.town, name="街道主任", role=UNIT_LEADER)
        self.county = make_account(tree.county, name="区办科长", role=DEPT_HEAD)
        self.neighbour = make_account(tree.other_town, name="邻街主任", role=UNIT_LEADER)
        self.sibling = make_account(tree.sibling_city, name="苏州科长", role=DEPT_HEAD)
        self.key = seal_key_create(actor=actor(self.security), unit=tree.town)

    def draft(self, *, by=None, files=(("情况说明.pdf", samples.PDF),)):
        return submission_draft(actor=actor(by or self.clerk), kind="report", title="关于三季度工作的报告",
                                body="一、基本情况。\n二、下一步打算。", contact="张三 025-12345678",
                                uploads=[samples.upload(n, d) for n, d in files])

    def sealed(self):
        submission = self.draft()
        submission_send_for_review(actor=actor(self.clerk), submission=submission)
        return submission_approve_and_seal(actor=actor(self.leader), submission=submission)


@pytest.fixture
def w(tree):
    return World(tree)


def reload(submission):
    return Submission.objects.unscoped(reason="test").get(pk=submission.pk)


def test_the_whole_way_up(w, tree):
    submission = w.draft()
    assert submission.state == SubmissionState.DRAFT
    assert submission.unit_path == tree.town.path and submission.target_unit == tree.county
    assert [a.original_name for a in selectors.submission_attachments(submission)] == ["情况说明.pdf"]
    submission_send_for_review(actor=actor(w.clerk), submission=submission)
    submission = submission_approve_and_seal(actor=actor(w.leader), submission=submission)
    assert submission.state == SubmissionState.SUBMITTED and submission.reviewed_by_id == w.leader.pk
    assert submission.seal_key_id == w.key.pk and submission.submitted_at is not None
    check = selectors.submission_seal_verify(submission)
    assert check.ok, check.reason
    assert [s.pk for s in selectors.submission_list_incoming(actor=actor(w.county))] == [submission.pk]
    assert list(selectors.submission_list_incoming(actor=actor(w.sibling))) == []
    submission = submission_receive(actor=actor(w.county), submission=submission)
    assert submission.state == SubmissionState.RECEIVED and submission.received_by_id == w.county.pk
    submission = submission_handle(actor=actor(w.county), submission=submission, note="已阅，按计划推进")
    assert submission.state == SubmissionState.HANDLED and submission.handling_note == "已阅，按计划推进"
    actions = list(AuditEvent.objects.filter(target_type="submissions.submission", target_id=str(submission.pk))
                   .order_by("seq").values_list("action", flat=True))
    assert actions == ["submissions.submission.draft", "submissions.submission.review",
                       "submissions.submission.seal", "submissions.submission.receive",
                       "submissions.submission.handle"]


def test_the_head_cannot_seal_what_the_head_drafted(w):
    submission = w.draft(by=w.leader)
    submission_send_for_review(actor=actor(w.leader), submission=submission)
    with pytest.raises(AccessDenied) as refused:
        submission_approve_and_seal(actor=actor(w.leader), submission=submission)
    assert refused.value.rule == "reviewer_is_drafter"
    assert reload(submission).state == SubmissionState.REVIEWING


def test_only_the_units_head_seals(w):
    submission = w.draft()
    submission_send_for_review(actor=actor(w.clerk), submission=submission)
    for account in (w.clerk, w.county, w.neighbour):
        with pytest.raises(AccessDenied):
            submission_approve_and_seal(actor=actor(account), submission=submission)
    assert reload(submission).stamp_json == ""


def test_a_superiors_leader_may_not_seal_for_the_unit(w, tree, login, client):
    """The attack: 南京's unit leader sealed 新街口街道's submission with 新街口街道's seal. A superior sees
    the item (it oversees the unit) but neither seals nor returns it, is not asked to, and a forged POST
    leaves it waiting for the unit's own head."""
    city_leader = make_account(tree.city, name="南京市领导", role=UNIT_LEADER)
    submission = w.draft()
    submission_send_for_review(actor=actor(w.clerk), submission=submission)
    with pytest.raises(AccessDenied) as refused:
        submission_approve_and_seal(actor=actor(city_leader), submission=submission)
    assert refused.value.rule == "not_own_unit"
    with pytest.raises(AccessDenied):
        submission_return(actor=actor(city_leader), submission=submission, reason="退回")
    assert list(selectors.submission_list_awaiting_review(actor=actor(city_leader))) == []
    login(city_leader)
    page = client.get(f"/submissions/{submission.pk}/").content.decode()
    assert "关于三季度工作的报告" in page and "审核通过并盖章报送" not in page
    assert "待我审核盖章" not in client.get("/submissions/").content.decode()
    response = client.post(f"/submissions/{submission.pk}/seal/", follow=True)
    assert "只有“新街口街道”本单位的负责人可以加盖本单位电子印章" in response.content.decode()
    assert reload(submission).state == SubmissionState.REVIEWING and reload(submission).stamp_json == ""
    client.logout()
    assert [s.pk for s in selectors.submission_list_awaiting_review(actor=actor(w.leader))] == [submission.pk]
    login(w.leader)
    assert "审核通过并盖章报送" in client.get(f"/submissions/{submission.pk}/").content.decode()
    assert client.post(f"/submissions/{submission.pk}/seal/").status_code == 302
    assert reload(submission).state == SubmissionState.SUBMITTED


def test_a_draft_must_be_sent_before_sealing(w):
    submission = w.draft()
    with pytest.raises(DomainError, match="待审核"):
        submission_approve_and_seal(actor=actor(w.leader), submission=submission)


def test_no_seal_no_submission(w, tree):
    clerk = make_account(tree.other_town, role=STAFF)
    submission = w.draft(by=clerk)
    submission_send_for_review(actor=actor(clerk), submission=submission)
    with pytest.raises(DomainError, match="尚未制发"):
        submission_approve_and_seal(actor=actor(w.neighbour), submission=submission)


def test_the_head_returns_for_rework_and_the_drafter_resends(w):
    submission = w.draft()
    submission_send_for_review(actor=actor(w.clerk), submission=submission)
    with pytest.raises(DomainError, match="原因"):
        submission_return(actor=actor(w.leader), submission=submission, reason=" ")
    submission = submission_return(actor=actor(w.leader), submission=submission, reason="数据需核实")
    assert submission.state == SubmissionState.RETURNED and submission.return_reason == "数据需核实"
    submission = submission_draft(actor=actor(w.clerk), submission=submission, kind="report", title="修改后的报告",
                                  body="核实后的数据。", contact="张三", uploads=[samples.upload("补充.txt", samples.TXT)],
                                  remove_attachments=[a.pk for a in selectors.submission_attachments(submission)])
    assert [a.original_name for a in selectors.submission_attachments(submission)] == ["补充.txt"]
    submission_send_for_review(actor=actor(w.clerk), submission=submission)
    submission = submission_approve_and_seal(actor=actor(w.leader), submission=submission)
    assert selectors.submission_seal_verify(submission).ok


def test_the_parent_returns_and_the_stamp_is_dropped(w):
    submission = w.sealed()
    with pytest.raises(NotVisible):
        submission_return(actor=actor(w.sibling), submission=submission, reason="越权")
    submission = submission_return(actor=actor(w.county), submission=submission, reason="请补充附件")
    assert submission.state == SubmissionState.RETURNED
    assert submission.stamp_json == "" and submission.seal_key_id is None
    assert selectors.submission_seal_verify(submission) is None


def test_only_the_parent_receives(w):
    submission = w.sealed()
    with pytest.raises(NotVisible):
        submission_receive(actor=actor(w.sibling), submission=submission)
    with pytest.raises(AccessDenied):
        submission_receive(actor=actor(w.clerk), submission=submission)  # sees its own unit's item, may not handle
    with pytest.raises(DomainError, match="签收"):
        submission_handle(actor=actor(w.county), submission=submission)
    submission_receive(actor=actor(w.county), submission=submission)


def test_others_cannot_change_a_draft(w):
    submission = w.draft()
    colleague = make_account(w.tree.town, role=STAFF)
    with pytest.raises(NotVisible):
        submission_send_for_review(actor=actor(colleague), submission=submission)
    with pytest.raises(NotVisible):
        submission_draft(actor=actor(colleague), submission=submission, kind="info", title="改", body="改",
                         contact="改")
    submission_send_for_review(actor=actor(w.clerk), submission=submission)
    with pytest.raises(DomainError, match="不能修改"):
        submission_draft(actor=actor(w.clerk), submission=submission, kind="info", title="改", body="改", contact="改")


def test_a_bad_attachment_rolls_the_whole_draft_back(w):
    with pytest.raises(DomainError):
        w.draft(files=[("好.pdf", samples.PDF), ("坏.pdf", samples.png())])
    assert not Submission.objects.unscoped(reason="test").exists()
    assert not Attachment.objects.unscoped(reason="test").exists()


def test_visibility(w, tree):
    submission = w.draft()
    colleague = make_account(tree.town, role=STAFF)
    assert selectors.submission_get(actor=actor(w.clerk), pk=submission.pk)
    for account in (colleague, w.leader, w.county, w.sibling, w.neighbour):
        with pytest.raises(NotVisible):  # a draft is its drafter's only
            selectors.submission_get(actor=actor(account), pk=submission.pk)
    submission_send_for_review(actor=actor(w.clerk), submission=submission)
    assert selectors.submission_get(actor=actor(w.leader), pk=submission.pk)
    assert [s.pk for s in selectors.submission_list_awaiting_review(actor=actor(w.leader))] == [submission.pk]
    assert list(selectors.submission_list_awaiting_review(actor=actor(w.neighbour))) == []
    with pytest.raises(NotVisible):
        selectors.submission_get(actor=actor(w.neighbour), pk=submission.pk)
    submission_approve_and_seal(actor=actor(w.leader), submission=submission)
    assert selectors.submission_get(actor=actor(w.county), pk=submission.pk)
    assert selectors.submission_get(actor=actor(colleague), pk=submission.pk)
    for account in (w.sibling, w.neighbour):
        with pytest.raises(NotVisible):
            selectors.submission_get(actor=actor(account), pk=submission.pk)


def test_tampering_turns_the_check_red(w):
    submission = w.sealed()
    attachment = selectors.submission_attachments(submission)[0]
    original = attachment.path.read_bytes()
    changed = bytearray(original)
    changed[5] ^= 0x20
    attachment.path.write_bytes(bytes(changed))
    check = selectors.submission_seal_verify(submission)
    assert not check.ok and "情况说明.pdf" in check.reason
    assert not package_verify(selectors.submission_package(submission)).ok
    attachment.path.write_bytes(original)
    assert selectors.submission_seal_verify(submission).ok
    Submission.objects.unscoped(reason="test: a direct database edit").filter(pk=submission.pk).update(body="改过的正文")
    check = selectors.submission_seal_verify(reload(submission))
    assert not check.ok and "正文" in check.reason
    attachment.path.unlink()
    assert not selectors.submission_seal_verify(reload(submission)).ok


# --- pages -----------------------------------------------------------------------------------------


def test_drafting_on_the_page_with_an_attachment(w, login, settings):
    client = login(w.clerk)
    assert client.get("/submissions/new/").status_code == 200
    response = client.post("/submissions/new/", {
        "kind": "info", "title": "防汛信息", "body": "水位正常。", "contact": "李四 13900000000",
        "files": [samples.upload("水位.png", samples.png()), samples.upload("说明.txt", samples.TXT)]})
    assert response.status_code == 302
    submission = Submission.objects.unscoped(reason="test").get(title="防汛信息")
    assert sorted(a.original_name for a in selectors.submission_attachments(submission)) == ["水位.png", "说明.txt"]
    refused = client.post("/submissions/new/", {"kind": "info", "title": "错", "body": "错", "contact": "错",
                                                 "files": [samples.upload("假的.pdf", samples.png())]})
    assert refused.status_code == 400 and "扩展名" in refused.content.decode()
    settings.UPLOAD_MAX_MB = 1
    too_large = client.post("/submissions/new/", {"kind": "info", "title": "大", "body": "大", "contact": "大",
                                                   "files": [samples.upload("大.txt", b"a" * (1024 * 1024 + 1))]})
    assert too_large.status_code == 413
    assert Submission.objects.unscoped(reason="test").count() == 1


def test_the_pages_along_the_way(w, login, client):
    submission = w.draft()
    pk = submission.pk
    login(w.clerk)
    page = client.get(f"/submissions/{pk}/").content.decode()
    assert "送负责人审核" in page and "情况说明.pdf" in page
    assert client.post(f"/submissions/{pk}/send/").status_code == 302
    client.logout()
    login(w.leader)
    assert "关于三季度工作的报告" in client.get("/submissions/").content.decode()
    assert client.post(f"/submissions/{pk}/seal/").status_code == 302
    client.logout()
    login(w.county)
    listing = client.get("/submissions/").content.decode()
    assert "关于三季度工作的报告" in listing
    page = client.get(f"/submissions/{pk}/").content.decode()
    assert "验章通过" in page and "签收" in page
    assert client.post(f"/submissions/{pk}/receive/").status_code == 302
    attachment = selectors.submission_attachments(submission)[0]
    download = client.get(f"/submissions/{pk}/attachments/{attachment.pk}/")
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment;")
    package = b"".join(client.get(f"/submissions/{pk}/package.zip").streaming_content)
    assert package_verify(package).ok
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        assert "attachments/01-情况说明.pdf" in archive.namelist()
    assert client.post(f"/submissions/{pk}/handle/", {"note": "已阅"}).status_code == 302
    assert reload(submission).state == SubmissionState.HANDLED
    changed = bytearray(attachment.path.read_bytes())
    changed[-3] ^= 0x01
    attachment.path.write_bytes(bytes(changed))
    assert "验章失败" in client.get(f"/submissions/{pk}/").content.decode()


def test_a_drafts_attachment_is_not_downloadable_around_the_draft(w, tree, login, client):
    """A draft is its drafter's alone: a colleague (or the unit's head) holding the attachment action over
    the unit still gets 404 from the generic download, as from the submission's own attachment route."""
    submission = w.draft()
    attachment = selectors.submission_attachments(submission)[0]
    colleague = make_account(tree.town, role=STAFF)
    for account in (colleague, w.leader, w.county):
        login(account)
        assert client.get(f"/files/{attachment.pk}/").status_code == 404
        assert client.get(f"/submissions/{submission.pk}/attachments/{attachment.pk}/").status_code == 404
        client.logout()
    login(w.clerk)
    assert client.get(f"/submissions/{submission.pk}/attachments/{attachment.pk}/").status_code == 200


def test_outsiders_get_404_like_a_missing_row(w, login, client):
    submission = w.sealed()
    attachment = selectors.submission_attachments(submission)[0]
    pk, missing = submission.pk, submission.pk + 1000
    paths = ["/submissions/{}/", "/submissions/{}/edit/", "/submissions/{}/package.zip", "/submissions/{}/return/",
             "/submissions/{}/pdf/",
             "/submissions/{}/attachments/" + str(attachment.pk) + "/"]
    for account in (w.sibling, w.neighbour):
        login(account)
        for path in paths:
            out_of_scope = client.get(path.format(pk))
            assert out_of_scope.status_code == 404, path
            assert client.get(path.format(missing)).status_code == 404
            assert out_of_scope.context["message"] == client.get(path.format(missing)).context["message"]
        for verb in ("receive", "handle", "seal", "send"):
            assert client.post(f"/submissions/{pk}/{verb}/").status_code == 404
        client.logout()
    assert reload(submission).state == SubmissionState.SUBMITTED
    # the ancestor reaches down (the city's handlers oversee the county's incoming items)
    city = make_account(w.tree.city, role=DEPT_HEAD)
    login(city)
    assert client.get(f"/submissions/{pk}/").status_code == 200
    # an attachment of another submission is not reachable through this one
    client.logout()
    other = w.draft(files=[("别的.pdf", samples.PDF + b"x")])
    other_attachment = selectors.submission_attachments(other)[0]
    login(w.county)
    assert client.get(f"/submissions/{pk}/attachments/{other_attachment.pk}/").status_code == 404


def test_the_upload_field_states_its_limit(w, login, settings):
    settings.UPLOAD_MAX_MB = 7
    page = login(w.clerk).get("/submissions/new/").content.decode()
    assert "每个文件不超过 7 MB" in page


def test_the_sealed_report_shows_its_seal_image(w, login):
    submission = w.draft()
    submission_send_for_review(actor=actor(w.clerk), submission=submission)
    submission_approve_and_seal(actor=actor(w.leader), submission=submission)
    page = login(w.county).get(f"/submissions/{submission.pk}/").content.decode()
    seal = page.split('id="seal"', 1)[1]
    assert '<img class="seal-image" src="data:image/png;base64,' in seal and "电子印章" in seal


def _pdf_objects(data: bytes) -> bytes:
    """The PDF's objects in plain bytes: WeasyPrint compresses most of them into object streams."""
    import re
    import zlib

    chunks = [data]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            chunks.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"\n".join(chunks)


def test_the_sealed_report_prints_as_a_pdf_with_its_seal(w, login, client):
    from fenji.core.web import pdf as web_pdf

    try:
        web_pdf._weasyprint()
    except web_pdf.PdfUnavailable:
        pytest.skip("WeasyPrint cannot run on this machine")
    submission = w.sealed()
    login(w.county)
    page = client.get(f"/submissions/{submission.pk}/").content.decode()
    assert f'href="/submissions/{submission.pk}/pdf/"' in page
    response = client.get(f"/submissions/{submission.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = response.content
    objects = _pdf_objects(data)
    assert data[:5] == b"%PDF-" and b"/Subtype /Image" in objects  # the seal image is embedded
    event = AuditEvent.objects.filter(action="submissions.submission.export").get()
    assert event.actor_id == w.county.pk and event.target_id == str(submission.pk)
    assert event.details == {"export": "submission.pdf", "seal_ok": True}
    title = "<feff" + "关于三季度工作的报告".encode("utf-16-be").hex() + ">"  # the document's title, from the item's
    assert f"/Title {title}".encode() in objects


def test_the_pdf_is_for_those_who_see_the_item_and_only_once_sealed(w, login, client):
    draft = w.draft()
    login(w.clerk)
    assert "打印（PDF）" not in client.get(f"/submissions/{draft.pk}/").content.decode()
    assert client.get(f"/submissions/{draft.pk}/pdf/").status_code == 404  # not sealed: nothing to print
    client.logout()
    submission = w.sealed()
    for account in (w.sibling, w.neighbour):
        login(account)
        outside = client.get(f"/submissions/{submission.pk}/pdf/")
        missing = client.get(f"/submissions/{submission.pk + 1000}/pdf/")
        assert outside.status_code == missing.status_code == 404
        assert outside.context["message"] == missing.context["message"]
        client.logout()
    assert not AuditEvent.objects.filter(action="submissions.submission.export").exists()
