"""The workflow tests' fixtures: the personas of a request filed in 玄武区 (the county), their
counterparts in 苏州市 (the sibling), and the official calendar seeded for 2025–2026."""

from types import SimpleNamespace

import pytest

from fenji.core.access.roles import DEPT_HEAD, PERMISSION_ADMIN, STAFF, UNIT_LEADER
from fenji.core.audit.services import PLATFORM
from fenji.core.calendar import services as calendar
from fenji.testing import make_account

from .sample import SAMPLE  # noqa: F401  (registers the sample request type)


@pytest.fixture
def seeded(db):
    calendar.calendar_seed(actor=PLATFORM, first=2025, last=2026)


@pytest.fixture
def people(tree):
    county, sibling = tree.county, tree.sibling_city
    return SimpleNamespace(
        staff=make_account(county, name="玄武科员", role=STAFF),
        head=make_account(county, name="玄武处长", role=DEPT_HEAD),
        leader=make_account(county, name="玄武分管领导", role=UNIT_LEADER),
        executor=make_account(county, name="玄武权限管理员", role=PERMISSION_ADMIN),
        sibling_head=make_account(sibling, name="苏州处长", role=DEPT_HEAD),
        sibling_leader=make_account(sibling, name="苏州分管领导", role=UNIT_LEADER),
        nobody=make_account(sibling, name="苏州无授权"),
    )

