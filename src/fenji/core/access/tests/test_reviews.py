"""Periodic reviews of the grant log (C4.3, seed 004 §9(四)): counted in the reviewed subtree and
period, recorded with findings, audited; only permission and security administrators record them."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.access.models import GrantReview
from fenji.core.access.roles import AUDITOR, PERMISSION_ADMIN, SECURITY_ADMIN, SYSTEM_ADMIN
from fenji.core.access.selectors import grant_log_summary, grant_review_list
from fenji.core.access.services import grant_create, grant_review_record, grant_revoke
from fenji.core.audit.models import AuditEvent
from fenji.core.kernel.errors import AccessDenied, DomainError
from fenji.testing import actor, make_account


def _days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


@pytest.fixture
def history(tree):
    """Grants in 南京市's subtree made 40 days ago (one revoked 10 days ago), one made today, and one
    in 苏州市 in the same period (outside the reviewed subtree)."""
    past = timezone.now() - datetime.timedelta(days=40)
    with time_machine.travel(past):
        kept = grant_create(actor=policy.SYSTEM, account=make_account(tree.town, name="甲"), role="operator",
                            unit=tree.town)
        revoked = grant_create(actor=policy.SYSTEM, account=make_account(tree.county, name="乙"), role="operator",
                               unit=tree.county)
        grant_create(actor=policy.SYSTEM, account=make_account(tree.sibling_city, name="丙"), role="operator",
                     unit=tree.sibling_city)
    with time_machine.travel(timezone.now() - datetime.timedelta(days=10)):
        grant_revoke(actor=policy.SYSTEM, grant=revoked, reason="调离")
    today = grant_create(actor=policy.SYSTEM, account=make_account(tree.town, name="丁"), role="operator",
                         unit=tree.town)
    return {"kept": kept, "revoked": revoked, "today": today}


@pytest.fixture
def reviewer(tree):
    return make_account(tree.city, name="南京权限管理员", role=PERMISSION_ADMIN)


def test_the_review_actions_belong_to_the_permission_and_security_administrators():
    assert "access.grant.review" in PERMISSION_ADMIN.actions
    assert "access.grant.review" in SECURITY_ADMIN.actions
    assert "access.grant.review" not in AUDITOR.actions and "access.grant.review" not in SYSTEM_ADMIN.actions


def test_the_summary_counts_grants_made_or_revoked_in_the_period_within_the_subtree(tree, history, reviewer):
    whole = grant_log_summary(actor=actor(reviewer), unit_path=tree.city.path, start=_days_ago(45), end=_days_ago(0))
    # made: kept, revoked (40 days ago) and today's; revoked: one; touched: three (+ the reviewer's own grant)
    assert whole["revoked"] == 1
    assert whole["created"] == whole["reviewed"]
    first_month = grant_log_summary(actor=actor(reviewer), unit_path=tree.city.path, start=_days_ago(45),
                                    end=_days_ago(30))
    assert first_month == {"created": 2, "revoked": 0, "reviewed": 2}
    revocations = grant_log_summary(actor=actor(reviewer), unit_path=tree.city.path, start=_days_ago(15),
                                    end=_days_ago(5))
    assert revocations == {"created": 0, "revoked": 1, "reviewed": 1}
    town = grant_log_summary(actor=actor(reviewer), unit_path=tree.town.path, start=_days_ago(45), end=_days_ago(30))
    assert town == {"created": 1, "revoked": 0, "reviewed": 1}


def test_recording_a_review_stores_the_counts_and_is_audited(tree, history, reviewer):
    review = grant_review_record(actor=actor(reviewer), unit=tree.city, period_start=_days_ago(45),
                                 period_end=_days_ago(5), findings="  离岗人员权限已及时收回，未发现越权授权。 ")
    review.refresh_from_db()
    assert (review.grants_created, review.grants_revoked, review.grants_reviewed) == (2, 1, 2)
    assert review.reviewer_id == reviewer.pk and review.unit_path == tree.city.path
    assert review.findings == "离岗人员权限已及时收回，未发现越权授权。"
    event = AuditEvent.objects.filter(action="access.grant.review").get()
    assert event.actor_id == reviewer.pk and event.target_id == str(review.pk)
    assert event.details["created"] == 2 and event.details["revoked"] == 1
    assert event.target_unit_path == tree.city.path


def test_a_review_needs_the_review_action_in_scope(tree, reviewer, city_admin):
    with pytest.raises(AccessDenied):  # a system administrator does not review grants (三员)
        grant_review_record(actor=actor(city_admin), unit=tree.city, period_start=_days_ago(30), period_end=_days_ago(1),
                            findings="无")
    with pytest.raises(AccessDenied):  # nor does a reviewer outside their subtree
        grant_review_record(actor=actor(reviewer), unit=tree.sibling_city, period_start=_days_ago(30),
                            period_end=_days_ago(1), findings="无")
    assert not GrantReview.objects.unscoped(reason="test").exists()
    assert AuditEvent.objects.filter(action="access.grant.review", outcome="denied").count() == 2


@pytest.mark.parametrize("start, end, findings, message", [
    (10, 1, "", "请填写审查发现"),
    (1, 10, "无", "结束日期不能早于开始日期"),
    (1, -1, "无", "不能晚于今天"),
])
def test_a_review_is_validated(tree, reviewer, start, end, findings, message):
    with pytest.raises(DomainError, match=message):
        grant_review_record(actor=actor(reviewer), unit=tree.city, period_start=_days_ago(start),
                            period_end=_days_ago(end), findings=findings)


def test_reviews_are_listed_in_scope_only(tree, reviewer):
    grant_review_record(actor=actor(reviewer), unit=tree.county, period_start=_days_ago(30), period_end=_days_ago(1),
                        findings="玄武区无问题")
    sibling = make_account(tree.sibling_city, name="苏州权限管理员", role=PERMISSION_ADMIN)
    grant_review_record(actor=actor(sibling), unit=tree.sibling_city, period_start=_days_ago(30),
                        period_end=_days_ago(1), findings="苏州无问题")
    auditor = make_account(tree.province, name="省审计员", role=AUDITOR)
    assert [r.findings for r in grant_review_list(actor=actor(reviewer))] == ["玄武区无问题"]
    assert {r.findings for r in grant_review_list(actor=actor(auditor))} == {"玄武区无问题", "苏州无问题"}


# --- the page --------------------------------------------------------------------------------------


def test_the_page_shows_the_summary_first_then_records_the_review(tree, history, reviewer, login):
    client = login(reviewer)
    blank = client.get("/ledgers/reviews/new/")
    assert blank.status_code == 200 and blank.context["summary"] is None
    period = {"unit": tree.city.pk, "period_start": _days_ago(45).isoformat(), "period_end": _days_ago(30).isoformat()}
    preview = client.get("/ledgers/reviews/new/", period)
    assert preview.status_code == 200
    assert preview.context["summary"]["created"] == 2 and preview.context["summary"]["revoked"] == 0
    assert "新增授权 2 条，撤销授权 0 条" in preview.content.decode()
    assert not GrantReview.objects.unscoped(reason="test").exists()
    refused = client.post("/ledgers/reviews/new/", {**period, "findings": ""})
    assert refused.status_code == 200 and "请填写审查发现" in refused.content.decode()
    done = client.post("/ledgers/reviews/new/", {**period, "findings": "未发现问题"})
    assert done.status_code == 302 and done["Location"] == "/ledgers/reviews/"
    review = GrantReview.objects.unscoped(reason="test").get()
    assert review.grants_created == 2 and review.reviewer_id == reviewer.pk
    listing = client.get("/ledgers/reviews/").content.decode()
    assert "未发现问题" in listing and "南京权限管理员" in listing


def test_the_page_refuses_a_unit_outside_the_scope_and_the_other_duties(tree, reviewer, city_admin, login):
    client = login(reviewer)
    assert client.get("/ledgers/reviews/new/", {"unit": tree.sibling_city.pk, "period_start": _days_ago(9),
                                                "period_end": _days_ago(1)}).status_code == 404
    assert client.post("/ledgers/reviews/new/", {"unit": tree.province.pk, "period_start": _days_ago(9),
                                                 "period_end": _days_ago(1), "findings": "越级"}).status_code == 404
    assert login(city_admin).get("/ledgers/reviews/new/").status_code == 403
