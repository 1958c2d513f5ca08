"""The platform's NinjaAPI: namespace ``api``, the error envelope, docs served from local files.

``fenji/api.py`` builds the one instance and mounts every app's router under ``v1/``; ``fenji/urls.py``
includes it at ``/api/``. The schema (``/api/openapi.json``) and the Swagger page (``/api/docs``)
need a signed-in session or a valid token: the API's map is not handed to anonymous scanners
(Swagger 未授权访问 is a classic finding of security assessments). Swagger UI comes from ninja's own
static files (``ninja`` is in INSTALLED_APPS), with the remote validator badge turned off.
"""

import functools

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseNotAllowed
from django.shortcuts import resolve_url
from django.urls import URLPattern, path, re_path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError
from ninja.openapi.views import openapi_view
from ninja.renderers import JSONRenderer

from fenji.core.access import policy
from fenji.core.audit.transactions import record_denial
from fenji.core.kernel.errors import AccessDenied
from fenji.core.kernel.routes import RouteRule, mark

from . import errors
from .auth import MOBILE_ONLY_DENIED, SIGNED_IN, auth_for, bearer_token


class Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


def docs_guard(view):
    """Signed in (session) or a valid bearer token, of a staff account; anonymous browsers go to the login
    page, mobile-only accounts (members, retired cadres, citizens) get 403."""
    page = getattr(view, "func", None) is openapi_view

    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        try:
            token = bearer_token(request)
        except AuthenticationError:
            return errors.error_response(401, "unauthenticated", errors.UNAUTHENTICATED)
        if token is None and not request.user.is_authenticated:
            if page:
                return redirect_to_login(request.get_full_path(), resolve_url(settings.LOGIN_URL))
            return errors.error_response(401, "unauthenticated", errors.UNAUTHENTICATED)
        account = token.account if token is not None else request.user
        if account.mobile_only:
            # members, retired cadres and citizens use no management API: its map is not theirs either
            denial = AccessDenied(MOBILE_ONLY_DENIED, rule="mobile_only")
            record_denial(actor=policy.actor_for(account), denial=denial, path=request.path, method=request.method)
            return errors.error_response(403, "denied", denial.message, rule=denial.rule)
        return view(request, *args, **kwargs)

    return mark(guarded, SIGNED_IN)


NO_SUCH_PATH = "接口地址不存在：接口位于 /api/v1/，文档见 /api/docs"


# Both answer 404 whatever the method: exempt from CSRF so that a POST without a token gets the envelope,
# not Django's HTML CSRF page (they change nothing).
@csrf_exempt
def api_root(request, **kwargs):
    """``/api/`` itself: nothing here but a pointer (ninja needs the name to compute the schema's paths)."""
    return errors.error_response(404, "not_found", NO_SUCH_PATH)


@csrf_exempt
def api_not_found(request, rest: str):
    """Any other path under ``/api/``: the envelope, not the console's HTML 404 page."""
    return errors.error_response(404, "not_found", NO_SUCH_PATH)


def _enveloped(view):
    """An operation URL's view, with ninja's plain-text 405 turned into the envelope."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = errors.error_response(405, "method_not_allowed", f"不支持该请求方法（可用：{allowed}）")
            response["Allow"] = allowed
        return response

    return wrapped


class FenjiApi(NinjaAPI):
    def __init__(self, *, title: str, version: str, description: str = ""):
        super().__init__(
            title=title, version=version, description=description,
            urls_namespace="api", openapi_url="/openapi.json", docs_url="/docs",
            docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
            docs_decorator=docs_guard,
            # Only for an operation that forgot @api_route (tests/test_routes.py fails on it anyway):
            # then it is at least not public.
            auth=auth_for(SIGNED_IN),
            renderer=Renderer(),
        )
        errors.install(self)

    @property
    def urls(self):
        patterns, app_name, namespace = super().urls
        public = RouteRule(public=True, channel="api")
        result = []
        for pattern in patterns:
            if pattern.name == "api-root":
                pattern = path("", mark(api_root, public), name="api-root")
            elif getattr(pattern.callback, "csrf_exempt", False):  # an operation's view (ninja checks CSRF itself)
                pattern = URLPattern(pattern.pattern, _enveloped(pattern.callback), pattern.default_args, pattern.name)
            result.append(pattern)
        # any rest, line breaks included: ``<path:rest>`` stops at a "\n" (%0A), which then got Django's HTML 404
        result.append(re_path(r"^(?P<rest>(?s:.+))\Z", mark(api_not_found, public), name="api-not-found"))
        return result, app_name, namespace
