from django.http import HttpResponse
from django.urls import include, path

from fenji.api import api
from fenji.core.web.routes import public


@public
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/", api.urls),
    path("", include("fenji.core.web.urls")),
    path("", include("fenji.core.people.urls")),
    path("", include("fenji.core.people.audit_urls")),
    path("", include("fenji.core.people.grant_urls")),
    path("", include("fenji.core.org.urls")),
    path("", include("fenji.core.ops.urls")),
]
