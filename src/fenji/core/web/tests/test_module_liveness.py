"""A module the active profile leaves dark: no menu entry, no tile, no to-do, no periodic job, routes 404 —
and its data stays. The module here is a small declaration built in the test (not an installed app)."""

import pytest
from django.http import HttpResponse
from django.urls import include, path, reverse

from fenji.core.access import policy
from fenji.core.kernel import modules
from fenji.core.kernel.modules import (
    ActionDecl,
    DashboardTile,
    MenuEntry,
    Module,
    PeriodicJob,
    RoleDecl,
    Todo,
    TodoProvider,
)
from fenji.core.notify import periodic
from fenji.core.web import nav
from fenji.core.web.routes import requires
from fenji.testing import actor, make_account

VIEW = "sample.thing.view"
runs: list[str] = []


@requires(VIEW)
def sample_home(request):
    return HttpResponse("样例首页")


SAMPLE_TODO = Todo("sample.review", "待审核样例", "审核样例", "/sample/")

SAMPLE = Module(
    name="sample", label="样例模块",
    actions=(ActionDecl(VIEW, "查看样例", "business", read_only=True),),
    roles=(RoleDecl("sample_reader", "样例查阅员", "business", (VIEW, "org.unit.view")),),
    menu=(MenuEntry("样例清单", "sample:home", VIEW, order=1),),
    mobile_tiles=(MenuEntry("样例入口", "sample:home", VIEW),),
    dashboard_tiles=(DashboardTile("样例数量", lambda actor: 7, VIEW),),
    todo_providers=(TodoProvider("sample.todo", lambda actor: [SAMPLE_TODO], VIEW),),
    periodic_jobs=(PeriodicJob("sample.job", lambda: runs.append("ran"), every_seconds=60),),
)

urlpatterns = [
    modules.live_include("sample", path("sample/", include(([path("", sample_home, name="home")], "sample")))),
    path("", include("fenji.urls")),
]


@pytest.fixture
def sample(settings):
    settings.ROOT_URLCONF = __name__
    nav.forget_urls()
    with modules.temporarily(SAMPLE):
        yield
    nav.forget_urls()


@pytest.fixture
def reader(tree, sample):
    from fenji.core.access.services import grant_create

    account = make_account(tree.city, name="样例查阅员")
    grant_create(actor=policy.SYSTEM, account=account, role="sample_reader", unit=tree.city)
    return account


def labels(items):
    return [item.label for item in items]


def test_live_module_shows_everywhere(reader, login):
    who = actor(reader)
    assert "样例清单" in labels(nav.items_for(who))
    assert {"label": "样例入口", "url": "/sample/"} in nav.mobile_tiles_for(who)
    assert nav.dashboard_tiles_for(who) == [{"label": "样例数量", "value": 7}]
    assert nav.todos_for(who) == [SAMPLE_TODO]
    assert "sample.job" in [job.name for job in periodic.jobs()]
    client = login(reader)
    assert client.get("/sample/").content.decode() == "样例首页"
    assert "样例清单" in nav.menu(who, "/", "zh-hans").html


def test_dark_module_is_gone_but_reversible(reader, login, settings):
    client = login(reader)
    settings.FENJI_PROFILE = "veterans"
    who = actor(reader)
    assert "样例清单" not in labels(nav.items_for(who))
    assert "样例清单" not in nav.menu(who, "/", "zh-hans").html
    assert "样例入口" not in [tile["label"] for tile in nav.mobile_tiles_for(who)] and nav.dashboard_tiles_for(who) == [] and nav.todos_for(who) == []
    assert "sample.job" not in [job.name for job in periodic.jobs()]
    assert not policy.can(who, VIEW)
    assert client.get("/sample/").status_code == 404
    assert reverse("sample:home") == "/sample/"  # the URL stays in the URLconf


def test_switching_back_shows_it_again(reader, login, settings):
    settings.FENJI_PROFILE = "veterans"
    client = login(reader)
    assert client.get("/sample/").status_code == 404
    settings.FENJI_PROFILE = "default"
    assert client.get("/sample/").status_code == 200
    assert "样例清单" in labels(nav.items_for(actor(reader)))


def test_periodic_jobs_of_a_dark_module_do_not_run(sample, db, settings):
    runs.clear()
    settings.FENJI_PROFILE = "veterans"
    report = periodic.run_due(run_all=True, names=["sample.job"])
    assert runs == [] and "sample.job" not in report.ran
    settings.FENJI_PROFILE = "default"
    report = periodic.run_due(run_all=True, names=["sample.job"])
    assert runs == ["ran"] and report.ran == ["sample.job"]


def test_the_mobile_home_shows_the_live_tiles(reader, login, settings):
    client = login(reader, path="/m/login/")
    assert "样例入口" in client.get("/m/").content.decode()
    settings.FENJI_PROFILE = "veterans"
    assert "样例入口" not in client.get("/m/").content.decode()


def test_a_declared_urlconf_is_mounted_behind_the_liveness_check(settings):
    from django.urls import Resolver404

    declared = Module(name="sample", label="样例模块", urls="fenji.core.web.message_urls", url_prefix="sample/")
    with modules.temporarily(declared):
        mounted = next(p for p in modules.url_patterns() if p.fenji_module == "sample")
        assert mounted.resolve("sample/").func is not None
        settings.FENJI_PROFILE = "veterans"
        with pytest.raises(Resolver404):
            mounted.resolve("sample/")
