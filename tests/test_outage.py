"""A database outage answers 503 with Retry-After and a Chinese message — a page that needs no database, the JSON
envelope under /api/ — while any other failure stays Django's 500 (kernel.outage, web.errors, api.errors).
The real thing, a PostgreSQL restart under a signed-in session and a token, is in tests/test_pg_cluster.py."""

import json
import os

import pytest
from django.db import connection, connections
from django.db.utils import InterfaceError, OperationalError, ProgrammingError
from django.test import RequestFactory
from ninja import Schema
from pydantic import ValidationError

from fenji.api import api
from fenji.core.kernel import outage
from fenji.core.org.models import Unit
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


@pytest.mark.skipif(not os.environ.get("FENJI_DATABASE_URL", "").startswith("postgres"),
                    reason="a second session ends the first one's backend: PostgreSQL")
def test_a_lost_connection_met_inside_an_api_answer_is_an_outage(transactional_db, tree):
    """pydantic reads a lazy relation while it builds an API answer and reports the lost connection as its own
    ValidationError, naming the database's error only in a string: still an outage, not a 500."""

    class UnitOut(Schema):
        name: str

        @staticmethod
        def resolve_name(unit):
            return Unit.objects.get(pk=unit.pk).name  # a query of its own, as a lazy relation makes

    assert UnitOut.model_validate(tree.city).name == tree.city.name
    with pytest.raises(ProgrammingError), connection.cursor() as cursor:
        cursor.execute("SELECT no_such_column FROM org_unit")  # a database error on a healthy connection
    assert connection.errors_occurred and not outage.is_outage(ValueError("a bug"))  # a bug is a bug
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()
    try:
        with pytest.raises(ValidationError) as hidden:
            UnitOut.model_validate(tree.city)
        assert "OperationalError" in str(hidden.value)
        assert outage.is_outage(hidden.value)
        assert outage.is_outage(ValueError("an error that met the outage on its way"))  # the connection is broken
        assert _answer("/api/v1/units", hidden.value).status_code == 503
        answer = api.on_exception(RequestFactory().get("/api/v1/units"), hidden.value)  # the API's own handler
        assert answer.status_code == 503 and json.loads(answer.content)["error"]["code"] == "unavailable"
    finally:
        connection.close()
    connection.ensure_connection()
    assert not outage.is_outage(ValueError("a bug"))  # on a new connection, a bug is a bug again
