"""The one-way export to the internal network (design/domain/discipline.md §5, ADR 0021): the signed, chained
package; the receiving side's all-or-nothing checks (a byte changed anywhere, an extra or missing file, a replay,
a sequence gap, the rank guard); the upsert by (uuid, version); the export's own rank re-check; the round trip
into a fresh database."""

import datetime
import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

import fenji as fenji_package
from fenji.core.access import policy
from fenji.core.access.roles import BUILTIN_ROLES
from fenji.core.audit.models import AuditEvent
from fenji.core.kernel.errors import DomainError
from fenji.modules.discipline import export_services, package, services
from fenji.modules.discipline.models import (
    Clue,
    ClueSubject,
    ExportPackage,
    Petition,
    ReceivedPackage,
    ReceivedRecord,
)
from fenji.modules.discipline.services import SubjectIn
from fenji.testing import actor, make_account, shared_world

from .world import discipline_tree

CLERK = SubjectIn("张某", "白沙镇农业服务中心", "staff", "会计", True)


class World:
    pass


def build():
    w = World()
    w.county, w.town, w.other = discipline_tree("JW-X")
    w.officer = make_account(w.town, name="白沙镇纪委委员", role=BUILTIN_ROLES["case_officer"])
    w.county_officer = make_account(w.county, name="内网数据导出员", role=BUILTIN_ROLES["export_officer"])
    w.other_officer = make_account(w.other, name="他镇导出员", role=BUILTIN_ROLES["export_officer"])
    w.importer = make_account(w.county, name="内网数据导入员", role=BUILTIN_ROLES["import_officer"])
    w.clue = services.clue_register(actor=actor(w.officer), unit=w.town, received_on=timezone.localdate(),
                                    source="assigned", summary="反映张某虚报冒领补贴", subjects=[CLERK])
    return w


_world, w = shared_world(build, profile="discipline")


def export(w, tmp_path):
    return export_services.discipline_export(actor=actor(w.county_officer), unit=w.county, directory=tmp_path)


def touch(clue):
    """A write of the clue through the model's save: its version goes up."""
    clue = Clue.objects.unscoped(reason="test").get(pk=clue.pk)
    clue.outcome_note = f"补充 {clue.version}"
    clue.save(update_fields=["outcome_note"])
    return clue


@pytest.fixture
def senders(w, tmp_path):
    keys = tmp_path / "senders.txt"
    keys.write_text(f"JW-X {export_services.unit_signer(w.county).public_key()}\n")
    with override_settings(FENJI_DISCIPLINE_SENDER_KEYS=str(keys)):
        yield


def read(directory):
    return package.package_read(directory, public_key_for=export_services.sender_keys().get)


def test_a_byte_changed_anywhere_or_a_file_added_or_removed_refuses_the_package_naming_the_file(w, tmp_path,
                                                                                               senders):
    made = export(w, tmp_path / "out")
    original = tmp_path / "out" / made.name
    assert made.seq == 1 and made.record_count == 1 and read(original).records[0]["uuid"] == str(w.clue.uuid)
    names = sorted(p.relative_to(original).as_posix() for p in original.rglob("*") if p.is_file())
    assert set(names) == {"bagit.txt", "bag-info.txt", "data/records.jsonl", "manifest-sm3.txt",
                          "manifest-sha256.txt", "tagmanifest-sm3.txt", "signature.sm2"}
    for n, name in enumerate(names):
        copy = tmp_path / f"bad{n}"
        shutil.copytree(original, copy)
        data = bytearray((copy / name).read_bytes())
        data[len(data) // 2] ^= 0x01
        (copy / name).write_bytes(bytes(data))
        with pytest.raises(package.PackageRejected) as refused:
            read(copy)
        # the tag manifest is what is signed: a change there is a signature failure
        assert refused.value.file in {name, "signature.sm2"}, (name, refused.value.message)
        assert refused.value.file in refused.value.message
    extra = tmp_path / "extra"
    shutil.copytree(original, extra)
    (extra / "data" / "note.txt").write_text("x")
    with pytest.raises(package.PackageRejected, match="data/note.txt：清单之外的多余文件"):
        read(extra)
    missing = tmp_path / "missing"
    shutil.copytree(original, missing)
    (missing / "data" / "records.jsonl").unlink()
    with pytest.raises(package.PackageRejected, match="data/records.jsonl：清单列出的文件缺失"):
        read(missing)


def test_the_rank_guard_refuses_at_export_and_at_import(w, tmp_path, senders):
    ClueSubject.objects.filter(clue=w.clue).update(rank="deputy_section")  # e.g. recorded under another limit
    with pytest.raises(DomainError, match=f"{w.clue.number}：基层单位不得报送副科及以上"):
        export(w, tmp_path / "out")
    assert not ExportPackage.objects.unscoped(reason="test").exists() and not (tmp_path / "out").exists()
    # a package signed by the unit's key that still carries one is refused whole on import
    record = {"uuid": str(w.clue.uuid), "type": "clue", "version": 1, "unit_code": "JW-X-T1", "unit_kind": "disc_town",
              "payload": {"number": w.clue.number, "subjects": [{"name": "张某", "rank": "deputy_section"}]}}
    info = {"Source-Organization": "x", "Unit-Code": "JW-X", "Package-Seq": 1, "Prev-Package-SM3": "",
            "Export-Time": "2026-10-09T10:00:00+08:00", "Record-Count": 1, "Schema-Version": "1"}
    package.package_write(tmp_path / "forged", info=info, records=[record],
                          sign=export_services.unit_signer(w.county).sign)
    with pytest.raises(package.PackageRejected, match="data/records.jsonl：第 1 行.*副科及以上"):
        export_services.discipline_import(actor=policy.SYSTEM, directory=tmp_path / "forged")
    assert not ReceivedRecord.objects.exists()


def test_import_chains_refuses_a_replay_quarantines_a_gap_and_upserts_by_version(w, tmp_path, senders):
    first = export(w, tmp_path)
    with pytest.raises(DomainError, match="没有新增或变更"):
        export(w, tmp_path)
    touch(w.clue)
    second = export(w, tmp_path)
    touch(w.clue)
    third = export(w, tmp_path)
    assert [first.seq, second.seq, third.seq] == [1, 2, 3] and second.prev_digest == first.digest

    def load(made):
        return export_services.discipline_import(actor=policy.SYSTEM, directory=tmp_path / made.name)

    assert load(first).status == ReceivedPackage.Status.ACCEPTED
    with pytest.raises(package.PackageRejected, match="重放"):
        load(first)
    gap = load(third)
    assert gap.status == ReceivedPackage.Status.QUARANTINED and "序号缺口" in gap.reason
    assert AuditEvent.objects.filter(action="discipline.import.quarantine", outcome="denied").count() == 1
    assert ReceivedRecord.objects.get(uuid=w.clue.uuid).version == 1
    load(second)
    load(third)  # the gap is filled: the quarantined package is accepted now
    received = ReceivedRecord.objects.get(uuid=w.clue.uuid)
    assert received.version == 3 and received.payload["outcome_note"] == "补充 2"
    assert received.payload["subjects"][0]["name"] == "张某"
    assert list(ReceivedPackage.objects.values_list("seq", "status")) == [(1, "accepted"), (2, "accepted"),
                                                                           (3, "accepted")]


def test_the_petitioner_travels_only_encrypted_to_the_internal_networks_key(w, tmp_path, senders):
    registrar = make_account(w.town, name="白沙镇信访干部", role=BUILTIN_ROLES["petition_officer"])
    petition = services.petition_register(
        actor=actor(registrar), unit=w.town, received_on=timezone.localdate(), channel="letter", category="report",
        real_name=True, content="反映张某", petitioner={"name": "李举报", "phone": "13700005555"}, subjects=[CLERK])
    shown = io.StringIO()
    call_command("discipline", "key", "--receiver", stdout=shown)  # on the internal network: its encryption key
    receiver = shown.getvalue().strip()  # … registered here
    assert receiver == export_services.receiver_signer().public_key() and len(receiver) == 128
    with override_settings(FENJI_DISCIPLINE_RECEIVER_KEY="not a key"):
        with pytest.raises(DomainError, match="不是有效的 SM2 公钥"):
            export(w, tmp_path)
    with override_settings(FENJI_DISCIPLINE_RECEIVER_KEY=receiver):
        made = export(w, tmp_path)
    written = b"".join(p.read_bytes() for p in (tmp_path / made.name).rglob("*") if p.is_file())
    assert "李举报".encode() not in written and b"13700005555" not in written  # nothing of them in the clear
    assert AuditEvent.objects.filter(action="discipline.export.create").latest("seq").details[
        "petitioners_encrypted"] == 1
    export_services.discipline_import(actor=policy.SYSTEM, directory=tmp_path / made.name)
    received = ReceivedRecord.objects.get(uuid=petition.uuid)
    assert received.payload["petitioner"]["cipher"] == "SM2"
    assert export_services.received_petitioner(received) == {
        "name": "李举报", "phone": "13700005555", "address": "", "workplace": ""}
    with override_settings(VAR_DIR=tmp_path / "elsewhere"):  # another key: the block does not open, nothing shown
        with pytest.raises(DomainError, match="无法用本端密钥解密"):
            export_services.received_petitioner(received)
    Petition.objects.unscoped(reason="test").get(pk=petition.pk).save()  # changed again: in the next package
    without = export(w, tmp_path)  # no key registered: the petitioner stays on this side
    [again] = [r for r in read(tmp_path / without.name).records if r["uuid"] == str(petition.uuid)]
    assert "petitioner" not in again["payload"] and again["payload"]["real_name"] is True


def test_the_export_is_confirmed_by_hand_once_with_the_receipts_digest(w, tmp_path):
    made = export(w, tmp_path)
    today = timezone.localdate()

    def confirm(digest, on=today):
        return export_services.export_package_confirm(actor=actor(w.county_officer), package=made, confirmed_on=on,
                                                      digest=digest)

    with pytest.raises(DomainError, match="确认日期须在导出之后"):
        confirm(made.digest, today + datetime.timedelta(days=1))
    with pytest.raises(DomainError, match="前 16 位"):
        confirm(made.digest[:8])
    other = "f" if made.digest[0] != "f" else "0"
    with pytest.raises(DomainError, match="与第 1 包的 SM3 摘要不符"):
        confirm(other + made.digest[1:16])
    # typed from paper: full-width characters, spaces and upper case are read as the same digest
    typed = " ".join(made.digest[i:i + 4] for i in range(0, 16, 4)).upper().replace("1", "１")
    made = confirm(typed)
    assert made.confirmed_on == today and made.confirmed_by_id == w.county_officer.pk
    with pytest.raises(DomainError, match="已确认"):
        confirm(made.digest)


def test_a_failure_mid_way_leaves_no_package_and_nothing_marked_exported(w, tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    real = Path.write_text

    def broken(self, *args, **kwargs):  # the signature, the package's last file
        if self.name == package.SIGNATURE:
            raise OSError(28, "No space left on device")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", broken)
    with pytest.raises(DomainError, match="写入导出包失败.*未导出任何内容"):
        export(w, out)
    monkeypatch.undo()

    def refuse(**kwargs):  # the package is written, then the database step fails
        raise RuntimeError("database gone")

    monkeypatch.setattr(export_services, "audit_record", refuse)
    with pytest.raises(RuntimeError):
        export(w, out)
    assert list(out.iterdir()) == []
    assert not ExportPackage.objects.unscoped(reason="test").exists()
    clue = Clue.objects.unscoped(reason="test").get(pk=w.clue.pk)
    assert clue.exported_version < clue.version


@pytest.mark.own_sqlite
def test_round_trip_into_a_fresh_database(w, tmp_path):
    made = export(w, tmp_path / "out")
    var = tmp_path / "inner"
    var.mkdir()
    (var / "discipline-senders.txt").write_text(f"JW-X {export_services.unit_signer(w.county).public_key()}\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FENJI_", "DJANGO_"))}
    env["FENJI_VAR_DIR"] = str(var)
    env["PYTHONPATH"] = str(Path(fenji_package.__file__).resolve().parents[1])  # this checkout's code

    def fenji(*args):
        return subprocess.run([sys.executable, "-m", "fenji.cli", *args], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=300)

    assert fenji("migrate", "--noinput", "-v0").returncode == 0
    done = fenji("discipline", "import", str(tmp_path / "out" / made.name))
    assert done.returncode == 0, done.stderr
    assert "已导入 JW-X 第 1 包，1 条记录" in done.stdout
    again = fenji("discipline", "import", str(tmp_path / "out" / made.name))
    assert again.returncode != 0 and "拒绝导入整个包" in again.stderr and "重放" in again.stderr
    shown = fenji("shell", "-c", "from fenji.modules.discipline.models import ReceivedRecord as R; "
                                 "print(R.objects.get().payload['number'])")
    assert shown.stdout.strip().splitlines()[-1] == w.clue.number


def test_the_pages_and_api_produce_download_and_confirm_within_scope(w, tmp_path, client, login):
    with override_settings(FENJI_DISCIPLINE_EXPORT_DIR=str(tmp_path)):
        login(w.county_officer)
        assert "问题线索" in client.get("/discipline/exports/new/").content.decode()
        response = client.post("/discipline/exports/new/")
        made = ExportPackage.objects.unscoped(reason="test").get()
        assert response.status_code == 302 and response["Location"] == f"/discipline/exports/{made.pk}/"
        page = client.get("/discipline/exports/").content.decode()
        assert "符合条件的导出包 1 个：待确认 1 个" in page and made.digest[:16] in page
        assert client.get("/discipline/exports/?format=xlsx&state=pending")["Content-Type"].startswith(
            "application/vnd.openxmlformats")
        again = client.post("/discipline/exports/new/").content.decode()
        assert "没有新增或变更的记录" in again
        zipped = client.get(f"/discipline/exports/{made.pk}/file/")
        names = set(zipfile.ZipFile(io.BytesIO(zipped.getvalue())).namelist())
        assert zipped["Content-Type"] == "application/zip" and f"{made.name}/signature.sm2" in names
        assert AuditEvent.objects.filter(action="discipline.export.download").count() == 1
        wrong = client.post(f"/discipline/exports/{made.pk}/", {
            "digest": ("0" if made.digest[0] != "0" else "1") + made.digest[1:16],
            "confirmed_on": timezone.localdate().isoformat()}).content.decode()
        assert "与第 1 包的 SM3 摘要不符" in wrong
        api = client.post(f"/api/v1/discipline/exports/{made.pk}/confirm", {
            "digest": made.digest[:16], "confirmed_on": timezone.localdate().isoformat()},
            content_type="application/json")
        assert api.status_code == 200 and api.json()["state"] == "confirmed"
        listed = client.get("/api/v1/discipline/exports?state=confirmed").json()
        assert listed["total"] == 1 and listed["items"][0]["digest"] == made.digest
        touch(w.clue)
        created = client.post("/api/v1/discipline/exports")
        assert created.status_code == 201 and created.json()["seq"] == 2
        assert client.get(f"/api/v1/discipline/exports/{made.pk}/file").status_code == 200
        client.logout()
        # another unit's exporter: the package, its file and its confirmation answer like missing ones
        login(w.other_officer)
        for url in (f"/discipline/exports/{made.pk}/", f"/discipline/exports/{made.pk}/file/",
                    f"/api/v1/discipline/exports/{made.pk}", f"/api/v1/discipline/exports/{made.pk}/file"):
            assert client.get(url).status_code == 404, url
        assert client.post(f"/api/v1/discipline/exports/{made.pk}/confirm", {
            "digest": made.digest, "confirmed_on": timezone.localdate().isoformat()},
            content_type="application/json").status_code == 404
        assert client.get("/api/v1/discipline/exports").json()["total"] == 0


def test_the_receiving_page_imports_an_uploaded_package_whole_or_refuses_it_naming_the_file(w, tmp_path, senders,
                                                                                             client, login):
    made = export(w, tmp_path)
    root = tmp_path / made.name

    def zipped(change=None, extra=None):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    name = path.relative_to(root).as_posix()
                    data = path.read_bytes()
                    if name == change:
                        data = data[:-2] + bytes([data[-2] ^ 1]) + data[-1:]
                    archive.writestr(f"{made.name}/{name}", data)
            if extra:
                archive.writestr(extra, b"x")
        upload = io.BytesIO(buffer.getvalue())
        upload.name = "package.zip"
        return upload

    login(w.importer)
    page = client.post("/discipline/imports/", {"package": zipped(change="data/records.jsonl")}).content.decode()
    assert "整包拒绝导入：data/records.jsonl：" in page and not ReceivedRecord.objects.exists()
    page = client.post("/discipline/imports/", {"package": zipped(extra="../evil.txt")}).content.decode()
    assert "压缩包内的路径不允许" in page and not (tmp_path.parent / "evil.txt").exists()
    response = client.post("/api/v1/discipline/imports", {"package": zipped()})
    assert response.status_code == 201 and response.json()["digest"] == made.digest
    assert ReceivedRecord.objects.get().uuid == w.clue.uuid
    page = client.post("/discipline/imports/", {"package": zipped()}).content.decode()
    assert "重放" in page and "bag-info.txt" in page
    assert client.get("/api/v1/discipline/imports").json()["total"] == 1
    client.logout()
    login(w.county_officer)  # the exporter does not import
    assert client.get("/discipline/imports/").status_code in (302, 403)


def test_an_upload_with_clashing_names_is_refused_and_every_refusal_recorded(w, tmp_path):
    def zipped(*entries):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            for name, data in entries:
                archive.writestr(name, data)
        return out.getvalue()

    with pytest.warns(UserWarning, match="Duplicate name"):
        twice = zipped(("JB-1/a", b"x"), ("JB-1/a", b"y"))  # the same name twice
    for data in (zipped(("JB-1/a", b"x"), ("JB-1/a/b", b"y")), twice):  # and a file where a directory is needed
        with pytest.raises(package.PackageRejected, match="压缩包内"):
            export_services.discipline_import_upload(actor=actor(w.importer), data=data)
    refused = AuditEvent.objects.filter(action="discipline.import.reject", outcome="denied")
    assert refused.count() == 2 and refused.latest("seq").actor_id == w.importer.pk
