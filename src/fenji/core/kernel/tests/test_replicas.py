"""Which database a read goes to with a replica configured (ADR 0024). The replica alias of the tests mirrors the
test database; what counts is which connection the queries ran on."""

import datetime
import json
import os
import subprocess
import sys

import pytest
from django.contrib.sessions.models import Session
from django.db import OperationalError, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.access.models import Grant
from fenji.core.api import services as token_services
from fenji.core.kernel import replicas
from fenji.core.org.models import Unit
from fenji.core.people.models import Account

BOTH = ["default", "replica"]


@pytest.fixture
def replica(settings):
    settings.REPLICA_DATABASES = ["replica"]
    settings.READ_YOUR_WRITES_SECONDS = 10
    replicas._down_until.clear()
    yield connections["replica"]
    replicas._down_until.clear()


def reads_on_replica(client, url, **params) -> int:
    with CaptureQueriesContext(connections["replica"]) as replica_queries:
        response = client.get(url, params)
    assert response.status_code == 200, url
    return len(replica_queries)


def set_wrote_at(account, when):
    Account.objects.unscoped(reason="test").filter(pk=account.pk).update(wrote_at=when)


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_list_pages_read_from_the_replica_except_right_after_the_reader_wrote(replica, tree, city_admin, client,
                                                                              login):
    accounts, unit = reverse("people:accounts"), reverse("org:unit", args=[tree.city.pk])
    login(city_admin)  # a POST: the signing in is a write, the next pages read the primary
    assert Account.objects.unscoped(reason="test").get(pk=city_admin.pk).wrote_at is not None
    assert reads_on_replica(client, accounts) == 0

    set_wrote_at(city_admin, timezone.now() - datetime.timedelta(seconds=11))  # the window has passed
    assert reads_on_replica(client, accounts) > 0
    assert reads_on_replica(client, unit) == 0  # a detail page is not marked: the primary

    response = client.post(reverse("org:create", args=[tree.city.pk]), {})  # answered (the form's errors)
    assert response.status_code == 200
    assert reads_on_replica(client, accounts) == 0  # read-your-writes

    _, plain = token_services.token_create(actor=policy.SYSTEM, account=city_admin, name="同步")
    api = Client(headers={"Authorization": f"Bearer {plain}"})
    assert reads_on_replica(api, "/api/v1/accounts") == 0  # the account's write holds for its tokens too
    set_wrote_at(city_admin, None)
    assert reads_on_replica(api, "/api/v1/accounts") > 0
    assert reads_on_replica(api, f"/api/v1/units/{tree.city.pk}") == 0


def test_the_router_keeps_identity_transactions_and_writes_on_the_primary(replica, monkeypatch):
    router = replicas.ReplicaRouter()
    token = replicas._reading.set("replica")
    try:
        assert router.db_for_read(Unit) == "replica"
        assert router.db_for_read(Account) == "replica"  # the account list; the caller was loaded before
        assert {router.db_for_read(m) for m in (Session, Grant)} == {"default"}
        assert router.db_for_write(Unit) == "default"
        monkeypatch.setattr(connections["default"], "in_atomic_block", True)  # inside transaction.atomic()
        assert router.db_for_read(Unit) == "default"
        monkeypatch.undo()
    finally:
        replicas._reading.reset(token)
    assert router.db_for_read(Unit) == "default"  # outside a marked view
    assert not router.allow_migrate("replica", "org") and router.allow_migrate("default", "org")


def test_an_unreachable_replica_is_skipped_with_a_log_line(replica, monkeypatch, caplog):
    def refuse():
        raise OperationalError("connection refused")

    monkeypatch.setattr(connections["replica"], "ensure_connection", refuse)
    assert replicas.pick_replica() is None
    assert "replica replica unusable" in caplog.text
    monkeypatch.undo()
    assert replicas.pick_replica() is None  # left alone for REPLICA_RETRY_SECONDS, not asked again


def test_replica_urls_and_the_pooler_configure_the_databases(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("FENJI_")}
    env.update(FENJI_VAR_DIR=str(tmp_path), FENJI_DATABASE_URL="postgres://fenji@10.0.0.11:6432/fenji",
               FENJI_DATABASE_POOLER="pgbouncer",
               FENJI_REPLICA_URLS=" postgres://fenji@10.0.0.12:6432/fenji, postgres://fenji@10.0.0.13:6432/fenji")
    code = ("import json, fenji.settings as s; d = s.DATABASES; print(json.dumps([s.REPLICA_DATABASES, "
            "[d[a]['HOST'] for a in s.REPLICA_DATABASES], d['replica2']['DISABLE_SERVER_SIDE_CURSORS'], "
            "d['default']['OPTIONS']['prepare_threshold'], d['replica1']['OPTIONS']['connect_timeout']]))")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == [["replica1", "replica2"], ["10.0.0.12", "10.0.0.13"], True, None, 2]
