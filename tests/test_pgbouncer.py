"""fenji served through pgbouncer in transaction pooling mode (issue 22, ADR 0024): each transaction may run on
another server connection, so nothing fenji does may rely on a session's state. A ``fenji run`` server behind
pgbouncer signs a person in, shows a list page and takes writes."""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from fenji.core.access import policy
from fenji.core.access.services import grant_create, role_create
from fenji.core.api import services as token_services
from fenji.core.people import permissions as people_perms
from fenji.core.people.models import Account
from fenji.testing import PASSWORD, make_account, pgcluster
from tests.test_identity_across_processes import request, wait_healthy
from tests.test_serve import free_port

pytestmark = [pytest.mark.cluster]


def api(port, method, path, token, body=None):
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(method, path, body=json.dumps(body) if body is not None else None,
                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    response = conn.getresponse()
    data = json.loads(response.read() or b"null")
    conn.close()
    return response.status, data


def test_sign_in_a_list_page_and_writes_through_pgbouncer_in_transaction_mode(transactional_db, tree, city_admin,
                                                                             tmp_path):
    role_create(actor=policy.SYSTEM, code="bouncer_viewer", label="账号查看", actions=[people_perms.ACCOUNT_VIEW])
    account = make_account(tree.county, name="连接池")
    grant_create(actor=policy.SYSTEM, account=account, role="bouncer_viewer", unit=tree.county)
    hasher = PBKDF2PasswordHasher()  # the server knows the product's hashers, not the tests' fast one
    Account.objects.unscoped(reason="test").filter(pk=account.pk).update(password=hasher.encode(PASSWORD,
                                                                                                hasher.salt()))
    _, token = token_services.token_create(actor=policy.SYSTEM, account=city_admin, name="连接池")

    path = Path(tempfile.mkdtemp(prefix="fenji-pgbouncer-"))
    bouncer_port = free_port()
    bouncer = pgcluster.start_pgbouncer(path, bouncer_port)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FENJI_", "DJANGO_"))}
    env.update(FENJI_DATABASE_URL=f"postgres://postgres@127.0.0.1:{bouncer_port}/{connection.settings_dict['NAME']}",
               FENJI_DATABASE_POOLER="pgbouncer", FENJI_VAR_DIR=str(settings.VAR_DIR),  # the same keys
               FENJI_ALLOWED_HOSTS="127.0.0.1", FENJI_ADMIN_NETWORKS="127.0.0.1/32")
    log = tmp_path / "server.log"
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "fenji.cli", "run", "--port", str(port), "--workers", "1"],
                              env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    try:
        wait_healthy(port, server, log)
        cookies: dict = {}
        _, page, _ = request(port, "GET", "/login/", cookies)
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = urlencode({"csrfmiddlewaretoken": csrf, "mobile": account.mobile, "password": PASSWORD})
        assert request(port, "POST", "/login/", cookies, form)[0] == 302, log.read_text()
        status, page, _ = request(port, "GET", f"/people/accounts/?unit={tree.county.pk}", cookies)
        assert status == 200 and "连接池" in page, log.read_text()

        status, unit = api(port, "POST", "/api/v1/units", token,
                           {"parent_id": tree.city.pk, "name": "池后新区", "kind": tree.county.kind})
        assert status == 201, (unit, log.read_text())
        status, read = api(port, "GET", f"/api/v1/units/{unit['id']}", token)
        assert (status, read["name"]) == (200, "池后新区")
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        bouncer.terminate()
        bouncer.wait(15)
        shutil.rmtree(path, ignore_errors=True)
