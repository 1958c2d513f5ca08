"""The API docs in Chromium: Swagger UI renders from local files only (the guard blocks and fails on
any request off the loopback host), and a signed-in browser calls the API with its session + CSRF."""

import re

import pytest
from playwright.sync_api import expect

from fenji.core.access.roles import SYSTEM_ADMIN
from fenji.core.api.models import ApiToken
from fenji.core.mfa import services as mfa
from fenji.testing import PASSWORD, make_account, second_factor_code

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_the_docs_render_offline_and_the_session_calls_the_api(live_server, page, tree):
    admin = make_account(tree.city, name="文档读者", role=SYSTEM_ADMIN)
    mfa.device_enrol(admin)  # an administrator with an authenticator
    page.goto("/api/docs")
    expect(page).to_have_url(f"{live_server.url}/login/?next=/api/docs")
    page.get_by_label("手机号码").fill(admin.mobile)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{live_server.url}/login/verify/")  # an administrator: the TOTP first
    page.get_by_role("textbox", name=re.compile(r"^动态口令")).fill(second_factor_code(admin, margin=3))
    page.get_by_role("button", name="验证并登录").click()
    expect(page).to_have_url(f"{live_server.url}/api/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("分级平台接口")
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/units/{id}").first).to_be_visible()

    call = """async ([path, body, withCsrf]) => {
        const headers = {"Content-Type": "application/json"};
        if (withCsrf) headers["X-CSRFToken"] = document.body.dataset.csrfToken;
        const response = await fetch(path, {method: "POST", headers, body: JSON.stringify(body)});
        return [response.status, await response.json()];
    }"""
    status, body = page.evaluate(call, ["/api/v1/tokens", {"name": "浏览器"}, False])
    assert status == 403 and body["error"]["code"] == "csrf_failed"
    status, body = page.evaluate(call, ["/api/v1/tokens", {"name": "浏览器"}, True])
    assert status == 201 and body["token"].startswith("fj_")
    assert ApiToken.objects.get().account_id == admin.pk


def test_the_guard_blocks_and_records_a_request_off_the_loopback_host(live_server, new_page, guard):
    """What lets the test above say "offline": a page's request to another host never arrives and is recorded."""
    page = new_page()
    page.goto("/healthz")
    loaded = page.evaluate("""() => new Promise(done => {
        const image = new Image();
        image.onload = () => done(true);
        image.onerror = () => done(false);
        image.src = "http://192.0.2.1/fenji-guard.png";
    })""")
    assert loaded is False
    assert guard.outside == ["http://192.0.2.1/fenji-guard.png"]
    guard.outside.clear()  # seen, and expected here: the guard's teardown would fail the test on it
