"""Every profile's own demo builds under its own duty rules: its tree of the profile's unit kinds, its
personas holding one role each, administrators with their fixed second factor, and no duty rule of the
profile (三员; 账户/权限/操作员 where the profile says so; per-unit limits; town administrators) refused."""

import importlib

import pytest

from fenji.core.access.checks import exclusive_duties_hold
from fenji.core.access.models import Grant
from fenji.core.kernel import profiles
from fenji.core.kernel.errors import DomainError
from fenji.core.mfa import services as mfa
from fenji.core.org.models import Unit
from fenji.core.people.bootstrap import DEMO_PEOPLE
from fenji.core.people.models import Account

PASSWORD = "Demo#2026profiles"


def demo_people(profile):
    if profile.name == "default":
        return DEMO_PEOPLE
    return importlib.import_module(f"fenji.modules.{profile.name}.demo").PEOPLE


@pytest.mark.parametrize("name", profiles.names())
def test_each_profile_builds_its_own_demo_under_its_own_rules(db, settings, name):
    settings.FENJI_PROFILE = name
    profile = profiles.active()
    logins = profile.demo(password=PASSWORD)
    people = demo_people(profile)
    granted = set(Grant.objects.unscoped(reason="test").filter(revoked_at__isnull=True)
                  .values_list("account__mobile", "role"))
    assert granted == {(row[2], row[6].code) for row in people if row[6] is not None}
    assert exclusive_duties_hold(None) == []
    # The tree is made of the profile's kinds, under one root; the personas sit where the demo says.
    kinds = {kind.code for kind in profile.unit_kinds}
    assert set(Unit.objects.values_list("kind", flat=True)) <= kinds
    assert Unit.objects.filter(parent__isnull=True).count() == 1
    accounts = Account.objects.unscoped(reason="test").select_related("unit")
    personas = {row[2] for row in people}
    assert {(a.mobile, a.unit.code, a.kind) for a in accounts if a.mobile in personas} == {
        (row[2], row[3], row[4]) for row in people}
    # the modules' demo content adds members and elders (mobile-only accounts, no grant), never staff
    assert all(a.kind != "staff" and not a.grants.unscoped(reason="test").exists()
               for a in accounts if a.mobile not in personas)
    assert {a.kind for a in accounts} <= set(profile.account_kinds)
    # The top system administrator signs in with the printed, fixed second factor.
    top = logins[0]
    assert top.totp_secret == mfa.demo_secret(top.mobile)
    assert accounts.get(mobile=top.mobile).unit.parent_id is None
    assert Grant.objects.unscoped(reason="test").filter(account__mobile=top.mobile, role="system_admin").exists()


@pytest.mark.parametrize("name", [n for n in profiles.names() if n != "default"])
def test_a_profile_demo_is_idempotent_and_keeps_out_of_another_tree(db, settings, name):
    settings.FENJI_PROFILE = name
    profile = profiles.active()
    profile.demo(password=PASSWORD)
    counts = (Unit.objects.count(), Account.objects.unscoped(reason="test").count(),
              Grant.objects.unscoped(reason="test").count())
    profile.demo(password=PASSWORD)
    assert (Unit.objects.count(), Account.objects.unscoped(reason="test").count(),
            Grant.objects.unscoped(reason="test").count()) == counts
    other = next(p for p in profiles.all_profiles() if p.name not in (name, "default"))
    settings.FENJI_PROFILE = other.name
    with pytest.raises(DomainError, match="已有其他根单位"):
        other.demo(password=PASSWORD)


def test_the_demos_use_distinct_mobile_numbers():
    mobiles = [row[2] for profile in profiles.all_profiles() for row in demo_people(profile)]
    assert len(mobiles) == len(set(mobiles))
