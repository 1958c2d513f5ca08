"""Deny by default for API operations, declared like the console's views::

    @router.get("/units/{int:id}", response=UnitOut)
    @api_route(action=perms.UNIT_VIEW)
    def unit_detail(request, id: int): ...

``@api_route`` goes *below* the router's decorator. It stores the rule where ``fenji.testing.routing``
looks for it (``kernel.routes``) and sets the operation's authentication from it, so the declaration
is what is enforced: public (no authentication), any signed-in account, or one action held somewhere.
Which rows the action reaches is then up to the selectors (out-of-scope ids answer 404).
"""

from ninja.constants import NOT_SET
from ninja.errors import ConfigError
from ninja.utils import contribute_operation_callback

from fenji.core.kernel.routes import RouteRule, mark, rule_of

from .auth import auth_for


def api_route(*, action: str | None = None, public: bool = False):
    if public and action is not None:
        raise ConfigError("a public API route cannot require an action")
    rule = RouteRule(public=True, channel="api") if public else RouteRule(action=action, channel="api")

    def decorator(view):
        if hasattr(view, "_ninja_operation"):
            raise ConfigError(f"{view.__name__}: put @api_route below @router.get/post/…, not above it")

        def apply(operation):
            if operation.auth_param is not NOT_SET:
                raise ConfigError(f"{view.__name__}: declare access with @api_route, not with auth=")
            auth = auth_for(rule)
            operation.auth_param = auth
            operation.auth_callbacks = []
            operation._set_auth(auth)

        contribute_operation_callback(view, apply)
        return mark(view, rule)

    return decorator


__all__ = ["RouteRule", "api_route", "rule_of"]
