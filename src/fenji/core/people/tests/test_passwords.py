import pytest

from fenji.core.kernel.errors import AccessDenied, DomainError
from fenji.core.people.passwords import generate_initial_password
from fenji.core.people.services import password_change
from fenji.testing import PASSWORD, actor, make_account


@pytest.fixture
def member(tree):
    return make_account(tree.town, kind="member", mobile="13912345678")


@pytest.mark.parametrize("new, message", [
    ("Abc#12345", "至少需要 10 个字符"),  # 9 characters
    ("Abcdefg1234", "缺少：特殊字符"),
    ("Abcdefgh#!x", "缺少：数字"),
    ("1234567#!23", "缺少：字母"),
    ("a#13912345678", "不能包含手机号码"),
    ("Password1!", "太常见"),
])
def test_weak_passwords_are_refused_and_the_old_one_still_works(member, new, message):
    with pytest.raises(DomainError, match=message):
        password_change(actor=actor(member), account=member, old_password=PASSWORD, new_password=new)
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_good_password_is_accepted_and_clears_the_forced_change(member):
    member.must_change_password = True
    member.save()
    password_change(actor=actor(member), account=member, old_password=PASSWORD, new_password="Qinhuai#River9")
    member.refresh_from_db()
    assert member.check_password("Qinhuai#River9")
    assert not member.must_change_password and member.password_changed_at


def test_none_of_the_last_five_can_be_reused(member):
    current = PASSWORD
    history = [f"Zhonghua#{n}xyz" for n in range(5)]
    for new in history:
        password_change(actor=actor(member), account=member, old_password=current, new_password=new)
        current = new
    for old in [PASSWORD, *history[1:]]:
        with pytest.raises(DomainError, match="最近 5 次"):
            password_change(actor=actor(member), account=member, old_password=current, new_password=old)
    assert member.password_history.count() == 5


def test_wrong_old_password_and_someone_elses_account(member, tree):
    with pytest.raises(DomainError, match="原密码不正确"):
        password_change(actor=actor(member), account=member, old_password="nope", new_password="Qinhuai#River9")
    other = make_account(tree.town)
    with pytest.raises(AccessDenied):
        password_change(actor=actor(other), account=member, old_password=PASSWORD, new_password="Qinhuai#River9")


def test_generated_initial_passwords_meet_the_rule(db):
    from django.contrib.auth.password_validation import validate_password

    for _ in range(50):
        validate_password(generate_initial_password())
