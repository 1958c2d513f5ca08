"""Unit seals: made and withdrawn by the security administrator only, the private key sealed at rest,
applied by the unit's head; a stamp fails when any byte of the content or an attachment changes."""

import io
import json
import zipfile
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection

from fenji.core.access import policy
from fenji.core.access.roles import SECURITY_ADMIN, STAFF, SYSTEM_ADMIN, UNIT_LEADER
from fenji.core.audit.models import AuditEvent
from fenji.core.files.services import attachment_store
from fenji.core.files.tests import samples
from fenji.core.kernel.errors import AccessDenied, DomainError
from fenji.core.seals import stamps
from fenji.core.seals.models import SealKey
from fenji.core.seals.services import (
    package_verify,
    seal_apply,
    seal_export,
    seal_key_create,
    seal_key_revoke,
    seal_verify,
)
from fenji.testing import actor, make_account

CONTENT = "关于第三季度工作情况的报告".encode()


@pytest.fixture
def security(tree):
    return make_account(tree.county, name="区保密员", role=SECURITY_ADMIN)


@pytest.fixture
def leader(tree):
    return make_account(tree.town, name="街道主任", role=UNIT_LEADER)


@pytest.fixture
def clerk(tree):
    return make_account(tree.town, name="街道科员", role=STAFF)


@pytest.fixture
def key(tree, security):
    return seal_key_create(actor=actor(security), unit=tree.town)


@pytest.fixture
def files(tree, clerk):
    return [attachment_store(actor=actor(clerk), unit=tree.town, upload=samples.upload("附件一.pdf", samples.PDF)),
            attachment_store(actor=actor(clerk), unit=tree.town, upload=samples.upload("附件二.png", samples.png()))]


def test_the_security_administrator_makes_a_seal_with_its_private_key_sealed(tree, key):
    assert key.public_key == stamps.public_key_of(key.private_key)
    assert len(key.public_key) == 128
    with connection.cursor() as cursor:
        cursor.execute("SELECT private_key FROM seals_sealkey WHERE id = %s", [key.pk])
        raw = cursor.fetchone()[0]
    assert raw.startswith("v") and ":" in raw
    assert key.private_key not in raw
    assert bytes(key.image).startswith(b"\x89PNG")
    assert AuditEvent.objects.filter(action="seals.key.manage", target_id=str(key.pk)).count() == 1


@pytest.mark.parametrize("role", [UNIT_LEADER, STAFF, SYSTEM_ADMIN])
def test_no_one_else_makes_a_seal(tree, role):
    account = make_account(tree.county, role=role)
    with pytest.raises(AccessDenied):
        seal_key_create(actor=actor(account), unit=tree.town)


def test_a_security_administrator_outside_the_subtree_is_refused(tree):
    sibling = make_account(tree.sibling_city, role=SECURITY_ADMIN)
    with pytest.raises(AccessDenied) as refused:
        seal_key_create(actor=actor(sibling), unit=tree.town)
    assert refused.value.rule == "out_of_scope"


def test_one_live_seal_per_unit_and_revocation(tree, security, key, leader):
    with pytest.raises(DomainError, match="已有在用"):
        seal_key_create(actor=actor(security), unit=tree.town)
    stamp = seal_apply(actor=actor(leader), unit=tree.town, content=CONTENT, attachments=[])
    seal_key_revoke(actor=actor(security), key=key, reason="印章更换")
    with pytest.raises(DomainError, match="尚未制发"):
        seal_apply(actor=actor(leader), unit=tree.town, content=CONTENT, attachments=[])
    assert seal_verify(stamp, CONTENT, []).ok  # made before the revocation: still valid
    new = seal_key_create(actor=actor(security), unit=tree.town)
    assert new.pk != key.pk and new.public_key != key.public_key
    with pytest.raises(AccessDenied):
        seal_key_revoke(actor=actor(leader), key=new)


def test_a_lost_race_for_the_units_seal_is_the_same_clear_refusal(tree, security, key, monkeypatch):
    """Another administrator's key committed after this one looked (the check below sees nothing): the
    partial unique constraint refuses the insert, answered as "已有在用", never an IntegrityError."""
    from fenji.core.seals import services

    monkeypatch.setattr(services, "_keys", lambda reason: SealKey.objects.unscoped(reason=reason).none())
    with pytest.raises(DomainError, match="已有在用"):
        seal_key_create(actor=actor(security), unit=tree.town)
    assert SealKey.objects.unscoped(reason="test").filter(unit=tree.town).count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need a server")
@pytest.mark.django_db(transaction=True)
def test_two_administrators_making_one_units_seal_at_once(tree, security):
    import threading

    from django.db import connections

    other = make_account(tree.county, name="区保密员乙", role=SECURITY_ADMIN)
    barrier, outcomes = threading.Barrier(2), []

    def make(account):
        try:
            barrier.wait()
            seal_key_create(actor=actor(account), unit=tree.town)
            outcomes.append("made")
        except DomainError as error:
            outcomes.append(error.message)
        except Exception as error:  # noqa: BLE001 - the test reports whatever escaped
            outcomes.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=make, args=(a,)) for a in (security, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == sorted(["made", "“新街口街道”已有在用的电子印章：请先停用再制发新印章"]), outcomes
    assert SealKey.objects.unscoped(reason="test").filter(unit=tree.town, revoked_at__isnull=True).count() == 1


def test_only_the_head_applies_the_seal(tree, key, clerk, leader):
    with pytest.raises(AccessDenied):
        seal_apply(actor=actor(clerk), unit=tree.town, content=CONTENT, attachments=[])
    county_leader = make_account(tree.other_town, role=UNIT_LEADER)
    with pytest.raises(AccessDenied):
        seal_apply(actor=actor(county_leader), unit=tree.town, content=CONTENT, attachments=[])
    stamp = seal_apply(actor=actor(leader), unit=tree.town, content=CONTENT, attachments=[])
    assert stamp.statement["unit"]["name"] == tree.town.name
    assert stamp.statement["sealed_by"]["id"] == leader.pk
    assert AuditEvent.objects.filter(action="seals.seal.apply", actor_id=leader.pk).count() == 1


@pytest.mark.parametrize("above", ["county", "city"])
def test_a_superiors_leader_may_not_apply_a_subordinate_units_seal(tree, key, above):
    """The 南京 (or 玄武区) leader holds seals.seal.apply over 新街口街道 through a subtree grant, but the
    seal is the street's own: only an account of 新街口街道 applies it."""
    superior = make_account(getattr(tree, above), name="上级领导", role=UNIT_LEADER)
    with pytest.raises(AccessDenied) as refused:
        seal_apply(actor=actor(superior), unit=tree.town, content=CONTENT, attachments=[])
    assert refused.value.rule == "not_own_unit"
    assert refused.value.message == "只有“新街口街道”本单位的负责人可以加盖本单位电子印章"
    assert not AuditEvent.objects.filter(action="seals.seal.apply", outcome="ok").exists()


def _flip(data: bytes, at: int = -1) -> bytes:
    changed = bytearray(data)
    changed[at] ^= 0x01
    return bytes(changed)


def test_verification_fails_when_any_byte_changes(tree, key, leader, files):
    stamp = seal_apply(actor=actor(leader), unit=tree.town, content=CONTENT, attachments=files)
    datas = [a.read_bytes() for a in files]
    result = seal_verify(stamp, CONTENT, datas)
    assert result.ok, result.reason
    assert not seal_verify(stamp, _flip(CONTENT), datas).ok
    assert "正文" in seal_verify(stamp, _flip(CONTENT), datas).reason
    for i in range(len(datas)):
        changed = list(datas)
        changed[i] = _flip(changed[i], at=len(changed[i]) // 2)
        result = seal_verify(stamp, CONTENT, changed)
        assert not result.ok and files[i].original_name in result.reason
    assert "数量" in seal_verify(stamp, CONTENT, datas[:1]).reason
    assert "缺失" in seal_verify(stamp, CONTENT, [datas[0], None]).reason


def test_a_changed_statement_or_a_foreign_key_fails(tree, key, leader):
    stamp = seal_apply(actor=actor(leader), unit=tree.town, content=CONTENT, attachments=[])
    forged = stamps.SealStamp({**stamp.statement, "unit": {**stamp.statement["unit"], "name": "别的单位"}},
                              stamp.signature, stamp.public_key, stamp.key_id)
    assert "签名无效" in seal_verify(forged, CONTENT, []).reason
    # a key made elsewhere, signing the same statement: the signature holds, the platform does not know the key
    private = "1" * 64
    public = stamps.public_key_of(private)
    foreign = stamps.SealStamp(stamp.statement, stamps.sign(private, public, stamps.canonical(stamp.statement)),
                               public, stamp.key_id)
    assert stamps.signature_ok(foreign)
    assert "不符" in seal_verify(foreign, CONTENT, []).reason


def test_the_portable_package_and_the_command(tree, key, leader, files, tmp_path, capsys):
    stamp = seal_apply(actor=actor(leader), unit=tree.town, content=CONTENT, attachments=files)
    package = seal_export(stamp, CONTENT, [(a.original_name, a.read_bytes()) for a in files])
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("signature.json"))
        assert archive.read("content.txt") == CONTENT
        assert key.public_key in archive.read("public_key.txt").decode()
    assert "attachments/01-附件一.pdf" in names and "attachments/02-附件二.png" in names
    assert manifest["stamp"]["public_key"] == key.public_key
    assert package_verify(package).ok

    good = tmp_path / "good.zip"
    good.write_bytes(package)
    call_command("seal", "verify", str(good))
    assert "有效" in capsys.readouterr().out

    bad = tmp_path / "bad.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(buffer, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, _flip(data, at=10) if name.endswith(".png") else data)
    bad.write_bytes(buffer.getvalue())
    with pytest.raises(SystemExit) as exited:
        call_command("seal", "verify", str(bad))
    assert exited.value.code == 1
    out = capsys.readouterr().out
    assert "无效" in out and "附件二.png" in out

    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    with pytest.raises(SystemExit):
        call_command("seal", "verify", str(junk))


def test_attachments_are_duck_typed(tree, key, leader):
    data = b"plain bytes"
    item = SimpleNamespace(pk=7, original_name="x.txt", size=len(data), sm3=stamps.sm3_hex(data))
    stamp = seal_apply(actor=actor(leader), unit=tree.town, content=CONTENT, attachments=[item])
    assert seal_verify(stamp, CONTENT, [data]).ok


# --- the console page ------------------------------------------------------------------------------


def test_the_console_page(tree, security, login, client):
    client = login(security)
    page = client.get("/seals/", {"q": "新街口"})
    assert page.status_code == 200 and "新街口街道" in page.content.decode()
    assert "制发印章" in page.content.decode()
    assert client.get(f"/seals/units/{tree.town.pk}/create/").status_code == 200  # the confirmation
    assert client.post(f"/seals/units/{tree.town.pk}/create/").status_code == 302
    key = SealKey.objects.unscoped(reason="test").get(unit=tree.town)
    page = client.get("/seals/", {"q": "新街口"}).content.decode()
    assert "data:image/png;base64," in page and "停用" in page
    assert client.get(f"/seals/keys/{key.pk}/revoke/").status_code == 200
    assert client.post(f"/seals/keys/{key.pk}/revoke/", {"reason": ""}).status_code == 200  # reason required
    assert client.post(f"/seals/keys/{key.pk}/revoke/", {"reason": "更换"}).status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None and key.revoke_reason == "更换"


def test_the_console_page_scope(tree, key, login, client):
    sibling = make_account(tree.sibling_city, name="苏州保密员", role=SECURITY_ADMIN)
    client = login(sibling)
    assert "新街口街道" not in client.get("/seals/", {"q": "新街口"}).content.decode()
    assert client.get(f"/seals/units/{tree.town.pk}/create/").status_code == 404
    assert client.get(f"/seals/keys/{key.pk}/revoke/").status_code == 404
    assert client.get(f"/seals/keys/{key.pk + 1000}/revoke/").status_code == 404
    assert client.post(f"/seals/keys/{key.pk}/revoke/", {"reason": "x"}).status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None
    province = make_account(tree.province, name="省保密员", role=SECURITY_ADMIN)
    client.logout()
    assert login(province).get(f"/seals/keys/{key.pk}/revoke/").status_code == 200
    client.logout()
    county_only = make_account(tree.town, name="街道保密员", role=SECURITY_ADMIN)
    assert login(county_only).get(f"/seals/units/{tree.county.pk}/create/").status_code == 404  # never upward
    assert policy.can(actor(county_only), "seals.key.manage", tree.town.path)
