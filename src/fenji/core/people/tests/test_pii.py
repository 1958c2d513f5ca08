"""Personal information at rest and on screen: ID and mobile numbers are SM4-GCM ciphertext in the
database, found by their keyed SM3 hash, masked everywhere unless the actor holds
``people.person.unmask`` (and then audited once per view); passwords are PBKDF2-HMAC-SM3."""

import base64
import hashlib
import re

import pytest
from cryptography.exceptions import InvalidTag
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.test import Client

from fenji.core.access import policy
from fenji.core.access.roles import SYSTEM_ADMIN
from fenji.core.access.services import grant_create, role_create
from fenji.core.api import services as token_services
from fenji.core.audit.models import AuditEvent, Outcome
from fenji.core.kernel import crypto, rotation
from fenji.core.people.hashers import PBKDF2SM3PasswordHasher
from fenji.core.people.identity import check_char
from fenji.core.people.models import Account, Person
from fenji.core.people.services import account_change_mobile, account_open
from fenji.testing import PASSWORD, actor, make_account

MOBILE = "13912340001"
NEW_MOBILE = "13912340002"
FIRST17 = "32010219850615123"
ID_NUMBER = FIRST17 + check_char(FIRST17)
SM3_HASHERS = ["fenji.core.people.hashers.PBKDF2SM3PasswordHasher",
               "django.contrib.auth.hashers.PBKDF2PasswordHasher"]


@pytest.fixture
def key_file(settings, tmp_path, monkeypatch):
    """A key file of this test's own (requested before any row is written)."""
    for name in ("FENJI_DATA_KEYS", "FENJI_DATA_KEY", "FENJI_INDEX_KEY"):
        monkeypatch.delenv(name, raising=False)
    settings.DATA_KEY_FILE = tmp_path / "data.key"
    yield settings.DATA_KEY_FILE
    crypto.reset()


@pytest.fixture
def person(key_file, tree, city_admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        account, _ = account_open(actor=actor(city_admin), unit=tree.town, real_name="钱多多", mobile=MOBILE,
                                  id_number=ID_NUMBER, kind="staff")
    return account


@pytest.fixture
def lookup_clerk(tree):
    """A clerk who may read accounts (a business role with the read-only action) but not unmask them."""
    role_create(actor=policy.SYSTEM, code="lookup", label="查询员", actions=["people.account.view"])
    clerk = make_account(tree.city, name="查询员")
    grant_create(actor=policy.SYSTEM, account=clerk, role="lookup", unit=tree.city)
    return clerk


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def api(account) -> Client:
    _, plain = token_services.token_create(actor=policy.SYSTEM, account=account, name="测试")
    return Client(headers={"Authorization": f"Bearer {plain}"})


def unmask_events():
    return AuditEvent.objects.filter(action="people.person.unmask", outcome=Outcome.OK)


# --- at rest -------------------------------------------------------------------------------------


def test_the_columns_hold_ciphertext_and_keyed_hashes(person):
    [(mobile, mobile_hash)] = raw("SELECT mobile, mobile_hash FROM people_account WHERE id = %s", [person.pk])
    [(id_number, id_hash)] = raw("SELECT id_number, id_number_hash FROM people_person WHERE id = %s",
                                 [person.person_id])
    assert re.fullmatch(r"v1:[A-Za-z0-9+/=]+", mobile) and re.fullmatch(r"v1:[A-Za-z0-9+/=]+", id_number)
    assert MOBILE not in mobile and ID_NUMBER not in id_number and "5678" not in mobile
    assert re.fullmatch(r"[0-9a-f]{64}", mobile_hash) and re.fullmatch(r"[0-9a-f]{64}", id_hash)
    assert mobile_hash == crypto.blind_index(MOBILE) != hashlib.new("sha256", MOBILE.encode()).hexdigest()
    # and the ORM reads plain values back
    account = Account.objects.unscoped(reason="test").select_related("person").get(pk=person.pk)
    assert account.mobile == MOBILE and account.person.id_number == ID_NUMBER
    assert account.mobile_masked == "139****0001" and account.person.id_number_masked == f"3201**********{ID_NUMBER[-4:]}"


def every_stored_value() -> str:
    """Every value of every table, as text: what a dump of the database shows."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            chunks.extend(repr(row) for row in cursor.fetchall())
    if connection.vendor == "sqlite":
        chunks.extend(connection.connection.iterdump())  # the SQL text of `sqlite3 fenji.sqlite3 .dump`
    return "\n".join(chunks)


def test_no_table_of_the_database_holds_a_plain_mobile_or_id_number(person, tree, city_admin, login,
                                                                      django_capture_on_commit_callbacks):
    client = Client()
    client.post("/login/", {"mobile": MOBILE, "password": "wrong"})  # a failure: axes and the audit log
    member = make_account(tree.town, kind="member", mobile="13912340003")
    assert client.post("/m/login/", {"mobile": member.mobile, "password": PASSWORD}).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        account_change_mobile(actor=actor(city_admin), account=person, mobile=NEW_MOBILE)
    login(city_admin).get(f"/people/accounts/{person.pk}/unmasked/")
    dump = every_stored_value()
    assert "people.person.unmask" in dump and "钱多多" in dump  # the dump is real
    for secret in (MOBILE, NEW_MOBILE, "13912340003", ID_NUMBER, city_admin.mobile, city_admin.person.id_number):
        assert secret not in dump, f"{secret} is stored in plain text"


def test_the_database_keeps_hashes_unique(person, tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(real_name="冒名", id_number=ID_NUMBER)
    twin = Person.objects.create(real_name="另一人")
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.unscoped(reason="test").create(mobile=MOBILE, person=twin, kind="member", unit=tree.town,
                                                       unit_path=tree.town.path)
    # two citizens without ID numbers are not duplicates of each other
    Person.objects.create(real_name="群众甲")
    Person.objects.create(real_name="群众乙")
    assert Person.objects.filter(id_number=None).count() >= 3


def test_lookups_on_an_encrypted_column_are_exact_or_refused(person):
    accounts = Account.objects.unscoped(reason="test")
    assert accounts.get(mobile=MOBILE).pk == person.pk  # compiled as mobile_hash = blind_index(...)
    assert accounts.get(mobile_hash=crypto.blind_index(MOBILE)).pk == person.pk
    assert Person.objects.get(id_number=ID_NUMBER).pk == person.person_id
    assert not accounts.filter(mobile="13912340009").exists()
    assert accounts.get(person__id_number=ID_NUMBER).pk == person.pk
    for bad in ({"mobile__startswith": "139"}, {"mobile__contains": "1234"}, {"mobile__in": [MOBILE]}):
        with pytest.raises(FieldError):
            list(accounts.filter(**bad))
    assert Person.objects.filter(id_number__isnull=True).count() == 0


def test_a_new_mobile_gets_a_new_hash_with_update_fields(person, city_admin):
    account_change_mobile(actor=actor(city_admin), account=person, mobile=NEW_MOBILE)
    [(mobile_hash,)] = raw("SELECT mobile_hash FROM people_account WHERE id = %s", [person.pk])
    assert mobile_hash == crypto.blind_index(NEW_MOBILE)
    assert Account.objects.get_by_natural_key(NEW_MOBILE).pk == person.pk
    with pytest.raises(Account.DoesNotExist):
        Account.objects.get_by_natural_key(MOBILE)


def test_a_tampered_ciphertext_is_a_clear_error_not_a_wrong_value(person):
    [(token,)] = raw("SELECT mobile FROM people_account WHERE id = %s", [person.pk])
    header, body = token.split(":", 1)
    data = bytearray(base64.b64decode(body))
    data[15] ^= 0x01
    with connection.cursor() as cursor:
        cursor.execute("UPDATE people_account SET mobile = %s WHERE id = %s",
                       [f"{header}:{base64.b64encode(bytes(data)).decode()}", person.pk])
    with pytest.raises(InvalidTag, match="people_account.mobile.*篡改"):
        Account.objects.unscoped(reason="test").get(pk=person.pk)


# --- logging in ----------------------------------------------------------------------------------


def test_login_by_mobile_however_typed(person, client):
    account = Account.objects.unscoped(reason="test").get(pk=person.pk)
    account.set_password(PASSWORD)
    account.must_change_password = False
    account.save()
    assert client.post("/login/", {"mobile": "139 1234 0001", "password": PASSWORD}).status_code == 302
    assert client.get("/").status_code == 200


def test_failed_logins_are_counted_by_hash_and_lock_the_account(person, client):
    from axes.models import AccessAttempt

    for _ in range(5):
        client.post("/login/", {"mobile": MOBILE, "password": "wrong"})
    attempt = AccessAttempt.objects.get()
    assert attempt.username == crypto.blind_index(MOBILE) and MOBILE not in attempt.post_data
    assert client.post("/login/", {"mobile": MOBILE, "password": PASSWORD}).status_code == 403


# --- search --------------------------------------------------------------------------------------


def test_the_account_list_finds_whole_numbers_only(person, city_admin, login):
    client = login(city_admin)
    page = client.get("/people/accounts/", {"q": MOBILE})
    assert [a.pk for a in page.context["page"].rows] == [person.pk]
    assert client.get("/people/accounts/", {"q": ID_NUMBER}).context["page"].total == 1
    assert client.get("/people/accounts/", {"q": "1391234"}).context["page"].total == 0  # no prefix search
    assert client.get("/people/accounts/", {"q": "钱多"}).context["page"].total == 1
    assert "手机号须输入完整11位" in page.content.decode()
    listed = api(city_admin).get("/api/v1/accounts", {"q": MOBILE}).json()
    assert [item["id"] for item in listed["items"]] == [person.pk]
    assert api(city_admin).get("/api/v1/accounts", {"q": "139"}).json()["total"] == 0


def test_the_grant_list_finds_a_whole_mobile(person, tree, login):
    from fenji.core.access.roles import SECURITY_ADMIN, STAFF

    grant_create(actor=policy.SYSTEM, account=person, role=STAFF.code, unit=tree.town)
    security = make_account(tree.city, name="保密员", role=SECURITY_ADMIN)
    client = login(security)
    assert "钱多多" in client.get("/access/grants/", {"q": MOBILE}).content.decode()
    assert "钱多多" not in client.get("/access/grants/", {"q": MOBILE[:7]}).content.decode()
    found = client.get("/access/grants/new/", {"q": MOBILE}).content.decode()
    assert f"?account={person.pk}" in found


# --- masking and unmasking -----------------------------------------------------------------------


def test_an_administrator_unmasks_and_every_view_is_audited_once(person, city_admin, login):
    client = login(city_admin)
    detail = client.get(f"/people/accounts/{person.pk}/").content.decode()
    assert "139****0001" in detail and MOBILE not in detail and ID_NUMBER not in detail
    assert "显示完整号码" in detail and not unmask_events().exists()  # looking at the page unmasks nothing
    response = client.get(f"/people/accounts/{person.pk}/unmasked/")
    page = response.content.decode()
    assert MOBILE in page and ID_NUMBER in page and "已记入审计日志" in page
    assert "no-store" in response["Cache-Control"]
    [event] = unmask_events()
    assert event.actor_id == city_admin.pk and event.target_type == "people.account"
    assert event.target_id == str(person.pk) and event.target_unit_path == person.unit_path
    assert MOBILE not in str(event.details) and ID_NUMBER not in str(event.details)
    client.get(f"/people/accounts/{person.pk}/unmasked/")
    assert unmask_events().count() == 2


def test_the_api_unmasks_only_with_the_action_and_audits_each_call(person, city_admin, lookup_clerk):
    body = api(city_admin).get(f"/api/v1/accounts/{person.pk}/unmasked").json()
    assert body == {"id": person.pk, "real_name": "钱多多", "mobile": MOBILE, "id_number": ID_NUMBER}
    assert unmask_events().count() == 1
    detail = api(city_admin).get(f"/api/v1/accounts/{person.pk}").json()
    assert detail["mobile"] == "139****0001" and detail["id_number"].count("*") == 10

    clerk = api(lookup_clerk)
    assert clerk.get(f"/api/v1/accounts/{person.pk}").json()["mobile"] == "139****0001"
    refused = clerk.get(f"/api/v1/accounts/{person.pk}/unmasked")
    assert refused.status_code == 403 and MOBILE not in refused.content.decode()
    listed = clerk.get("/api/v1/accounts").content.decode()
    assert MOBILE not in listed and ID_NUMBER not in listed and "139****0001" in listed
    assert unmask_events().count() == 1
    assert AuditEvent.objects.filter(action="people.person.unmask", outcome=Outcome.DENIED,
                                     actor_id=lookup_clerk.pk).count() == 1


def test_a_clerk_without_the_action_sees_masked_values_on_every_page(person, lookup_clerk, login):
    client = login(lookup_clerk)
    for path in ("/people/accounts/", f"/people/accounts/{person.pk}/"):
        page = client.get(path).content.decode()
        assert "139****0001" in page and MOBILE not in page and ID_NUMBER not in page, path
    assert "显示完整号码" not in client.get(f"/people/accounts/{person.pk}/").content.decode()
    refused = client.get(f"/people/accounts/{person.pk}/unmasked/")
    assert refused.status_code == 403 and MOBILE not in refused.content.decode()
    assert not unmask_events().exists()


def test_unmasking_is_scoped_like_everything_else(person, sibling_admin, login):
    response = login(sibling_admin).get(f"/people/accounts/{person.pk}/unmasked/")
    assert response.status_code == 404 and MOBILE not in response.content.decode()
    assert not unmask_events().exists()


def test_the_unmask_action_belongs_to_the_system_and_account_administrators():
    from fenji.core.access import registry
    from fenji.core.access.roles import ACCOUNT_ADMIN, AUDITOR, SECURITY_ADMIN, STAFF

    assert registry.get("people.person.unmask").duty == registry.Duty.SYSTEM
    assert not registry.get("people.person.unmask").read_only  # business roles cannot bundle it
    holders = {r.code for r in (SYSTEM_ADMIN, ACCOUNT_ADMIN, SECURITY_ADMIN, AUDITOR, STAFF)
               if "people.person.unmask" in r.actions}
    assert holders == {"system_admin", "account_admin"}


# --- key rotation --------------------------------------------------------------------------------


def stored_key_ids() -> set[str]:
    rows = raw("SELECT mobile FROM people_account") + raw("SELECT id_number FROM people_person WHERE id_number IS NOT NULL")
    return {value.split(":", 1)[0] for (value,) in rows}


def test_rotation_reencrypts_everything_under_a_new_key(person, tree, key_file, client):
    others = [make_account(tree.town, kind="member") for _ in range(3)]
    hashes_before = raw("SELECT id, mobile_hash FROM people_account ORDER BY id")
    assert stored_key_ids() == {"v1"}
    call_command("rotate_data_key", "--batch-size", "2", stdout=open("/dev/null", "w"))
    assert stored_key_ids() == {"v2"}
    assert "\n2:" in key_file.read_text() and "\n1:" in key_file.read_text()  # the old key is kept
    assert raw("SELECT id, mobile_hash FROM people_account ORDER BY id") == hashes_before  # hashes are stable
    accounts = Account.objects.unscoped(reason="test").select_related("person")
    assert accounts.get(pk=person.pk).mobile == MOBILE and accounts.get(pk=person.pk).person.id_number == ID_NUMBER
    assert {a.mobile for a in accounts.filter(pk__in=[o.pk for o in others])} == {o.mobile for o in others}
    assert client.post("/m/login/", {"mobile": others[0].mobile, "password": PASSWORD}).status_code == 302
    event = AuditEvent.objects.get(action="people.data_key.rotate")
    assert event.details["newest"] == 2 and "AAAA" not in str(event.details)

    call_command("rotate_data_key", "--reencrypt-only", "--prune", stdout=open("/dev/null", "w"))
    assert "\n1:" not in key_file.read_text() and "\n2:" in key_file.read_text()
    assert accounts.get(pk=person.pk).mobile == MOBILE


def test_rows_under_the_old_key_decrypt_after_a_new_key_is_added(person, key_file):
    rotation.add_data_key(key_file)
    assert stored_key_ids() == {"v1"}  # not yet re-encrypted
    assert Account.objects.unscoped(reason="test").get(pk=person.pk).mobile == MOBILE
    newcomer = make_account(person.unit, kind="member", mobile="13912340005")
    assert raw("SELECT mobile FROM people_account WHERE id = %s", [newcomer.pk])[0][0].startswith("v2:")
    assert rotation.prune_data_keys(key_file) == []  # v1 is still in use: kept


def test_index_key_rotation_recomputes_every_hash(person, key_file, tree):
    before = dict(raw("SELECT id, mobile_hash FROM people_account"))
    call_command("rotate_data_key", "--reencrypt-only", "--index", stdout=open("/dev/null", "w"))
    after = dict(raw("SELECT id, mobile_hash FROM people_account"))
    assert set(before) == set(after) and not set(before.values()) & set(after.values())
    assert Account.objects.get_by_natural_key(MOBILE).pk == person.pk
    assert Person.objects.get(id_number=ID_NUMBER).pk == person.person_id
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(real_name="冒名", id_number=ID_NUMBER)


def test_rotation_refuses_to_touch_keys_from_the_environment(key_file, monkeypatch):
    monkeypatch.setenv("FENJI_DATA_KEY", base64.b64encode(b"K" * 32).decode())
    crypto.reset()
    with pytest.raises(CommandError, match="FENJI_DATA_KEYS"):
        call_command("rotate_data_key")
    crypto.reset()


# --- passwords -----------------------------------------------------------------------------------


def test_pbkdf2_sm3_encodes_and_verifies(settings):
    settings.PASSWORD_HASHERS = SM3_HASHERS
    encoded = make_password(PASSWORD)
    algorithm, iterations, salt, digest = encoded.split("$")
    assert algorithm == "pbkdf2_sm3" and int(iterations) == PBKDF2SM3PasswordHasher.iterations >= 100_000
    assert check_password(PASSWORD, encoded) and not check_password(PASSWORD + "x", encoded)
    assert isinstance(identify_hasher(encoded), PBKDF2SM3PasswordHasher)
    hasher = PBKDF2SM3PasswordHasher()
    assert not hasher.must_update(encoded)
    assert hasher.must_update(hasher.encode(PASSWORD, salt, iterations=1000))
    assert digest not in str(hasher.safe_summary(encoded))


@pytest.mark.skipif("sm3" not in hashlib.algorithms_available, reason="this OpenSSL build has no SM3 in hashlib")
def test_pbkdf2_sm3_agrees_with_an_independent_implementation():
    encoded = PBKDF2SM3PasswordHasher().encode("密码Fenji#1", "NaCl1234", iterations=1000)
    expected = hashlib.pbkdf2_hmac("sm3", "密码Fenji#1".encode(), b"NaCl1234", 1000, 32)
    assert encoded == f"pbkdf2_sm3$1000$NaCl1234${base64.b64encode(expected).decode()}"


def test_an_older_hash_is_upgraded_at_login(settings, tree, client):
    settings.PASSWORD_HASHERS = SM3_HASHERS
    member = make_account(tree.town, kind="member")
    member.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    member.save(update_fields=["password"])
    assert client.post("/m/login/", {"mobile": member.mobile, "password": PASSWORD}).status_code == 302
    member.refresh_from_db()
    assert member.password.startswith("pbkdf2_sm3$") and member.check_password(PASSWORD)
    client.post("/m/logout/")
    assert client.post("/m/login/", {"mobile": member.mobile, "password": PASSWORD}).status_code == 302


def test_moving_from_one_master_key_to_several_keeps_every_hash(key_file, monkeypatch, tree):
    single = base64.b64encode(b"K" * 32).decode()
    monkeypatch.setenv("FENJI_DATA_KEY", single)
    crypto.reset()
    member = make_account(tree.town, kind="member", mobile="13912340007")
    with pytest.raises(CommandError) as refused:
        call_command("rotate_data_key")
    index_key = re.search(r"FENJI_INDEX_KEY=(\S+?)（", str(refused.value))[1]
    monkeypatch.delenv("FENJI_DATA_KEY")
    monkeypatch.setenv("FENJI_DATA_KEYS", f"1:{single},2:{base64.b64encode(b'L' * 32).decode()}")
    monkeypatch.setenv("FENJI_INDEX_KEY", index_key)
    crypto.reset()
    call_command("rotate_data_key", "--reencrypt-only", stdout=open("/dev/null", "w"))
    assert raw("SELECT mobile FROM people_account WHERE id = %s", [member.pk])[0][0].startswith("v2:")
    assert Account.objects.get_by_natural_key("13912340007").pk == member.pk
    crypto.reset()
