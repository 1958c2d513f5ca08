"""Each profile in Chromium: its own demo on the live server, its name on the login page, and its top
system administrator (password, then the demo's fixed second factor) walking every menu entry with no
4xx/5xx answer for the page or anything it loads."""

import re
import time

import pytest
from playwright.sync_api import expect

from fenji.core.kernel import profiles
from fenji.core.mfa import services as mfa

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

DEMO_PASSWORD = "Demo#2026profile"


@pytest.mark.parametrize("name", profiles.names())
def test_the_top_administrator_of_each_profile_walks_its_menu(live_server, page, settings, name):
    settings.FENJI_PROFILE = name
    profile = profiles.active()
    top = profile.demo(password=DEMO_PASSWORD)[0]
    assert top.totp_secret, "the first demo login is the top system administrator"
    failures = []
    page.on("response", lambda r: failures.append(f"{r.status} {r.url}") if r.status >= 400 else None)

    page.goto("/login/")
    expect(page).to_have_title(re.compile(re.escape(profile.display_name)))
    expect(page.get_by_role("heading", level=1)).to_have_text(profile.display_name)
    page.get_by_label("手机号码").fill(top.mobile)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/login/verify/$"))
    if mfa.seconds_left_in_step() < 3:
        time.sleep(mfa.seconds_left_in_step() + 0.05)
    page.get_by_role("textbox", name=re.compile(r"^动态口令")).fill(mfa.code_at(top.totp_secret, mfa.current_step()))
    page.get_by_role("button", name="验证并登录").click()
    expect(page.locator(".topbar .brand")).to_have_text(profile.display_name)
    expect(page.locator(".topbar")).to_contain_text(top.name)

    page.wait_for_load_state("load")  # evaluate_all does not wait: a menu still being parsed would be cut short
    entries = page.locator("nav.sidebar a").evaluate_all("links => links.map(a => [a.textContent, a.getAttribute('href')])")
    assert len(entries) >= 5, entries
    for label, href in entries:
        response = page.goto(href)
        assert response is not None and response.status == 200, f"{label} {href}: {response and response.status}"
        expect(page.locator(".topbar .brand")).to_have_text(profile.display_name)
    assert failures == []
