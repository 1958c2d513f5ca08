"""Django's ``handler500``: a database outage is a 503 with ``Retry-After`` (``kernel.outage``) — a page that needs
no database for the console and the phone, the JSON envelope under ``/api/`` —; anything else Django's own 500."""

import sys

from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views.defaults import server_error as django_server_error

from fenji.core.kernel import outage
from fenji.core.kernel.errors import envelope


def server_error(request):
    if not outage.is_outage(sys.exc_info()[1]):
        return django_server_error(request)
    outage.discard_broken_connections()
    if request.path.startswith("/api/"):
        response = JsonResponse(envelope("unavailable", outage.MESSAGE), status=503,
                                json_dumps_params={"ensure_ascii": False})
    else:
        response = HttpResponse(render_to_string("web/unavailable.html", {"message": outage.MESSAGE,
                                                                           "seconds": outage.RETRY_AFTER}),
                                status=503)
    response["Retry-After"] = str(outage.RETRY_AFTER)
    return response
