"""更正姓名/身份证号码 and 账号调动."""

import pytest

from fenji.core.access import policy
from fenji.core.access.models import Grant
from fenji.core.access.roles import STAFF, SYSTEM_ADMIN
from fenji.core.access.services import grant_create
from fenji.core.audit.models import AuditEvent
from fenji.core.kernel.errors import AccessDenied, DomainError
from fenji.core.people.changes import account_move, person_correct
from fenji.core.people.identity import check_char
from fenji.core.people.models import Account
from fenji.testing import actor, make_account


def an_id(birth="19900307", seed=11, gender_digit=2) -> str:
    first17 = f"320102{birth}{seed:02d}{gender_digit}"
    return first17 + check_char(first17)


def test_a_correction_rederives_gender_and_birth_date_and_audits_before_and_after(tree, city_admin):
    member = make_account(tree.town, kind="member", name="张三")
    number = an_id()
    person = person_correct(actor=actor(city_admin), account=member, real_name="张叁", id_number=number)
    assert person.real_name == "张叁" and person.id_number == number
    assert person.gender == "F" and str(person.birth_date) == "1990-03-07"
    changes = AuditEvent.objects.get(action="people.person.correct").details["changes"]
    assert changes["real_name"] == {"before": "张三", "after": "张叁"}
    assert changes["id_number"]["after"] == number[:4] + "**********" + number[-4:]  # masked, never whole
    assert number not in str(changes)


def test_an_id_number_of_another_account_is_refused(tree, city_admin):
    first = make_account(tree.town, kind="member", name="甲")
    second = make_account(tree.town, kind="member", name="乙")
    with pytest.raises(DomainError) as refused:
        person_correct(actor=actor(city_admin), account=second, real_name="乙", id_number=first.person.id_number)
    assert refused.value.field == "id_number"
    assert Account.objects.unscoped(reason="test").get(pk=second.pk).person.real_name == "乙"


def test_a_blank_id_number_keeps_it_and_nothing_changed_is_refused(tree, city_admin):
    member = make_account(tree.town, kind="member", name="丙")
    number = member.person.id_number
    assert person_correct(actor=actor(city_admin), account=member, real_name="丙丙", id_number="").id_number == number
    with pytest.raises(DomainError):
        person_correct(actor=actor(city_admin), account=member, real_name="丙丙", id_number="")


def test_a_move_ends_business_grants_at_the_old_unit_and_is_checked_at_both_ends(tree, city_admin, sibling_admin):
    clerk = make_account(tree.town, name="调动科员", role=STAFF)
    moved = account_move(actor=actor(city_admin), account=clerk, unit=tree.other_town, reason="工作调整")
    clerk = Account.objects.unscoped(reason="test").get(pk=clerk.pk)
    assert clerk.unit_id == tree.other_town.pk and clerk.unit_path == tree.other_town.path
    assert [g.role for g in moved.grants_ended] == [STAFF.code] and "结束原单位业务授权 1 项" in moved.summary
    assert not Grant.objects.unscoped(reason="test").filter(account=clerk, revoked_at__isnull=True).exists()
    event = AuditEvent.objects.get(action="people.account.move")
    assert event.details["unit"] == {"before": "新街口街道", "after": "梅园新村街道"} and event.details["grants_ended"]
    with pytest.raises(AccessDenied):  # the other end is outside the actor's scope
        account_move(actor=actor(city_admin), account=clerk, unit=tree.sibling_city, reason="越界")
    with pytest.raises(AccessDenied):
        account_move(actor=actor(sibling_admin), account=clerk, unit=tree.sibling_city, reason="越界")
    assert Account.objects.unscoped(reason="test").get(pk=clerk.pk).unit_id == tree.other_town.pk


def test_an_administrator_is_not_moved_before_the_administrator_grant_is_revoked(tree, city_admin):
    admin = make_account(tree.county, name="区管理员")
    grant_create(actor=policy.SYSTEM, account=admin, role=SYSTEM_ADMIN.code, unit=tree.county)
    with pytest.raises(DomainError) as refused:
        account_move(actor=actor(city_admin), account=admin, unit=tree.town, reason="调动")
    assert "管理员权限" in refused.value.message


def test_the_move_page_states_the_consequence_before_it_moves(tree, city_admin, login):
    clerk = make_account(tree.town, name="页面科员", role=STAFF)
    client = login(city_admin)
    first = client.post(f"/people/accounts/{clerk.pk}/move/", {"unit": tree.other_town.pk, "reason": "调整"})
    assert "将结束其在原单位的 1 项业务授权" in first.content.decode()
    assert Account.objects.unscoped(reason="test").get(pk=clerk.pk).unit_id == tree.town.pk  # not yet
    client.post(f"/people/accounts/{clerk.pk}/move/", {"unit": tree.other_town.pk, "reason": "调整", "confirmed": "1"})
    assert Account.objects.unscoped(reason="test").get(pk=clerk.pk).unit_id == tree.other_town.pk


def test_the_move_page_answers_a_unit_outside_scope_like_a_missing_one(tree, city_admin, login):
    clerk = make_account(tree.town, name="越界科员")
    client = login(city_admin)
    outside = client.post(f"/people/accounts/{clerk.pk}/move/", {"unit": tree.sibling_city.pk, "reason": "调整"})
    missing = client.post(f"/people/accounts/{clerk.pk}/move/", {"unit": 9_999_999, "reason": "调整"})
    assert outside.status_code == missing.status_code == 404
    assert Account.objects.unscoped(reason="test").get(pk=clerk.pk).unit_id == tree.town.pk


def test_the_account_ledger_records_the_move(tree, city_admin, login):
    clerk = make_account(tree.town, name="台账科员")
    account_move(actor=actor(city_admin), account=clerk, unit=tree.other_town, reason="工作调整")
    page = login(city_admin).get("/ledgers/accounts/").content.decode()
    assert "新街口街道 → 梅园新村街道（" in page
