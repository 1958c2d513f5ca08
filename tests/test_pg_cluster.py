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
