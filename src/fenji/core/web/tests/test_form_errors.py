def test_every_form_error_is_listed_at_once_above_the_form(tree, city_admin, login):
    page = login(city_admin).post(f"/org/units/{tree.town.pk}/accounts/new/", {"real_name": ""}).content.decode()
    summary = page.split('class="form-errors"', 1)[1].split("</div>", 1)[0]
    assert "姓名：" in summary and "手机号码：" in summary and "账号类型：" in summary
