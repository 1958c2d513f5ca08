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
from django.shortcuts import resolve_url
from django.urls import path
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError
from ninja.openapi.views import openapi_view
from ninja.renderers import JSONRenderer

from fenji.core.kernel.routes import RouteRule, mark

from . import errors
from .auth import SIGNED_IN, auth_for, bearer_token


class Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


def docs_guard(view):
    """Signed in (session) or a valid bearer token; anonymous browsers go to the login page."""
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
        return view(request, *args, **kwargs)

    return mark(guarded, SIGNED_IN)


def api_root(request, **kwargs):
    """``/api/`` itself: nothing here but a pointer (ninja needs the name to compute the schema's paths)."""
    return errors.error_response(404, "not_found", "接口地址不存在：接口位于 /api/v1/，文档见 /api/docs")


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
        root = mark(api_root, RouteRule(public=True, channel="api"))
        patterns = [path("", root, name="api-root") if getattr(p, "name", None) == "api-root" else p
                    for p in patterns]
        return patterns, app_name, namespace
