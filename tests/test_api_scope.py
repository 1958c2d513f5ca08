"""Row scope over the HTTP API, like ``tests/test_scope.py`` for the pages.

An administrator reaches its own subtree and nothing else; a row outside it answers exactly like a
missing row (404, same envelope); an account with no grant for the route's action is refused at the
route (403), before any row is looked up — the same split as the console.

    江苏省 ── 南京市 ── 玄武区 ── 新街口街道 / 梅园新村街道
          └─ 苏州市
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fenji.core.access import policy
from fenji.core.access.models import Grant
from fenji.core.access.roles import SECURITY_ADMIN, STAFF, SYSTEM_ADMIN
from fenji.core.access.services import grant_create
from fenji.core.api import services as token_services
from fenji.core.api.models import ApiToken
from fenji.core.org.models import Unit
from fenji.core.people.models import Account, AccountStatus
from fenji.testing import make_account
from fenji.testing.routing import api_routes, is_int


def api(account) -> Client:
    _, plain = token_services.token_create(actor=policy.SYSTEM, account=account, name="范围测试")
    return Client(headers={"Authorization": f"Bearer {plain}"})


def call(client, key: str, pk, body=None):
    method, name = key.split(" ")
    route = next(r for r in api_routes() if r.name == name and r.method == method)
    path = route.url(lambda _route, _parameter: pk)
    return client.generic(method, path, _json(body), content_type="application/json")


def _json(body) -> str:
    import json

    return json.dumps(body or {})


# Every API operation that takes one row by its id, and which kind of row that is.
ROW_ROUTES = {
    "GET api:unit_detail": "unit",
    "GET api:unit_children": "unit",
    "PATCH api:unit_update": "unit",
    "POST api:unit_move": "unit",
    "POST api:unit_revoke": "unit",
    "GET api:account_detail": "account",
    "GET api:account_unmasked": "account",
    "POST api:account_disable": "account",
    "POST api:account_enable": "account",
    "POST api:grant_revoke": "grant",
    "POST api:token_revoke": "token",  # own tokens only: see the token tests at the end
    # Rows whose reach is not a unit's subtree, proven in tests/test_api_everyday.py: a request is its requester's,
    # its overseers' and its deciders'; a delivery its receiving unit's and its sender's; a dispatch's tracking
    # the sending unit's; a message its recipient's; a submission its drafter's while a draft, then its unit's
    # and the parent unit's handlers'.
    "GET api:request_detail": "elsewhere",
    "POST api:request_decide": "elsewhere",
    "POST api:request_withdraw": "elsewhere",
    "GET api:delivery_detail": "elsewhere",
    "POST api:delivery_sign": "elsewhere",
    "POST api:delivery_reply": "elsewhere",
    "GET api:delivery_file": "elsewhere",
    "GET api:dispatch_tracking": "elsewhere",
    "POST api:dispatch_urge": "elsewhere",
    "POST api:message_read": "elsewhere",
    # 成员服务 (src/fenji/core/community/tests/test_api.py): an activity's sign-ups are its managers'; feedback
    # stands at one unit and is its handlers'; a member's own rows are the member's.
    "GET api:activity_signups": "elsewhere",
    "POST api:feedback_answer": "elsewhere",
    "POST api:feedback_pass_up": "elsewhere",
    "POST api:my_activity_signup": "elsewhere",
    # the league module (src/fenji/modules/league/tests/test_members_and_dues.py::
    # test_the_pages_and_api_keep_to_scope: another branch's secretary gets 404)
    "GET api:member_detail": "elsewhere",
    "POST api:dues_pay": "elsewhere",
    # League organisations (src/fenji/modules/league/tests/test_orgs.py::test_the_pages_and_api: another county's
    # cadre gets 404)
    "GET api:org_detail": "elsewhere",
    "POST api:org_revoke_decide": "elsewhere",
    "POST api:org_revoke": "elsewhere",
    "GET api:cadre_list": "elsewhere",
    "POST api:cadre_add": "elsewhere",
    # League status cases (src/fenji/modules/league/tests/test_status.py: another county's cadre gets 404)
    "POST api:status_propose": "elsewhere",
    "POST api:status_decide": "elsewhere",
    # League dues remittances (src/fenji/modules/league/tests/test_remittance.py::test_the_pages_and_api_keep_to_scope:
    # seen from either side, confirmed by the receiving unit itself; another county's cadre gets 404)
    "GET api:remittance_detail": "elsewhere",
    "POST api:remittance_confirm": "elsewhere",
    # League activities (src/fenji/modules/league/tests/test_activities.py::test_the_pages_phone_and_api_keep_to_scope:
    # another county's cadre gets 404, also for a draft's edit and delete: …::test_a_draft_is_edited_or_deleted_before_publishing_and_never_after;
    # a member signs up only where invited)
    # League transfers, seen from either side (src/fenji/modules/league/tests/test_members_and_dues.py::
    # test_transfers_over_the_api_and_the_lists_filters_and_excel: a branch on neither side gets 404)
    **{f"{verb} api:{name}": "elsewhere" for verb, name in (
        ("GET", "league_transfer_detail"), ("POST", "league_transfer_approve"), ("POST", "league_transfer_return"),
        ("POST", "league_transfer_withdraw"), ("POST", "league_transfer_out"))},
    "GET api:league_activity_detail": "elsewhere",
    "GET api:league_activity_invitations": "elsewhere",
    "PUT api:league_activity_update": "elsewhere",
    "DELETE api:league_activity_delete": "elsewhere",
    "POST api:league_activity_publish": "elsewhere",
    "POST api:league_activity_hold": "elsewhere",
    "POST api:league_activity_attendance": "elsewhere",
    "POST api:league_activity_summary": "elsewhere",
    "POST api:league_activity_close": "elsewhere",
    "POST api:league_my_activity_signup": "elsewhere",
    "POST api:league_my_activity_signup_cancel": "elsewhere",
    # League member imports (src/fenji/modules/league/tests/test_member_import.py: a job is its uploader's only,
    # another branch's administrator gets 404)
    "GET api:member_import_job": "elsewhere",
    # the discipline module (src/fenji/modules/discipline/tests/test_petitions.py::
    # test_closing_owes_feedback_and_the_pages_and_api_keep_to_scope: another town's officer gets 404)
    "GET api:petition_detail": "elsewhere",
    "POST api:petition_decide": "elsewhere",
    # clues (src/fenji/modules/discipline/tests/test_clues.py::test_the_pages_walk_the_path_and_keep_to_scope:
    # another town's officer gets 404 on the page and the API)
    "GET api:clue_detail": "elsewhere",
    "POST api:clue_assign": "elsewhere",
    "POST api:clue_approve": "elsewhere",
    "POST api:clue_dispose": "elsewhere",
    "POST api:clue_sign": "elsewhere",
    "POST api:clue_conclude": "elsewhere",
    # a clue's report and extension (src/fenji/modules/discipline/tests/test_clues.py::
    # test_the_report_api_keeps_to_scope: another town's officer and leader get 404)
    "POST api:clue_report": "elsewhere",
    "POST api:clue_extension": "elsewhere",
    "POST api:clue_extension_decide": "elsewhere",
    # cases (src/fenji/modules/discipline/tests/test_cases.py::test_the_pages_and_api_walk_the_case_and_keep_to_scope:
    # another town's officer gets 404 on the page and the API; every step reads the case through ``case_get``)
    "GET api:case_detail": "elsewhere",
    "POST api:case_approve": "elsewhere",
    "POST api:case_file": "elsewhere",
    "POST api:case_transfer": "elsewhere",
    "POST api:case_review": "elsewhere",
    "POST api:case_decide": "elsewhere",
    "POST api:case_execute": "elsewhere",
    "POST api:case_appeal": "elsewhere",
    "POST api:case_appeal_decide": "elsewhere",
    # 回避 (src/fenji/modules/discipline/tests/test_recusal.py::test_the_pages_and_api: another town's officer gets
    # 404; each reads its item through petition_get, clue_get or case_get first)
    "POST api:petition_recusal": "elsewhere",
    # an import job is its starter's only (test_petition_import.py::
    # test_a_sheet_of_paper_records_keeps_their_dates_and_reports_the_rest: another officer's 404)
    "GET api:petition_import_job": "elsewhere",
    "POST api:clue_recusal": "elsewhere",
    "POST api:case_recusal": "elsewhere",
    # 以案促改 and 外出报备 (src/fenji/modules/discipline/tests/test_rectifications_and_absences.py::
    # test_the_pages_and_api_keep_to_scope and test_the_county_office_sees_every_units_absences_and_a_town_only_its_own;
    # every step reads its row through the scoped ``*_get``)
    "GET api:rectify_detail": "elsewhere",
    "POST api:rectify_record": "elsewhere",
    "POST api:rectify_revisit": "elsewhere",
    "POST api:rectify_close": "elsewhere",
    "GET api:absence_detail": "elsewhere",
    "POST api:absence_approve": "elsewhere",
    "POST api:absence_extend": "elsewhere",
    "POST api:absence_return": "elsewhere",
    # conduct records (src/fenji/modules/discipline/tests/test_conduct_records.py::test_the_pages_and_api)
    "GET api:conduct_detail": "elsewhere",
    "POST api:conduct_report": "elsewhere",
    # export packages (src/fenji/modules/discipline/tests/test_export.py::
    # test_the_pages_and_api_produce_download_and_confirm_within_scope: another town's exporter gets 404)
    "GET api:export_detail": "elsewhere",
    "POST api:export_confirm": "elsewhere",
    "GET api:export_file": "elsewhere",
    # the veterans module (src/fenji/modules/veterans/tests/test_service_records.py::
    # test_the_api_enters_and_lists_records_within_scope: the neighbouring town's worker gets 404)
    "GET api:elder_detail": "elsewhere",
    "PUT api:elder_update": "elsewhere",
    "GET api:record_detail": "elsewhere",
    "PUT api:record_update": "elsewhere",
    # the labor module (src/fenji/modules/labor/tests/test_tickets.py::test_the_api_keeps_to_the_three_roads:
    # another county's filer and another vendor get 404)
    "GET api:labor_ticket_detail": "elsewhere",
    "POST api:labor_ticket_step": "elsewhere",
    # the office module (src/fenji/modules/office/tests/test_office.py::test_the_api_keeps_to_the_callers_scope)
    "GET api:medium_detail": "elsewhere",
    "POST api:medium_check": "elsewhere",
    "POST api:medium_retire": "elsewhere",
    "DELETE api:duty_remove": "elsewhere",
    "GET api:submission_detail": "elsewhere",
    "POST api:submission_send": "elsewhere",
    "POST api:submission_seal": "elsewhere",
    "POST api:submission_receive": "elsewhere",
    "POST api:submission_handle": "elsewhere",
    "POST api:submission_return": "elsewhere",
    # a post is its drafter's while a draft, then its reviewers' and overseers' (src/fenji/core/publish/tests/
    # test_publish.py::test_posts_over_the_api_within_scope)
    "GET api:post_detail": "elsewhere",
    "POST api:post_submit": "elsewhere",
    "POST api:post_review": "elsewhere",
    "POST api:post_withdraw": "elsewhere",
    # a ticket is its citizen's (the mine routes) and, for staff, its handling unit's subtree's or its board's
    # managing unit's: src/fenji/core/tickets/tests/test_tickets.py
    "GET api:mine_detail": "elsewhere",
    "POST api:ticket_rate": "elsewhere",
    "GET api:ticket_detail": "elsewhere",
    "POST api:ticket_sign": "elsewhere",
    "POST api:ticket_answer": "elsewhere",
    # an inspection is seen whole above the inspecting unit, in part by the inspected units and those above them;
    # findings and samples likewise: src/fenji/core/supervision/tests/test_supervision.py
    **{f"{verb} api:{name}": "elsewhere" for verb, name in (
        ("GET", "inspection_detail"), ("POST", "finding_record"), ("POST", "notice_issue"), ("POST", "sample_draw"),
        ("POST", "inspection_close"), ("GET", "sample_detail"), ("POST", "sample_check"),
        ("GET", "rectification_detail"), ("POST", "rectification_answer"), ("POST", "rectification_decide"))},
}
SCOPED = sorted(k for k, kind in ROW_ROUTES.items() if kind not in ("token", "elsewhere"))
WRITES = [k for k in SCOPED if not k.startswith("GET ")]
MISSING_MESSAGES = {
    "unit": "单位不存在或不在您的管理范围内",
    "account": "账号不存在或不在您的管理范围内",
    "grant": "授权不存在或不在您的管理范围内",
}


def test_the_matrix_covers_every_api_operation_that_takes_a_row():
    taking_a_row = {f"{r.method} {r.name}" for r in api_routes()
                    if r.operation is not None and any(is_int(p) for p in r.parameters)}
    assert taking_a_row == set(ROW_ROUTES), "add new API row routes to ROW_ROUTES in tests/test_api_scope.py"


class World:
    """Rows inside 南京市's subtree, their counterparts above it (江苏省), and who administers what.

    Units and accounts are administered by system administrators, grants by security administrators
    (三员: the two duties never meet in one person).
    """

    def __init__(self, tree):
        self.tree = tree
        # 梅园新村街道 holds no account, so it can be revoked; the account and the grant live in 新街口街道.
        self.account = make_account(tree.town, name="南京街道人员")
        self.grant = grant_create(actor=policy.SYSTEM, account=self.account, role=STAFF.code, unit=tree.town)
        above_account = make_account(tree.province, name="省直人员")
        self.inside = {"unit": tree.other_town, "account": self.account, "grant": self.grant}
        self.above = {
            "unit": tree.province, "account": above_account,
            "grant": grant_create(actor=policy.SYSTEM, account=above_account, role=STAFF.code, unit=tree.province),
        }
        system = {"ancestor": make_account(tree.province, name="省系统管理员", role=SYSTEM_ADMIN),
                  "subtree": make_account(tree.city, name="南京系统管理员", role=SYSTEM_ADMIN),
                  "sibling": make_account(tree.sibling_city, name="苏州系统管理员", role=SYSTEM_ADMIN)}
        security = {"ancestor": make_account(tree.province, name="省安全员", role=SECURITY_ADMIN),
                    "subtree": make_account(tree.city, name="南京安全员", role=SECURITY_ADMIN),
                    "sibling": make_account(tree.sibling_city, name="苏州安全员", role=SECURITY_ADMIN)}
        self.admins = {"unit": system, "account": system, "grant": security}
        self.outsider = make_account(tree.sibling_city, name="无授权人员")

    def admin(self, key, who):
        return self.admins[ROW_ROUTES[key]][who]

    def target(self, key):
        return self.inside[ROW_ROUTES[key]]

    @staticmethod
    def missing(key):
        model = {"unit": Unit, "account": Account, "grant": Grant}[ROW_ROUTES[key]]
        return (model._base_manager.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000

    def body(self, key):
        return {
            "PATCH api:unit_update": {"name": "改名测试"},
            "POST api:unit_move": {"new_parent_id": self.tree.city.pk},
            "POST api:unit_revoke": {"revoked_on": "2026-01-05", "reference": "测试〔2026〕1号"},
            "POST api:account_disable": {"reason": "调离"},
            "POST api:grant_revoke": {"reason": "调岗"},
        }.get(key)

    def prepare(self, key, target):
        if key == "POST api:account_enable":
            Account.objects.unscoped(reason="test").filter(pk=target.pk).update(status=AccountStatus.DISABLED)
        return target


def snapshot(target):
    row = type(target)._base_manager.get(pk=target.pk)
    if isinstance(row, Unit):
        return (row.name, row.parent_id, row.path, row.status)
    if isinstance(row, Account):
        return (row.status, row.mobile)
    return (row.revoked_at, row.unit_path)


@pytest.fixture
def world(tree):
    return World(tree)


# --- the matrix ----------------------------------------------------------------------------------


@pytest.mark.parametrize("key", SCOPED)
def test_an_ancestor_administrator_reaches_the_subtree(key, world):
    target = world.prepare(key, world.target(key))
    before = snapshot(target)
    response = call(api(world.admin(key, "ancestor")), key, target.pk, world.body(key))
    assert response.status_code == 200, response.content.decode()[:1000]
    if key in WRITES:
        assert snapshot(target) != before


@pytest.mark.parametrize("key", SCOPED)
def test_the_subtree_administrator_reaches_its_own_subtree(key, world):
    target = world.prepare(key, world.target(key))
    response = call(api(world.admin(key, "subtree")), key, target.pk, world.body(key))
    assert response.status_code == 200, response.content.decode()[:1000]


@pytest.mark.parametrize("key", SCOPED)
def test_the_sibling_administrator_gets_404_like_a_missing_row(key, world):
    target = world.prepare(key, world.target(key))
    before = snapshot(target)
    client = api(world.admin(key, "sibling"))
    out_of_scope = call(client, key, target.pk, world.body(key))
    missing = call(client, key, world.missing(key), world.body(key))
    assert out_of_scope.status_code == missing.status_code == 404
    assert out_of_scope.json() == missing.json() == {
        "error": {"code": "not_found", "message": MISSING_MESSAGES[ROW_ROUTES[key]], "field": None}}
    assert snapshot(target) == before


@pytest.mark.parametrize("key", SCOPED)
def test_a_missing_row_is_404_even_for_the_top_administrator(key, world):
    response = call(api(world.admin(key, "ancestor")), key, world.missing(key), world.body(key))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("key", SCOPED)
def test_an_administrator_cannot_reach_upward(key, world):
    target = world.above[ROW_ROUTES[key]]
    before = snapshot(target)
    response = call(api(world.admin(key, "subtree")), key, target.pk, world.body(key))
    assert response.status_code == 404
    assert snapshot(target) == before


@pytest.mark.parametrize("key", SCOPED)
def test_an_account_without_grants_is_refused_at_the_route(key, world):
    """No grant for the action anywhere: 403 at the route, the same for an existing and a missing row."""
    client = api(world.outsider)
    for pk in (world.target(key).pk, world.missing(key)):
        response = call(client, key, pk, world.body(key))
        assert response.status_code == 403
        assert response.json()["error"]["rule"] == "no_grant"


# --- ids in bodies and filters -------------------------------------------------------------------


def test_ids_in_bodies_and_filters_are_scoped_too(world):
    tree = world.tree
    nanjing, suzhou = world.admins["unit"]["subtree"], world.admins["unit"]["sibling"]
    nanjing_sec, suzhou_sec = world.admins["grant"]["subtree"], world.admins["grant"]["sibling"]
    units_before = Unit.objects.count()
    accounts_before = Account.objects.unscoped(reason="test").count()
    grants_before = Grant.objects.unscoped(reason="test").count()
    new_unit = {"parent_id": tree.county.pk, "name": "越权单位", "kind": "village"}
    new_account = {"unit_id": tree.town.pk, "real_name": "越权开户", "mobile": "13700002222", "kind": "citizen"}
    new_grant = {"account_id": world.account.pk, "role": "operator", "unit_id": tree.town.pk}
    cases = [
        (suzhou, "post", "/api/v1/units", new_unit),
        (suzhou, "post", "/api/v1/accounts", new_account),
        (suzhou, "get", "/api/v1/accounts", {"unit": tree.town.pk}),
        (suzhou_sec, "post", "/api/v1/grants", new_grant),
        (suzhou_sec, "get", "/api/v1/grants", {"unit": tree.town.pk}),
        (nanjing, "get", "/api/v1/registry", {"unit": tree.province.pk}),
        (nanjing_sec, "post", "/api/v1/grants", {**new_grant, "unit_id": tree.province.pk}),
    ]
    for account, method, path, data in cases:
        client = api(account)
        if method == "post":
            response = client.post(path, data, content_type="application/json")
        else:
            response = client.get(path, data)
        assert response.status_code == 404, (path, data, response.content.decode()[:500])
        assert response.json()["error"]["code"] == "not_found"
    assert Unit.objects.count() == units_before
    assert Account.objects.unscoped(reason="test").count() == accounts_before
    assert Grant.objects.unscoped(reason="test").count() == grants_before
    # The control: the same requests inside the scope succeed.
    assert api(nanjing).post("/api/v1/units", new_unit, content_type="application/json").status_code == 201
    assert api(nanjing).get("/api/v1/accounts", {"unit": tree.town.pk}).json()["total"] == 1


def test_lists_show_only_the_subtree(world):
    tree = world.tree
    suzhou_people = [make_account(tree.sibling_city, name=f"苏州{n}") for n in range(3)]
    listed = api(world.admins["unit"]["subtree"]).get("/api/v1/accounts", {"limit": 100}).json()
    expected = set(Account.objects.unscoped(reason="test").filter(unit_path__startswith=tree.city.path)
                   .values_list("pk", flat=True))
    assert {a["id"] for a in listed["items"]} == expected and listed["total"] == len(expected)
    assert not expected & {a.pk for a in suzhou_people}
    grants = api(world.admins["grant"]["subtree"]).get("/api/v1/grants", {"limit": 100}).json()
    assert {g["id"] for g in grants["items"]} == set(
        Grant.objects.unscoped(reason="test").filter(unit_path__startswith=tree.city.path, revoked_at=None)
        .values_list("pk", flat=True))
    assert world.above["grant"].pk not in {g["id"] for g in grants["items"]}


# --- tokens: one's own only ------------------------------------------------------------------------


def test_a_token_is_revocable_by_its_owner_and_the_security_administrator_only(world):
    owner = world.admins["unit"]["subtree"]
    token, _ = token_services.token_create(actor=policy.SYSTEM, account=owner, name="自己的")
    key = "POST api:token_revoke"
    missing = token.pk + 1000
    for other in (world.admins["unit"]["ancestor"], world.outsider):
        client = api(other)
        out_of_reach, absent = call(client, key, token.pk), call(client, key, missing)
        assert out_of_reach.status_code == absent.status_code == 404
        assert out_of_reach.json() == absent.json()
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    assert call(api(owner), key, token.pk).status_code == 200
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    second, _ = token_services.token_create(actor=policy.SYSTEM, account=owner, name="第二个")
    assert call(api(world.admins["grant"]["ancestor"]), key, second.pk).status_code == 200
    assert ApiToken.objects.get(pk=second.pk).revoked_at is not None


# --- query counts do not grow with the page ----------------------------------------------------------


def _queries(client, path, data) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, data)
    assert response.status_code == 200, response.content.decode()[:500]
    return len(queries)


@pytest.fixture
def crowd(tree):
    """60 accounts under 南京市, each with a grant (so both lists have more than 50 rows)."""
    people = [make_account(tree.town if n % 2 else tree.other_town, name=f"人员{n}") for n in range(60)]
    for account in people:
        grant_create(actor=policy.SYSTEM, account=account, role=STAFF.code, unit=account.unit)
    return people


@pytest.mark.parametrize("path, admin_role", [("/api/v1/accounts", SYSTEM_ADMIN), ("/api/v1/grants", SECURITY_ADMIN),
                                              ("/api/v1/registry", SECURITY_ADMIN)])
def test_a_page_costs_the_same_queries_at_any_size(path, admin_role, tree, crowd):
    client = api(make_account(tree.city, name="计数管理员", role=admin_role))
    client.get("/api/v1/me")  # the token's last-used stamp is written once a minute: not in the counts below
    small = _queries(client, path, {"limit": 5})
    large = _queries(client, path, {"limit": 50})
    assert small == large, f"{path}: {small} queries for 5 rows, {large} for 50"
    if path != "/api/v1/registry":
        assert len(client.get(path, {"limit": 50}).json()["items"]) == 50


def test_the_account_list_total_stops_at_its_limit(tree, city_admin, monkeypatch):
    """Over a province an exact count costs seconds: past the limit ``total`` is a lower bound."""
    from fenji.core.people import selectors as people_selectors

    make_account(tree.town, name="南京职员")
    everyone = api(city_admin).get("/api/v1/accounts", {"unit": tree.city.pk}).json()
    assert everyone["total_exact"] is True and everyone["total"] >= 2
    monkeypatch.setattr(people_selectors, "API_COUNT_LIMIT", 1)
    capped = api(city_admin).get("/api/v1/accounts", {"unit": tree.city.pk}).json()
    assert capped["total"] == 1 and capped["total_exact"] is False
    assert len(capped["items"]) == min(everyone["total"], 20)  # the rows themselves are not capped
