"""The demo builds under every profile: its personas hold one role each, and no duty rule of the
profile (三员; 账户/权限/操作员 where the profile says so; per-unit limits; town administrators) refuses one."""

import pytest

from fenji.core.access import rules
from fenji.core.access.checks import exclusive_duties_hold
from fenji.core.access.models import Grant
from fenji.core.people.bootstrap import DEMO_PEOPLE, build_demo


@pytest.mark.parametrize("profile", sorted(rules.rules_by_profile()))
def test_the_demo_builds_under_every_profile(db, settings, profile):
    settings.FENJI_PROFILE = profile
    build_demo(password="Demo#2026profiles")
    granted = set(Grant.objects.unscoped(reason="test").filter(revoked_at__isnull=True)
                  .values_list("account__mobile", "role"))
    assert granted == {(mobile, role.code) for _, _, mobile, *_, role, _ in DEMO_PEOPLE if role is not None}
    assert exclusive_duties_hold(None) == []
