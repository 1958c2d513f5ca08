from fenji.core.org.models import Unit, UnitStatus
from fenji.core.org.widgets import scoped_label
from fenji.testing import actor, make_account


def test_unit_pages_render_for_an_administrator(login, tree, city_admin):
    client = login(city_admin)
    page = client.get(f"/org/units/{tree.city.pk}/").content.decode()
    assert "玄武区" in page and "新建下级单位" in page and "开设账号" in page
    fragment = client.get(f"/org/units/{tree.county.pk}/children/").content.decode()
    assert "新街口街道" in fragment and "梅园新村街道" in fragment


def test_create_through_the_form(login, tree, city_admin):
    client = login(city_admin)
    response = client.post(f"/org/units/{tree.county.pk}/new/", {"name": "锁金村街道", "kind": "town", "code": "",
                                                                  "sort_order": "3"})
    unit = Unit.objects.get(name="锁金村街道")
    assert response["Location"] == f"/org/units/{unit.pk}/"
    assert unit.parent_id == tree.county.pk


def test_blank_name_gets_a_chinese_error(login, tree, city_admin):
    client = login(city_admin)
    count = Unit.objects.count()
    page = client.post(f"/org/units/{tree.county.pk}/new/", {"name": "", "kind": "town"}).content.decode()
    assert "这个字段是必填项" in page
    assert Unit.objects.count() == count


def test_revoking_a_unit_with_accounts_is_refused_on_the_page(login, tree, city_admin):
    make_account(tree.town, kind="member")
    client = login(city_admin)
    page = client.get(f"/org/units/{tree.town.pk}/revoke/").content.decode()
    assert "确定要撤销吗" in page
    page = client.post(f"/org/units/{tree.town.pk}/revoke/", {"revoked_on": "2026-11-23",
                                                             "reference": "宁政发〔2026〕9号"}).content.decode()
    assert "仍有 1 个在用账号" in page
    tree.refresh()
    assert tree.town.status == UnitStatus.ACTIVE


def test_revoking_an_empty_unit_through_the_page(login, tree, city_admin):
    client = login(city_admin)
    response = client.post(f"/org/units/{tree.other_town.pk}/revoke/", {"revoked_on": "2026-11-23",
                                                                       "reference": "宁政发〔2026〕9号"})
    assert response.status_code == 302
    tree.refresh()
    assert tree.other_town.status == UnitStatus.REVOKED


def test_moving_under_own_child_is_refused_on_the_page(login, tree, city_admin):
    client = login(city_admin)
    response = client.post(f"/org/units/{tree.county.pk}/move/", {"new_parent": tree.town.pk}, follow=True)
    assert "不能将单位迁移到其自身或其下级单位之下" in response.content.decode()
    tree.refresh()
    assert tree.county.parent_id == tree.city.pk


def test_move_search_and_move(login, tree, province_admin):
    client = login(province_admin)
    page = client.get(f"/org/units/{tree.county.pk}/move/?q=苏州").content.decode()
    assert "苏州市" in page
    client.post(f"/org/units/{tree.county.pk}/move/", {"new_parent": tree.sibling_city.pk})
    tree.refresh()
    assert tree.county.parent_id == tree.sibling_city.pk and tree.town.path.startswith(tree.sibling_city.path)


def test_search_results_name_their_parent_and_the_tree_folds(login, tree, city_admin):
    from fenji.core.access import policy
    from fenji.core.org.services import unit_create

    unit_create(actor=policy.SYSTEM, parent=tree.other_town, name="新街口社区", kind="village")
    page = login(city_admin).get("/org/units/", {"q": "新街口"}).content.decode()
    results = page.split("查找结果", 1)[1].split("</div>", 1)[0]
    assert "新街口街道</a>" in results and "（江苏省 / 南京市 / 玄武区）" in results
    assert "（江苏省 / 南京市 / 玄武区 / 梅园新村街道）" in results  # two 新街口…: each with where it is
    assert 'aria-expanded="false"' in page and "/static/web/tree.js" in page


def test_the_unit_picker_searches_and_unfolds_only_within_scope(login, tree, city_admin):
    client = login(city_admin)
    found = client.get("/org/units/picker/", {"q": "街道"}).content.decode()
    assert 'data-label="江苏省 / 南京市 / 玄武区 / 新街口街道"' in found and "（江苏省 / 南京市 / 玄武区）" in found
    assert "苏州" not in found
    children = client.get("/org/units/picker/", {"parent": tree.county.pk}).content.decode()
    assert "新街口街道" in children and "梅园新村街道" in children
    assert client.get("/org/units/picker/", {"parent": tree.sibling_city.pk}).status_code == 404
    move = client.get(f"/people/accounts/{city_admin.pk}/move/")
    assert move.status_code == 200 and 'class="unit-picker"' in move.content.decode()


def test_the_picker_names_its_current_value_only_within_the_readers_scope(tree, city_admin):
    label_of = scoped_label(actor(city_admin))
    assert label_of(tree.town.pk) == "江苏省 / 南京市 / 玄武区 / 新街口街道"
    assert label_of(tree.sibling_city.pk) == "" and label_of(999_999) == ""  # outside scope: like a missing unit
