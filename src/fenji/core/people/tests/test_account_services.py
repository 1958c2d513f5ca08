import pytest
from django.db import IntegrityError, transaction

from fenji.core.audit.models import AuditEvent
from fenji.core.kernel.errors import AccessDenied, DomainError
from fenji.core.notify.sms import read_outbox
from fenji.core.people.identity import check_char
from fenji.core.people.models import Account, Person
from fenji.core.people.services import account_change_mobile, account_open, account_set_status
from fenji.testing import actor, make_account


def id_number(seed: int) -> str:
    first17 = f"3201021985062{seed:04d}"
    return first17 + check_char(first17)


def open_member(admin, unit, *, mobile="13911112222", number=None, name="周晓明"):
    return account_open(actor=actor(admin), unit=unit, real_name=name, mobile=mobile,
                        id_number=number or id_number(1), kind="member")


def test_open_sends_login_and_initial_password_by_sms(tree, city_admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        account, password = open_member(city_admin, tree.town)
    assert account.must_change_password and account.check_password(password)
    assert account.person.gender == "M" and account.person.birth_date.year == 1985
    [sms] = read_outbox("13911112222")
    assert "13911112222" in sms.text and password in sms.text
    event = AuditEvent.objects.get(action="people.account.open")
    assert password not in str(event.details)


def test_one_person_one_account(tree, city_admin):
    open_member(city_admin, tree.town)
    with pytest.raises(DomainError, match="该身份证号码已有账号"):
        open_member(city_admin, tree.other_town, mobile="13933334444")
    with pytest.raises(DomainError, match="该手机号码已有账号"):
        open_member(city_admin, tree.other_town, number=id_number(2))
    assert Account.objects.unscoped(reason="test").count() == 2  # the admin and the member
    assert Person.objects.count() == 2


def test_the_database_itself_refuses_a_second_account(tree, city_admin):
    account, _ = open_member(city_admin, tree.town)
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(real_name="冒名", id_number=account.person.id_number)
    with pytest.raises(IntegrityError), transaction.atomic():
        twin = Person.objects.create(real_name="冒名", id_number=id_number(3))
        Account.objects.unscoped(reason="test").create(mobile=account.mobile, person=twin, kind="member", unit=tree.town,
                               unit_path=tree.town.path)
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.unscoped(reason="test").create(mobile="13955556666", person=account.person, kind="member", unit=tree.town,
                               unit_path=tree.town.path)


def test_bad_id_number_changes_nothing(tree, city_admin):
    with pytest.raises(DomainError, match="校验位错误"):
        open_member(city_admin, tree.town, number=id_number(1)[:17] + ("0" if id_number(1)[-1] != "0" else "1"))
    assert not Person.objects.filter(real_name="周晓明").exists()


def test_open_outside_scope_is_refused(tree, sibling_admin, city_clerk):
    with pytest.raises(AccessDenied):
        open_member(sibling_admin, tree.town)
    with pytest.raises(AccessDenied, match="开设账号"):
        open_member(city_clerk, tree.town)
    assert not Person.objects.filter(real_name="周晓明").exists()


def test_disable_and_enable(tree, city_admin):
    member = make_account(tree.town, kind="member")
    with pytest.raises(DomainError, match="停用原因"):
        account_set_status(actor=actor(city_admin), account=member, active=False)
    account_set_status(actor=actor(city_admin), account=member, active=False, reason="调离")
    member.refresh_from_db()
    assert not member.is_active and member.status_reason == "调离"
    account_set_status(actor=actor(city_admin), account=member, active=True)
    member.refresh_from_db()
    assert member.is_active
    with pytest.raises(DomainError, match="自己"):
        account_set_status(actor=actor(city_admin), account=city_admin, active=False, reason="x")


def test_mobile_change_tells_the_new_number(tree, city_admin, django_capture_on_commit_callbacks):
    member = make_account(tree.town, kind="member")
    other = make_account(tree.town, kind="member")
    with pytest.raises(DomainError, match="该手机号码已有账号"):
        account_change_mobile(actor=actor(city_admin), account=member, mobile=other.mobile)
    with django_capture_on_commit_callbacks(execute=True):
        account_change_mobile(actor=actor(city_admin), account=member, mobile="13877778888")
    member.refresh_from_db()
    assert member.mobile == "13877778888"
    assert read_outbox("13877778888")
