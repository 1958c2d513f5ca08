"""``kill -9`` of the server in the middle of a multi-step request's decision (issue 22): the decision is whole or
absent — never a grant without its step, or a step decided without its effect — and the request can still be decided.

A request for an operator's permission is filed and signed twice (department, then leader) in process. Its last step
is carried out through the API by the permission administrator of a real ``fenji run``: the decision's transaction
writes the grant, then waits for the audit chain's head, which this test holds locked. The server's process group is
killed (SIGKILL). Afterwards there is no grant, the step is still open, the request still pending, the audit chain
verifies; the same decision made again succeeds, once.
"""

import os
import subprocess
import sys
import threading

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command

from fenji.core.access.models import Grant
from fenji.core.access.roles import DEPT_HEAD, PERMISSION_ADMIN, STAFF, UNIT_LEADER
from fenji.core.audit.models import AuditEvent
from fenji.core.workflow.models import Request, RequestState, Step, StepState
from fenji.core.workflow.services import request_file, step_decide
from fenji.testing import actor, make_account
from test_api import token_for
from tests.test_identity_across_processes import wait_healthy
from tests.test_kill_server import _writing, kill, post, wait_until_ended, wait_until_waiting
from tests.test_serve import database_url, free_port

pytestmark = pytest.mark.skipif(not os.environ.get("FENJI_DATABASE_URL", "").startswith("postgres"),
                                reason="a second connection holds a row lock while the server writes: PostgreSQL")


def _open_step(request):
    return Step.objects.unscoped(reason="test").get(request=request, state=StepState.OPEN)


def test_a_server_killed_in_the_middle_of_a_decision_leaves_it_undecided(transactional_db, tree, tmp_path):
    clerk = make_account(tree.city, name="南京科员", role=STAFF)
    head = make_account(tree.city, name="南京科长", role=DEPT_HEAD)
    leader = make_account(tree.city, name="南京分管领导", role=UNIT_LEADER)
    permission_admin = make_account(tree.city, name="南京权限管理员", role=PERMISSION_ADMIN)
    operator = make_account(tree.city, name="新操作员")
    request = request_file(actor=actor(clerk), kind="operator.permission.grant",
                           data={"account": operator.pk, "role": "operator", "reach": "unit", "requirement": "窗口受理"})
    step_decide(actor=actor(head), step=_open_step(request), approve=True, opinion="同意")
    step_decide(actor=actor(leader), step=_open_step(request), approve=True, opinion="同意，请办理")
    last_step = _open_step(request)
    token = token_for(permission_admin)
    events_before = AuditEvent.objects.count()

    url = database_url(tmp_path)
    conninfo = url.replace("postgres://", "postgresql://", 1)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FENJI_", "DJANGO_"))}
    env.update(FENJI_DATABASE_URL=url, FENJI_VAR_DIR=str(settings.VAR_DIR), FENJI_ALLOWED_HOSTS="127.0.0.1")
    port, log = free_port(), tmp_path / "server.log"
    server = subprocess.Popen([sys.executable, "-m", "fenji.cli", "run", "--port", str(port), "--workers", "1"],
                              env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True)
    answers: list = []
    try:
        wait_healthy(port, server, log)
        with psycopg.connect(conninfo) as holder:  # holds the audit chain's head until the server is dead
            holder.execute("SELECT 1 FROM audit_chainhead WHERE id = 1 FOR UPDATE")
            deciding = threading.Thread(target=post, args=(port, token, f"/api/v1/requests/{request.pk}/decide",
                                                           {"approve": True}, answers))
            deciding.start()
            wait_until_waiting(conninfo, log)
            assert _writing(conninfo, Grant._meta.db_table)  # the grant is written, the decision not yet audited
            kill(server)
            holder.rollback()
        deciding.join(30)
    finally:
        if server.poll() is None:
            kill(server)
    assert answers[0][0] is None  # never acknowledged
    wait_until_ended(conninfo)

    grants = Grant.objects.unscoped(reason="test").filter(account=operator, role="operator")
    assert not grants.exists()  # no effect without its decision
    last_step.refresh_from_db()
    assert last_step.state == StepState.OPEN and last_step.decided_at is None  # no decision without its effect
    assert Request.objects.unscoped(reason="test").get(pk=request.pk).state == RequestState.PENDING
    assert AuditEvent.objects.count() == events_before  # nothing of it in the audit log
    call_command("audit", "verify", stdout=open(os.devnull, "w"))

    step_decide(actor=actor(permission_admin), step=last_step, approve=True)  # decided again: once
    assert grants.filter(revoked_at__isnull=True).count() == 1
    assert Request.objects.unscoped(reason="test").get(pk=request.pk).state == RequestState.DONE
    call_command("audit", "verify", stdout=open(os.devnull, "w"))
