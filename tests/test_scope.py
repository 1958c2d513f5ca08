"""Row scope over HTTP: an administrator reaches its own subtree and nothing else.

Out of scope answers exactly like a missing row (404), for reads and for writes. Units and accounts
are checked with system administrators, grants with security-secrecy administrators (``admin``).

    江苏省 ── 南京市 ── 玄武区 ── 新街口街道 / 梅园新村街道
          └─ 苏州市
"""

import datetime

import pytest
from django.utils import timezone

from conftest import make_account
from fenji.core.access import policy
from fenji.core.access.models import Grant
from fenji.core.access.roles import SECURITY_ADMIN, STAFF, SYSTEM_ADMIN
from fenji.core.access.services import grant_create
from fenji.core.ops.models import MaintenanceWindow
from fenji.core.ops.services import maintenance_schedule
from fenji.core.org.models import Unit
from fenji.core.people.models import Account, AccountStatus
from fenji.core.workflow.models import Request
from routing import all_routes, is_int, route_named

# Every route that takes one unit-owned row, and which kind of row its parameter names.
UNIT_OWNED = {
    "org:unit": "unit",
    "org:children": "unit",
    "org:create": "unit",
    "org:edit": "unit",
    "org:move": "unit",
    "org:revoke": "unit",
    "people:account": "account",
    "people:disable": "account",
    "people:enable": "account",
    "people:mobile": "account",
    "people:unmask": "account",
    "people:duty": "account",
    "people:open": "unit",
    "grants:revoke": "grant",
    "ops:cancel": "maintenance",
    "workflow:detail": "request",
    "ledgers:request_form": "request",
}
MODELS = {"unit": Unit, "account": Account, "grant": Grant, "maintenance": MaintenanceWindow, "request": Request}
# Which administrator a row's routes need: units and accounts are the system administrator's duty,
# grants the security-secrecy administrator's (三员: one person never holds both).
# Requests are read by those overseeing the requesting unit (workflow.request.view: not the system administrator).
ADMIN_ROLE = {"unit": SYSTEM_ADMIN, "account": SYSTEM_ADMIN, "grant": SECURITY_ADMIN, "maintenance": SYSTEM_ADMIN,
              "request": SECURITY_ADMIN}


def _maintenance(unit, title):
    starts = timezone.now() + datetime.timedelta(days=2)
    return maintenance_schedule(actor=policy.SYSTEM, unit=unit, title=title, starts_at=starts,
                                ends_at=starts + datetime.timedelta(hours=2))


def _request(requester, title):
    """A filed request (its type and steps do not matter to who may read it)."""
    return Request.objects.create(unit=requester.unit, unit_path=requester.unit_path, kind="scope.sample", title=title,
                                  payload_json="{}", requester=requester)


# Row routes whose scope is proven by their own tests, because their rows are not unit-owned tables.
COVERED_ELSEWHERE = {
    # attachments: /files/<id>/ serves only the uploader's own files (and needs files.attachment.view); everyone
    # else gets 404 like a missing row. Owners' files go through their owner's page (delivery, submission).
    "files:download": "src/fenji/core/files/tests/test_files.py::test_download_scope",
    # seals are the security-secrecy administrator's (seals.key.manage), not the system administrator's
    # the matrix uses: sibling 404, missing 404, upward 404, ancestor 200 (seals.SealKey)
    "seals:create": "src/fenji/core/seals/tests/test_seals.py::test_the_console_page_scope",
    "seals:revoke": "src/fenji/core/seals/tests/test_seals.py::test_the_console_page_scope",
    # submissions: the drafter, the submitting unit and the parent unit's handlers; others 404 like a
    # missing row, for every page and POST (submissions.Submission)
    **{f"submissions:{name}": "src/fenji/core/submissions/tests/test_submissions.py::"
                              "test_outsiders_get_404_like_a_missing_row"
       for name in ("detail", "edit", "send", "seal", "receive", "handle", "return", "package", "attachment")},
    # audit events are scoped by the target's and the actor's unit paths
    "auditlog:detail": "src/fenji/core/people/tests/test_audit_views.py::test_a_city_auditor_sees_only_its_subtree",
    # in-app messages belong to their recipient: another account's message answers 404
    "messages:detail": "src/fenji/core/web/tests/test_messages_page.py::test_another_accounts_message_is_404_and_stays_unread",
    # deciding and withdrawing are POSTs on a request found like workflow:detail (404 outside the scope)
    "workflow:decide": "src/fenji/core/workflow/tests/test_views.py::test_the_detail_is_404_outside_the_scope",
    "workflow:withdraw": "src/fenji/core/workflow/tests/test_views.py::test_only_the_requester_withdraws_and_only_before_any_decision",
    # dispatches are the sending unit's, deliveries the receiving unit's and the sender's: a sibling unit,
    # a unit outside the targets and a unit above answer 404 (dispatch.Delivery / dispatch.Dispatch)
    "dispatch:detail": "src/fenji/core/dispatch/tests/test_views.py::test_the_tracking_page_is_404_outside_the_senders_scope",
    "dispatch:delivery": "src/fenji/core/dispatch/tests/test_views.py::test_a_delivery_is_404_to_units_outside_the_targets",
    "dispatch:delivery_attachment": "src/fenji/core/dispatch/tests/test_views.py::test_reply_attachments_are_served_through_their_delivery",
    "dispatch:mobile_delivery": "src/fenji/core/dispatch/tests/test_views.py::test_the_mobile_delivery_is_the_receiving_units_only",
    # an import job (its progress, its error report) is shown to the account that started it only: 404 for others
    **{f"people:{name}": "src/fenji/core/people/tests/test_member_import.py::test_out_of_scope_users_are_refused"
       for name in ("member_import_job", "member_import_errors")},
}


def test_the_matrix_covers_every_route_that_takes_a_row():
    taking_a_row = {r.name for r in all_routes() if any(is_int(p) for p in r.parameters)}
    assert taking_a_row - set(COVERED_ELSEWHERE) == set(UNIT_OWNED), \
        "add new row routes to UNIT_OWNED in tests/test_scope.py"


def url_for(name: str, pk) -> str:
    route = route_named(name)
    assert len(route.parameters) == 1, route.label
    return route.url(lambda _route, _parameter: pk)


class Targets:
    """A unit, an account, a grant and a maintenance window inside 南京市's subtree, and their
    counterparts above it (江苏省)."""

    def __init__(self, tree):
        # 梅园新村街道 holds no account, so it can be revoked; the account lives in 新街口街道.
        self.unit = tree.other_town
        self.account = make_account(tree.town, name="南京街道人员")
        self.grant = grant_create(actor=policy.SYSTEM, account=self.account, role=STAFF.code, unit=tree.town)
        self.maintenance = _maintenance(tree.town, "南京街道维护")
        self.request = _request(self.account, "南京街道申请")
        above = make_account(tree.province, name="省直人员")
        self.above = {"unit": tree.province, "account": above,
                      "grant": grant_create(actor=policy.SYSTEM, account=above, role=STAFF.code, unit=tree.province),
                      "maintenance": _maintenance(tree.province, "全省维护"), "request": _request(above, "省直申请")}

    def inside(self, kind):
        return {"unit": self.unit, "account": self.account, "grant": self.grant, "maintenance": self.maintenance,
                "request": self.request}[kind]

    @staticmethod
    def missing(kind):
        model = MODELS[kind]
        return (model._base_manager.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000


@pytest.fixture
def targets(tree):
    return Targets(tree)


def shown_name(target) -> str:
    """What a page about ``target`` would print: a unit's name, a maintenance title, or the person's name."""
    if isinstance(target, Unit):
        return target.name
    if isinstance(target, (MaintenanceWindow, Request)):
        return target.title
    account = target.account if isinstance(target, Grant) else target
    return account.person.real_name


@pytest.fixture
def admin(tree, province_admin, city_admin, sibling_admin):
    """``admin(name, where)``: the administrator the route ``name`` needs, at 江苏省 / 南京市 / 苏州市.

    Units and accounts: the ``province_admin`` / ``city_admin`` / ``sibling_admin`` personas (system
    administrators); grants: security-secrecy administrators at the same units.
    """
    system = {"province": province_admin, "city": city_admin, "sibling_city": sibling_admin}
    security = {}

    def make(name, where):
        if ADMIN_ROLE[UNIT_OWNED[name]] is SYSTEM_ADMIN:
            return system[where]
        if where not in security:
            security[where] = make_account(getattr(tree, where), name=f"保密员{where}", role=SECURITY_ADMIN)
        return security[where]

    return make


ROUTE_NAMES = sorted(UNIT_OWNED)


# --- reads ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ROUTE_NAMES)
def test_an_ancestor_administrator_reaches_the_subtree(name, targets, admin, login):
    client = login(admin(name, "province"))
    response = client.get(url_for(name, targets.inside(UNIT_OWNED[name]).pk))
    assert response.status_code == 200


@pytest.mark.parametrize("name", ROUTE_NAMES)
def test_the_subtree_administrator_reaches_its_own_subtree(name, targets, admin, login):
    client = login(admin(name, "city"))
    assert client.get(url_for(name, targets.inside(UNIT_OWNED[name]).pk)).status_code == 200


@pytest.mark.parametrize("name", ROUTE_NAMES)
def test_the_sibling_administrator_gets_404_like_a_missing_row(name, targets, admin, login):
    client = login(admin(name, "sibling_city"))
    kind = UNIT_OWNED[name]
    out_of_scope = client.get(url_for(name, targets.inside(kind).pk))
    missing = client.get(url_for(name, targets.missing(kind)))
    assert out_of_scope.status_code == 404
    assert missing.status_code == 404
    assert out_of_scope.context["message"] == missing.context["message"]
    assert shown_name(targets.inside(kind)) not in out_of_scope.content.decode()


@pytest.mark.parametrize("name", ROUTE_NAMES)
def test_a_nonexistent_row_is_404_even_for_the_top_administrator(name, targets, admin, login):
    client = login(admin(name, "province"))
    assert client.get(url_for(name, targets.missing(UNIT_OWNED[name]))).status_code == 404


@pytest.mark.parametrize("name", ROUTE_NAMES)
def test_an_administrator_cannot_reach_upward(name, targets, admin, login):
    client = login(admin(name, "city"))
    assert client.get(url_for(name, targets.above[UNIT_OWNED[name]].pk)).status_code == 404


def test_a_business_clerk_sees_units_but_may_not_administer_them(tree, city_clerk, login):
    client = login(city_clerk)
    assert client.get(url_for("org:unit", tree.town.pk)).status_code == 200
    assert client.get(url_for("org:unit", tree.sibling_city.pk)).status_code == 404
    for name in ("org:create", "org:edit", "org:move", "org:revoke", "people:open"):
        assert client.get(url_for(name, tree.town.pk)).status_code == 403, name


# --- the account list ----------------------------------------------------------------------------


@pytest.fixture
def population(tree):
    inside = [make_account(tree.town, name="南京甲"), make_account(tree.county, name="南京乙", kind="member"),
              make_account(tree.other_town, name="南京丙", kind="elder")]
    outside = [make_account(tree.sibling_city, name="苏州甲"), make_account(tree.sibling_city, name="苏州乙"),
               make_account(tree.province, name="省直甲")]
    return inside, outside


def _listed(response):
    assert response.status_code == 200
    page = response.context["page"]
    assert page.next_cursor is None, "the test population should fit on one page"
    return {account.pk for account in page.rows}, page.total


def test_the_account_list_shows_only_the_subtree(tree, city_admin, population, login):
    inside, outside = population
    client = login(city_admin)
    response = client.get("/people/accounts/")
    listed, total = _listed(response)
    expected = set(Account.objects.unscoped(reason="test").filter(unit_path__startswith=tree.city.path).values_list("pk", flat=True))
    assert expected == {city_admin.pk} | {a.pk for a in inside}
    assert listed == expected
    assert total == len(expected)
    content = response.content.decode()
    assert all(a.person.real_name in content for a in inside)
    assert not any(a.person.real_name in content for a in outside)


def test_the_account_list_filters_by_a_unit_in_scope(tree, city_admin, population, login):
    inside, _ = population
    client = login(city_admin)
    listed, _ = _listed(client.get("/people/accounts/", {"unit": tree.county.pk}))
    assert listed == {a.pk for a in inside}  # city_admin itself sits at 南京市, above 玄武区


@pytest.mark.parametrize("unit", ["sibling_city", "province"])
def test_the_account_list_refuses_a_unit_out_of_scope(tree, city_admin, population, login, unit):
    client = login(city_admin)
    response = client.get("/people/accounts/", {"unit": getattr(tree, unit).pk})
    assert response.status_code == 404
    assert "苏州甲" not in response.content.decode()


def test_the_account_list_for_the_sibling_shows_none_of_nanjing(tree, sibling_admin, population, login):
    inside, outside = population
    listed, _ = _listed(login(sibling_admin).get("/people/accounts/"))
    assert listed == {sibling_admin.pk} | {a.pk for a in outside if a.unit_id == tree.sibling_city.pk}


# --- writes --------------------------------------------------------------------------------------


def _snapshot(name, target):
    """What a successful POST to ``name`` would change."""
    if name == "org:create":
        return Unit.objects.count()
    if name == "people:open":
        return Account.objects.unscoped(reason="test").count()
    target = type(target)._base_manager.get(pk=target.pk)
    if isinstance(target, Unit):
        return (target.name, target.parent_id, target.path, target.status)
    if isinstance(target, Grant):
        return (target.revoked_at, target.revoke_reason)
    if isinstance(target, MaintenanceWindow):
        return (target.cancelled_at,)
    return (target.status, target.mobile)


def _post_data(name, tree):
    return {
        "org:create": {"name": "新建测试单位", "kind": "village"},
        "org:edit": {"name": "改名测试", "kind": "town"},
        "org:move": {"new_parent": tree.sibling_city.pk},
        "org:revoke": {"revoked_on": datetime.date(2026, 1, 5).isoformat(), "reference": "测试〔2026〕1号"},
        "people:disable": {"reason": "调离"},
        "people:enable": {},
        "people:mobile": {"mobile": "13700001234"},
        "people:open": {"real_name": "新开账号", "mobile": "13700005678", "kind": "citizen"},
        "grants:revoke": {"reason": "调离"},
        "ops:cancel": {},
    }[name]


WRITES = ["org:create", "org:edit", "org:move", "org:revoke", "people:disable", "people:enable", "people:mobile",
          "people:open", "grants:revoke", "ops:cancel"]


def _prepare(name, targets):
    target = targets.inside(UNIT_OWNED[name])
    if name == "people:enable":
        Account.objects.unscoped(reason="test").filter(pk=target.pk).update(status=AccountStatus.DISABLED)
    return target


@pytest.mark.parametrize("name", WRITES)
def test_the_write_succeeds_for_the_ancestor_administrator(name, tree, targets, admin, login):
    """The control: the same POST is valid, so the refusals below are about scope alone."""
    target = _prepare(name, targets)
    before = _snapshot(name, target)
    response = login(admin(name, "province")).post(url_for(name, target.pk), _post_data(name, tree))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _snapshot(name, target) != before


@pytest.mark.parametrize("name", WRITES)
def test_the_sibling_administrator_cannot_write_into_the_subtree(name, tree, targets, admin, login):
    target = _prepare(name, targets)
    before = _snapshot(name, target)
    response = login(admin(name, "sibling_city")).post(url_for(name, target.pk), _post_data(name, tree))
    assert response.status_code == 404
    assert _snapshot(name, target) == before


@pytest.mark.parametrize("name", WRITES)
def test_a_subtree_administrator_cannot_write_upward(name, tree, targets, admin, login):
    target = targets.above[UNIT_OWNED[name]]
    before = _snapshot(name, target)
    data = _post_data(name, tree)
    if name == "org:move":
        data = {"new_parent": tree.city.pk}
    response = login(admin(name, "city")).post(url_for(name, target.pk), data)
    assert response.status_code == 404
    assert _snapshot(name, target) == before


def test_disabling_a_nanjing_account_from_suzhou_is_404_and_it_stays_active(targets, sibling_admin, login):
    account = targets.account
    response = login(sibling_admin).post(f"/people/accounts/{account.pk}/disable/", {"reason": "调离"})
    assert response.status_code == 404
    account.refresh_from_db()
    assert account.status == AccountStatus.ACTIVE
    assert account.is_active


def test_creating_under_the_common_parent_is_refused_to_a_city_administrator(tree, city_admin, login):
    before = set(Unit.objects.values_list("pk", flat=True))
    response = login(city_admin).post(f"/org/units/{tree.province.pk}/new/", {"name": "越权单位", "kind": "city"})
    assert response.status_code == 404
    assert set(Unit.objects.values_list("pk", flat=True)) == before


def test_moving_into_another_subtree_is_refused_like_a_missing_destination(tree, city_admin, login):
    """The unit is in scope but the destination is not: answered exactly as for a destination that does not exist."""
    client = login(city_admin)
    unit = tree.other_town
    path = f"/org/units/{unit.pk}/move/"
    out_of_scope = client.post(path, {"new_parent": tree.sibling_city.pk})
    missing = client.post(path, {"new_parent": Targets.missing("unit")})
    unit.refresh_from_db()
    assert unit.parent_id == tree.county.pk
    assert out_of_scope.status_code == missing.status_code == 404
    for response in (out_of_scope, missing):
        assert "单位不存在或不在您的管理范围内" in response.content.decode()
    assert Unit.objects.get(pk=tree.sibling_city.pk).children.count() == 0
