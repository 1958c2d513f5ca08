"""Browser fixtures: one Debian Chromium per session, a fresh context per page, and an air-gap guard.

The browser sends every request to a host other than loopback to a dead proxy (it fails), and each context
records such requests; a test that made one fails at teardown. Same-origin stylesheets
and scripts that answer >= 400, and uncaught page errors, fail the test the same way.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# Playwright's sync API drives an asyncio loop in this thread; the ORM calls the tests make between
# browser steps would otherwise be refused as "called from an async context".
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-dev-shm-usage", "--disable-quic", "--no-first-run", "--disable-sync",
    # The air gap, held by the browser itself: a request to any host but loopback goes to a proxy that is not
    # there (Chromium never sends loopback through a proxy), so it fails; the guard records it from the events.
    # Intercepting every request in Python instead (``context.route``) cost a round trip per request and
    # Chromium's HTTP cache: every page fetched its stylesheets and scripts again.
    "--proxy-server=http://127.0.0.1:9",
]
NETWORK_SCHEMES = {"http", "https", "ws", "wss"}
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
ASSET_TYPES = {"stylesheet", "script"}
ASSET_SUFFIXES = (".css", ".js")
TIMEOUT_MS = 15_000
MOBILE_VIEWPORT = {"width": 390, "height": 844}
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect, sync_playwright

    # expect(...) waits as long as a page action does (its own default is 5 s): with the suite on every
    # CPU, a page that runs a large script (Swagger UI) may take longer than that to render.
    expect.set_options(timeout=TIMEOUT_MS)

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Exception:
        playwright.stop()
        raise
    yield chromium
    chromium.close()
    playwright.stop()


class Guard:
    """What the browser did that a test on an air-gapped host must not do."""

    def __init__(self, origin: str):
        self.origin = origin
        self.outside: list[str] = []  # requests to a non-loopback host (aborted)
        self.broken_assets: list[str] = []  # same-origin css/js answering >= 400
        self.page_errors: list[str] = []  # uncaught JavaScript exceptions

    def request(self, request):
        parts = urlsplit(request.url)
        if parts.scheme in NETWORK_SCHEMES and parts.hostname not in LOOPBACK_HOSTS:
            self.outside.append(request.url)

    def response(self, response):
        url = response.url
        is_asset = (response.request.resource_type in ASSET_TYPES
                    or urlsplit(url).path.endswith(ASSET_SUFFIXES))
        if is_asset and url.startswith(self.origin) and response.status >= 400:
            self.broken_assets.append(f"{response.status} {url}")

    def page_error(self, error):
        self.page_errors.append(str(error))

    def problems(self) -> list[str]:
        return ([f"request outside the loopback host (blocked): {u}" for u in self.outside]
                + [f"same-origin asset failed: {a}" for a in self.broken_assets]
                + [f"uncaught page error: {e}" for e in self.page_errors])


@pytest.fixture
def guard(live_server):
    return Guard(live_server.url)


@pytest.fixture
def new_page(browser, live_server, guard):
    """``new_page(mobile=False)``: a page in a fresh, guarded browser context on the live server."""
    contexts = []

    def make(*, mobile: bool = False):
        options = {"base_url": live_server.url, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}
        if mobile:
            options.update(viewport=MOBILE_VIEWPORT, is_mobile=True, has_touch=True)
        context = browser.new_context(**options)
        contexts.append(context)
        context.set_default_timeout(TIMEOUT_MS)
        context.on("request", guard.request)
        context.on("response", guard.response)
        context.on("weberror", lambda web_error: guard.page_error(web_error.error))
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
    problems = guard.problems()
    if problems:
        pytest.fail("browser guard:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def screenshot():
    """``screenshot(page, name)`` writes var/screenshots/<name>.png, only when FENJI_SCREENSHOTS is set."""

    def take(page, name: str):
        if not os.environ.get("FENJI_SCREENSHOTS"):
            return None
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOT_DIR / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
