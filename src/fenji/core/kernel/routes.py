"""The route declaration every entry point carries: public, any signed-in account, or one action.

Both adapters store it on their view functions under the same attribute — the console and mobile
pages (``web.routes``) and the API operations (``api.routes``) — so that one walk over the URL
resolver (``fenji.testing.routing``) checks every entry point of the platform for a declaration.
"""

from dataclasses import dataclass

ATTRIBUTE = "fenji_route"


@dataclass(frozen=True)
class RouteRule:
    public: bool = False
    action: str | None = None  # None on a non-public route: any signed-in account
    channel: str = "console"  # "console", "mobile", "api" or "any": who is asked to sign in, and how


def mark(view, rule: RouteRule):
    setattr(view, ATTRIBUTE, rule)
    return view


def rule_of(view) -> RouteRule | None:
    # Class-based views keep the rule on view_class; wrapped function views on the function.
    return getattr(view, ATTRIBUTE, None) or getattr(getattr(view, "view_class", None), ATTRIBUTE, None)
