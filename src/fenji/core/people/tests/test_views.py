from fenji.core.people.identity import check_char
from fenji.core.people.models import Account, Person
from fenji.testing import make_account


def valid_id(seed=7):
    first17 = f"32010219900315{seed:03d}"
    return first17 + check_char(first17)


def open_form(**overrides):
    data = {"real_name": "钱多多", "id_number": valid_id(), "mobile": "13966667777", "kind": "member", "title": ""}
    data.update(overrides)
    return data


def test_open_account_through_the_form(login, tree, city_admin):
    client = login(city_admin)
    response = client.post(f"/org/units/{tree.town.pk}/accounts/new/", open_form(), follow=True)
    page = response.content.decode()
    assert "已为钱多多开设账号" in page and "139****7777" in page
    assert Account.objects.unscoped(reason="test").get(mobile="13966667777").unit_id == tree.town.pk


def test_wrong_check_digit_is_explained_and_nothing_is_created(login, tree, city_admin):
    client = login(city_admin)
    bad = valid_id()[:17] + ("1" if valid_id()[17] != "1" else "2")
    page = client.post(f"/org/units/{tree.town.pk}/accounts/new/", open_form(id_number=bad)).content.decode()
    assert "身份证号码校验位错误" in page
    assert not Person.objects.filter(real_name="钱多多").exists()


def test_a_refused_account_open_answers_with_a_refusal_page_not_the_form(login, tree, city_admin, city_clerk):
    """Out of scope: 404 like a missing unit; without the permission: 403. Never the form again with 200."""
    admin = login(city_admin)
    outside = admin.post(f"/org/units/{tree.sibling_city.pk}/accounts/new/", open_form())
    assert outside.status_code == 404 and 'name="real_name"' not in outside.content.decode()
    no_grant = login(city_clerk).post(f"/org/units/{tree.town.pk}/accounts/new/", open_form(mobile="13966668888"))
    assert no_grant.status_code == 403 and 'name="real_name"' not in no_grant.content.decode()
    assert not Person.objects.filter(real_name="钱多多").exists()


def test_second_account_for_the_same_person_is_refused_on_the_page(login, tree, city_admin):
    client = login(city_admin)
    client.post(f"/org/units/{tree.town.pk}/accounts/new/", open_form())
    page = client.post(f"/org/units/{tree.other_town.pk}/accounts/new/",
                       open_form(mobile="13966668888")).content.decode()
    assert "一人只能有一个账号" in page
    page = client.post(f"/org/units/{tree.other_town.pk}/accounts/new/",
                       open_form(id_number=valid_id(8))).content.decode()
    assert "该手机号码已有账号" in page
    assert Account.objects.unscoped(reason="test").filter(person__real_name="钱多多").count() == 1


def test_account_list_search_filter_and_keyset_pages(login, tree, city_admin):
    for n in range(25):
        make_account(tree.town, name=f"团员{n:02d}", kind="member")
    make_account(tree.town, name="李老", kind="elder")
    client = login(city_admin)
    first = client.get("/people/accounts/").content.decode()
    assert "共 27 个账号" in first and "下一页" in first
    cursor = first.split("after=")[1].split('"')[0]
    second = client.get(f"/people/accounts/?after={cursor}").content.decode()
    assert "下一页" not in second and "首页" in second
    assert client.get("/people/accounts/?kind=elder").content.decode().count(">李老</a>") == 1
    assert "共 1 个账号" in client.get("/people/accounts/?q=李老").content.decode()


def test_the_account_list_shows_names_and_titles_as_text_with_their_states(login, tree, city_admin):
    """The rows are written without the template (ADR 0029): what a person typed is still shown, never run."""
    odd = make_account(tree.town, name="<b>王</b>", kind="member")
    Account.objects.unscoped(reason="test").filter(pk=odd.pk).update(title="书记&\"副\"", status="disabled",
                                                                      duty_status="retired")
    page = login(city_admin).get("/people/accounts/", {"unit": tree.town.pk}).content.decode()
    row = page.split(f'value="{odd.pk}"')[1].split("</tr>")[0]
    assert 'aria-label="选择&lt;b&gt;王&lt;/b&gt;"' in row and f'href="/people/accounts/{odd.pk}/">&lt;b&gt;王&lt;/b&gt;</a>' in row
    assert "<td>书记&amp;&quot;副&quot;</td>" in row and f"<td>{odd.mobile_masked}</td>" in row
    assert '<span class="badge badge-off">退休退职</span>' in row and '<span class="badge badge-off">已停用</span>' in row
    assert "<b>" not in page


def test_disable_needs_confirmation_and_a_reason(login, tree, city_admin):
    member = make_account(tree.town, kind="member")
    client = login(city_admin)
    page = client.get(f"/people/accounts/{member.pk}/disable/").content.decode()
    assert "确定要停用" in page
    client.post(f"/people/accounts/{member.pk}/disable/", {"reason": ""})
    member.refresh_from_db()
    assert member.is_active
    client.post(f"/people/accounts/{member.pk}/disable/", {"reason": "调离本单位"})
    member.refresh_from_db()
    assert not member.is_active
    client.post(f"/people/accounts/{member.pk}/enable/")
    member.refresh_from_db()
    assert member.is_active


def test_profile_and_password_pages(login, city_admin):
    client = login(city_admin)
    page = client.get("/profile/").content.decode()
    assert "系统管理员" in page and "南京市" in page
    page = client.post("/password/", {"old_password": "Fenji#2026test", "new_password": "short",
                                      "new_password2": "short"}).content.decode()
    assert "至少需要 10 个字符" in page
