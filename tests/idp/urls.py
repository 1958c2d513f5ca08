"""fenji's URLconf with the provider under ``/idp/`` (only for the tests that switch ``ROOT_URLCONF`` to it)."""

from django.urls import include, path
from oauth2_provider import urls as provider_urls

from fenji.urls import urlpatterns as fenji_urlpatterns

from . import views

provider = ([
    path("authorize/", views.authorize, name="authorize"),
    path("login/", views.idp_login, name="login"),
    *(p for p in provider_urls.base_urlpatterns if p.name in ("token",)),
    *(p for p in provider_urls.oidc_urlpatterns if p.name in ("oidc-connect-discovery-info", "jwks-info",
                                                              "user-info")),
], "oauth2_provider")

urlpatterns = [path("idp/", include(provider)), *fenji_urlpatterns]
