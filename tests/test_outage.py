"""A database outage answers 503 with Retry-After and a Chinese message — a page that needs no database, the JSON
envelope under /api/ — while any other failure stays Django's 500 (kernel.outage, web.errors, api.errors).
The real thing, a PostgreSQL restart under a signed-in session and a token, is in tests/test_pg_cluster.py."""

import json

import pytest
from django.db.utils import InterfaceError, OperationalError, ProgrammingError
from django.test import RequestFactory

from fenji.core.web.errors import server_error


def _answer(path, error):
    request = RequestFactory().get(path)
    try:
        raise error
    except Exception:  # what Django's handler does: handler500 called inside the except block
        return server_error(request)


@pytest.mark.parametrize("error", [OperationalError("server closed the connection unexpectedly"),
                                   InterfaceError("connection already closed")])
def test_a_lost_database_is_a_503_page_and_an_api_envelope(error):
    page = _answer("/people/accounts/", error)
    assert page.status_code == 503 and page["Retry-After"] == "5"
    assert "数据库暂时无法连接" in page.content.decode() and "请约 5 秒后刷新本页" in page.content.decode()
    api = _answer("/api/v1/accounts", error)
    assert api.status_code == 503 and api["Retry-After"] == "5"
    body = json.loads(api.content)
    assert body["error"]["code"] == "unavailable" and "数据库暂时无法连接" in body["error"]["message"]


def test_a_programming_error_stays_a_500():
    assert _answer("/people/accounts/", ProgrammingError("column does not exist")).status_code == 500
