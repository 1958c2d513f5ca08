"""A number already used outside the actor's scope: refused without revealing the account (苏州's
administrator must not learn that a 南京 number has an account), and referred to the account
administrators who see both units. Inside the scope the duplicate is named as before."""

import io
from types import SimpleNamespace

import pytest
import xlsxwriter

from fenji.core.access import policy
from fenji.core.access.roles import ACCOUNT_ADMIN
from fenji.core.api import services as token_services
from fenji.core.audit.transactions import service
from fenji.core.kernel.errors import DomainError
from fenji.core.notify.models import Message
from fenji.core.people.identity import check_char
from fenji.core.people.models import Account, Person
from fenji.core.people.services import account_change_mobile, account_open, member_import
from fenji.testing import actor, make_account

NEUTRAL_MOBILE = "无法使用该手机号码开户，请联系上级账户管理员核实"
NEUTRAL_ID = "无法使用该身份证号码开户，请联系上级账户管理员核实"


def fresh_id(seed: int) -> str:
    first17 = f"3205061988{seed % 9 + 1:02d}{seed % 28 + 1:02d}{seed % 1000:03d}"
    return first17 + check_char(first17)


@pytest.fixture
def w(tree):
    return SimpleNamespace(
        member=make_account(tree.town, name="南京会员", kind="member", mobile="13911119001"),
        suzhou=make_account(tree.sibling_city, name="苏州账户管理员", role=ACCOUNT_ADMIN),
        nanjing=make_account(tree.city, name="南京账户管理员", role=ACCOUNT_ADMIN),
        province=make_account(tree.province, name="省账户管理员", role=ACCOUNT_ADMIN),
    )


def referrals():
    return Message.objects.filter(kind="people.account.duplicate").order_by("pk")


def open_as(account, unit, *, mobile, id_number, name="冒用者"):
    return account_open(actor=actor(account), unit=unit, real_name=name, mobile=mobile, id_number=id_number,
                        kind="member")


def test_a_mobile_outside_the_scope_gets_a_neutral_refusal_and_goes_to_whoever_sees_both(tree, w):
    before = Account.objects.unscoped(reason="test").count()
    for _attempt in range(2):
        with pytest.raises(DomainError) as refused:
            open_as(w.suzhou, tree.sibling_city, mobile=w.member.mobile, id_number=fresh_id(1))
        assert (refused.value.message, refused.value.field) == (NEUTRAL_MOBILE, "mobile")
        assert "已有账号" not in refused.value.message and "南京" not in refused.value.message
    assert Account.objects.unscoped(reason="test").count() == before
    # the province's account administrator sees both units; 南京's and 苏州's each see one side only
    [message] = referrals()  # once a day per account and unit, however often it is tried
    assert message.recipient_id == w.province.pk and message.link == f"/people/accounts/{w.member.pk}/"
    assert "139****9001" in message.title and "新街口街道" in message.title and "苏州市" in message.body
    assert w.member.mobile not in message.title + message.body
    # inside the scope the duplicate is named, and nobody needs to be told
    with pytest.raises(DomainError, match="该手机号码已有账号"):
        open_as(w.nanjing, tree.county, mobile=w.member.mobile, id_number=fresh_id(2))
    assert referrals().count() == 1


def test_an_id_number_outside_the_scope_gets_the_same_treatment(tree, w):
    with pytest.raises(DomainError) as refused:
        open_as(w.suzhou, tree.sibling_city, mobile="13911119002", id_number=w.member.person.id_number)
    assert (refused.value.message, refused.value.field) == (NEUTRAL_ID, "id_number")
    assert not Person.objects.filter(real_name="冒用者").exists()
    [message] = referrals()
    assert message.recipient_id == w.province.pk and "身份证号码" in message.title
    assert w.member.person.id_number not in message.title + message.body
    with pytest.raises(DomainError, match="该身份证号码已有账号"):
        open_as(w.nanjing, tree.county, mobile="13911119003", id_number=w.member.person.id_number)


def test_changing_a_mobile_to_a_number_outside_the_scope(tree, w):
    suzhou_member = make_account(tree.sibling_city, name="苏州会员", kind="member")
    with pytest.raises(DomainError) as refused:
        account_change_mobile(actor=actor(w.suzhou), account=suzhou_member, mobile=w.member.mobile)
    assert refused.value.message == "无法变更为该手机号码，请联系上级账户管理员核实"
    assert [m.recipient_id for m in referrals()] == [w.province.pk]


def test_the_page_and_the_api_answer_alike_and_say_nothing_of_the_account(tree, w, login, client):
    form = {"real_name": "冒用者", "id_number": fresh_id(4), "mobile": w.member.mobile, "kind": "member", "title": ""}
    login(w.suzhou)
    page = client.post(f"/org/units/{tree.sibling_city.pk}/accounts/new/", form)
    text = page.content.decode()
    assert NEUTRAL_MOBILE in text and "已有账号" not in text
    client.logout()
    login(w.nanjing)
    named = client.post(f"/org/units/{tree.county.pk}/accounts/new/", form)
    assert "该手机号码已有账号" in named.content.decode()
    assert page.status_code == named.status_code
    client.logout()
    answers = []
    for admin, unit in ((w.suzhou, tree.sibling_city), (w.nanjing, tree.county)):
        _token, plain = token_services.token_create(actor=policy.SYSTEM, account=admin, name="测试")
        answers.append(client.post("/api/v1/accounts", {**form, "unit_id": unit.pk}, content_type="application/json",
                                   headers={"Authorization": f"Bearer {plain}"}))
    assert answers[0].status_code == answers[1].status_code
    assert NEUTRAL_MOBILE in answers[0].content.decode() and "已有账号" not in answers[0].content.decode()
    # the province's administrator finds the referral in the inbox, with the link to the account
    client.logout()
    login(w.province)
    [message] = referrals()
    assert "开户核实：手机号码 139****9001" in client.get("/messages/").content.decode()
    assert f'href="/people/accounts/{w.member.pk}/"' in client.get(f"/messages/{message.pk}/").content.decode()
    assert client.get(f"/people/accounts/{w.member.pk}/").status_code == 200  # it can see the account


def workbook(rows) -> io.BytesIO:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("名单")
    for line, values in enumerate([["姓名", "身份证号", "手机号", "所在单位代码"], *rows]):
        for column, value in enumerate(values):
            sheet.write_string(line, column, value)
    book.close()
    out.seek(0)
    out.name = "会员名单.xlsx"
    return out


def test_the_member_import_refuses_such_rows_neutrally_and_refers_them(tree, w):
    file = workbook([["甲", fresh_id(5), w.member.mobile],
                     ["乙", w.member.person.id_number, "13911119006"],
                     ["丙", fresh_id(7), "13911119007"]])
    result = member_import(actor=actor(w.suzhou), unit=tree.sibling_city, file=file)
    assert (result.read, result.created, result.rejected) == (3, 1, 2)
    found = {e.row: (e.column, e.reason) for e in result.errors}
    assert found == {2: ("手机号", NEUTRAL_MOBILE), 3: ("身份证号", NEUTRAL_ID)}
    assert [m.recipient_id for m in referrals()] == [w.province.pk, w.province.pk]


def test_the_referral_is_sent_once_after_an_enclosing_service_rolls_back(tree, w):
    """An executing request step opens the account inside its own decision's service: the refusal
    undoes the decision, but the referral is written after that rollback and kept."""

    @service
    def decide_and_open(*, actor):
        Person.objects.create(real_name="回滚之前写入")
        open_as(w.suzhou, tree.sibling_city, mobile=w.member.mobile, id_number=fresh_id(9))

    with pytest.raises(DomainError, match=NEUTRAL_MOBILE):
        decide_and_open(actor=actor(w.suzhou))
    assert not Person.objects.filter(real_name="回滚之前写入").exists()
    assert [m.recipient_id for m in referrals()] == [w.province.pk]
