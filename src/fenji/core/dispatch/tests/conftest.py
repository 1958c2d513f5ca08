"""Dispatch personas on the shared tree:

    江苏省 (province: 省办公厅 dept_head) ── 南京市 (city dept_head) ── 玄武区 ── 新街口街道 / 梅园新村街道
                                        └─ 苏州市 (sibling)

Each receiving unit has one staff clerk (the handler) and the towns a member (no grant: not a handler).
"""

import pytest

from fenji.core.access import policy
from fenji.core.access.roles import DEPT_HEAD, STAFF
from fenji.testing import make_account


class People:
    def __init__(self, tree):
        self.province_head = make_account(tree.province, name="省办主任", role=DEPT_HEAD)
        self.city_head = make_account(tree.city, name="市办主任", role=DEPT_HEAD)
        self.city_clerk = make_account(tree.city, name="市收文员", role=STAFF)
        self.sibling_clerk = make_account(tree.sibling_city, name="苏州收文员", role=STAFF)
        self.county_clerk = make_account(tree.county, name="区收文员", role=STAFF)
        self.town_clerk = make_account(tree.town, name="新街口收文员", role=STAFF)
        self.other_clerk = make_account(tree.other_town, name="梅园收文员", role=STAFF)
        self.town_member = make_account(tree.town, name="街道会员", kind="member")


@pytest.fixture
def people(tree):
    return People(tree)


def as_actor(account):
    return policy.actor_for(account)
