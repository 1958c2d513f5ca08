"""Attachments: what may be uploaded (by content), how it is stored (durably, before its row), who may
download it (scope) and how (as an attachment, never rendered)."""

import errno
import os
import stat
import time
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import transaction

from fenji.core.access.roles import DEPT_HEAD, STAFF
from fenji.core.audit.models import AuditEvent
from fenji.core.files import storage
from fenji.core.files.detect import UploadRefused, sanitize_name
from fenji.core.files.models import Attachment, FileKind
from fenji.core.files.services import FileTooLarge, StorageFull, attachment_store, files_sweep
from fenji.core.kernel.errors import AccessDenied
from fenji.testing import actor, make_account

from . import samples

ALL = Attachment.objects.unscoped


@pytest.fixture
def clerk(tree):
    return make_account(tree.town, name="街道科员", role=STAFF)


def store(account, unit, name, data):
    return attachment_store(actor=actor(account), unit=unit, upload=samples.upload(name, data))


def stored_files(root):
    return sorted(p for p in root.rglob("*") if p.is_file())


@pytest.mark.parametrize("name, data, kind", [
    ("报告.pdf", samples.PDF, FileKind.PDF),
    ("照片.png", samples.png(), FileKind.PNG),
    ("照片.JPEG", samples.jpg(), FileKind.JPG),
    ("说明.txt", samples.TXT, FileKind.TXT),
    ("表格.xlsx", samples.xlsx(), FileKind.XLSX),
    ("文件.docx", samples.docx(), FileKind.DOCX),
    ("公文.ofd", samples.ofd(), FileKind.OFD),
])
def test_each_whitelisted_kind_is_recognized_by_content(tree, clerk, name, data, kind):
    attachment = store(clerk, tree.town, name, data)
    assert attachment.kind == kind
    assert attachment.size == len(data)
    assert attachment.read_bytes() == data
    assert attachment.sha256 == __import__("hashlib").sha256(data).hexdigest()
    assert attachment.sm3 == storage.sm3_hex(data)
    assert attachment.path.name == attachment.sha256
    assert stat.S_IMODE(attachment.path.stat().st_mode) == 0o600
    assert attachment.unit_path == tree.town.path
    event = AuditEvent.objects.filter(action="files.attachment.upload").latest("seq")
    assert event.target_id == str(attachment.pk) and event.details["sm3"] == attachment.sm3


def test_a_pdf_that_is_really_a_png_is_refused(tree, clerk, files_dir):
    with pytest.raises(UploadRefused) as refused:
        store(clerk, tree.town, "报告.pdf", samples.png())
    assert refused.value.code == "extension_mismatch"
    assert "扩展名" in refused.value.message
    assert not ALL(reason="test").exists()
    assert stored_files(files_dir) == []  # the temporary file is gone too


@pytest.mark.parametrize("name, data", [
    ("程序.exe", b"MZ\x90\x00\x03" + bytes(200)),
    ("压缩包.zip", samples.zip_of({"a.txt": b"hello"})),
    ("二进制.txt", b"abc\x00def"),
    ("乱码.txt", "中文".encode("gbk")),
    ("网页.html", b"<html><script>alert(1)</script></html>"),
])
def test_other_content_is_refused(tree, clerk, name, data):
    with pytest.raises(UploadRefused):
        store(clerk, tree.town, name, data)


def test_a_zip_bomb_and_a_zip_slip_are_refused(tree, clerk):
    bomb = samples.zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": bytes(5 * 1024 * 1024)})
    with pytest.raises(UploadRefused, match="压缩"):
        store(clerk, tree.town, "炸弹.docx", bomb)
    slip = samples.zip_of({"OFD.xml": b"<ofd/>", "../../evil.sh": b"#!/bin/sh"})
    with pytest.raises(UploadRefused, match="路径"):
        store(clerk, tree.town, "越界.ofd", slip)


def test_the_size_limit(tree, clerk, settings, files_dir):
    settings.UPLOAD_MAX_MB = 1
    with pytest.raises(FileTooLarge):
        store(clerk, tree.town, "大文件.txt", b"a" * (1024 * 1024 + 1))
    assert store(clerk, tree.town, "刚好.txt", b"a" * (1024 * 1024)).size == 1024 * 1024

    class Lying:  # claims to be small, streams more: counted while written
        name = "说谎.txt"
        size = 10

        def __init__(self):
            self.left = 3

        def read(self, n):
            self.left -= 1
            return b"b" * (600 * 1024) if self.left >= 0 else b""

    with pytest.raises(FileTooLarge):
        attachment_store(actor=actor(clerk), unit=tree.town, upload=Lying())
    assert ALL(reason="test").count() == 1
    assert not list((files_dir / "tmp").iterdir())


@pytest.mark.parametrize("given, expected", [
    ("../../etc/passwd.txt", "passwd.txt"),
    ("..\\..\\windows\\system.ini.txt", "system.ini.txt"),
    ("C:\\Users\\张三\\报告.pdf", "报告.pdf"),
    ("a\x00b\x1f\x7fc.txt", "abc.txt"),
    ("  ..  ", "附件"),
    ('a<b>:"c|?*.txt', "a_b___c___.txt"),
])
def test_names_are_sanitized(given, expected):
    assert sanitize_name(given) == expected


def test_long_names_keep_their_extension():
    name = sanitize_name("很" * 150 + ".docx")
    assert len(name) == 100 and name.endswith(".docx")


def test_a_name_with_directories_is_stored_without_them(tree, clerk):
    attachment = store(clerk, tree.town, "../../../etc/报告.pdf", samples.PDF)
    assert attachment.original_name == "报告.pdf"


def test_uploading_needs_the_upload_action_over_the_unit(tree, clerk, outsider):
    with pytest.raises(AccessDenied):
        store(outsider, tree.town, "报告.pdf", samples.PDF)
    with pytest.raises(AccessDenied):
        store(clerk, tree.county, "报告.pdf", samples.PDF)  # above the clerk's own unit


def test_a_crash_after_the_file_write_leaves_no_row_and_the_sweep_removes_the_file(tree, clerk, files_dir):
    kept = store(clerk, tree.town, "保留.txt", b"kept")
    with pytest.raises(RuntimeError), transaction.atomic():
        attachment = store(clerk, tree.town, "报告.pdf", samples.PDF)
        path = attachment.path
        assert path.exists()  # the bytes are durable before the row is
        raise RuntimeError("the process dies before the commit")
    assert list(ALL(reason="test").values_list("pk", flat=True)) == [kept.pk]
    assert path.exists()

    assert files_sweep() == []  # younger than an hour: perhaps an upload still in flight
    old = time.time() - 2 * 3600
    for file in (path, kept.path):
        os.utime(file, (old, old))
    call_command("files", "sweep")
    assert not path.exists()
    assert kept.path.exists()  # a row still names it
    assert kept.read_bytes() == b"kept"


def test_identical_uploads_share_one_file_and_the_sweep_keeps_it(tree, clerk, files_dir):
    first = store(clerk, tree.town, "一.pdf", samples.PDF)
    second = store(clerk, tree.town, "二.pdf", samples.PDF)
    assert first.storage_key == second.storage_key
    ALL(reason="test").filter(pk=first.pk).delete()
    old = time.time() - 2 * 3600
    os.utime(second.path, (old, old))
    files_sweep()
    assert second.path.exists()


# --- downloads -------------------------------------------------------------------------------------


def test_download_headers(tree, clerk, login):
    attachment = store(clerk, tree.town, "关于 2026 年工作的报告.pdf", samples.PDF)
    response = login(clerk).get(f"/files/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('关于 2026 年工作的报告.pdf', safe='')}" in disposition
    assert b"".join(response.streaming_content) == samples.PDF


def test_an_html_upload_cannot_be_rendered(tree, clerk, login):
    attachment = store(clerk, tree.town, "说明.txt", b"<script>alert(1)</script>")
    response = login(clerk).get(f"/files/{attachment.pk}/")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


def test_download_scope(tree, clerk, login, client):
    """The generic download is the uploader's own: colleagues, ancestors (who reach the unit's rows) and
    outsiders all get 404 like a missing row; the owning objects serve their attachments themselves."""
    attachment = store(clerk, tree.town, "报告.pdf", samples.PDF)
    colleague = make_account(tree.town, name="同街科员", role=STAFF)
    county_head = make_account(tree.county, name="区科长", role=DEPT_HEAD)
    sibling = make_account(tree.sibling_city, name="苏州科员", role=STAFF)
    neighbour = make_account(tree.other_town, name="邻街科员", role=STAFF)
    county_file = store(county_head, tree.county, "区里.pdf", samples.PDF)
    missing = attachment.pk + 1000

    assert login(clerk).get(f"/files/{attachment.pk}/").status_code == 200  # the uploader
    assert client.get(f"/files/{county_file.pk}/").status_code == 404  # never upward
    for account in (colleague, county_head, sibling, neighbour):
        client.logout()
        out_of_scope = login(account).get(f"/files/{attachment.pk}/")
        assert out_of_scope.status_code == 404, account.person.real_name
        assert client.get(f"/files/{missing}/").status_code == 404
        assert out_of_scope.context["message"] == client.get(f"/files/{missing}/").context["message"]
    client.logout()
    assert login(county_head).get(f"/files/{county_file.pk}/").status_code == 200


# --- a full disk (issue 22: ENOSPC injected at the system call the bytes pass through) -------------------------


def _failing(code):
    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code))
    return fail


@pytest.mark.parametrize("call, code", [("fsync", errno.ENOSPC), ("replace", errno.EROFS)])
def test_a_full_or_read_only_disk_refuses_the_upload_and_keeps_nothing(tree, clerk, monkeypatch, call, code):
    """Full while the bytes are written, or read-only when they are put in place: refused with the reason, no row,
    no file left behind (not even the temporary one), and the next upload works once the disk is back."""
    before = ALL(reason="test").count()
    with monkeypatch.context() as broken:
        broken.setattr(storage.os, call, _failing(code))
        with pytest.raises(StorageFull, match="服务器存储空间不足"):
            store(clerk, tree.town, "报告.pdf", samples.PDF)
    assert ALL(reason="test").count() == before
    assert stored_files(storage.root()) == []
    assert store(clerk, tree.town, "报告.pdf", samples.PDF).read_bytes() == samples.PDF


def test_a_page_upload_on_a_full_disk_answers_the_form_with_the_reason(tree, clerk, client, login, monkeypatch):
    from fenji.core.submissions.models import Submission

    login(clerk)
    monkeypatch.setattr(storage.os, "fsync", _failing(errno.ENOSPC))
    response = client.post("/submissions/new/", {
        "kind": "report", "title": "关于三季度工作的报告", "body": "正文", "contact": "张三 025-12345678",
        "files": samples.upload("情况说明.pdf", samples.PDF)})
    assert response.status_code == 400 and "服务器存储空间不足" in response.content.decode()
    assert not Submission.objects.unscoped(reason="test").exists()  # the draft is not kept without its file
