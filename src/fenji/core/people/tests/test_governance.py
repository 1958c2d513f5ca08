"""Account governance: idle staff accounts disabled after review (C2.4) and duty status changes that
clear a person's business permissions (C2.5, seed 004 §14)."""

import datetime
import io

import pytest
from django import forms
from django.utils import timezone
from openpyxl import load_workbook

from fenji.core.access import policy
from fenji.core.access.models import Grant
from fenji.core.access.roles import AUDITOR, DEPT_HEAD, STAFF
from fenji.core.access.services import grant_create, role_create
from fenji.core.audit.models import AuditEvent, Outcome
from fenji.core.kernel.errors import AccessDenied, DomainError
from fenji.core.people import selectors
from fenji.core.people.models import Account, AccountStatus, DutyStatus
from fenji.core.people.services import STALE_REVIEW, account_duty_status_set, account_stale_disable
from fenji.core.workflow import registry as workflow_registry
from fenji.core.workflow.models import Request
from fenji.testing import actor, make_account

if workflow_registry.get("staff.duty_change") is None:
    # The real type lives in console/requests.py; until it is registered, a stand-in with the same steps.
    class _NoFields(forms.Form):
        def __init__(self, *args, actor=None, unit=None, **kwargs):
            super().__init__(*args, **kwargs)

    workflow_registry.register(workflow_registry.RequestType(
        code="staff.duty_change", label="人员状态变动权限清理", form=_NoFields, file_action="workflow.request.file",
        steps=(
            workflow_registry.StepSpec("dept", "部门意见", "workflow.request.endorse", 3),
            workflow_registry.StepSpec("leader", "分管领导审批", "workflow.request.approve", 3),
            workflow_registry.StepSpec("admin", "权限管理员办理", "access.grant.revoke", 3,
                                       run=lambda **kwargs: "已办理"),
        ),
    ))


def accounts():
    return Account.objects.unscoped(reason="test")


def idle(account, days, *, logged_in=True):
    """Make ``account`` look idle for ``days`` days: last login then, or opened then and never logged in."""
    then = timezone.now() - datetime.timedelta(days=days)
    if logged_in:
        accounts().filter(pk=account.pk).update(last_login=then)
    else:
        accounts().filter(pk=account.pk).update(last_login=None, created_at=then)
    account.refresh_from_db()
    return account


def events(action, **filters):
    return AuditEvent.objects.filter(action=action, **filters)


# --- stale accounts (C2.4) -----------------------------------------------------------------------


def test_the_stale_list_holds_active_staff_idle_for_the_configured_days(tree, city_admin):
    recent = idle(make_account(tree.town, name="八十九天"), 89)
    old = idle(make_account(tree.town, name="九十一天"), 91)
    never_old = idle(make_account(tree.county, name="从未登录久"), 91, logged_in=False)
    never_new = idle(make_account(tree.county, name="从未登录新"), 10, logged_in=False)
    member = idle(make_account(tree.town, name="会员", kind="member"), 300)
    disabled = idle(make_account(tree.town, name="已停用"), 300)
    accounts().filter(pk=disabled.pk).update(status=AccountStatus.DISABLED)
    elsewhere = idle(make_account(tree.sibling_city, name="苏州久"), 300)

    listed = set(selectors.account_list_stale(actor=actor(city_admin)).values_list("pk", flat=True))
    assert listed == {old.pk, never_old.pk}
    assert not listed & {recent.pk, never_new.pk, member.pk, disabled.pk, elsewhere.pk}
    assert selectors.idle_days(old) == 91 and selectors.idle_days(never_old) == 91


def test_the_period_comes_from_the_setting(tree, city_admin, settings):
    settings.FENJI_STALE_ACCOUNT_DAYS = 30
    month = idle(make_account(tree.town, name="三十一天"), 31)
    assert list(selectors.account_list_stale(actor=actor(city_admin)).values_list("pk", flat=True)) == [month.pk]


def test_disabling_after_review_checks_each_account_again(tree, city_admin):
    first = idle(make_account(tree.town, name="甲"), 120)
    second = idle(make_account(tree.town, name="乙"), 120, logged_in=False)
    came_back = idle(make_account(tree.town, name="丙"), 120)
    listed = list(selectors.account_list_stale(actor=actor(city_admin)))
    assert {a.pk for a in listed} == {first.pk, second.pk, came_back.pk}
    accounts().filter(pk=came_back.pk).update(last_login=timezone.now())  # logged in while the page was open

    review = account_stale_disable(actor=actor(city_admin), accounts=listed, note="经单位核实，均已调离")

    assert {a.pk for a in review.disabled} == {first.pk, second.pk}
    assert [a.pk for a, _ in review.skipped] == [came_back.pk]
    for account in (first, second, came_back):
        account.refresh_from_db()
    assert first.status == second.status == AccountStatus.DISABLED
    assert first.status_reason == "超过90天未登录，经审核停用：经单位核实，均已调离"
    assert came_back.status == AccountStatus.ACTIVE
    # one event per account disabled, and the review itself
    disabled = events("people.account.disable", actor_id=city_admin.pk)
    assert sorted(disabled.values_list("target_id", flat=True)) == sorted([str(first.pk), str(second.pk)])
    record = events(STALE_REVIEW).get()
    assert record.actor_id == city_admin.pk and record.details["note"] == "经单位核实，均已调离"
    assert sorted(record.details["disabled"]) == sorted([first.pk, second.pk])
    assert record.details["skipped"] == [came_back.pk]


def test_a_review_needs_a_note(tree, city_admin):
    account = idle(make_account(tree.town), 120)
    with pytest.raises(DomainError, match="审核意见"):
        account_stale_disable(actor=actor(city_admin), accounts=[account], note="  ")
    account.refresh_from_db()
    assert account.is_active


def test_an_account_out_of_scope_refuses_the_whole_review(tree, city_admin):
    inside = idle(make_account(tree.town, name="南京久"), 120)
    outside = idle(make_account(tree.sibling_city, name="苏州久"), 120)
    with pytest.raises(AccessDenied):
        account_stale_disable(actor=actor(city_admin), accounts=[inside, outside], note="核实")
    assert accounts().filter(pk__in=[inside.pk, outside.pk], status=AccountStatus.ACTIVE).count() == 2
    assert not events("people.account.disable", outcome=Outcome.OK).exists() and not events(STALE_REVIEW).exists()
    assert events("people.account.disable", outcome=Outcome.DENIED, actor_id=city_admin.pk).count() == 1


def test_the_stale_page_lists_confirms_and_disables(tree, city_admin, login):
    stale = idle(make_account(tree.town, name="久未登录"), 100)
    fresh = idle(make_account(tree.town, name="常登录"), 5)
    client = login(city_admin)
    page = client.get("/people/accounts/stale/").content.decode()
    assert "久未登录" in page and "常登录" not in page and "审核后停用" in page
    assert f'name="account" value="{stale.pk}"' in page and ">100<" in page

    confirm = client.post("/people/accounts/stale/", {"account": [stale.pk]}).content.decode()
    assert "确定要停用以下 1 个" in confirm and 'role="alertdialog"' in confirm
    stale.refresh_from_db()
    assert stale.is_active
    no_note = client.post("/people/accounts/stale/", {"account": [stale.pk], "confirm": "1", "note": ""})
    assert no_note.status_code == 200 and "审核意见" in no_note.content.decode()
    stale.refresh_from_db()
    assert stale.is_active

    done = client.post("/people/accounts/stale/", {"account": [stale.pk], "confirm": "1", "note": "已退休"},
                       follow=True)
    assert "经审核已停用 1 个账号" in done.content.decode()
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert not stale.is_active and stale.status_reason.endswith("已退休") and fresh.is_active


def test_the_stale_page_answers_404_for_an_account_out_of_scope(tree, city_admin, login):
    outside = idle(make_account(tree.sibling_city, name="苏州久"), 100)
    client = login(city_admin)
    assert "苏州久" not in client.get("/people/accounts/stale/").content.decode()
    response = client.post("/people/accounts/stale/", {"account": [outside.pk], "confirm": "1", "note": "x"})
    assert response.status_code == 404
    outside.refresh_from_db()
    assert outside.is_active


def test_the_stale_list_exports_to_excel_and_the_export_is_audited(tree, city_admin, login):
    idle(make_account(tree.town, name="久未登录"), 100)
    idle(make_account(tree.county, name="从未登录"), 95, logged_in=False)
    response = login(city_admin).get("/people/accounts/stale/", {"format": "xlsx"})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][:2] == ("姓名", "手机号码") and len(rows) == 3
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["久未登录"][6] == 100 and by_name["从未登录"][5] == "从未登录"
    assert "****" in by_name["久未登录"][1]
    assert events("people.account.export", actor_id=city_admin.pk).get().details["rows"] == 2


def test_the_stale_page_refuses_those_without_the_right(tree, city_clerk, outsider, login):
    assert login(outsider).get("/people/accounts/stale/").status_code == 403
    client = login(city_clerk)  # a business clerk: no people.account.disable
    assert client.get("/people/accounts/stale/").status_code == 403


# --- duty status (C2.5) --------------------------------------------------------------------------


@pytest.fixture
def subject(tree):
    """A county staff member holding business grants (built-in and data-defined) and one administrator grant."""
    person = make_account(tree.county, name="被登记人", role=STAFF)
    grant_create(actor=policy.SYSTEM, account=person, role=DEPT_HEAD.code, unit=tree.county)
    role_create(actor=policy.SYSTEM, code="clerk", label="经办员", actions=["org.unit.view"])
    grant_create(actor=policy.SYSTEM, account=person, role="clerk", unit=tree.town)
    grant_create(actor=policy.SYSTEM, account=person, role=AUDITOR.code, unit=tree.county)
    return person


def live_roles(account):
    return set(Grant.objects.unscoped(reason="test").filter(account=account, revoked_at__isnull=True)
               .values_list("role", flat=True))


def test_investigation_revokes_every_business_grant_at_once_and_keeps_the_administrator_grant(subject,
                                                                                              city_admin):
    before = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    change = account_duty_status_set(actor=actor(city_admin), account=subject, status=DutyStatus.INVESTIGATION,
                                     since=datetime.date(2026, 5, 1), note="纪委立案调查")
    assert live_roles(subject) == {AUDITOR.code}
    revoked = Grant.objects.unscoped(reason="test").filter(account=subject, revoked_at__isnull=False)
    assert set(revoked.values_list("role", flat=True)) == {STAFF.code, DEPT_HEAD.code, "clerk"}
    assert all(g.revoke_reason == f"接受调查，立即收回业务权限（由{city_admin.display_label}登记）" for g in revoked)
    assert all(g.revoked_by_id == city_admin.pk for g in revoked)  # who registered it caused the revocation
    assert change.request is None and "安全审计员" in change.message and "管理员账户权限申请" in change.message
    subject.refresh_from_db()
    assert subject.duty_status == DutyStatus.INVESTIGATION and subject.duty_status_note == "纪委立案调查"
    assert subject.duty_status_since == datetime.date(2026, 5, 1)
    assert subject.is_active  # the account stays; its permissions go
    new = AuditEvent.objects.filter(seq__gt=before)
    assert new.filter(action="access.grant.revoke", actor_id=None).count() == 3
    update = new.get(action="people.account.update")
    assert update.actor_id == city_admin.pk and update.target_id == str(subject.pk)
    assert update.details["duty_status"] == {"before": "on_duty", "after": "investigation"}


def test_retirement_starts_a_permission_clearing_request(subject, city_admin, tree):
    change = account_duty_status_set(actor=actor(city_admin), account=subject, status=DutyStatus.RETIRED,
                                     since=None, note="2026年4月退休")
    request = Request.objects.unscoped(reason="test").get()
    assert change.request == request
    assert request.kind == "staff.duty_change" and request.unit_id == tree.county.pk
    assert request.requester_id == city_admin.pk
    assert request.subject_id == subject.pk
    assert {k: request.payload[k] for k in ("account", "status", "note")} == {
        "account": subject.pk, "status": "retired", "note": "2026年4月退休"}
    assert live_roles(subject) == {STAFF.code, DEPT_HEAD.code, "clerk", AUDITOR.code}  # revoked by the request
    subject.refresh_from_db()
    assert subject.duty_status == DutyStatus.RETIRED and subject.duty_status_since == timezone.localdate()
    assert events("people.account.update", target_id=str(subject.pk)).get().details["request"] == request.pk
    assert events("workflow.request.file", target_id=str(request.pk)).count() == 1


def test_a_duty_change_needs_a_note_scope_and_someone_else(subject, city_admin, sibling_admin, tree):
    with pytest.raises(DomainError, match="情况说明"):
        account_duty_status_set(actor=actor(city_admin), account=subject, status=DutyStatus.LEAVE, since=None,
                                note="")
    with pytest.raises(AccessDenied):
        account_duty_status_set(actor=actor(sibling_admin), account=subject, status=DutyStatus.INVESTIGATION,
                                since=None, note="调查")
    with pytest.raises(DomainError, match="本人"):
        account_duty_status_set(actor=actor(city_admin), account=city_admin, status=DutyStatus.LEAVE,
                                since=None, note="病假")
    member = make_account(tree.town, kind="member")
    with pytest.raises(DomainError, match="工作人员"):
        account_duty_status_set(actor=actor(city_admin), account=member, status=DutyStatus.OTHER, since=None,
                                note="其他")
    assert live_roles(subject) == {STAFF.code, DEPT_HEAD.code, "clerk", AUDITOR.code}
    assert not Request.objects.unscoped(reason="test").exists()
    subject.refresh_from_db()
    assert subject.duty_status == DutyStatus.ON_DUTY


def test_the_duty_section_confirms_before_it_revokes(subject, city_admin, login):
    client = login(city_admin)
    detail = client.get(f"/people/accounts/{subject.pk}/").content.decode()
    assert "人员状态" in detail and "接受调查将立即收回全部业务权限" in detail and "登记人员状态" in detail
    form = {"status": "investigation", "since": "2026-05-01", "note": "纪委立案调查"}
    confirm = client.post(f"/people/accounts/{subject.pk}/duty/", form).content.decode()
    assert 'role="alertdialog"' in confirm and "接受调查将立即收回全部业务权限" in confirm
    assert len(live_roles(subject)) == 4
    done = client.post(f"/people/accounts/{subject.pk}/duty/", {**form, "confirm": "1"}, follow=True)
    assert "已立即收回 3 项业务权限" in done.content.decode()
    assert live_roles(subject) == {AUDITOR.code}
    listing = client.get("/people/accounts/", {"q": "被登记人"}).content.decode()
    assert '<span class="badge badge-off">接受调查</span>' in listing


def test_the_duty_page_explains_the_request_for_other_changes(subject, city_admin, login):
    client = login(city_admin)
    confirm = client.post(f"/people/accounts/{subject.pk}/duty/",
                          {"status": "transferred", "note": "调往市局"}).content.decode()
    assert "将生成权限清理申请，经审批后由权限管理员办理" in confirm
    missing = client.post(f"/people/accounts/{subject.pk}/duty/", {"status": "transferred", "note": "",
                                                                    "confirm": "1"}).content.decode()
    assert "请填写情况说明" in missing
    assert not Request.objects.unscoped(reason="test").exists()


def test_the_duty_page_refuses_outsiders(subject, outsider, sibling_admin, login, client):
    assert login(outsider).get(f"/people/accounts/{subject.pk}/duty/").status_code == 403
    client.logout()
    sibling = login(sibling_admin)
    assert sibling.get(f"/people/accounts/{subject.pk}/duty/").status_code == 404
    response = sibling.post(f"/people/accounts/{subject.pk}/duty/",
                            {"status": "investigation", "note": "x", "confirm": "1"})
    assert response.status_code == 404
    assert len(live_roles(subject)) == 4
