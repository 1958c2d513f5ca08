"""A real PostgreSQL streaming replica behind the replica alias (issue 22, ADR 0024): a list page reads from it, the
writer's next page reads from the primary, and with the replica gone the page is served from the primary."""

import shutil
import tempfile
import time
from pathlib import Path

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fenji.core.people.models import Account
from fenji.testing import pgcluster
from tests.test_serve import free_port

pytestmark = [pytest.mark.cluster, pytest.mark.django_db(transaction=True, databases=["default", "replica"])]


@pytest.fixture
def standby(settings):
    path = Path(tempfile.mkdtemp(prefix="fenji-replica-"))
    replica_port = free_port()
    data = pgcluster.start_replica(path, replica_port)
    replica = connections["replica"]
    mirrored = replica.settings_dict
    replica.close()
    replica.settings_dict = {**mirrored, "PORT": replica_port}  # a copy: the mirror shares default's dict
    settings.REPLICA_DATABASES = ["replica"]
    try:
        yield data
    finally:
        replica.close()
        replica.settings_dict = mirrored
        pgcluster.stop_replica(data)
        shutil.rmtree(path, ignore_errors=True)


def caught_up() -> None:
    """Wait until the replica has replayed everything the primary has written so far."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        lsn = cursor.fetchone()[0]
    deadline = time.monotonic() + 10
    with connections["replica"].cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
            if cursor.fetchone()[0]:
                return
            assert time.monotonic() < deadline, "the replica did not catch up"
            time.sleep(0.05)


def page(client, url):
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(on_replica)


def test_a_list_page_reads_from_the_replica_the_writer_from_the_primary_and_a_lost_replica_is_skipped(
        standby, tree, city_admin, client, login, caplog):
    accounts = reverse("people:accounts")
    login(city_admin)
    Account.objects.unscoped(reason="test").filter(pk=city_admin.pk).update(wrote_at=None)
    caught_up()
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0]  # the alias is the standby, not the primary
    text, on_replica = page(client, accounts)
    assert on_replica > 0 and "南京管理员" in text

    response = client.post(reverse("org:create", args=[tree.city.pk]), {"name": "新建区", "kind": tree.county.kind})
    assert response.status_code == 302
    text, on_replica = page(client, reverse("org:tree"))
    assert on_replica == 0  # the writer's next page: the primary

    Account.objects.unscoped(reason="test").filter(pk=city_admin.pk).update(wrote_at=None)
    pgcluster.stop_replica(standby)
    response = client.get(accounts)
    assert response.status_code == 200 and "南京管理员" in response.content.decode()  # served by the primary
    assert "replica replica unusable" in caplog.text
