"""The signed-in account, its person, unit, live grants and business roles in one query (ADR 0019), read afresh
on every request: a revoked, expired or not yet valid grant, and an edited or archived role, hold on the very
next request, whoever made the change (no process keeps identity between requests)."""

import datetime

from django.test import Client
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.access.models import Grant
from fenji.core.access.models import Role as RoleRow
from fenji.core.access.roles import STAFF
from fenji.core.access.services import grant_create, grant_revoke, role_create
from fenji.core.people import permissions as people_perms
from fenji.core.people.models import Account, Person
from fenji.core.people.signed_in import signed_in_account
from fenji.testing import PASSWORD, make_account

VIEWER = "identity_viewer"


def facts(actor):
    return sorted((g.grant_id, g.role.code, tuple(sorted(g.actions)), g.role.subsystem, g.unit_path, g.reach,
                   g.subsystem, g.valid_until) for g in actor.grants)


def test_the_account_and_its_live_grants_come_in_one_query_as_the_separate_reads_gave_them(
        tree, django_assert_num_queries):
    role_create(actor=policy.SYSTEM, code=VIEWER, label="账号查看", actions=[people_perms.ACCOUNT_VIEW])
    role_create(actor=policy.SYSTEM, code="retired_role", label="已停用角色", actions=[people_perms.ACCOUNT_VIEW])
    account = make_account(tree.county, name="身份测试", role=STAFF)
    now = timezone.now()
    for role, unit in ((VIEWER, tree.town), ("retired_role", tree.county), (STAFF.code, tree.town),
                       (VIEWER, tree.other_town), (VIEWER, tree.county)):
        grant_create(actor=policy.SYSTEM, account=account, role=role, unit=unit)
    RoleRow.objects.filter(code="retired_role").update(archived_at=timezone.now())
    grants = Grant.objects.unscoped(reason="test").filter(account=account)
    grants.filter(role=STAFF.code, unit=tree.town).update(revoked_at=now)
    grants.filter(unit=tree.other_town).update(valid_until=now - datetime.timedelta(seconds=1))  # expired
    grants.filter(role=VIEWER, unit=tree.county).update(valid_from=now + datetime.timedelta(hours=1))  # not yet
    grants.filter(role=VIEWER, unit=tree.town).update(valid_until=now + datetime.timedelta(days=1))

    with django_assert_num_queries(1):
        loaded = signed_in_account(account.pk)
        fast = policy.actor_for(loaded)
        assert (loaded.person.real_name, loaded.unit.name, loaded.mobile) == ("身份测试", tree.county.name,
                                                                             account.mobile)
    separate = policy.actor_for(Account.objects.unscoped(reason="test").get(pk=account.pk))
    assert facts(fast) == facts(separate)
    assert sorted((g.role.code, g.unit_path) for g in fast.grants) == [(VIEWER, tree.town.path),
                                                                       (STAFF.code, tree.county.path)]
    assert (fast.label, fast.unit_id, fast.unit_path, fast.kind) == (
        separate.label, separate.unit_id, separate.unit_path, separate.kind)
    # The session's check reads the same password hash and security stamp.
    assert loaded.get_session_auth_hash() == account.get_session_auth_hash()
    # Taken by the request's first actor; a later one reads the grants (and roles) again.
    with django_assert_num_queries(2):
        assert facts(policy.actor_for(loaded)) == facts(separate)
    assert signed_in_account(10**9) is None and signed_in_account("x") is None
    # The ID number is left out of the query and read on demand; saving what a request loaded writes each
    # blind index with its source.
    loaded = signed_in_account(account.pk)
    loaded.person.save()
    loaded.save()
    assert loaded.person.id_number == account.person.id_number
    assert Person.objects.get(pk=account.person_id).id_number_hash == account.person.id_number_hash
    assert Account.objects.get_by_natural_key(account.mobile).pk == account.pk


def test_a_revoked_expired_or_redefined_grant_stops_on_the_very_next_request(tree):
    role = role_create(actor=policy.SYSTEM, code=VIEWER, label="账号查看", actions=[people_perms.ACCOUNT_VIEW])
    account = make_account(tree.county, name="查看人")
    browser = Client()
    assert browser.post("/login/", {"mobile": account.mobile, "password": PASSWORD}).status_code == 302
    page = f"/people/accounts/?unit={tree.county.pk}"
    assert browser.get(page).status_code == 403

    def grant(unit, **validity):  # over the county: at the county, or above it (one live grant per unit)
        made = grant_create(actor=policy.SYSTEM, account=account, role=VIEWER, unit=unit)
        Grant.objects.unscoped(reason="test").filter(pk=made.pk).update(**validity)
        assert browser.get(page).status_code == 200
        return made

    grant_revoke(actor=policy.SYSTEM, grant=grant(tree.county), reason="调离")
    assert browser.get(page).status_code == 403
    # Expiry is compared with the time of each request: nothing has to be told that the time has come.
    expiring = grant(tree.city, valid_until=timezone.now() + datetime.timedelta(hours=1))
    Grant.objects.unscoped(reason="test").filter(pk=expiring.pk).update(
        valid_until=timezone.now() - datetime.timedelta(microseconds=1))
    assert browser.get(page).status_code == 403
    # The role's definition is read with the grant: edited, then archived.
    grant(tree.province)
    RoleRow.objects.filter(pk=role.pk).update(actions=["org.unit.view"])
    assert browser.get(page).status_code == 403
    RoleRow.objects.filter(pk=role.pk).update(actions=[people_perms.ACCOUNT_VIEW])
    assert browser.get(page).status_code == 200
    RoleRow.objects.filter(pk=role.pk).update(archived_at=timezone.now())
    assert browser.get(page).status_code == 403
