from django.http import HttpResponse
from django.urls import include, path

from fenji.api import api
from fenji.core.kernel import modules
from fenji.core.web.routes import public


@public
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


handler500 = "fenji.core.web.errors.server_error"  # a database outage: 503 (kernel.outage)

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/", api.urls),
    path("", include("fenji.core.console.home_urls")),
    path("", include("fenji.core.web.urls")),
    path("messages/", include("fenji.core.web.message_urls")),
    path("", include("fenji.core.web.todo_urls")),
    path("", include("fenji.core.people.urls")),
    path("", include("fenji.core.console.audit_urls")),
    path("", include("fenji.core.console.online_urls")),
    path("", include("fenji.core.console.dashboard_urls")),
    path("", include("fenji.core.console.ticket_bulletin_urls")),
    path("", include("fenji.core.console.grant_urls")),
    path("", include("fenji.core.console.ledger_urls")),
    path("", include("fenji.core.org.urls")),
    path("", include("fenji.core.console.ops_urls")),
    path("requests/", include("fenji.core.workflow.urls")),
    path("", include("fenji.core.dispatch.urls")),
    path("files/", include("fenji.core.files.urls")),
    path("seals/", include("fenji.core.seals.urls")),
    path("submissions/", include("fenji.core.submissions.urls")),
    path("", include("fenji.core.community.urls")),
    path("", include("fenji.core.publish.urls")),
    path("", include("fenji.core.tickets.urls")),
    path("", include("fenji.core.supervision.urls")),
    # Each declared module's pages (``Module.urls``): always in the URLconf, 404 while the profile leaves it dark.
    *modules.url_patterns(),
]
