"""What the profile decides on the people pages: the account kinds offered, and the platform's name on
the login pages (console and mobile), in the title bar and in the header."""

import re

import pytest

from fenji.core.kernel.errors import DomainError
from fenji.core.people.services import account_open
from fenji.testing import actor


def kind_options(page):
    select = re.search(r'<select name="kind".*?</select>', page, re.S).group(0)
    return re.findall(r"<option[^>]*>([^<]+)</option>", select)


def test_the_account_forms_offer_only_the_profiles_account_kinds(login, tree, city_admin, settings):
    client = login(city_admin)
    assert kind_options(client.get(f"/org/units/{tree.county.pk}/accounts/new/").content.decode()) == [
        "工作人员", "会员/团员", "离退休干部", "群众"]
    settings.FENJI_PROFILE = "veterans"
    assert kind_options(client.get(f"/org/units/{tree.county.pk}/accounts/new/").content.decode()) == [
        "工作人员", "离退休干部"]
    assert kind_options(client.get("/people/accounts/").content.decode()) == ["全部", "工作人员", "离退休干部"]


def test_opening_an_account_of_a_kind_the_profile_does_not_use_is_refused(tree, city_admin, settings):
    settings.FENJI_PROFILE = "discipline"
    with pytest.raises(DomainError, match="本平台不使用该类型的账号"):
        account_open(actor=actor(city_admin), unit=tree.county, real_name="某群众", mobile="13912345678",
                     kind="citizen")


@pytest.mark.parametrize(("profile", "name"), [("default", "分级管理平台"), ("league", "智慧团建"),
                                               ("veterans", "江苏省离退休干部服务管理系统")])
def test_the_login_pages_title_and_header_carry_the_profiles_name(client, login, city_admin, settings, profile,
                                                                  name):
    settings.FENJI_PROFILE = profile
    for path in ("/login/", "/m/login/"):
        page = client.get(path).content.decode()
        assert re.search(rf"<title>[^<]*{name}</title>", page) and page.count(name) >= 2, path
    signed_in = login(city_admin)
    page = signed_in.get("/").content.decode()
    assert re.search(rf"<title>[^<]*{name}</title>", page)
    assert re.search(rf'<a class="brand"[^>]*>{name}</a>', page)
