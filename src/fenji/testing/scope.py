"""The scope matrix: every route that takes one row, checked the same way.

A test class derives from ``ScopeMatrix`` and declares, per route name, a ``Reach``: how to make a row
owned by a unit, and the role whose holder reaches it. For every route it then gets:

- allowed: the role's holder at 南京市 reaches a row of the subtree (``Reach.at``, 新街口街道 by default);
- sibling: the holder at 苏州市 gets 404, the same page as for a missing row, and the row's name is not shown;
- missing: a row id that does not exist is 404 for the holder at 南京市;
- upward: the holder at 南京市 gets 404 for the same kind of row owned by 江苏省, above it.

With ``Reach.post`` and ``Reach.state`` (what a successful POST changes) the route's POST is checked
too: it writes for the ancestor (the control, so the refusals are about scope alone) and changes nothing
for the sibling and upward. ``Reach(get=False, post=...)`` is a POST-only route: the four checks above
are made with its POST.

Each test builds only its own holder and row on the function-scoped ``tree``.

``uncovered_routes()`` names the routes taking a row id (anywhere in the URLconf, modules included)
that no matrix lists; ``tests/test_scope.py`` fails on them.
"""

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .people import make_account, sign_in
from .routing import Route, all_routes, is_int

ALLOWED = range(200, 400)


@dataclass(frozen=True)
class Reach:
    """How one route's row is made and who reaches it."""

    row: Callable[[Any], Any]  # row(unit) -> a model instance owned by ``unit`` (its pk fills the route)
    role: Any  # the Role (fenji.core.access.roles) whose holder at an ancestor unit reaches the row
    at: str = "town"  # where in 南京市's subtree the row lives: a Tree attribute (town, other_town, county, city)
    get: bool = True  # False for a POST-only route
    post: dict | Callable[[Any, Any], dict] | None = None  # POST data, or post(tree, row) -> data
    state: Callable[[Any], Any] | None = None  # state(row) -> what a successful POST changes
    kwargs: Callable[[Any], dict] = field(default=lambda row: {})  # the route's other parameters, from the row
    shown: Callable[[Any], str] | None = None  # shown(row) -> text a page about the row prints
    pk: Callable[[Any], Any] = field(default=lambda row: row.pk)  # the value of the row parameter


def _row_parameter(route: Route):
    return next(p for p in route.parameters if is_int(p))


def _fresh(row):
    return type(row)._base_manager.get(pk=row.pk)


def _missing_pk(row) -> int:
    model = type(row)
    return (model._base_manager.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000


def _message(response):
    context = response.context
    try:
        return context["message"] if context is not None else None
    except KeyError:
        return None


class ScopeMatrix:
    """Derive a ``Test…`` class from this and fill ``routes`` (and ``elsewhere`` for routes proven by
    other tests, each with the test's node id and the reason)."""

    routes: dict[str, Reach] = {}
    elsewhere: dict[str, str] = {}
    holder_at = "city"  # the ancestor unit of the rows (Reach.at must lie in its subtree)
    sibling_at = "sibling_city"
    above_at = "province"  # where the upward row lives

    _matrices: list[type] = []

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        ScopeMatrix._matrices.append(cls)

    # --- parametrisation ------------------------------------------------------------------------

    @classmethod
    def pytest_generate_tests(cls, metafunc):
        if "route" not in metafunc.fixturenames:
            return
        writes = getattr(metafunc.function, "scope_kind", "") == "post"
        names = sorted(name for name, reach in cls.routes.items() if not writes or reach.state is not None)
        metafunc.parametrize("route", names)

    # --- helpers ----------------------------------------------------------------------------------

    def url(self, name: str, reach: Reach, row, pk=None) -> str:
        route = _find(name)
        main = _row_parameter(route)
        values = {main.name: reach.pk(row) if pk is None else pk, **reach.kwargs(row)}
        return route.url(lambda _route, parameter: values[parameter.name])

    def holder(self, tree, reach: Reach, where: str):
        return make_account(getattr(tree, where), name=f"{reach.role.label}{where}", role=reach.role)

    def request(self, client, name, reach, row, *, tree, pk=None):
        url = self.url(name, reach, row, pk)
        if reach.get:
            return client.get(url)
        return client.post(url, self.data(reach, tree, row))

    @staticmethod
    def data(reach, tree, row) -> dict:
        if callable(reach.post):
            return reach.post(tree, row)
        return dict(reach.post or {})

    @staticmethod
    def assert_like_missing(refused, missing, reach, row):
        assert refused.status_code == 404, f"expected 404, got {refused.status_code}"
        assert missing.status_code == 404, f"a missing row answered {missing.status_code}"
        assert _message(refused) == _message(missing), "out of scope must read exactly like a missing row"
        if reach.shown is not None and refused.get("Content-Type", "").startswith("text/html"):
            assert reach.shown(row) not in refused.content.decode()

    # --- the matrix -------------------------------------------------------------------------------

    def test_allowed_for_the_holder_at_an_ancestor(self, route, tree, client):
        reach = self.routes[route]
        row = reach.row(getattr(tree, reach.at))
        sign_in(client, self.holder(tree, reach, self.holder_at))
        response = self.request(client, route, reach, row, tree=tree)
        assert response.status_code in ALLOWED, response.content.decode()[:1000]

    def test_404_for_the_holder_at_a_sibling_unit_like_a_missing_row(self, route, tree, client):
        reach = self.routes[route]
        row = reach.row(getattr(tree, reach.at))
        sign_in(client, self.holder(tree, reach, self.sibling_at))
        refused = self.request(client, route, reach, row, tree=tree)
        missing = self.request(client, route, reach, row, tree=tree, pk=_missing_pk(row))
        self.assert_like_missing(refused, missing, reach, row)

    def test_404_for_a_missing_row(self, route, tree, client):
        reach = self.routes[route]
        row = reach.row(getattr(tree, reach.at))
        sign_in(client, self.holder(tree, reach, self.holder_at))
        assert self.request(client, route, reach, row, tree=tree, pk=_missing_pk(row)).status_code == 404

    def test_refused_upward_like_a_missing_row(self, route, tree, client):
        reach = self.routes[route]
        row = reach.row(getattr(tree, self.above_at))
        sign_in(client, self.holder(tree, reach, self.holder_at))
        refused = self.request(client, route, reach, row, tree=tree)
        missing = self.request(client, route, reach, row, tree=tree, pk=_missing_pk(row))
        self.assert_like_missing(refused, missing, reach, row)

    # --- writes -----------------------------------------------------------------------------------

    def _post(self, route, tree, client, where, row_at):
        reach = self.routes[route]
        row = reach.row(getattr(tree, row_at))
        before = reach.state(_fresh(row)) if reach.state else None
        sign_in(client, self.holder(tree, reach, where))
        response = client.post(self.url(route, reach, row), self.data(reach, tree, row))
        after = reach.state(_fresh(row)) if reach.state else None
        return response, before, after

    def test_the_write_succeeds_for_the_holder_at_an_ancestor(self, route, tree, client):
        reach = self.routes[route]
        response, before, after = self._post(route, tree, client, self.holder_at, reach.at)
        assert response.status_code in ALLOWED, response.content.decode()[:2000]
        if reach.state:
            assert after != before, "the control POST changed nothing: the refusals below would prove nothing"

    def test_the_write_is_404_for_the_holder_at_a_sibling_unit(self, route, tree, client):
        reach = self.routes[route]
        response, before, after = self._post(route, tree, client, self.sibling_at, reach.at)
        assert response.status_code == 404
        assert after == before

    def test_the_write_is_404_upward(self, route, tree, client):
        response, before, after = self._post(route, tree, client, self.holder_at, self.above_at)
        assert response.status_code == 404
        assert after == before

    for _test in (test_the_write_succeeds_for_the_holder_at_an_ancestor,
                  test_the_write_is_404_for_the_holder_at_a_sibling_unit, test_the_write_is_404_upward):
        _test.scope_kind = "post"  # parametrised over the routes with Reach.state
    del _test


def _find(name: str) -> Route:
    for route in all_routes():
        if route.name == name:
            return route
    raise AssertionError(f"the scope matrix names {name}, which is no route")


def row_routes() -> set[str]:
    """Every route (console and mobile, core and modules) whose path takes a row id."""
    return {r.name or r.label for r in all_routes() if any(is_int(p) for p in r.parameters)}


def module_matrices() -> list[type]:
    """Import the modules' test files so that their matrices register themselves, and return every matrix."""
    modules = importlib.import_module("fenji.modules")  # found at run time: the kit names no module

    for module in pkgutil.iter_modules(modules.__path__, "fenji.modules."):
        try:
            tests = importlib.import_module(f"{module.name}.tests")
        except ModuleNotFoundError as error:
            if error.name != f"{module.name}.tests":
                raise
            continue
        for test_file in pkgutil.iter_modules(tests.__path__, f"{tests.__name__}."):
            if test_file.name.rsplit(".", 1)[-1].startswith("test_"):
                importlib.import_module(test_file.name)
    return list(ScopeMatrix._matrices)


def uncovered_routes() -> tuple[set[str], set[str]]:
    """(routes taking a row that no matrix lists, names a matrix lists that are no route)."""
    listed = set()
    for matrix in module_matrices():
        listed |= set(matrix.routes) | set(matrix.elsewhere)
    routes = row_routes()
    return routes - listed, listed - routes
