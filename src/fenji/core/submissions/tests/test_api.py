"""The submissions API's lists cost the same queries at any page size (the scope and the steps are proven in
tests/test_api_everyday.py)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fenji.core.access import policy
from fenji.core.access.roles import DEPT_HEAD, SECURITY_ADMIN, STAFF, UNIT_LEADER
from fenji.core.api import services as token_services
from fenji.core.seals.services import seal_key_create
from fenji.core.submissions.services import submission_approve_and_seal, submission_draft, submission_send_for_review
from fenji.testing import actor, make_account


def api(account) -> Client:
    _, plain = token_services.token_create(actor=policy.SYSTEM, account=account, name="报送接口测试")
    client = Client(headers={"Authorization": f"Bearer {plain}"})
    client.get("/api/v1/me")  # the token's last-used stamp is written once a minute: not in the counts
    return client


def _queries(client, path, limit) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, {"limit": limit})
    assert response.status_code == 200, response.content.decode()[:500]
    return len(queries), len(response.json()["items"])


@pytest.mark.parametrize("path, who", [("/api/v1/submissions/outgoing", "leader"),
                                       ("/api/v1/submissions/awaiting-review", "head"),
                                       ("/api/v1/submissions/incoming", "county")])
def test_a_page_costs_the_same_queries_at_any_size(path, who, tree):
    seal_key_create(actor=actor(make_account(tree.county, role=SECURITY_ADMIN)), unit=tree.town)
    people = {"leader": make_account(tree.town, name="街道主任", role=UNIT_LEADER),
              "head": make_account(tree.town, name="街道书记", role=UNIT_LEADER),
              "county": make_account(tree.county, name="区办科长", role=DEPT_HEAD)}
    clerks = [make_account(tree.town, name=f"科员{n}", role=STAFF) for n in range(6)]
    for n, clerk in enumerate(clerks):
        submission = submission_draft(actor=actor(clerk), kind="info", title=f"信息{n}", body="正文", contact="联系人")
        submission_send_for_review(actor=actor(clerk), submission=submission)
        if n % 2 and who != "head":
            submission_approve_and_seal(actor=actor(people["leader"]), submission=submission)
    client = api(people[who])
    small, shown = _queries(client, path, 2)
    large, more = _queries(client, path, 5)
    assert shown == 2 and more >= 3
    assert small == large, f"{path}: {small} queries for 2 rows, {large} for {more}"
