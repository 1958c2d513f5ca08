"""List pages cost the same number of queries whatever the number of rows: no query per row.

Each case renders one page with 5 rows, then with 25 (list pages show at most 20 of them), and
compares the queries the two requests ran. A page that looks something up per row (a lazy foreign
key in the template, ``Grant.role_label`` on a business role, a count per child unit) fails here.
"""

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fenji.core.access import policy
from fenji.core.access.roles import AUDITOR, SECURITY_ADMIN, STAFF, SYSTEM_ADMIN
from fenji.core.access.services import grant_create, role_create
from fenji.core.org.models import UnitKind
from fenji.core.org.services import unit_create
from fenji.testing import actor, make_account

MARK = "样本行"  # every row the cases add carries this in its name


@dataclass(frozen=True)
class Case:
    name: str
    viewer_role: object  # the role of the account at 南京市 that views the page

    def url(self, tree) -> str:
        county = tree.county.pk
        return {
            "people:accounts": f"{reverse('people:accounts')}?unit={county}",
            "grants:list": f"{reverse('grants:list')}?unit={county}",
            "grants:registry": reverse("grants:registry"),
            "org:unit": reverse("org:unit", args=[county]),
            "org:children": reverse("org:children", args=[county]),
        }[self.name]

    def grow(self, tree, viewer, start: int, count: int) -> None:
        for n in range(start, start + count):
            label = f"{MARK}{n:02d}"
            if self.name in ("org:unit", "org:children"):
                unit = unit_create(actor=policy.SYSTEM, parent=tree.county, name=label, kind=UnitKind.TOWN)
                make_account(unit, name=f"{label}人员")  # something for the per-child account counts to count
            elif self.name == "people:accounts":
                make_account((tree.town, tree.other_town, tree.county)[n % 3], name=label,
                             kind=("staff", "member", "elder")[n % 3])
            elif self.name == "grants:list":
                # Built-in and business roles alternate: a business role's label must not cost a query per row.
                unit = (tree.town, tree.other_town, tree.county)[n % 3]
                grant_create(actor=actor(viewer), account=make_account(unit, name=label),
                             role=("staff", "stats_clerk", "hr_clerk")[n % 3], unit=unit)
            elif self.name == "grants:registry":
                unit = (tree.town, tree.other_town, tree.county)[n % 3]
                grant_create(actor=actor(viewer), account=make_account(unit, name=label),
                             role=(AUDITOR, SECURITY_ADMIN)[n % 2].code, unit=unit)


CASES = [
    Case("people:accounts", SYSTEM_ADMIN),
    Case("grants:list", SECURITY_ADMIN),
    Case("grants:registry", SECURITY_ADMIN),
    Case("org:unit", SYSTEM_ADMIN),
    Case("org:children", SYSTEM_ADMIN),
]


def _queries(client, url) -> tuple[int, str]:
    # both measurements compute the menu's to-do counts afresh (they are kept between writes): the rows'
    # cost is what is compared, not whether the second request found the counts kept
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries), response.content.decode()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_list_page_does_not_query_per_row(case, tree, login):
    viewer = make_account(tree.city, name="查看人", role=case.viewer_role)
    for code, label in (("stats_clerk", "统计员"), ("hr_clerk", "人事员")):
        role_create(actor=policy.SYSTEM, code=code, label=label, actions=["org.unit.view"])
    grant_create(actor=policy.SYSTEM, account=make_account(tree.county, name="另一人"), role=STAFF.code,
                 unit=tree.county)  # the page is never empty, even before the rows are added
    client = login(viewer)
    url = case.url(tree)

    case.grow(tree, viewer, 0, 5)
    client.get(url)  # warm-up: per-process caches (content types, templates) are not per-row costs
    few, few_page = _queries(client, url)
    case.grow(tree, viewer, 5, 20)
    many, many_page = _queries(client, url)

    assert few_page.count(MARK) >= 5
    assert many_page.count(MARK) >= 3 * few_page.count(MARK), "the second request should show many more rows"
    assert many == few, f"{case.name}: {few} queries with 5 rows, {many} with 25"
