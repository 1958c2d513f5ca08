"""The PostgreSQL server restarted under a running fenji: the connection that met the restart is dropped and the
next use of the database opens a new one by itself (issue 22)."""

import pytest
from django.db import close_old_connections, connection
from django.db.utils import Error as DatabaseError

from fenji.testing import pgcluster

pytestmark = [pytest.mark.cluster, pytest.mark.django_db(transaction=True)]


def started() -> object:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_postmaster_start_time()")
        return cursor.fetchone()[0]


def test_after_a_restart_the_next_request_reconnects_by_itself():
    before = started()
    pgcluster.restart()
    with pytest.raises(DatabaseError):  # the request that meets the restart fails (answered 503, not half done)
        started()
    close_old_connections()  # what the end of that request does: the broken connection is discarded
    assert started() > before


def test_a_restart_answers_503_once_to_a_page_and_to_the_api_then_serves_again(tree, city_admin, login, client):
    """The request that meets the restart gets the 503 and its Chinese message (never a 500), the next is served:
    the page in a signed-in session, the API with a token."""
    from django.test import Client

    from test_api import token_for

    token = token_for(city_admin)
    login(city_admin)
    client.raise_request_exception = False
    assert client.get("/people/accounts/").status_code == 200
    pgcluster.restart()
    page = client.get("/people/accounts/")
    assert page.status_code == 503 and page["Retry-After"] == "5"
    assert "数据库暂时无法连接" in page.content.decode()
    assert client.get("/people/accounts/").status_code == 200  # reconnected by itself, still signed in

    api = Client(raise_request_exception=False, headers={"Authorization": f"Bearer {token}"})
    assert api.get("/api/v1/accounts").status_code == 200
    pgcluster.restart()
    refused = api.get("/api/v1/accounts")
    assert refused.status_code == 503 and refused.json()["error"]["code"] == "unavailable"
    assert api.get("/api/v1/accounts").status_code == 200
