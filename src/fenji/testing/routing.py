"""A generic walk over the URL resolver, shared by the route and scope tests.

Every ``URLPattern`` becomes a ``Route``: its namespaced name, its full pattern text, its
callback and the route rule that callback declares. ``Route.url(fill)`` builds a concrete path,
asking ``fill(route, kwarg, converter, literal_before)`` for the value of each path parameter.

The HTTP API (django-ninja, included at ``/api/``) is walked too, but kept apart: ``all_routes()``
are the console and mobile pages, ``api_routes()`` the API's entries — one ``Route`` per operation
(method + path, its rule read from the operation's view function) plus the API's own pages
(schema, docs, root). ``every_route()`` is both.
"""

import inspect
import re
from dataclasses import dataclass, field, replace

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter
from django.urls.resolvers import RegexPattern, RoutePattern

from fenji.core.web.routes import rule_of

_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>[^>]+)>")


@dataclass(frozen=True)
class Parameter:
    name: str
    converter: object  # a path converter instance, or None for a regex group
    before: str  # the literal URL text just before the parameter, e.g. "org/units/"


@dataclass(frozen=True)
class Route:
    name: str | None  # "people:disable"; None for an unnamed pattern
    pattern: str  # "people/accounts/<int:pk>/disable/"
    callback: object
    default_args: dict = field(default_factory=dict)
    parameters: tuple[Parameter, ...] = ()
    regex: bool = False
    api: bool = False  # inside the ninja API include
    method: str | None = None  # an API operation's HTTP method
    operation: object = None  # the ninja Operation, for API operations

    @property
    def rule(self):
        return rule_of(self.operation.view_func if self.operation is not None else self.callback)

    @property
    def label(self) -> str:
        method = f"{self.method} " if self.method else ""
        return f"{method}{self.name or '<unnamed>'} (/{self.pattern})"

    def url(self, fill) -> str:
        values = {p.name: fill(self, p) for p in self.parameters}
        if self.name is not None:
            return reverse(self.name, kwargs=values or None)
        if self.regex:
            raise AssertionError(f"cannot build a URL for the unnamed regex route {self.label}: give it a name")

        def substitute(match):
            parameter = next(p for p in self.parameters if p.name == match["parameter"])
            value = values[parameter.name]
            return parameter.converter.to_url(value) if parameter.converter is not None else str(value)

        return "/" + _PARAMETER.sub(substitute, self.pattern)


def _pattern_parts(pattern, text_so_far: str):
    """The literal text and the parameters one pattern adds."""
    if isinstance(pattern, RoutePattern):
        text = str(pattern)
        parameters = []
        for match in _PARAMETER.finditer(text):
            parameters.append(Parameter(
                name=match["parameter"],
                converter=pattern.converters.get(match["parameter"]),
                before=text_so_far + text[: match.start()],
            ))
        return text, parameters, False
    if isinstance(pattern, RegexPattern):
        text = pattern.regex.pattern.lstrip("^").rstrip("$").replace(r"\Z", "")
        parameters = [Parameter(name=name, converter=None, before=text_so_far + text.split("(?P<" + name)[0])
                      for name in pattern.regex.groupindex]
        return text, parameters, True
    raise AssertionError(f"unknown pattern type {type(pattern).__name__}: teach fenji/testing/routing.py about it")


def _ninja_operations(entry: URLPattern) -> list:
    """The ninja operations behind one API URL pattern (ninja yields one pattern per operation, named after it)."""
    try:
        path_view = inspect.getclosurevars(inspect.unwrap(entry.callback)).nonlocals.get("self")
    except TypeError:  # not a plain function (e.g. a functools.partial)
        return []
    if path_view is None or not hasattr(path_view, "operations"):
        return []  # not an operation: the API's schema, docs or root page
    named = [op for op in path_view.operations
             if (getattr(op, "url_name", None) or op.view_func.__name__) == entry.name]
    assert named, f"no ninja operation named {entry.name} at {entry.pattern}: teach fenji/testing/routing.py about it"
    return named


def _walk(resolver, prefix: str, parameters: tuple, namespace: str | None, regex: bool, api: bool = False):
    for entry in resolver.url_patterns:
        text, own, is_regex = _pattern_parts(entry.pattern, prefix)
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry, prefix + text, parameters + tuple(own), inner, regex or is_regex,
                             api or entry.app_name == "ninja")
        elif isinstance(entry, URLPattern):
            name = None
            if entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
            route = Route(name=name, pattern=prefix + text, callback=entry.callback,
                          default_args=dict(entry.default_args), parameters=parameters + tuple(own),
                          regex=regex or is_regex, api=api)
            operations = _ninja_operations(entry) if api else []
            if not operations:
                yield route
            for operation in operations:
                for method in operation.methods:
                    yield replace(route, method=method, operation=operation)
        else:
            raise AssertionError(f"unknown resolver entry {entry!r}")


def every_route() -> list[Route]:
    routes = list(_walk(get_resolver(), "", (), None, False))
    assert routes, "the URL resolver walk found no routes at all"
    return routes


def all_routes() -> list[Route]:
    """The console and mobile pages (every route outside the API)."""
    return [r for r in every_route() if not r.api]


def api_routes() -> list[Route]:
    """The API: one entry per operation (method + path), and the API's own schema, docs and root pages."""
    routes = [r for r in every_route() if r.api]
    assert any(r.operation is not None for r in routes), "the walk found no API operations at all"
    return routes


def route_named(name: str) -> Route:
    for route in all_routes():
        if route.name == name:
            return route
    raise AssertionError(f"no route named {name}")


def is_int(parameter: Parameter) -> bool:
    return parameter.converter is None or isinstance(parameter.converter, IntConverter)
