"""Duty rules (C3) through the service layer: each refusal names its rule and is audited once."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.access.models import DutyHold, Grant, Reach
from fenji.core.access.roles import (
    ACCOUNT_ADMIN,
    AUDITOR,
    OPERATOR,
    PERMISSION_ADMIN,
    SECURITY_ADMIN,
    STAFF,
    SYSTEM_ADMIN,
)
from fenji.core.access.services import RuleViolation, grant_create, grant_revoke, role_create
from fenji.core.audit.models import AuditEvent
from fenji.core.kernel.errors import AccessDenied, DomainError
from fenji.core.org.models import UnitKind
from fenji.core.org.services import unit_create
from fenji.core.people.services import account_open
from fenji.testing import actor, make_account


@pytest.fixture
def security(tree):
    """The province's security-secrecy administrator: the one who grants."""
    return make_account(tree.province, name="省保密员", role=SECURITY_ADMIN)


def live(**filters):
    return Grant.objects.unscoped(reason="test").filter(revoked_at__isnull=True, **filters)


def denials(rule):
    return AuditEvent.objects.filter(outcome="denied", details__rule=rule)


def test_security_admin_grants_within_the_subtree(tree, security):
    clerk = make_account(tree.county)
    grant = grant_create(actor=actor(security), account=clerk, role=SYSTEM_ADMIN.code, unit=tree.county)
    assert grant.granted_by_id == security.pk and grant.slot == 1
    assert policy.can(actor(clerk), "org.unit.create", tree.town.path)
    assert not policy.can(actor(clerk), "org.unit.create", tree.city.path)
    assert AuditEvent.objects.filter(action="access.grant.create", outcome="ok", target_id=str(grant.pk)).exists()


SANYUAN = "三员分设，系统管理、安全保密、安全审计职责不得由一人兼任"
SEED_004_6 = "账户管理员、权限管理员、操作员分别由专人担任，不得相互兼任"

# (held, asked, rule, why): whoever holds ``held`` is refused ``asked`` by ``rule`` with the message
# "<name>" + why. The API tests (tests/test_api.py) walk the same table through POST /api/v1/grants.
EXCLUSIVE_PAIRS = [
    (SYSTEM_ADMIN, SECURITY_ADMIN, "sanyuan",
     f"已担任系统管理员（系统管理职责），不能再担任安全保密管理员（安全保密职责）：{SANYUAN}"),
    (SECURITY_ADMIN, AUDITOR, "sanyuan",
     f"已担任安全保密管理员（安全保密职责），不能再担任安全审计员（安全审计职责）：{SANYUAN}"),
    (AUDITOR, SYSTEM_ADMIN, "sanyuan",
     f"已担任安全审计员（安全审计职责），不能再担任系统管理员（系统管理职责）：{SANYUAN}"),
    # the sub-roles carry their parent's duty (issue 12 §1: each of these four was once accepted)
    (SYSTEM_ADMIN, PERMISSION_ADMIN, "sanyuan",
     f"已担任系统管理员（系统管理职责），不能再担任权限管理员（安全保密职责）：{SANYUAN}"),
    (ACCOUNT_ADMIN, AUDITOR, "sanyuan",
     f"已担任账户管理员（系统管理职责），不能再担任安全审计员（安全审计职责）：{SANYUAN}"),
    (PERMISSION_ADMIN, SYSTEM_ADMIN, "sanyuan",
     f"已担任权限管理员（安全保密职责），不能再担任系统管理员（系统管理职责）：{SANYUAN}"),
    (AUDITOR, ACCOUNT_ADMIN, "sanyuan",
     f"已担任安全审计员（安全审计职责），不能再担任账户管理员（系统管理职责）：{SANYUAN}"),
    (ACCOUNT_ADMIN, PERMISSION_ADMIN, "sanyuan",  # system and security duty: 三员 first
     f"已担任账户管理员（系统管理职责），不能再担任权限管理员（安全保密职责）：{SANYUAN}"),
    (PERMISSION_ADMIN, OPERATOR, "account_permission_operator",
     f"已担任权限管理员（权限管理职责），不能再担任操作员（业务操作职责）：{SEED_004_6}"),
    (OPERATOR, ACCOUNT_ADMIN, "account_permission_operator",
     f"已担任操作员（业务操作职责），不能再担任账户管理员（账户管理职责）：{SEED_004_6}"),
    (SYSTEM_ADMIN, OPERATOR, "account_permission_operator",  # the system duty opens accounts (seed 004 §6)
     f"已担任系统管理员（账户管理职责），不能再担任操作员（业务操作职责）：{SEED_004_6}"),
    (STAFF, SECURITY_ADMIN, "account_permission_operator",  # the security duty grants
     f"已担任工作人员（业务操作职责），不能再担任安全保密管理员（权限管理职责）：{SEED_004_6}"),
]


@pytest.mark.parametrize("first, second, rule, why", EXCLUSIVE_PAIRS,
                         ids=[f"{held.code}-{asked.code}" for held, asked, *_ in EXCLUSIVE_PAIRS])
def test_one_person_never_holds_two_exclusive_duties(tree, security, first, second, rule, why):
    person = make_account(tree.county, name="兼任者")
    grant_create(actor=actor(security), account=person, role=first.code, unit=tree.county)
    with pytest.raises(RuleViolation) as refused:
        grant_create(actor=actor(security), account=person, role=second.code, unit=tree.county)
    assert (refused.value.rule, refused.value.message) == (f"exclusive:{rule}", f"兼任者{why}")
    assert not live(account=person, role=second.code).exists()
    assert denials(f"exclusive:{rule}").count() == 1


def test_exclusive_duties_hold_across_units_and_at_the_database(tree, security):
    person = make_account(tree.city, name="兼任者")
    grant_create(actor=actor(security), account=person, role=SYSTEM_ADMIN.code, unit=tree.city)
    with pytest.raises(RuleViolation):
        grant_create(actor=actor(security), account=person, role=AUDITOR.code, unit=tree.town)
    with pytest.raises(IntegrityError), transaction.atomic():
        DutyHold.objects.create(account=person, rule="sanyuan", duty="audit")


def test_at_most_two_system_administrators_per_unit(tree, security):
    admins = [make_account(tree.county, name=f"管理员{n}") for n in range(3)]
    for admin in admins[:2]:
        grant_create(actor=actor(security), account=admin, role=SYSTEM_ADMIN.code, unit=tree.county)
    with pytest.raises(RuleViolation, match="最多 2 名") as refused:
        grant_create(actor=actor(security), account=admins[2], role=SYSTEM_ADMIN.code, unit=tree.county)
    assert refused.value.rule == "per_unit_limit"
    assert live(unit=tree.county, role=SYSTEM_ADMIN.code).count() == 2
    # the database holds the limit too: a second row in an occupied seat is refused
    with pytest.raises(IntegrityError), transaction.atomic():
        Grant.objects.create(account=admins[2], role=SYSTEM_ADMIN.code, unit=tree.county,
                             unit_path=tree.county.path, slot=1)


def test_revoking_frees_the_seat_and_the_duty(tree, security):
    admins = [make_account(tree.county, name=f"管理员{n}") for n in range(3)]
    first = grant_create(actor=actor(security), account=admins[0], role=SYSTEM_ADMIN.code, unit=tree.county)
    grant_create(actor=actor(security), account=admins[1], role=SYSTEM_ADMIN.code, unit=tree.county)
    with pytest.raises(DomainError, match="撤销原因"):
        grant_revoke(actor=actor(security), grant=first, reason="")
    grant_revoke(actor=actor(security), grant=first, reason="调离")
    third = grant_create(actor=actor(security), account=admins[2], role=SYSTEM_ADMIN.code, unit=tree.county)
    assert third.slot == 1
    grant_create(actor=actor(security), account=admins[0], role=AUDITOR.code, unit=tree.county)  # duty released


def test_account_administrators_are_an_a_b_pair(tree, security):
    pair = [make_account(tree.county, name=f"账户管理员{n}") for n in range(3)]
    grants = [grant_create(actor=actor(security), account=a, role=ACCOUNT_ADMIN.code, unit=tree.county)
              for a in pair[:2]]
    assert [g.seat_label for g in grants] == ["A角", "B角"]
    with pytest.raises(RuleViolation, match="最多 2 名"):
        grant_create(actor=actor(security), account=pair[2], role=ACCOUNT_ADMIN.code, unit=tree.county)


def test_towns_have_no_account_or_permission_administrators(tree, security):
    clerk = make_account(tree.town)
    for role in (ACCOUNT_ADMIN, PERMISSION_ADMIN):
        with pytest.raises(RuleViolation, match="乡镇不设账户管理员、权限管理员") as refused:
            grant_create(actor=actor(security), account=clerk, role=role.code, unit=tree.town)
        assert refused.value.rule == "not_at_kind"
    # the county's administrator configures the town instead: its grant covers the town
    county_admin = make_account(tree.county)
    grant_create(actor=actor(security), account=county_admin, role=ACCOUNT_ADMIN.code, unit=tree.county)
    assert policy.can(actor(county_admin), "people.account.open", tree.town.path)


def test_system_administrators_cannot_grant(tree, city_admin):
    clerk = make_account(tree.county)
    with pytest.raises(AccessDenied, match="授予权限") as refused:
        grant_create(actor=actor(city_admin), account=clerk, role=STAFF.code, unit=tree.county)
    assert refused.value.rule == "no_grant"
    assert denials("no_grant").count() == 1


def test_security_administrators_cannot_create_units_or_accounts(tree, security):
    with pytest.raises(AccessDenied, match="新建单位"):
        unit_create(actor=actor(security), parent=tree.city, name="新区", kind=UnitKind.COUNTY)
    with pytest.raises(AccessDenied, match="开设账号"):
        account_open(actor=actor(security), unit=tree.town, real_name="某人", mobile="13912340000",
                     id_number="11010519491231002X", kind="member")


def test_auditors_change_nothing(tree, security):
    auditor = make_account(tree.province, name="审计员")
    grant_create(actor=actor(security), account=auditor, role=AUDITOR.code, unit=tree.province)
    auditor_actor = actor(auditor)
    assert policy.can(auditor_actor, "audit.event.view", tree.town.path)
    writes = [code for code in {a for g in auditor_actor.grants for a in g.actions}
              if not code.endswith((".view",))]
    assert writes == []


def test_no_grant_above_or_beside_ones_own(tree):
    city_security = make_account(tree.city, name="南京保密员", role=SECURITY_ADMIN)
    sibling_clerk = make_account(tree.sibling_city)
    with pytest.raises(AccessDenied) as refused:
        grant_create(actor=actor(city_security), account=sibling_clerk, role=STAFF.code, unit=tree.sibling_city)
    assert refused.value.rule == "out_of_scope"
    province_clerk = make_account(tree.province)
    with pytest.raises(AccessDenied):
        grant_create(actor=actor(city_security), account=province_clerk, role=STAFF.code, unit=tree.province)


def test_a_permission_administrator_delegates_only_its_own_kinds(tree, security):
    permission_admin = make_account(tree.city, name="权限管理员")
    grant_create(actor=actor(security), account=permission_admin, role=PERMISSION_ADMIN.code, unit=tree.city)
    clerk = make_account(tree.county)
    grant_create(actor=actor(permission_admin), account=clerk, role=OPERATOR.code, unit=tree.county)
    other = make_account(tree.county)
    with pytest.raises(RuleViolation) as refused:
        grant_create(actor=actor(permission_admin), account=other, role=SYSTEM_ADMIN.code, unit=tree.county)
    assert refused.value.rule == "ceiling"


def test_reach_and_validity_never_exceed_the_granters(tree):
    now = timezone.now()
    unit_security = make_account(tree.city, name="限本级保密员")
    grant_create(actor=policy.SYSTEM, account=unit_security, role=SECURITY_ADMIN.code, unit=tree.city,
                 reach=Reach.UNIT, valid_until=now + datetime.timedelta(days=30))
    clerk = make_account(tree.city)
    with pytest.raises(RuleViolation) as refused:
        grant_create(actor=actor(unit_security), account=clerk, role=STAFF.code, unit=tree.city)
    assert refused.value.rule == "ceiling"
    grant = grant_create(actor=actor(unit_security), account=clerk, role=STAFF.code, unit=tree.city,
                         reach=Reach.UNIT, valid_until=now + datetime.timedelta(days=365))
    assert grant.valid_until <= now + datetime.timedelta(days=30)


def test_nobody_grants_to_themselves(tree, security):
    with pytest.raises(RuleViolation, match="不能给自己授权"):
        grant_create(actor=actor(security), account=security, role=STAFF.code, unit=tree.province)


def test_administrative_roles_only_for_staff(tree, security, town_member):
    with pytest.raises(RuleViolation, match="只能授予工作人员账号"):
        grant_create(actor=actor(security), account=town_member, role=SYSTEM_ADMIN.code, unit=tree.town)


def test_grants_stay_in_the_grantees_subtree(tree, security):
    clerk = make_account(tree.town)
    with pytest.raises(RuleViolation, match="被授权人所在单位或其下级单位"):
        grant_create(actor=actor(security), account=clerk, role=STAFF.code, unit=tree.county)


def test_approver_is_not_the_requester(tree, security):
    clerk = make_account(tree.county)
    requester = make_account(tree.county)
    with pytest.raises(RuleViolation, match="审批人不能是申请人本人"):
        grant_create(actor=actor(security), account=clerk, role=STAFF.code, unit=tree.county,
                     requested_by=requester, approved_by=requester)


def test_business_roles_as_data(tree, security):
    with pytest.raises(DomainError, match="未知子系统：团费"):  # a subsystem is declared by a live module
        role_create(actor=actor(security), code="dues_clerk", label="团费管理员", actions=["org.unit.view"],
                    subsystem="团费")
    role = role_create(actor=actor(security), code="dues_clerk", label="团费管理员", actions=["org.unit.view"])
    clerk = make_account(tree.county)
    grant_create(actor=actor(security), account=clerk, role=role.code, unit=tree.county)
    assert policy.can(actor(clerk), "org.unit.view", tree.town.path)
    with pytest.raises(RuleViolation, match="业务角色不能包含管理权限"):
        role_create(actor=actor(security), code="sneaky", label="夹带", actions=["org.unit.create"])
    with pytest.raises(AccessDenied):
        role_create(actor=actor(clerk), code="x", label="x", actions=["org.unit.view"])


def test_revoked_and_expired_grants_stop_working(tree, security):
    clerk = make_account(tree.county)
    grant = grant_create(actor=actor(security), account=clerk, role=SYSTEM_ADMIN.code, unit=tree.county)
    grant_revoke(actor=actor(security), grant=grant, reason="离岗")
    assert not policy.can(actor(clerk), "org.unit.view", tree.county.path)
    temp = make_account(tree.county)
    Grant.objects.create(account=temp, role=STAFF.code, unit=tree.county, unit_path=tree.county.path,
                         valid_until=timezone.now() - datetime.timedelta(minutes=1))
    assert not policy.can(actor(temp), "org.unit.view", tree.county.path)


def test_a_refusal_inside_a_write_leaves_nothing_but_its_record(tree, security):
    before = (Grant.objects.unscoped(reason="test").count(), DutyHold.objects.count())
    person = make_account(tree.county)
    grant_create(actor=actor(security), account=person, role=SYSTEM_ADMIN.code, unit=tree.county)
    others = [make_account(tree.county) for _ in range(2)]
    grant_create(actor=actor(security), account=others[0], role=SYSTEM_ADMIN.code, unit=tree.county)
    with pytest.raises(RuleViolation):
        grant_create(actor=actor(security), account=others[1], role=SYSTEM_ADMIN.code, unit=tree.county)
    # the refused grant claimed its duty before the seat check failed: both rolled back
    assert not DutyHold.objects.filter(account=others[1]).exists()
    assert Grant.objects.unscoped(reason="test").count() == before[0] + 2
    assert denials("per_unit_limit").count() == 1


def test_unscoped_queries_fail_closed(tree):
    from fenji.core.kernel.scoping import UnscopedQuery
    from fenji.core.people.models import Account

    with pytest.raises(UnscopedQuery):
        list(Grant.objects.all())
    with pytest.raises(UnscopedQuery):
        Account.objects.filter(kind="staff").count()
    with pytest.raises(ValueError):
        Account.objects.unscoped(reason=" ")
    assert Account.objects.unscoped(reason="test").count() >= 0



def test_nobody_revokes_their_own_grant(tree, security):
    peer = make_account(tree.province, name="同级保密员", role=SECURITY_ADMIN)
    own = Grant.objects.unscoped(reason="test").get(account=security, role=SECURITY_ADMIN.code)
    with pytest.raises(RuleViolation, match="不能撤销自己的授权"):
        grant_revoke(actor=actor(security), grant=own, reason="自行退出")
    grant_revoke(actor=actor(peer), grant=own, reason="调离")


def test_validity_must_lie_in_the_future(tree, security):
    clerk = make_account(tree.county)
    with pytest.raises(DomainError, match="有效期必须晚于当前时间"):
        grant_create(actor=actor(security), account=clerk, role=STAFF.code, unit=tree.county,
                     valid_until=timezone.now() - datetime.timedelta(days=1))


def test_business_roles_are_defined_at_the_top_and_read_no_logs(tree, security):
    city_security = make_account(tree.city, name="南京保密员", role=SECURITY_ADMIN)
    with pytest.raises(RuleViolation, match="最上级单位"):
        role_create(actor=actor(city_security), code="x", label="x", actions=["org.unit.view"])
    for forbidden in ("audit.event.view", "access.grant.view"):
        with pytest.raises(RuleViolation, match="业务角色不能包含管理权限"):
            role_create(actor=actor(security), code="peek", label="偷看", actions=[forbidden])
    role = role_create(actor=actor(security), code="reader", label="查阅员",
                       actions=["org.unit.view", "people.account.view"])
    assert set(role.actions) == {"org.unit.view", "people.account.view"}

