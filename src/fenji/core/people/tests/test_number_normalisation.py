"""One person, one account, however the numbers are typed (issue 12, finding 3).

Full-width digits (``１３９…``), ideographic spaces and other compatibility spellings are folded
(NFKC, no whitespace) before a number is checked, stored, hashed or searched: the same number typed
two ways is refused as a duplicate through the console, the API, the Excel import and the command
line, and rows stored before the fix are folded by the migration ``people/0005``.
"""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from fenji.core.kernel import crypto
from fenji.core.kernel.errors import DomainError
from fenji.core.people.identity import check_char, clean_mobile, parse_id_number
from fenji.core.people.models import Account, Person
from fenji.core.people.services import member_import
from fenji.core.people.tests.test_member_import import reasons, workbook
from fenji.core.people.tests.test_pii import api
from fenji.testing import PASSWORD, actor, make_account

MOBILE = "13912340011"
FIRST17 = "32010219850615123"
ID_NUMBER = FIRST17 + check_char(FIRST17)
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def wide(number: str) -> str:
    return number.translate(FULL_WIDTH)


def accounts():
    return Account.objects.unscoped(reason="test")


@pytest.fixture
def existing(tree):
    """The person who is already registered, with ASCII numbers."""
    return make_account(tree.town, name="钱多多", mobile=MOBILE, kind="member")


def other_id(seed: int = 1) -> str:
    first17 = f"3201021990071{seed:04d}"
    return first17 + check_char(first17)


# --- the one normalisation -------------------------------------------------------------------------


def test_numbers_are_folded_before_they_are_checked():
    assert clean_mobile(wide(MOBILE)) == MOBILE
    assert clean_mobile("１３９\u30001234 0011") == MOBILE  # ideographic and ASCII spaces
    assert clean_mobile("＋８６ 139－1234－0011") == MOBILE
    assert parse_id_number(wide(ID_NUMBER)).number == ID_NUMBER
    assert parse_id_number(" " + wide(ID_NUMBER) + "\u3000").number == ID_NUMBER
    assert parse_id_number(wide("11010519491231002") + "ｘ").number == "11010519491231002X"


@pytest.mark.parametrize("mobile", [
    "١٣٩١٢٣٤٠٠١١",  # Arabic-Indic digits: not folded by NFKC, and not [0-9]
    "१३९१२३४००११",  # Devanagari
    "13912340011\u200b",  # a zero-width space is no whitespace: refused, not ignored
])
def test_digits_of_other_scripts_are_refused(mobile):
    with pytest.raises(DomainError, match="手机号码应为11位数字"):
        clean_mobile(mobile)


def test_other_scripts_digits_in_an_id_number_are_refused():
    with pytest.raises(DomainError, match="身份证号码应为18位"):
        parse_id_number("٣٢" + ID_NUMBER[2:])


# --- the attack, at every door ---------------------------------------------------------------------


def open_form(**overrides):
    return {"real_name": "钱多多", "id_number": other_id(), "mobile": "13966667777", "kind": "member", "title": "",
            **overrides}


def test_the_console_refuses_a_full_width_copy_of_an_existing_number(login, tree, city_admin, existing):
    client = login(city_admin)
    page = client.post(f"/org/units/{tree.other_town.pk}/accounts/new/",
                       open_form(mobile=wide(MOBILE))).content.decode()
    assert "该手机号码已有账号" in page
    page = client.post(f"/org/units/{tree.other_town.pk}/accounts/new/",
                       open_form(id_number=wide(existing.person.id_number))).content.decode()
    assert "该身份证号码已有账号" in page
    assert accounts().filter(person__real_name="钱多多").count() == 1


def test_the_console_stores_a_new_full_width_number_as_ascii(login, tree, city_admin):
    client = login(city_admin)
    response = client.post(f"/org/units/{tree.town.pk}/accounts/new/",
                           open_form(mobile="１３９ ６６６６ ７７７７", id_number=wide(other_id(2))), follow=True)
    assert "已为钱多多开设账号" in response.content.decode()
    account = accounts().get(mobile="13966667777")
    assert account.mobile == "13966667777" and account.person.id_number == other_id(2)
    assert account.mobile_hash == crypto.blind_index("13966667777")


def test_the_api_refuses_a_full_width_copy_of_an_existing_number(tree, city_admin, existing):
    client = api(city_admin)
    body = {"unit_id": tree.town.pk, "real_name": "钱多多", "kind": "staff", "title": ""}
    response = client.post("/api/v1/accounts", {**body, "mobile": wide(MOBILE), "id_number": other_id()},
                           content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json()["error"]["field"] == "mobile"
    assert "该手机号码已有账号" in response.json()["error"]["message"]
    response = client.post("/api/v1/accounts", {**body, "mobile": "13966667777",
                                                "id_number": wide(existing.person.id_number)},
                           content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json()["error"]["field"] == "id_number"
    assert accounts().filter(person__real_name="钱多多").count() == 1


def test_the_import_refuses_full_width_copies_and_folds_new_numbers(tree, city_admin, existing):
    file = workbook([
        ["甲", other_id(3), wide(MOBILE), None],                            # row 2: existing mobile, full width
        ["乙", wide(existing.person.id_number), "13911110072", None],     # row 3: existing ID, full width
        ["丙", wide(other_id(4)), "１３９ １１１１ ００７３", None],        # row 4: new, folded
        ["丁", other_id(5), "13911110073", None],                          # row 5: row 4's mobile in ASCII
    ])
    result = member_import(actor=actor(city_admin), unit=tree.town, file=file)
    assert (result.read, result.created, result.rejected) == (4, 1, 3)
    found = reasons(result)
    assert found[2] == [("手机号", "该手机号已有账号：一人只能有一个账号，如需调整请联系其所在单位管理员")]
    assert found[3] == [("身份证号", "该身份证号已有账号：一人只能有一个账号，如需调整请联系其所在单位管理员")]
    assert found[5] == [("手机号", "与第 4 行的手机号相同：一个手机号只能开设一个账号")]
    imported = accounts().get(person__real_name="丙")
    assert imported.mobile == "13911110073" and imported.person.id_number == other_id(4)
    assert imported.mobile_hash == crypto.blind_index("13911110073")


def test_createadmin_refuses_a_full_width_copy(tree, existing):
    with pytest.raises(CommandError, match="该手机号码已有账号"):
        call_command("createadmin", "--name", "钱多多", "--mobile", wide(MOBILE), "--id-number", other_id(6))
    with pytest.raises(CommandError, match="该身份证号码已有账号"):
        call_command("createadmin", "--name", "钱多多", "--mobile", "13966667777",
                     "--id-number", wide(existing.person.id_number))


def test_the_search_boxes_find_a_number_typed_in_full_width(login, city_admin, existing):
    client = login(city_admin)
    page = client.get("/people/accounts/", {"q": "１３９ １２３４ ００１１"})
    assert [a.pk for a in page.context["page"].rows] == [existing.pk]
    assert client.get("/people/accounts/", {"q": wide(existing.person.id_number)}).context["page"].total == 1
    listed = api(city_admin).get("/api/v1/accounts", {"q": wide(MOBILE)}).json()
    assert [item["id"] for item in listed["items"]] == [existing.pk]


def test_the_grant_list_finds_a_full_width_mobile(tree, login, existing):
    from fenji.core.access import policy
    from fenji.core.access.roles import SECURITY_ADMIN, STAFF
    from fenji.core.access.services import grant_create

    grant_create(actor=policy.SYSTEM, account=existing, role=STAFF.code, unit=tree.town)
    client = login(make_account(tree.city, name="保密员", role=SECURITY_ADMIN))
    assert "钱多多" in client.get("/access/grants/", {"q": wide(MOBILE)}).content.decode()
    assert "钱多多" not in client.get("/access/grants/", {"q": wide(MOBILE[:7])}).content.decode()


def test_a_full_width_login_is_the_same_account_and_counts_towards_its_lockout(client, existing):
    from axes.models import AccessAttempt

    for typed in (MOBILE, wide(MOBILE), "１３９ １２３４ ００１１", MOBILE[:3] + wide(MOBILE[3:]), "139\u30001234\u30000011"):
        client.post("/m/login/", {"mobile": typed, "password": "wrong"})
    assert AccessAttempt.objects.get().username == crypto.blind_index(MOBILE)  # one counter, five spellings
    assert client.post("/m/login/", {"mobile": wide(MOBILE), "password": PASSWORD}).status_code == 403  # locked


def test_the_columns_fold_what_a_code_path_forgot_to(tree, existing):
    """Belt and braces: an ORM write or lookup with a full-width number uses the folded one."""
    account = accounts().get(pk=existing.pk)
    account.mobile = wide("13966667777")
    account.save(update_fields=["mobile"])
    account.refresh_from_db()
    assert account.mobile == "13966667777" and account.mobile_hash == crypto.blind_index("13966667777")
    assert accounts().get(mobile="１３９６６６６７７７７").pk == existing.pk
    with pytest.raises(IntegrityError), transaction.atomic():  # the unique hash refuses the copy
        Person.objects.create(real_name="复制", id_number=wide(existing.person.id_number))


# --- the migration ---------------------------------------------------------------------------------


def _store_as_typed(table: str, column: str, hash_column: str, pk: int, value: str) -> None:
    """A row as the code before the fix wrote it: the full-width value encrypted and hashed as it was."""
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s, {hash_column} = %s WHERE id = %s",
                       [crypto.encrypt(value), crypto.blind_index(value), pk])


def _raw(table: str, column: str, hash_column: str, pk: int) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column}, {hash_column} FROM {table} WHERE id = %s", [pk])
        token, digest = cursor.fetchone()
    return crypto.decrypt(token), digest


def _migrate():
    migration = importlib.import_module("fenji.core.people.migrations.0005_reindex_normalised_numbers")
    migration.renormalise(django_apps, SimpleNamespace(connection=connection))


def test_the_migration_folds_and_reindexes_rows_stored_in_full_width(tree, existing, capsys):
    other = make_account(tree.town, name="孙二", mobile="13966667777")
    _store_as_typed("people_account", "mobile", "mobile_hash", other.pk, wide("13966667777"))
    _store_as_typed("people_person", "id_number", "id_number_hash", other.person_id, wide(other_id(7)))
    assert accounts().filter(mobile="13966667777").count() == 0  # before: the ASCII number misses it

    _migrate()

    assert _raw("people_account", "mobile", "mobile_hash", other.pk) == (
        "13966667777", crypto.blind_index("13966667777"))
    assert _raw("people_person", "id_number", "id_number_hash", other.person_id) == (
        other_id(7), crypto.blind_index(other_id(7)))
    assert accounts().get(mobile="13966667777").pk == other.pk
    assert _raw("people_account", "mobile", "mobile_hash", existing.pk) == (MOBILE, crypto.blind_index(MOBILE))
    assert "warning" not in capsys.readouterr().err


def test_the_migration_leaves_a_colliding_row_and_says_so(tree, existing, capsys):
    twin = make_account(tree.other_town, name="钱多多", mobile="13966667777")
    _store_as_typed("people_account", "mobile", "mobile_hash", twin.pk, wide(MOBILE))  # the same number, full width

    _migrate()

    assert _raw("people_account", "mobile", "mobile_hash", twin.pk) == (wide(MOBILE), crypto.blind_index(wide(MOBILE)))
    assert _raw("people_account", "mobile", "mobile_hash", existing.pk) == (MOBILE, crypto.blind_index(MOBILE))
    err = capsys.readouterr().err
    assert f"people_account.mobile row {twin.pk} left unchanged" in err
    assert MOBILE not in err and wide(MOBILE) not in err  # the number itself is never printed
